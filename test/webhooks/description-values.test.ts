/**
 * The description parser value by value: each spelling of a service, a yes/no, a list, quoting and emphasis, and the
 * lines that are no key. test/webhooks/description.test.ts reads whole tickets; this pins each rule on its own.
 */
import { companyFromSubject, findIntakeKey, intakeFromFields, parseDescription } from '../../src/webhooks/description';

const draftOf = (text: string) => parseDescription(text).draft;
const servicesOf = (text: string) => draftOf(`Services: ${text}`).services;

describe('a service as customers write it', () => {
  it.each([
    ['mysql 3306', { name: 'mysql', port: 3306 }],
    ['mysql:3306', { name: 'mysql', port: 3306 }],
    ['mysql=3306', { name: 'mysql', port: 3306 }],
    ['mysql / 3306', { name: 'mysql', port: 3306 }],
    ['mysql (3306/tcp)', { name: 'mysql', port: 3306 }],
    ['mysql 3306 TCP', { name: 'mysql', port: 3306 }],
    ['mysql 3306/udp', { name: 'mysql', port: 3306 }],
    ['mysql port 3306', { name: 'mysql', port: 3306 }],
    ['My SQL port 3306', { name: 'My SQL', port: 3306 }],
    ['3306 mysql', { name: 'mysql', port: 3306 }],
    ['3306', { name: '', port: 3306 }],
    ['mysql', { name: 'mysql' }],
    ['mysql 33o6', { name: 'mysql', port: '33o6' }],
    ['mysql 1234567890', { name: 'mysql', port: '1234567890' }],
    ['mysql  port 3306', { name: 'mysql', port: 3306 }],
    ['ssh port forward 22', { name: 'ssh port forward', port: 22 }],
    ['tcp-proxy 8080', { name: 'tcp-proxy', port: 8080 }],
    ['mysql8', { name: 'mysql8' }],
    ['3306mysql', { name: '3306mysql' }],
    ['db2 5000o', { name: 'db2', port: '5000o' }],
    ['3scale 8o8o', { name: '3scale', port: '8o8o' }],
    ['3306 mysql8', { name: 'mysql8', port: 3306 }],
    ['3306 4d', { name: '4d', port: 3306 }],
    ['8080 443', { name: '8080', port: 443 }],
  ])('reads %j', (text, expected) => {
    expect(servicesOf(text)).toEqual([expected]);
  });

  it('splits services at commas, semicolons and "and", never inside a name', () => {
    expect(servicesOf('mysql 3306, sftp 2222; http 80 and https 443')).toEqual([
      { name: 'mysql', port: 3306 },
      { name: 'sftp', port: 2222 },
      { name: 'http', port: 80 },
      { name: 'https', port: 443 },
    ]);
    expect(servicesOf('and 3306')).toEqual([{ name: 'and', port: 3306 }]);
    expect(servicesOf('brandy 80,,  ; ')).toEqual([{ name: 'brandy', port: 80 }]);
  });

  it('passes a service of more than 200 characters on whole, for validation to refuse', () => {
    const long = `${'x'.repeat(200)} 80`;
    expect(servicesOf(long)).toEqual([{ name: long }]);
    // 200 characters are still read.
    expect(servicesOf(`${'x'.repeat(197)} 80`)).toEqual([{ name: 'x'.repeat(197), port: 80 }]);
  });

  it('passes structured services through, reading the ones written as text', () => {
    expect(intakeFromFields([['services', ['mysql 3306', { name: 'http', port: 80 }]]]).draft.services).toEqual([
      { name: 'mysql', port: 3306 },
      { name: 'http', port: 80 },
    ]);
  });

  it.each([
    [' mysql 3306 tcp ', { name: 'mysql', port: 3306 }],
    ['mysql  port 3306', { name: 'mysql', port: 3306 }],
    [` ${'x'.repeat(200)} `, { name: 'x'.repeat(200) }],
    // Never a part of it: a service written across lines is passed on whole, for validation to refuse.
    ['my\nsql 3306', { name: 'my\nsql 3306' }],
  ])('reads the structured service %j', (text, expected) => {
    expect(intakeFromFields([['services', [text]]]).draft.services).toEqual([expected]);
  });
});

