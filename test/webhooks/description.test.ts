import fc from 'fast-check';
import { mergeIntake, validateIntake } from '../../src/domain/intake';
import { commentFooter, hasCommentFooter } from '../../src/ticket-systems/comment-ref';
import {
  companyFromSubject,
  findIntakeKey,
  intakeFromFields,
  intakeKeys,
  parseDescription,
} from '../../src/webhooks/description';
import { exampleVendorConfig, validIntake } from '../fixtures/requests';

const vendor = exampleVendorConfig();

describe('a ticket description', () => {
  it('written as a customer would gives an intake that validates', () => {
    const { draft, unknownKeys } = parseDescription(
      [
        '----------------------------------------------',
        '',
        'Jane Doe, Nov 2, 2026, 10:00',
        '',
        'Hello team, please enable PrivateLink for us. Details below:',
        '',
        '* Company: Acme',
        '- **Project ID:** abcdef123456',
        'Environment: Pro Production',
        'cloud: AWS',
        '*Region*: us-east-1',
        'AWS_account: 1234-5678-9012',
        'Services: mysql 3306, sftp 2222',
        'Connection-type: bi-directional',
        'Customer endpoint service: com.amazonaws.vpce.us-east-1.vpce-svc-0123456789abcdef0',
        'Your service ports: https 443',
        'vendor principal access granted: Yes',
        'Private DNS: no',
        'See https://docs.example.com/privatelink for our setup.',
        '',
        'Thanks, Jane',
      ].join('\r\n'),
    );
    expect(draft).toEqual({
      company: 'Acme',
      projectId: 'abcdef123456',
      environment: 'Production',
      cloud: 'AWS',
      region: 'us-east-1',
      customerAccount: '123456789012',
      services: [
        { name: 'mysql', port: 3306 },
        { name: 'sftp', port: 2222 },
      ],
      connectionType: 'bidirectional',
      customerEndpointService: 'com.amazonaws.vpce.us-east-1.vpce-svc-0123456789abcdef0',
      reverseServices: [{ name: 'https', port: 443 }],
      vendorPrincipalAccessGranted: true,
      privateDns: false,
    });
    // Prose, the author line and URLs are not keys.
    expect(unknownKeys).toEqual([]);
    const verdict = validateIntake({ ...draft, ticketId: 'ZD-1', subject: 'PrivateLink support for Acme' }, vendor);
    expect(verdict).toMatchObject({ kind: 'valid', intake: { environment: 'production', cloud: 'aws' } });
  });

  it.each([
    ['Project ID: p1', 'projectId', 'p1'],
    ['project-id: p1', 'projectId', 'p1'],
    ['PROJECT_ID : p1', 'projectId', 'p1'],
    ['  - projectId: p1', 'projectId', 'p1'],
    ['1. Project: p1', 'projectId', 'p1'],
    ['**Project ID**: `p1`', 'projectId', 'p1'],
    ['*Project ID:* {{p1}}', 'projectId', 'p1'],
    ['# Project ID: "p1"', 'projectId', 'p1'],
    [
      'Azure subscription: 3f2504e0-4f89-41d3-9a0c-0305e82c3301',
      'customerAccount',
      '3f2504e0-4f89-41d3-9a0c-0305e82c3301',
    ],
    ['AWS account ID: 123456789012', 'customerAccount', '123456789012'],
    ['Connection: uni-directional', 'connectionType', 'unidirectional'],
    ['Cloud: Microsoft Azure', 'cloud', 'azure'],
    ['Principal granted: no', 'vendorPrincipalAccessGranted', false],
    ['Private DNS: true', 'privateDns', true],
  ])('reads %j as %s', (line, field, value) => {
    expect(parseDescription(line).draft).toEqual({ [field]: value });
  });

  it('reads the Azure keys into the nested azure object', () => {
    const { draft } = parseDescription(
      [
        'Azure cluster ID: cl-7x2k9',
        'Azure subscription IDs: 3f2504e0-4f89-41d3-9a0c-0305e82c3301, 11111111-2222-3333-4444-555555555555',
        'Target resource IDs: /subscriptions/3f2504e0-4f89-41d3-9a0c-0305e82c3301/resourceGroups/rg/providers/Microsoft.Network/privateLinkServices/a',
      ].join('\n'),
    );
    expect(draft).toEqual({
      azure: {
        clusterId: 'cl-7x2k9',
        subscriptionIds: ['3f2504e0-4f89-41d3-9a0c-0305e82c3301', '11111111-2222-3333-4444-555555555555'],
        targetResourceIds: [
          '/subscriptions/3f2504e0-4f89-41d3-9a0c-0305e82c3301/resourceGroups/rg/providers/Microsoft.Network/privateLinkServices/a',
        ],
      },
    });
  });

  it.each([
    [
      'mysql 3306, sftp 2222',
      [
        { name: 'mysql', port: 3306 },
        { name: 'sftp', port: 2222 },
      ],
    ],
    [
      'mysql:3306; http 80 and https 443',
      [
        { name: 'mysql', port: 3306 },
        { name: 'http', port: 80 },
        { name: 'https', port: 443 },
      ],
    ],
    [
      'MySQL (3306/tcp), redis port 6379',
      [
        { name: 'MySQL', port: 3306 },
        { name: 'redis', port: 6379 },
      ],
    ],
    ['3306 mysql', [{ name: 'mysql', port: 3306 }]],
    ['mysql 33o6', [{ name: 'mysql', port: '33o6' }]],
    ['mysql', [{ name: 'mysql' }]],
  ])('reads services %j', (services, expected) => {
    expect(parseDescription(`Services: ${services}`).draft.services).toEqual(expected);
  });

  it('passes a wrong port on as written, so the customer is told exactly which one is wrong', () => {
    const { draft } = parseDescription('Services: mysql 3306, sftp abc');
    expect(draft.services).toEqual([
      { name: 'mysql', port: 3306 },
      { name: 'sftp', port: 'abc' },
    ]);
    const verdict = validateIntake(draft, vendor);
    expect(verdict.kind).toBe('incomplete');
    expect(verdict.problems.map((p) => p.field)).toContain('services[1].port');
  });

  it('takes a list written below its key, in plain or bulleted lines, and stops where the list ends', () => {
    const bulleted = parseDescription(
      ['Services:', '', '- mysql 3306', '', '- sftp: 2222', '', 'Thanks!', 'Region: us-east-1'].join('\n'),
    );
    expect(bulleted.draft).toEqual({
      services: [
        { name: 'mysql', port: 3306 },
        { name: 'sftp', port: 2222 },
      ],
      region: 'us-east-1',
    });
    const plain = parseDescription(['Ports:', 'mysql 3306', 'http 80', '', 'Regards'].join('\n'));
    expect(plain.draft.services).toEqual([
      { name: 'mysql', port: 3306 },
      { name: 'http', port: 80 },
    ]);
  });

  it('reports keys it does not know, once each, and lets later lines win', () => {
    const { draft, unknownKeys } = parseDescription(
      ['Region: us-west-2', 'VPC ID: vpc-123', 'vpc id: vpc-456', 'Region: us-east-1', 'Deadline: Friday'].join('\n'),
    );
    expect(draft).toEqual({ region: 'us-east-1' });
    expect(unknownKeys).toEqual(['VPC ID', 'Deadline']);
  });

  it('keeps a yes/no answer it cannot read as written, so validation names it', () => {
    const { draft } = parseDescription('Private DNS: maybe later');
    expect(draft).toEqual({ privateDns: 'maybe later' });
    expect(validateIntake(draft, vendor).problems).toContainEqual(
      expect.objectContaining({ field: 'privateDns', kind: 'invalid' }),
    );
  });

  it('ignores keys with nothing after them', () => {
    expect(parseDescription('Region:\nCompany:   \n').draft).toEqual({});
  });

  it('never throws, and only ever fills intake fields', () => {
    const fields = new Set(intakeKeys.map((k) => k.field.split('.')[0]));
    const line = fc.oneof(
      fc.string(),
      fc
        .constantFrom(...intakeKeys.flatMap((k) => k.labels))
        .chain((label) =>
          fc.tuple(fc.constantFrom('', '- ', '* ', '**'), fc.string()).map(([pre, v]) => `${pre}${label}: ${v}`),
        ),
    );
    fc.assert(
      fc.property(fc.array(line, { maxLength: 30 }), fc.constantFrom('\n', '\r\n', '\n\n'), (lines, sep) => {
        const { draft, unknownKeys } = parseDescription(lines.join(sep));
        expect(Object.keys(draft).every((k) => fields.has(k))).toBe(true);
        expect(Array.isArray(unknownKeys)).toBe(true);
      }),
    );
    fc.assert(fc.property(fc.string({ unit: 'binary' }), (text) => void parseDescription(text)));
  });

  it('stays fast on hostile input (a customer controls the description)', () => {
    const started = Date.now();
    parseDescription(`Services: ${'a '.repeat(100_000)}`);
    parseDescription(`Services: mysql${' '.repeat(3_000)}x`.repeat(50));
    parseDescription(`${' '.repeat(200_000)}:`);
    parseDescription(`Services:\n${'- mysql 3306\n'.repeat(20_000)}`);
    expect(Date.now() - started).toBeLessThan(2_000);
  });
});