describe('values as customers write them', () => {
  it.each([
    ['Yes', true],
    ['yes, granted on Monday', true],
    ['TRUE', true],
    ['no.', false],
    ['False', false],
    ['not yet', 'not yet'],
    ['yesterday', 'yesterday'],
    ['maybe yes', 'maybe yes'],
    ['probably no', 'probably no'],
  ])('reads the yes/no %j as %j', (text, value) => {
    expect(draftOf(`Private DNS: ${text}`).privateDns).toBe(value);
  });

  it.each([
    ['{{abcdef123456}}', 'abcdef123456'],
    ['`abcdef123456`', 'abcdef123456'],
    ['"abcdef123456"', 'abcdef123456'],
    ["'abcdef123456'", 'abcdef123456'],
    ['**abcdef123456**', 'abcdef123456'],
    ['  abcdef123456  ', 'abcdef123456'],
    ['"`abcdef123456`"', 'abcdef123456'],
    ['"abc', '"abc'],
    ['"', '"'],
    ['""', undefined],
    ['abcdef123456** ', 'abcdef123456'],
    ['abc__def', 'abc__def'],
  ])('reads %j as %j', (text, value) => {
    expect(draftOf(`Project ID: ${text}`).projectId).toBe(value);
  });

  it.each([
    ['abcdef123456 **', 'abcdef123456'],
    ['abcdef123456** ', 'abcdef123456'],
    ['" abcdef123456 "', 'abcdef123456'],
    ['abc__def', 'abc__def'],
    ['"', '"'],
    ['""', undefined],
  ])('reads the structured value %j as %j, as a description line', (text, value) => {
    expect(intakeFromFields([['Project ID', text]]).draft.projectId).toBe(value);
  });

  it('reads a list split at spaces, commas and semicolons', () => {
    expect(draftOf('Azure subscription IDs: a, b;c  d').azure).toEqual({ subscriptionIds: ['a', 'b', 'c', 'd'] });
    expect(draftOf('Azure subscription IDs: a,, b,').azure).toEqual({ subscriptionIds: ['a', 'b'] });
    expect(intakeFromFields([['Subscription IDs', [' a ', 'b']]]).draft.azure).toEqual({ subscriptionIds: ['a', 'b'] });
  });

  it.each([
    ['Environment: pro  staging', 'environment', 'staging'],
    ['Environment: not pro production', 'environment', 'not pro production'],
    ['Environment: pro production eu', 'environment', 'pro production eu'],
    ['Cloud: Amazon', 'cloud', 'aws'],
    ['Cloud: Amazon Web Services', 'cloud', 'aws'],
    ['Cloud: AWS PrivateLink', 'cloud', 'aws'],
    ['Cloud: not amazon', 'cloud', 'not amazon'],
    ['Cloud: amazon china', 'cloud', 'amazon china'],
    ['Cloud: not Microsoft Azure', 'cloud', 'not Microsoft Azure'],
    ['Cloud: Microsoft Azure Government', 'cloud', 'Microsoft Azure Government'],
    ['AWS account: 01234-5678-9012', 'customerAccount', '01234-5678-9012'],
    ['AWS account: 1234-5678-90123', 'customerAccount', '1234-5678-90123'],
    ['Connection type: Uni directional', 'connectionType', 'unidirectional'],
    ['Connection type: not bi-directional', 'connectionType', 'not bi-directional'],
    ['Connection type: bi-directional later', 'connectionType', 'bi-directional later'],
  ])('cleans up %j only where the whole value is a known spelling', (line, field, value) => {
    expect(draftOf(line)).toEqual({ [field]: value });
  });

  it('normalizes what each key documents, and a number given for text', () => {
    expect(draftOf('AWS account: 1234-5678-9012').customerAccount).toBe('123456789012');
    expect(draftOf('Connection type: Bi-Directional').connectionType).toBe('bidirectional');
    expect(draftOf('Environment: pro production').environment).toBe('production');
    expect(intakeFromFields([['Project ID', 123456]]).draft.projectId).toBe('123456');
    expect(intakeFromFields([['Private DNS', false]]).draft.privateDns).toBe(false);
  });

  it('counts blanks and unrendered placeholders as absent, and reports unknown keys only with a value', () => {
    expect(
      intakeFromFields([
        ['Project ID', '  '],
        ['Region', '{{ticket.custom_field_1}}'],
        ['Cloud', null],
        ['Colour', ''],
        ['Flavour', '{{x}}'],
        ['Mood', 'happy'],
        ['mood', 'sad'],
        ['Taste', undefined],
        ['Feel', null],
        ['Smell', '   '],
        ['Sound', ' {{x}} '],
        ['Note', 'see {{ticket.id}}'],
        ['Remark', '{{x}} later'],
      ]),
    ).toEqual({ draft: {}, unknownKeys: ['Mood', 'Note', 'Remark'] });
    expect(intakeFromFields([['Region', 'us {{x}}']]).draft).toEqual({ region: 'us {{x}}' });
  });

  it('passes any other structured value through as given, for validation to report', () => {
    expect(
      intakeFromFields([
        ['Ports', 3306],
        ['Private DNS', 1],
        ['Subscription IDs', [' a ', 5]],
        ['Target resource IDs', 7],
        ['Project ID', [' a ']],
        ['Company', { name: 'Acme' }],
        ['azure', 'x'],
      ]),
    ).toEqual({
      draft: {
        services: 3306,
        privateDns: 1,
        projectId: [' a '],
        company: { name: 'Acme' },
        azure: { subscriptionIds: ['a', 5], targetResourceIds: 7 },
      },
      unknownKeys: ['azure'],
    });
  });
});

describe('which lines are keys', () => {
  it('takes bullets, numbering and emphasis around a key', () => {
    expect(draftOf('- **Project ID:** abc\n1. Region: us-east-1\n* _Cloud_: aws\n2) Company: Acme')).toEqual({
      projectId: 'abc',
      region: 'us-east-1',
      cloud: 'aws',
      company: 'Acme',
    });
  });

  it('finds a key however it is spelt', () => {
    for (const label of ['Project ID', 'project_id', 'Project-ID', 'projectId', 'PROJECT.ID', 'Project'])
      expect(findIntakeKey(label)?.field).toBe('projectId');
    expect(findIntakeKey('clusterId')?.field).toBe('azure.clusterId');
    expect(findIntakeKey('azure.clusterId')?.field).toBe('azure.clusterId');
    expect(findIntakeKey('azure clusterId')?.field).toBe('azure.clusterId');
    expect(findIntakeKey('Projects')).toBeUndefined();
    expect(findIntakeKey('CloudProvider')?.field).toBe('cloud');
    expect(findIntakeKey('Pro ject ID')?.field).toBe('projectId');
    // Case is folded letter by letter: the dotless ı is another letter, though it upper-cases to I.
    expect(findIntakeKey('Regıon')).toBeUndefined();
  });

  it('takes no URL, sentence or overlong line for a key', () => {
    const parsed = parseDescription(
      [
        'Docs: https://example.com/x',
        'see https://example.com',
        'We would like you to please set: this up',
        `Company: ${'x'.repeat(4000)}`,
        'Region: us-east-1',
      ].join('\n'),
    );
    // `Docs` is a key (its value may be a URL); `see https` is none.
    expect(parsed.draft).toEqual({ region: 'us-east-1' });
    expect(parsed.unknownKeys).toEqual(['Docs']);
    // A line of exactly 4,000 characters is still read.
    const line = `Company: ${'x'.repeat(4000 - 'Company: '.length)}`;
    expect(draftOf(line).company).toHaveLength(4000 - 'Company: '.length);
  });

  it('takes a key of up to six words, and reports one it does not know once, as first written', () => {
    expect(parseDescription('Our preferred maintenance window is this: Sunday').unknownKeys).toEqual([
      'Our preferred maintenance window is this',
    ]);
    expect(parseDescription('Colour: red\ncolour: blue\nCOLOUR: green').unknownKeys).toEqual(['Colour']);
    expect(parseDescription('Our  preferred  maintenance  window: Sunday').unknownKeys).toEqual([
      'Our  preferred  maintenance  window',
    ]);
    expect(parseDescription('**Colour **: red').unknownKeys).toEqual(['Colour']);
  });

  it('reads nothing from no text', () => {
    expect(parseDescription(undefined)).toEqual({ draft: {}, unknownKeys: [] });
  });

  it('reads lines ended by CRLF, CR or LF', () => {
    expect(draftOf('Region: us-east-1\r\nCloud: aws\rCompany: Acme\nProject ID: abc')).toEqual({
      region: 'us-east-1',
      cloud: 'aws',
      company: 'Acme',
      projectId: 'abc',
    });
  });
});