describe('a ticket description for Alibaba Cloud or the reverse path', () => {
  it('written as a customer would gives an Alibaba reverse draft that validates', () => {
    const { draft, unknownKeys } = parseDescription(
      [
        'Hello, our data platform should reach our database over PrivateLink. Details:',
        '',
        '* Company: Acme',
        '- **Project ID:** ali000000001',
        'Environment: Pro Production',
        'Cloud: Alibaba Cloud',
        'Region: eu-central-1',
        'Alibaba Cloud account ID: 1234567890123456',
        'Connection type: reverse',
        'Customer endpoint service: com.aliyuncs.privatelink.eu-central-1.epsrv-bp1customerservice01',
        'Your service ports: postgres 5432',
        'Alibaba zones: eu-central-1a, EU-CENTRAL-1B',
        'Alibaba CLB address type: internal-facing',
        'Alibaba CLB billing: Pay As You Go',
        'Alibaba auto-accept connections: no',
        'Vendor principal access granted: yes',
        '',
        'Thanks, Jane',
      ].join('\r\n'),
    );
    expect(draft).toEqual({
      company: 'Acme',
      projectId: 'ali000000001',
      environment: 'Production',
      cloud: 'alibaba',
      region: 'eu-central-1',
      customerAccount: '1234567890123456',
      connectionType: 'reverse',
      customerEndpointService: 'com.aliyuncs.privatelink.eu-central-1.epsrv-bp1customerservice01',
      reverseServices: [{ name: 'postgres', port: 5432 }],
      alibaba: {
        zones: ['eu-central-1a', 'EU-CENTRAL-1B'],
        clbAddressType: 'intranet',
        clbBilling: 'pay-as-you-go',
        autoAcceptConnections: false,
      },
      vendorPrincipalAccessGranted: true,
    });
    expect(unknownKeys).toEqual([]);
    const verdict = validateIntake({ ...draft, ticketId: 'ZD-7', subject: 'PrivateLink support for Acme' }, vendor);
    expect(verdict).toMatchObject({
      kind: 'valid',
      intake: {
        environment: 'production',
        cloud: 'alibaba',
        connectionType: 'reverse',
        services: [],
        alibaba: {
          zones: ['eu-central-1a', 'eu-central-1b'],
          clbAddressType: 'intranet',
          clbBilling: 'pay-as-you-go',
          autoAcceptConnections: false,
        },
      },
    });
  });

  it('gives an Alibaba unidirectional draft (cloud named "Aliyun", zones listed below their key) that validates', () => {
    const { draft } = parseDescription(
      [
        'Company: Acme',
        'Project: ali000000001',
        'Environment: production',
        'Cloud provider: Aliyun',
        'Region: eu-central-1',
        'Alibaba Cloud account: 1234567890123456',
        'Connection type: Uni-directional',
        'Services: mysql 3306',
        'Alibaba zones:',
        '- eu-central-1a',
        '- eu-central-1b',
        '',
        'Regards',
      ].join('\n'),
    );
    expect(draft).toMatchObject({ cloud: 'alibaba', alibaba: { zones: ['eu-central-1a', 'eu-central-1b'] } });
    const verdict = validateIntake({ ...draft, ticketId: 'ZD-8', subject: 'PrivateLink support for Acme' }, vendor);
    expect(verdict).toMatchObject({
      kind: 'valid',
      intake: {
        cloud: 'alibaba',
        connectionType: 'unidirectional',
        alibaba: { zones: ['eu-central-1a', 'eu-central-1b'] },
      },
    });
  });

  it('gives an AWS reverse draft that validates, and names the vendor ports a reverse ticket should not list', () => {
    const lines = [
      'Company: Acme',
      'Project ID: abcdef123456',
      'Environment: Pro Staging',
      'Cloud: Amazon Web Services',
      'Region: us-east-1',
      'AWS account: 1234-5678-9012',
      'Connection type: Reverse',
      'Endpoint service: com.amazonaws.vpce.us-east-1.vpce-svc-0123456789abcdef0',
      'Customer service ports: postgres 5432, https 443',
    ];
    const ticket = { ticketId: 'ZD-9', subject: 'PrivateLink support for Acme' };
    const { draft } = parseDescription(lines.join('\n'));
    expect(validateIntake({ ...draft, ...ticket }, vendor)).toMatchObject({
      kind: 'valid',
      intake: {
        cloud: 'aws',
        environment: 'staging',
        connectionType: 'reverse',
        services: [],
        reverseServices: [
          { name: 'postgres', port: 5432 },
          { name: 'https', port: 443 },
        ],
      },
    });
    const withPorts = parseDescription([...lines, 'Services: mysql 3306'].join('\n')).draft;
    expect(validateIntake({ ...withPorts, ...ticket }, vendor).problems).toEqual([
      {
        field: 'services',
        kind: 'invalid',
        message:
          "applies to connections from your network to ours only (on a reverse connection we open no port for you; we connect to your service): list your service's ports under reverseServices, or set the connection type to unidirectional or bidirectional",
      },
    ]);
  });

  it.each([
    ['Cloud: Alibaba Cloud', 'cloud', 'alibaba'],
    ['Cloud: ALIBABA CLOUD', 'cloud', 'alibaba'],
    ['Cloud: Aliyun', 'cloud', 'alibaba'],
    ['Provider: aliyun', 'cloud', 'alibaba'],
    ['Cloud: Alibaba Cloud PrivateLink', 'cloud', 'alibaba'],
    ['Connection type: reverse', 'connectionType', 'reverse'],
    ['Alibaba Cloud account ID: 1234567890123456', 'customerAccount', '1234567890123456'],
    ['Account ID: 1234567890123456', 'customerAccount', '1234567890123456'],
  ])('reads %j as %s', (line, field, value) => {
    expect(parseDescription(line).draft).toEqual({ [field]: value });
  });

  it.each<[string, Record<string, unknown>]>([
    ['Alibaba zones: eu-central-1a', { zones: ['eu-central-1a'] }],
    ['Zones: eu-central-1a; eu-central-1b', { zones: ['eu-central-1a', 'eu-central-1b'] }],
    ['Alibaba Cloud zones: cn-hangzhou-h cn-hangzhou-i', { zones: ['cn-hangzhou-h', 'cn-hangzhou-i'] }],
    ['Alibaba CLB address type: intranet', { clbAddressType: 'intranet' }],
    ['CLB address type: Internal', { clbAddressType: 'intranet' }],
    ['CLB type: private', { clbAddressType: 'intranet' }],
    ['CLB address type: internet', { clbAddressType: 'internet' }],
    ['Alibaba CLB billing: pay-as-you-go', { clbBilling: 'pay-as-you-go' }],
    ['CLB billing method: PayAsYouGo', { clbBilling: 'pay-as-you-go' }],
    ['CLB billing: subscription', { clbBilling: 'subscription' }],
    ['Alibaba auto-accept connections: yes', { autoAcceptConnections: true }],
    ['Automatically accept endpoint connections: No', { autoAcceptConnections: false }],
    ['Auto-accept: maybe', { autoAcceptConnections: 'maybe' }],
  ])('reads %j into the nested alibaba object', (line, alibaba) => {
    expect(parseDescription(line).draft).toEqual({ alibaba });
  });

  it('passes a CLB that PrivateLink cannot serve on as written, so validation names it', () => {
    const { draft } = parseDescription(
      ['Alibaba CLB address type: internet', 'Alibaba CLB billing: subscription'].join('\n'),
    );
    // A ticket update merges into the draft's alibaba object field by field.
    const verdict = validateIntake(mergeIntake(validIntake('alibaba', 'reverse'), draft), vendor);
    expect(verdict.problems.map((p) => `${p.field} (${p.kind}): ${p.message}`)).toEqual([
      'alibaba.clbAddressType (invalid): is internet, but PrivateLink serves only an internal-facing (intranet) CLB instance: create one in your VPC for your endpoint service',
      'alibaba.clbBilling (invalid): is subscription, but PrivateLink serves only a pay-as-you-go CLB instance: create one for your endpoint service',
    ]);
  });

  it('reads the Alibaba details from structured fields, nested or by their labels', () => {
    const { draft, unknownKeys } = intakeFromFields(
      Object.entries({
        cloud: 'Aliyun',
        connectionType: 'reverse',
        alibaba: {
          zones: 'eu-central-1a, eu-central-1b',
          clbAddressType: 'Internal',
          clbBilling: 'pay as you go',
          autoAcceptConnections: 'yes',
          colour: 'blue',
        },
      }),
    );
    expect(draft).toEqual({
      cloud: 'alibaba',
      connectionType: 'reverse',
      alibaba: {
        zones: ['eu-central-1a', 'eu-central-1b'],
        clbAddressType: 'intranet',
        clbBilling: 'pay-as-you-go',
        autoAcceptConnections: true,
      },
    });
    expect(unknownKeys).toEqual(['alibaba colour']);
    expect(
      intakeFromFields(Object.entries({ 'Alibaba zones': ['eu-central-1c'], 'CLB billing': 'Pay-as-you-go' })).draft,
    ).toEqual({ alibaba: { zones: ['eu-central-1c'], clbBilling: 'pay-as-you-go' } });
  });
});