describe('a list written below its key', () => {
  it('ends a bulleted list at the first line that is no bullet, blank lines between bullets allowed', () => {
    expect(servicesOf('\n\n- mysql 3306\n\n- http 80\nsomething else\n- sftp 22')).toEqual([
      { name: 'mysql', port: 3306 },
      { name: 'http', port: 80 },
    ]);
  });

  it('ends a plain list at a blank line, and any list at the next key', () => {
    expect(servicesOf('\nmysql 3306\nhttp 80\n\nsftp 22')).toEqual([
      { name: 'mysql', port: 3306 },
      { name: 'http', port: 80 },
    ]);
    expect(draftOf('Services:\n- mysql 3306\nRegion: us-east-1')).toEqual({
      services: [{ name: 'mysql', port: 3306 }],
      region: 'us-east-1',
    });
  });

  it('leaves a list key with nothing below it out', () => {
    expect(draftOf('Services:\n\nRegion: us-east-1')).toEqual({ region: 'us-east-1' });
    expect(draftOf('Services:\n- ""\n- ""')).toEqual({});
  });

  it.each([
    ['a list of IDs', 'Azure subscription IDs:\n- a\n- b', { azure: { subscriptionIds: ['a', 'b'] } }],
    ['no text key', 'Region:\nus-east-1', {}],
    [
      'bullets with a line of spaces between',
      'Services:\n- mysql 3306\n   \n- http 80',
      {
        services: [
          { name: 'mysql', port: 3306 },
          { name: 'http', port: 80 },
        ],
      },
    ],
    [
      'a plain list, bulleted lines too',
      'Services:\nmysql 3306\n- http 80\nsftp 22',
      {
        services: [
          { name: 'mysql', port: 3306 },
          { name: 'http', port: 80 },
          { name: 'sftp', port: 22 },
        ],
      },
    ],
    [
      'up to a line too long to read, as up to a blank one',
      `Services:\nmysql 3306\n${'x'.repeat(4001)}\nhttp 80`,
      { services: [{ name: 'mysql', port: 3306 }] },
    ],
  ])('takes %s below its key', (_what, text, draft) => {
    expect(draftOf(text)).toEqual(draft);
  });
});

describe("the company in a ticket's subject", () => {
  it('is what follows "PrivateLink support for"', () => {
    expect(companyFromSubject('  PrivateLink  support for   Acme Corp ')).toBe('Acme Corp');
    expect(companyFromSubject('privatelink support for Acme')).toBe('Acme');
    expect(companyFromSubject('PrivateLink support for ')).toBeUndefined();
    expect(companyFromSubject('Re: PrivateLink support for Acme')).toBeUndefined();
    expect(companyFromSubject('PrivateLink support  for Acme')).toBe('Acme');
    // A subject is one line.
    expect(companyFromSubject('PrivateLink support for Acme\nand more')).toBeUndefined();
    // At most 1,000 characters of subject are read.
    expect(companyFromSubject(`PrivateLink support for ${'x'.repeat(976)}`)).toHaveLength(976);
    expect(companyFromSubject(`PrivateLink support for ${'x'.repeat(977)}`)).toBeUndefined();
    expect(companyFromSubject(5)).toBeUndefined();
  });
});