describe('the key table', () => {
  it('gives every spelling exactly one field, so the docs and the parser agree', () => {
    for (const key of intakeKeys) {
      for (const label of key.labels) expect(findIntakeKey(label)?.field).toBe(key.field);
      expect(parseDescription(key.example).draft).not.toEqual({});
    }
  });
});

describe('structured fields', () => {
  it('accept intake field names or labels, skip blanks and unrendered placeholders, and report the rest', () => {
    const { draft, unknownKeys } = intakeFromFields(
      Object.entries({
        projectId: 'abcdef123456',
        'connection type': 'Bi-directional',
        services: 'mysql 3306',
        region: '',
        cloud: '{{ticket.ticket_field_123}}',
        privateDns: false,
        azure: { clusterId: 'cl-1' },
        favouriteColour: 'blue',
      }),
    );
    expect(draft).toEqual({
      projectId: 'abcdef123456',
      connectionType: 'bidirectional',
      services: [{ name: 'mysql', port: 3306 }],
      privateDns: false,
      azure: { clusterId: 'cl-1' },
    });
    expect(unknownKeys).toEqual(['favouriteColour']);
  });
});

describe('the subject', () => {
  it('names the company', () => {
    expect(companyFromSubject('  PrivateLink support for  Acme Corp ')).toBe('Acme Corp');
    expect(companyFromSubject('Help with VPC endpoints')).toBeUndefined();
  });
});

describe('the comment footer', () => {
  it('marks our comments so adapters and webhooks recognize them, and nothing else', () => {
    const ours = `Your request is accepted.\n\n${commentFooter('privatelink-ZD-1/3')}`;
    expect(hasCommentFooter(ours, 'privatelink-ZD-1/3')).toBe(true);
    expect(hasCommentFooter(ours, 'privatelink-ZD-1/4')).toBe(false);
    expect(hasCommentFooter(ours)).toBe(true);
    expect(hasCommentFooter('Region: us-east-1')).toBe(false);
  });
});
