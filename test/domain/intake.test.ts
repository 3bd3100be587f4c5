import {
  type Intake,
  intakeChanges,
  type IntakeDraft,
  mergeIntake,
  parseIntake,
  updateDraft,
  validateIntake,
} from '../../src/domain/intake';
import { validateServices } from '../../src/domain/intake-rules';
import { intakeSchemaOf } from '../../src/domain/intake-shape';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { ProblemKind } from '../../src/domain/problems';
import { defaultRefusedPorts, parseVendorConfig, type VendorConfig } from '../../src/domain/vendor-config';
import { repoRoot } from '../helpers/processes';
import { exampleVendorConfig, samples, validIntake, without } from '../fixtures/requests';

const vendor = exampleVendorConfig();
const aws = (over: IntakeDraft = {}, type: 'unidirectional' | 'bidirectional' = 'unidirectional') => ({
  ...validIntake('aws', type),
  ...over,
});
const azure = (over: IntakeDraft = {}, type: 'unidirectional' | 'bidirectional' = 'unidirectional') => ({
  ...validIntake('azure', type),
  ...over,
});

describe('a valid intake', () => {
  it.each([
    ['aws', 'unidirectional'],
    ['aws', 'bidirectional'],
    ['azure', 'unidirectional'],
    ['azure', 'bidirectional'],
  ] as const)('%s %s is accepted and normalized', (cloud, type) => {
    const result = validateIntake(validIntake(cloud, type), vendor);
    expect(result).toMatchObject({ kind: 'valid', problems: [] });
    if (result.kind !== 'valid') return;
    expect(parseIntake(result.intake)).toEqual(result.intake);
    expect(result.intake).toMatchObject({
      cloud,
      connectionType: type,
      privateDns: false,
      vendorPrincipalAccessGranted: false,
    });
  });

  it('accepts services written as on a ticket ("mysql 3306"), staging, and case/space variations', () => {
    const result = validateIntake(
      aws({
        services: ['mysql 3306', 'http:80'],
        environment: 'Staging',
        subject: '  privatelink SUPPORT for   Acme ',
        submittedAt: '2026-11-02T10:00:00-05:00',
      }),
      vendor,
    );
    expect(result.kind).toBe('valid');
    if (result.kind !== 'valid') return;
    expect(result.intake.services).toEqual([
      { name: 'mysql', port: 3306 },
      { name: 'http', port: 80 },
    ]);
    expect(result.intake.environment).toBe('staging');
    expect(result.intake.submittedAt).toBe('2026-11-02T15:00:00.000Z');
  });

  it('takes the highest and lowest ports', () => {
    const result = validateIntake(aws({ services: ['top 65535', 'bottom 1'] }), vendor);
    expect(result.kind === 'valid' && result.intake.services).toEqual([
      { name: 'top', port: 65535 },
      { name: 'bottom', port: 1 },
    ]);
  });

  it('takes any subject that names PrivateLink: the customer may not be able to edit it', () => {
    for (const subject of ['Re: Private Link request - ACME Corp', 'private-link for acme', 'PRIVATELINK']) {
      expect({ subject, kind: validateIntake(aws({ subject }), vendor).kind }).toEqual({ subject, kind: 'valid' });
    }
  });

  it('allowlists every Azure subscription given, the customer account first, and connects every target service', () => {
    const other = '11111111-2222-3333-4444-555555555555';
    const second = samples.AZURE_SERVICE.replace('acme-db', 'acme-queue');
    const draft = azure({}, 'bidirectional');
    const result = validateIntake(
      { ...draft, azure: { clusterId: 'cl-1', subscriptionIds: [other], targetResourceIds: [second] } },
      vendor,
    );
    expect(result.kind).toBe('valid');
    if (result.kind !== 'valid') return;
    expect(result.intake.azure).toEqual({
      clusterId: 'cl-1',
      subscriptionIds: [samples.AZURE_SUBSCRIPTION, other],
      targetResourceIds: [samples.AZURE_SERVICE, second],
    });
  });

  it('says how to find a missing project id with the vendor CLI the configuration names', () => {
    const result = validateIntake(without(aws(), 'projectId'), vendor);
    expect(result.problems).toEqual([
      expect.objectContaining({
        field: 'projectId',
        kind: 'missing',
        message: expect.stringContaining('the Magento Cloud CLI command `magento-cloud project:info` shows it'),
      }),
    ]);
  });

  it('defaults Azure subscription ids to the customer account and target resources to the endpoint service', () => {
    const draft = azure({}, 'bidirectional');
    const result = validateIntake({ ...draft, azure: { clusterId: 'cl-1' } }, vendor);
    expect(result.kind).toBe('valid');
    if (result.kind !== 'valid') return;
    expect(result.intake.azure).toEqual({
      clusterId: 'cl-1',
      subscriptionIds: [samples.AZURE_SUBSCRIPTION],
      targetResourceIds: [samples.AZURE_SERVICE],
    });
  });
});

/** [case, draft, expected verdict, expected problems as [field, kind, message fragment]] */
type Case = [string, IntakeDraft, 'incomplete' | 'ineligible', [string, ProblemKind, string][]];

const cases: Case[] = [
  // Missing data: the request waits for information.
  [
    'nothing but a ticket id',
    { ticketId: 'T-1' },
    'incomplete',
    [
      ['company', 'missing', "the customer's company name"],
      ['subject', 'missing', 'PrivateLink support for <company>'],
      ['projectId', 'missing', 'the ID of the project'],
      ['environment', 'missing', 'production or staging'],
      ['cloud', 'missing', 'aws, azure or alibaba'],
      ['region', 'missing', 'the cloud region'],
      ['customerAccount', 'missing', 'an AWS account id, an Azure subscription id or an Alibaba Cloud account id'],
      ['services', 'missing', 'e.g. mysql 3306'],
      ['connectionType', 'missing', 'unidirectional, bidirectional or reverse'],
    ],
  ],
  [
    'AWS account missing',
    without(aws(), 'customerAccount'),
    'incomplete',
    [['customerAccount', 'missing', 'your 12-digit AWS account id']],
  ],
  ['empty service list', aws({ services: [] }), 'incomplete', [['services', 'missing', 'list each service and port']]],
  [
    'bidirectional AWS without endpoint service',
    aws({ connectionType: 'bidirectional', reverseServices: ['https 443'] }),
    'incomplete',
    [['customerEndpointService', 'missing', 'com.amazonaws.vpce.us-east-1.vpce-svc-']],
  ],
  [
    'bidirectional Azure without endpoint service',
    azure({ connectionType: 'bidirectional', reverseServices: ['https 443'] }),
    'incomplete',
    [['customerEndpointService', 'missing', 'Microsoft.Network/privateLinkServices']],
  ],
  [
    "bidirectional without the customer's service ports",
    without(aws({}, 'bidirectional'), 'reverseServices'),
    'incomplete',
    [['reverseServices', 'missing', 'list each port of your own service that we connect to']],
  ],
  [
    "HTTPS and SSH on the customer's own service are not the vendor's to refuse (Azure)",
    azure({ reverseServices: ['https 443', 'sftp 22'], services: ['https 443'] }, 'bidirectional'),
    'incomplete',
    [['services[0].port', 'invalid', 'HTTPS (port 443) is not available over Azure Private Link']],
  ],
  [
    "the customer's service ports checked by their own rules",
    aws({ reverseServices: ['db 5432', 'replica 5432', 'web 70000'] }, 'bidirectional'),
    'incomplete',
    [
      ['reverseServices[1].port', 'invalid', 'port 5432 is already listed in reverseServices[0]'],
      ['reverseServices[2].port', 'invalid', 'from 1 to 65535'],
    ],
  ],
  [
    "the customer's service ports on a unidirectional request",
    aws({ reverseServices: ['https 443'] }),
    'incomplete',
    [['reverseServices', 'invalid', 'applies to bidirectional and reverse requests only']],
  ],
  [
    'Azure target services on a unidirectional request',
    azure({ azure: { clusterId: 'c', targetResourceIds: [samples.AZURE_SERVICE] } }),
    'incomplete',
    [['azure.targetResourceIds', 'invalid', 'applies to bidirectional and reverse requests only']],
  ],
  [
    'Azure without cluster id',
    azure({ azure: { subscriptionIds: [samples.AZURE_SUBSCRIPTION] } }),
    'incomplete',
    [['azure.clusterId', 'missing', 'cat /etc/platform_cluster']],
  ],
  [
    'Azure without azure block',
    without(azure(), 'azure'),
    'incomplete',
    [['azure.clusterId', 'missing', 'cluster id']],
  ],

  // Invalid data: the request waits for information, with the rule spelled out.
  [
    'AWS account of 11 digits',
    aws({ customerAccount: '12345678901' }),
    'incomplete',
    [['customerAccount', 'invalid', '12-digit AWS account id']],
  ],
  [
    'AWS account with letters',
    aws({ customerAccount: '12345678901a' }),
    'incomplete',
    [['customerAccount', 'invalid', '12-digit']],
  ],
  [
    'Azure subscription not a GUID',
    azure({ customerAccount: '123456789012' }),
    'incomplete',
    [['customerAccount', 'invalid', 'Azure subscription id (a GUID']],
  ],
  [
    'unknown cloud',
    aws({ cloud: 'gcp' }),
    'incomplete',
    [['cloud', 'invalid', 'must be aws, azure or alibaba (got "gcp")']],
  ],
  [
    'malformed AWS region',
    aws({ region: 'us-east' }),
    'incomplete',
    [['region', 'invalid', '"us-east" is not an AWS region code']],
  ],
  [
    'malformed Azure region',
    azure({ region: 'East US' }),
    'incomplete',
    [['region', 'invalid', 'not an Azure region code such as eastus']],
  ],
  [
    'port 0',
    aws({ services: [{ name: 'x', port: 0 }] }),
    'incomplete',
    [['services[0].port', 'invalid', 'whole number from 1 to 65535']],
  ],
  [
    'port 65536',
    aws({ services: [{ name: 'x', port: 65536 }] }),
    'incomplete',
    [['services[0].port', 'invalid', '1 to 65535']],
  ],
  [
    'fractional port',
    aws({ services: [{ name: 'x', port: 80.5 }] }),
    'incomplete',
    [['services[0].port', 'invalid', '1 to 65535']],
  ],
  ['port as words', aws({ services: ['mysql port'] }), 'incomplete', [['services[0].port', 'invalid', '1 to 65535']]],
  [
    'service without a name',
    aws({ services: [{ port: 3306 }] }),
    'incomplete',
    [['services[0].name', 'missing', 'name the service']],
  ],
  [
    'duplicate port',
    aws({ services: ['mysql 3306', 'db 3306'] }),
    'incomplete',
    [['services[1].port', 'invalid', 'port 3306 is already listed in services[0]']],
  ],
  [
    'SSH by port',
    aws({ services: ['shell 22'] }),
    'incomplete',
    [['services[0].port', 'invalid', 'SSH (port 22) cannot be opened over PrivateLink']],
  ],
  ['SSH by name', aws({ services: ['ssh 2200'] }), 'incomplete', [['services[0].port', 'invalid', 'SSH (port 22)']]],
  [
    'SSH by name, written in capitals',
    aws({ services: ['SSH 2200'] }),
    'incomplete',
    [['services[0].port', 'invalid', 'SSH (port 22)']],
  ],
  [
    'port above 65535',
    aws({ services: ['web 65536'] }),
    'incomplete',
    [['services[0].port', 'invalid', 'from 1 to 65535 (got "65536")']],
  ],
  [
    'HTTPS on Azure',
    azure({ services: ['https 443'] }),
    'incomplete',
    [['services[0].port', 'invalid', 'HTTPS (port 443) is not available over Azure Private Link']],
  ],
  [
    'unknown connection type',
    aws({ connectionType: 'both' }),
    'incomplete',
    [['connectionType', 'invalid', 'unidirectional, bidirectional or reverse']],
  ],
  [
    'AWS endpoint service in another region',
    aws({ customerEndpointService: 'com.amazonaws.vpce.eu-west-1.vpce-svc-0123456789abcdef0' }, 'bidirectional'),
    'incomplete',
    [
      [
        'customerEndpointService',
        'invalid',
        'must be an endpoint service in us-east-1, the region of this request (this one is in eu-west-1)',
      ],
    ],
  ],
  [
    'AWS endpoint service malformed',
    aws({ customerEndpointService: 'vpce-svc-123' }, 'bidirectional'),
    'incomplete',
    [['customerEndpointService', 'invalid', 'service name of your endpoint service']],
  ],
  [
    'Azure endpoint service as an AWS name',
    azure({ customerEndpointService: 'com.amazonaws.vpce.us-east-1.vpce-svc-0123456789abcdef0' }, 'bidirectional'),
    'incomplete',
    [['customerEndpointService', 'invalid', 'resource id of your Private Link service']],
  ],
  [
    'Azure subscription list with a bad id',
    azure({ azure: { clusterId: 'c', subscriptionIds: ['nope'] } }),
    'incomplete',
    [['azure.subscriptionIds[0]', 'invalid', 'Azure subscription id']],
  ],
  [
    'Azure target resource malformed',
    azure({ azure: { clusterId: 'c', targetResourceIds: ['/subscriptions/x'] } }, 'bidirectional'),
    'incomplete',
    [['azure.targetResourceIds[0]', 'invalid', 'Private Link service resource id']],
  ],
  [
    'azure block on an AWS request',
    aws({ azure: { clusterId: 'c' } }),
    'incomplete',
    [['azure', 'invalid', 'applies to Azure requests only']],
  ],
  [
    'wrong subject',
    aws({ subject: 'Help with networking' }),
    'incomplete',
    [['subject', 'invalid', 'must name PrivateLink, e.g. "PrivateLink support for Acme" (got "Help with networking")']],
  ],
  [
    'unknown project',
    aws({ projectId: 'zzz' }),
    'incomplete',
    [['projectId', 'invalid', '"zzz" is not a project hosted by Example Commerce Cloud']],
  ],
  [
    'project without that environment',
    aws({ projectId: 'eu0000000001', region: 'eu-west-1', environment: 'staging' }),
    'incomplete',
    [['environment', 'invalid', 'project eu0000000001 has no staging environment (it has: production)']],
  ],
  [
    'bad timestamp',
    aws({ submittedAt: 'yesterday' }),
    'incomplete',
    [['submittedAt', 'invalid', 'ISO 8601 date-time']],
  ],
  [
    'typo in a field name',
    aws({ customerAcount: '123456789012' }),
    'incomplete',
    [['customerAcount', 'invalid', 'did you mean customerAccount?']],
  ],
  [
    'bad ticket id',
    aws({ ticketId: 'T 1/2' }),
    'incomplete',
    [['ticketId', 'invalid', "letters, digits, '.', '_' or '-'"]],
  ],
  [
    'privateDns not a boolean',
    aws({ privateDns: 'maybe' }),
    'incomplete',
    [['privateDns', 'invalid', 'true or false']],
  ],
  // Fixable: the customer can correct these, so the request waits rather than closing.
  [
    'region differs from the project',
    aws({ region: 'us-west-2' }),
    'incomplete',
    [
      [
        'region',
        'invalid',
        'project abcdef123456 is in us-east-1, not us-west-2: PrivateLink connects accounts in the same region, so give an account in us-east-1',
      ],
    ],
  ],
  [
    'cloud differs from the project',
    azure({ projectId: 'abcdef123456' }),
    'incomplete',
    [
      [
        'cloud',
        'invalid',
        'project abcdef123456 runs on AWS, not Azure: PrivateLink connects accounts in the same cloud, so give an account on AWS',
      ],
    ],
  ],
  [
    'Private DNS requested (AWS)',
    aws({ privateDns: true }),
    'incomplete',
    [
      [
        'privateDns',
        'invalid',
        'Private DNS is not available with PrivateLink: remove it (or set it to no) to continue',
      ],
    ],
  ],
  [
    'Private DNS requested (Azure bidirectional)',
    azure({ privateDns: 'yes' }, 'bidirectional'),
    'incomplete',
    [['privateDns', 'invalid', 'Private DNS is not available with PrivateLink: remove it']],
  ],

  // Ineligible: rejected with the reason.
  [
    'integration environment',
    aws({ environment: 'integration' }),
    'ineligible',
    [['environment', 'ineligible', 'Pro Production and Staging environments only, not on integration']],
  ],
  [
    'local environment',
    aws({ environment: 'local' }),
    'ineligible',
    [['environment', 'ineligible', 'not on local environments']],
  ],
  [
    'Starter project',
    aws({ projectId: 'st0000000001' }),
    'ineligible',
    [['projectId', 'ineligible', 'Starter plan: PrivateLink is available on Pro projects only']],
  ],
];

describe('an intake with problems', () => {
  it.each(cases)('%s', (_name, draft, verdict, expected) => {
    const result = validateIntake(draft, vendor);
    expect(result.kind).toBe(verdict);
    const got = result.problems.map((p) => [p.field, p.kind, p.message]);
    expect(got).toHaveLength(expected.length);
    for (const [field, kind, fragment] of expected) {
      expect(got).toContainEqual([field, kind, expect.stringContaining(fragment)]);
    }
  });

  it('reports every problem at once, and ineligibility wins over missing data', () => {
    const result = validateIntake(
      aws({ environment: 'local', customerAccount: 'x', services: ['ssh 22'], privateDns: true, company: '' }),
      vendor,
    );
    expect(result.kind).toBe('ineligible');
    expect(result.problems.map((p) => `${p.field}/${p.kind}`).sort()).toEqual([
      'company/missing',
      'customerAccount/invalid',
      'environment/ineligible',
      'privateDns/invalid',
      'services[0].port/invalid',
    ]);
  });

  it('quotes a port back as the ticket wrote it, so the customer sees their typo', () => {
    const result = validateIntake(aws({ services: ['mysql 33o6', { name: 'http', port: 'eighty' }] }), vendor);
    expect(result.problems.map((p) => `${p.field}: ${p.message}`)).toEqual([
      'services[0].port: must be a whole number from 1 to 65535 (got "33o6")',
      'services[1].port: must be a whole number from 1 to 65535 (got "eighty")',
    ]);
  });

  it('refuses the ports the vendor configuration refuses per cloud: by default SSH everywhere and HTTPS on Azure only', () => {
    expect(validateIntake(aws({ services: ['https 443'] }), vendor).kind).toBe('valid');
    const strict = parseVendorConfig({
      ...JSON.parse(readFileSync(join(repoRoot, 'config/vendor.example.json'), 'utf8')),
      refusedPorts: { aws: [{ port: 443, name: 'https', reason: 'HTTPS (port 443) is not offered over PrivateLink' }] },
    });
    if (!strict.ok) throw new Error(JSON.stringify(strict.problems));
    expect(validateIntake(aws({ services: ['web 443', 'ssh 2200'] }), strict.config).problems).toEqual([
      { field: 'services[0].port', kind: 'invalid', message: 'HTTPS (port 443) is not offered over PrivateLink' },
    ]);
    // Azure keeps its default when only AWS is configured.
    expect(validateIntake(azure({ services: ['ssh 22'] }), strict.config).problems[0]?.message).toContain(
      'SSH (port 22)',
    );
    const bad = parseVendorConfig({
      ...JSON.parse(readFileSync(join(repoRoot, 'config/vendor.example.json'), 'utf8')),
      refusedPorts: { aws: [{ port: 70000 }] },
    });
    expect(bad.ok).toBe(false);
  });

  it('refuses something that is not an object', () => {
    expect(validateIntake('mysql 3306', vendor)).toEqual({
      kind: 'incomplete',
      problems: [{ field: '(intake)', kind: 'invalid', message: 'must be an object with the intake fields' }],
    });
  });
});

describe('merging a ticket update into a draft', () => {
  it('replaces fields, merges the azure block, and removes fields set to null', () => {
    const draft = {
      company: 'Acme',
      region: 'eastus',
      azure: { clusterId: 'c1', subscriptionIds: ['a'] },
      privateDns: true,
    };
    expect(mergeIntake(draft, { region: 'westus', azure: { clusterId: 'c2' }, privateDns: null })).toEqual({
      company: 'Acme',
      region: 'westus',
      azure: { clusterId: 'c2', subscriptionIds: ['a'] },
    });
    expect(draft.region).toBe('eastus');
  });

  it('turns an incomplete draft into a valid one', () => {
    const draft = without(aws(), 'customerAccount', 'services');
    expect(validateIntake(draft, vendor).kind).toBe('incomplete');
    const fixed = mergeIntake(draft, { customerAccount: '123456789012', services: ['mysql 3306'] });
    expect(validateIntake(fixed, vendor).kind).toBe('valid');
  });
});

describe('services and Azure details at their edges, in exact words', () => {
  const problemsOf = (draft: IntakeDraft) =>
    validateIntake(draft, vendor).problems.map((p) => `${p.field} (${p.kind}): ${p.message}`);
  const many = (n: number, make: (i: number) => unknown) => Array.from({ length: n }, (_, i) => make(i));

  it('a service list that is not a list, too long, or has entries that are no service', () => {
    expect(problemsOf(aws({ services: 'mysql' as unknown as string[] }))).toEqual([
      'services (invalid): must be a list of services with ports, e.g. [{ "name": "mysql", "port": 3306 }]',
    ]);
    expect(problemsOf(aws({ services: many(21, (i) => `svc${i} ${3000 + i}`) }))).toEqual([
      'services (invalid): lists 21 services; a request may open at most 20 (open a second request for more)',
    ]);
    expect(problemsOf(aws({ services: many(20, (i) => `svc${i} ${3000 + i}`) }))).toEqual([]);
    expect(problemsOf(aws({ services: [42 as unknown as string, 'mysql 3306'] }))).toEqual([
      'services[0] (invalid): must be a service name and port, e.g. { "name": "mysql", "port": 3306 } or "mysql 3306"',
    ]);
  });

  it("a service's name: missing, or longer than 64 bytes", () => {
    expect(problemsOf(aws({ services: [{ name: '', port: 3306 }] as unknown as string[] }))).toEqual([
      'services[0].name (missing): is missing: name the service, e.g. mysql',
    ]);
    expect(problemsOf(aws({ services: [{ name: 'n'.repeat(65), port: 3306 }] as unknown as string[] }))).toEqual([
      'services[0].name (invalid): may be at most 64 bytes, e.g. mysql',
    ]);
    expect(problemsOf(aws({ services: [{ name: 'n'.repeat(64), port: 3306 }] as unknown as string[] }))).toEqual([]);
  });

  it("the customer's own service ports are asked for in their own words", () => {
    expect(problemsOf(without(aws({}, 'bidirectional'), 'reverseServices'))).toEqual([
      'reverseServices (missing): is missing: list each port of your own service that we connect to, e.g. https 443, postgres 5432',
    ]);
    expect(problemsOf(without(aws(), 'services'))).toEqual([
      'services (missing): is missing: list each service and port to open in our environment, e.g. mysql 3306, sftp 2222, http 80',
    ]);
  });

  it('Azure details that are not an object, a cluster id that is not text or too long, lists that are not lists, too long, or hold something else', () => {
    const base = validIntake('azure', 'unidirectional');
    expect(problemsOf({ ...base, azure: 'cluster-1' })).toEqual(
      expect.arrayContaining([
        'azure (invalid): must be an object: { "clusterId": …, "subscriptionIds": […] }',
        'azure.clusterId (missing): is missing: the cluster id (on the cluster, run `cat /etc/platform_cluster`)',
      ]),
    );
    const withAzure = (azure: Record<string, unknown>, type: 'unidirectional' | 'bidirectional' = 'unidirectional') => {
      const draft = validIntake('azure', type);
      return problemsOf({ ...draft, azure: { ...(draft.azure as Record<string, unknown>), ...azure } });
    };
    expect(withAzure({ clusterId: 7 })).toEqual(['azure.clusterId (invalid): must be text: the cluster id']);
    expect(withAzure({ clusterId: 'c'.repeat(101) })).toEqual([
      'azure.clusterId (invalid): may be at most 100 bytes: the cluster id',
    ]);
    expect(withAzure({ clusterId: ` ${'c'.repeat(100)} ` })).toEqual([]);
    expect(withAzure({ subscriptionIds: 'all' })).toEqual([
      'azure.subscriptionIds (invalid): must be a list of Azure subscription ids (GUIDs) for the Private Endpoint connections',
    ]);
    expect(withAzure({ subscriptionIds: many(21, () => base.customerAccount) })).toEqual([
      'azure.subscriptionIds (invalid): lists 21 items; at most 20',
    ]);
    expect(withAzure({ targetResourceIds: ['svc-1'] }, 'bidirectional')).toEqual([
      'azure.targetResourceIds[0] (invalid): must be a Private Link service resource id (/subscriptions/{subscriptionId}/resourceGroups/{resourceGroupName}/providers/Microsoft.Network/privateLinkServices/{serviceName})',
    ]);
    expect(withAzure({ subscriptionIds: [base.customerAccount, 'not-a-subscription'] })).toEqual([
      'azure.subscriptionIds[1] (invalid): must be an Azure subscription id (a GUID)',
    ]);
  });
});

describe('each rule in exact words, and the values it accepts', () => {
  const problemsOf = (draft: unknown, config: VendorConfig = vendor) =>
    validateIntake(draft, config).problems.map((p) => `${p.field} (${p.kind}): ${p.message}`);
  const accepted = (draft: IntakeDraft): Intake => {
    const result = validateIntake(draft, vendor);
    if (result.kind !== 'valid') throw new Error(`not valid: ${JSON.stringify(result.problems)}`);
    return result.intake;
  };
  const known =
    'ticketId, subject, company, submittedAt, projectId, environment, cloud, region, customerAccount, services, reverseServices, connectionType, customerEndpointService, vendorPrincipalAccessGranted, privateDns, azure, alibaba';
  const awsService = (region: string) => `com.amazonaws.vpce.${region}.vpce-svc-0123456789abcdef0`;
  const awsShape = (region: string) => `the service name of your endpoint service, e.g. ${awsService(region)}`;
  /** A Private Link service resource id of exactly `bytes` bytes. */
  const azureServiceOf = (bytes: number) => {
    const prefix = `/subscriptions/${samples.AZURE_SUBSCRIPTION}/resourceGroups/acme-rg/providers/Microsoft.Network/privateLinkServices/`;
    return prefix + 'a'.repeat(bytes - prefix.length);
  };
  const azureShape =
    '/subscriptions/{subscriptionId}/resourceGroups/{resourceGroupName}/providers/Microsoft.Network/privateLinkServices/{serviceName}';
  const notAService = 'must be a service name and port, e.g. { "name": "mysql", "port": 3306 } or "mysql 3306"';

  it.each<[string, unknown, string[]]>([
    ['a company of blanks', aws({ company: '   ' }), ["company (missing): is missing: the customer's company name"]],
    ['a company of null', aws({ company: null }), ["company (missing): is missing: the customer's company name"]],
    [
      'a company that is not text',
      aws({ company: 42 }),
      ["company (invalid): must be text (the customer's company name)"],
    ],
    [
      'a company of 201 bytes',
      aws({ company: 'A'.repeat(201) }),
      ['company (invalid): is 201 bytes long; it may be at most 200 bytes'],
    ],
    ['no ticket id', without(aws(), 'ticketId'), ['ticketId (missing): is missing: the ticket id']],
    [
      'a ticket id of 65 bytes',
      aws({ ticketId: 'T'.repeat(65) }),
      ['ticketId (invalid): is 65 bytes long; it may be at most 64 bytes'],
    ],
    [
      'a subject without PrivateLink, and no company',
      without(aws({ subject: 'Help' }), 'company'),
      [
        "company (missing): is missing: the customer's company name",
        'subject (invalid): must name PrivateLink, e.g. "PrivateLink support for <company>" (got "Help")',
      ],
    ],
    [
      'no region on AWS',
      without(aws(), 'region'),
      ['region (missing): is missing: the cloud region of your account, e.g. us-east-1'],
    ],
    [
      'no region on Azure',
      without(azure(), 'region'),
      ['region (missing): is missing: the cloud region of your account, e.g. eastus'],
    ],
    [
      'a malformed AWS region',
      aws({ region: 'us-east' }),
      ['region (invalid): "us-east" is not an AWS region code such as us-east-1'],
    ],
    ['a region but no cloud', without(aws(), 'cloud'), ['cloud (missing): is missing: aws, azure or alibaba']],
    ['a cloud that is not text', aws({ cloud: 42 }), ['cloud (invalid): must be aws, azure or alibaba (got 42)']],
    [
      "the customer's ports, but no connection type",
      without(aws({ reverseServices: ['https 443'] }), 'connectionType'),
      ['connectionType (missing): is missing: unidirectional, bidirectional or reverse'],
    ],
    [
      'an unknown cloud: the endpoint service is not checked against either',
      aws({ cloud: 'gcp', customerEndpointService: 'my-service' }, 'bidirectional'),
      ['cloud (invalid): must be aws, azure or alibaba (got "gcp")'],
    ],
    [
      "no endpoint service, its example in the request's region",
      without(aws({ projectId: 'eu0000000001', region: 'eu-west-1' }, 'bidirectional'), 'customerEndpointService'),
      [`customerEndpointService (missing): is missing: bidirectional connections need ${awsShape('eu-west-1')}`],
    ],
    [
      'an endpoint service that is not text',
      aws({ customerEndpointService: 42 }, 'bidirectional'),
      [`customerEndpointService (invalid): must be ${awsShape('us-east-1')}`],
    ],
    [
      'an endpoint service of 513 bytes',
      aws({ customerEndpointService: 'x'.repeat(513) }, 'bidirectional'),
      ['customerEndpointService (invalid): is 513 bytes long; it may be at most 512 bytes'],
    ],
    [
      'an endpoint service of 512 bytes: its shape is checked',
      aws({ customerEndpointService: 'x'.repeat(512) }, 'bidirectional'),
      [`customerEndpointService (invalid): must be ${awsShape('us-east-1')}`],
    ],
    [
      'a service list of blanks',
      aws({ services: '  ' }),
      [
        'services (missing): is missing: list each service and port to open in our environment, e.g. mysql 3306, sftp 2222, http 80',
      ],
    ],
    [
      'a service without a port',
      aws({ services: [{ name: 'mysql' }] }),
      ['services[0].port (invalid): must be a whole number from 1 to 65535 (got nothing)'],
    ],
    [
      'a port that is true',
      aws({ services: [{ name: 'mysql', port: true }] }),
      ['services[0].port (invalid): must be a whole number from 1 to 65535 (got true)'],
    ],
    [
      'a blank port',
      aws({ services: [{ name: 'mysql', port: ' ' }] }),
      ['services[0].port (invalid): must be a whole number from 1 to 65535 (got " ")'],
    ],
    ['a service with no port at all', aws({ services: ['mysql'] }), [`services[0] (invalid): ${notAService}`]],
    [
      'a service written over two lines',
      aws({ services: ['mysql\nhttp 80'] }),
      [`services[0] (invalid): ${notAService}`],
    ],
    [
      'a port with no name',
      aws({ services: [' 3306'] }),
      ['services[0].name (missing): is missing: name the service, e.g. mysql'],
    ],
    [
      'an Azure field spelt wrong',
      azure({ azure: { clusterId: 'c', clusterID: 'c' } }),
      ['azure.clusterID (invalid): is not an intake field; did you mean clusterId?'],
    ],
    [
      'an Azure field that is no Azure field',
      azure({ azure: { clusterId: 'c', region: 'eastus' } }),
      ['azure.region (invalid): is not an intake field (known: clusterId, subscriptionIds, targetResourceIds)'],
    ],
    [
      'an Azure subscription that is not text',
      azure({ azure: { clusterId: 'c', subscriptionIds: [42] } }),
      ['azure.subscriptionIds[0] (invalid): must be an Azure subscription id (a GUID)'],
    ],
    [
      'Azure targets that are not a list',
      azure({ azure: { clusterId: 'c', targetResourceIds: 'acme-db' } }, 'bidirectional'),
      ['azure.targetResourceIds (invalid): must be a list of Private Link service resource ids'],
    ],
    [
      'an Azure target of 513 bytes',
      azure({ azure: { clusterId: 'c', targetResourceIds: [azureServiceOf(513)] } }, 'bidirectional'),
      [`azure.targetResourceIds[0] (invalid): must be a Private Link service resource id (${azureShape})`],
    ],
    [
      'no Azure subscription',
      without(azure(), 'customerAccount'),
      ['customerAccount (missing): is missing: your Azure subscription id'],
    ],
    [
      'an unknown field two letters off',
      aws({ custmerAcount: '123456789012' }),
      ['custmerAcount (invalid): is not an intake field; did you mean customerAccount?'],
    ],
    [
      'an unknown field of 65 letters',
      aws({ [`customerAccount${'x'.repeat(50)}`]: 1 }),
      [`customerAccount${'x'.repeat(50)} (invalid): is not an intake field (known: ${known})`],
    ],
  ])('%s', (_name, draft, expected) => {
    expect(problemsOf(draft)).toEqual(expected);
  });

  it.each<[string, IntakeDraft, Partial<Intake>]>([
    [
      'services with spaces and colons around the port, and a name of two words',
      aws({ services: ['  mysql   3306  ', 'http:  80', 'my sql 3307'] }),
      {
        services: [
          { name: 'mysql', port: 3306 },
          { name: 'http', port: 80 },
          { name: 'my sql', port: 3307 },
        ],
      },
    ],
    [
      'a service object with its name padded and its port as text',
      aws({ services: [{ name: ' mysql ', port: '3306' }] }),
      { services: [{ name: 'mysql', port: 3306 }] },
    ],
    ['a company of 200 bytes, padded', aws({ company: ` ${'A'.repeat(200)} ` }), { company: 'A'.repeat(200) }],
    ['a ticket id of 64 bytes', aws({ ticketId: 'T'.repeat(64) }), { ticketId: 'T'.repeat(64) }],
    [
      'a padded endpoint service',
      aws({ customerEndpointService: ` ${awsService('us-east-1')} ` }, 'bidirectional'),
      { customerEndpointService: awsService('us-east-1') },
    ],
    [
      'an endpoint service on a unidirectional request: kept, trimmed, and not a target',
      azure({ customerEndpointService: ` ${samples.AZURE_SERVICE} ` }),
      {
        customerEndpointService: samples.AZURE_SERVICE,
        azure: { clusterId: 'cl-7x2k9', subscriptionIds: [samples.AZURE_SUBSCRIPTION], targetResourceIds: [] },
      },
    ],
    [
      'a padded cluster id and subscription, and subscriptions in another case',
      azure({
        azure: {
          clusterId: ' cl-1 ',
          subscriptionIds: [` ${samples.AZURE_SUBSCRIPTION.toUpperCase()} `, ' 11111111-2222-3333-4444-555555555555 '],
        },
      }),
      {
        azure: {
          clusterId: 'cl-1',
          subscriptionIds: [samples.AZURE_SUBSCRIPTION, '11111111-2222-3333-4444-555555555555'],
          targetResourceIds: [],
        },
      },
    ],
    [
      'an Azure target of 512 bytes',
      azure({ azure: { clusterId: 'c', targetResourceIds: [azureServiceOf(512)] } }, 'bidirectional'),
      {
        azure: {
          clusterId: 'c',
          subscriptionIds: [samples.AZURE_SUBSCRIPTION],
          targetResourceIds: [samples.AZURE_SERVICE, azureServiceOf(512)],
        },
      },
    ],
    ...(['true', 'yes', true] as const).map((v): [string, IntakeDraft, Partial<Intake>] => [
      `access granted given as ${JSON.stringify(v)}`,
      aws({ vendorPrincipalAccessGranted: v }),
      { vendorPrincipalAccessGranted: true },
    ]),
    ...(['false', 'no', false, null] as const).map((v): [string, IntakeDraft, Partial<Intake>] => [
      `access granted and Private DNS given as ${JSON.stringify(v)}`,
      aws({ vendorPrincipalAccessGranted: v, privateDns: v }),
      { vendorPrincipalAccessGranted: false, privateDns: false },
    ]),
  ])('accepts %s', (_name, draft, expected) => {
    expect(accepted(draft)).toMatchObject(expected);
  });

  it('accepts 20 Azure subscriptions besides the customer account', () => {
    const ids = Array.from({ length: 20 }, (_, i) => `00000000-0000-0000-0000-0000000000${String(i).padStart(2, '0')}`);
    expect(accepted(azure({ azure: { clusterId: 'c', subscriptionIds: ids } })).azure?.subscriptionIds).toEqual([
      samples.AZURE_SUBSCRIPTION,
      ...ids,
    ]);
  });

  it('leaves out an endpoint service that is not text or blank on a unidirectional request', () => {
    expect(accepted(aws({ customerEndpointService: 42 }))).toEqual(accepted(aws()));
    expect(accepted(aws({ customerEndpointService: '  ' }))).toEqual(accepted(aws()));
  });

  it('names ten unknown fields and counts the rest', () => {
    const extra = (n: number) => Object.fromEntries(Array.from({ length: n }, (_, i) => [`note${i}`, 'x']));
    const named = (n: number) =>
      Array.from({ length: n }, (_, i) => ({
        field: `note${i}`,
        kind: 'invalid',
        message: `is not an intake field (known: ${known})`,
        code: 'unknown_field',
      }));
    expect(validateIntake(aws(extra(10)), vendor).problems).toEqual(named(10));
    expect(validateIntake(aws(extra(12)), vendor).problems).toEqual([
      ...named(10),
      { field: '(intake)', kind: 'invalid', message: 'has 2 more fields that are not intake fields' },
    ]);
  });

  it('asks for the project id without a CLI command when the vendor names no CLI', () => {
    const noCli: VendorConfig = { ...vendor, vendor: { ...vendor.vendor, cli: undefined } };
    expect(problemsOf(without(aws(), 'projectId'), noCli)).toEqual([
      'projectId (missing): is missing: the ID of the project to connect',
    ]);
  });

  it("lists the project's environments when none is the one asked for", () => {
    const lab: VendorConfig = {
      ...vendor,
      projects: [
        ...vendor.projects,
        { id: 'lab000000001', cloud: 'aws', region: 'us-east-1', environment: 'integration', plan: 'pro' },
        { id: 'lab000000001', cloud: 'aws', region: 'us-east-1', environment: 'local', plan: 'pro' },
      ],
    };
    expect(problemsOf(aws({ projectId: 'lab000000001' }), lab)).toEqual([
      'environment (invalid): project lab000000001 has no production environment (it has: integration, local)',
    ]);
  });

  it('refuses, before the cloud is known, only the ports every cloud refuses; a port refused by number only', () => {
    const reserved = { port: 8080, reason: 'Port 8080 is reserved for our proxies' };
    const config: VendorConfig = {
      ...vendor,
      refusedPorts: {
        aws: [...defaultRefusedPorts.aws, reserved],
        azure: defaultRefusedPorts.azure,
        alibaba: defaultRefusedPorts.alibaba,
      },
    };
    expect(problemsOf(aws({ cloud: 'gcp', services: ['ssh 22', 'proxy 8080', 'https 443'] }), config)).toEqual([
      'cloud (invalid): must be aws, azure or alibaba (got "gcp")',
      'services[0].port (invalid): SSH (port 22) cannot be opened over PrivateLink; use SSH keys for SSH access and remove this service',
    ]);
    expect(problemsOf(aws({ services: ['mysql 3306', 'proxy 8080'] }), config)).toEqual([
      'services[1].port (invalid): Port 8080 is reserved for our proxies',
    ]);
  });

  it.each<[string, unknown, string]>([
    ['an entry that is no service', 42, `services[1] (invalid): ${notAService}`],
    [
      'a name missing',
      { name: '', port: 3306 },
      'services[1].name (missing): is missing: name the service, e.g. mysql',
    ],
    ['a name too long', `${'n'.repeat(65)} 3306`, 'services[1].name (invalid): may be at most 64 bytes, e.g. mysql'],
    ['a port out of range', 'web 0', 'services[1].port (invalid): must be a whole number from 1 to 65535 (got "0")'],
    [
      'a refused port',
      'shell 22',
      'services[1].port (invalid): SSH (port 22) cannot be opened over PrivateLink; use SSH keys for SSH access and remove this service',
    ],
    [
      'a port twice',
      'db 80',
      'services[1].port (invalid): port 80 is already listed in services[0]; list each port once',
    ],
  ])('returns no services for a list with %s, only the problem', (_name, bad, problem) => {
    const problems: string[] = [];
    const value = validateServices(['http 80', bad], defaultRefusedPorts.aws, (field, kind, message) =>
      problems.push(`${field} (${kind}): ${message}`),
    );
    expect({ value, problems }).toEqual({ value: undefined, problems: [problem] });
  });

  it('returns the services of a list without problems', () => {
    const problems: string[] = [];
    const value = validateServices(['http 80', { name: 'mysql', port: 3306 }], defaultRefusedPorts.aws, (field) =>
      problems.push(field),
    );
    expect({ value, problems }).toEqual({
      value: [
        { name: 'http', port: 80 },
        { name: 'mysql', port: 3306 },
      ],
      problems: [],
    });
  });

  it('takes back as a change only an intake field whose checked value differs', () => {
    const intake = accepted(aws());
    expect(intakeChanges(intake, { note: 'x', ticketId: 'T-2', company: ' Acme ' }, vendor)).toEqual([]);
    expect(intakeChanges(intake, { company: 'Other', services: ['mysql 3306', 'sftp 2222'] }, vendor)).toEqual([
      'company',
    ]);
    expect(intakeChanges(intake, { company: '', submittedAt: 'yesterday' }, vendor)).toEqual([
      'company',
      'submittedAt',
    ]);
  });

  it('keeps unknown fields of a draft only until the next update', () => {
    expect(updateDraft({ company: 'Acme', note: 'x' }, { region: 'eastus', remark: 'y' })).toEqual({
      company: 'Acme',
      region: 'eastus',
      remark: 'y',
    });
  });

  it('merges only the azure block field by field; another object replaces its field', () => {
    expect(
      mergeIntake({ azure: { clusterId: 'c1' }, services: ['mysql 3306'] }, { services: { name: 'http', port: 80 } }),
    ).toEqual({ azure: { clusterId: 'c1' }, services: { name: 'http', port: 80 } });
  });

  it("describes the API's intake with the schema parseIntake checks", () => {
    const intake = accepted(azure({}, 'bidirectional'));
    expect(intakeSchemaOf().parse(intake)).toEqual(intake);
    expect(intakeSchemaOf().safeParse({ ...intake, privateDns: true }).success).toBe(false);
  });
});

describe('Alibaba Cloud and the reverse path, in exact words', () => {
  const problemsOf = (draft: unknown, config: VendorConfig = vendor) =>
    validateIntake(draft, config).problems.map((p) => `${p.field} (${p.kind}): ${p.message}`);
  const accepted = (draft: IntakeDraft, config: VendorConfig = vendor): Intake => {
    const result = validateIntake(draft, config);
    if (result.kind !== 'valid') throw new Error(`not valid: ${JSON.stringify(result.problems)}`);
    return result.intake;
  };
  type Type = 'unidirectional' | 'bidirectional' | 'reverse';
  const alibaba = (over: IntakeDraft = {}, type: Type = 'unidirectional') => ({
    ...validIntake('alibaba', type),
    ...over,
  });
  /** The Alibaba request with its `alibaba` details changed field by field (`undefined` leaves a field out). */
  const withDetails = (details: Record<string, unknown>, type: Type = 'unidirectional', over: IntakeDraft = {}) => {
    const draft = alibaba(over, type);
    const merged = { ...(draft.alibaba as Record<string, unknown>), ...details };
    return {
      ...draft,
      alibaba: Object.fromEntries(Object.entries(merged).filter(([, value]) => value !== undefined)),
    };
  };
  const reverse = (cloud: 'aws' | 'azure' | 'alibaba', over: IntakeDraft = {}) => ({
    ...validIntake(cloud, 'reverse'),
    ...over,
  });
  const aliService = (region: string, id = 'bp1customerservice01') => `com.aliyuncs.privatelink.${region}.epsrv-${id}`;
  const aliShape =
    'the service name of your endpoint service, e.g. com.aliyuncs.privatelink.eu-central-1.epsrv-bp15bqkt8q4mxmyrmjku';
  const azureShape =
    'the resource id of your Private Link service, /subscriptions/{subscriptionId}/resourceGroups/{resourceGroupName}/providers/Microsoft.Network/privateLinkServices/{serviceName}';
  const zoneNote = 'e.g. eu-central-1a (an endpoint and its endpoint service must be in the zone of the load balancer)';
  const ownServiceOnly =
    'applies to your own endpoint service only (bidirectional and reverse connections): remove it, or set the connection type to bidirectional or reverse';
  const intranetWhy =
    'PrivateLink serves only an internal-facing (intranet) CLB instance: create one in your VPC for your endpoint service';
  const payAsYouGoWhy = 'PrivateLink serves only a pay-as-you-go CLB instance: create one for your endpoint service';
  const noVendorPorts =
    "services (invalid): applies to connections from your network to ours only (on a reverse connection we open no port for you; we connect to your service): list your service's ports under reverseServices, or set the connection type to unidirectional or bidirectional";
  /** The example vendor with Alibaba projects in other regions, and one on the Starter plan. */
  const moreRegions: VendorConfig = {
    ...vendor,
    projects: [
      ...vendor.projects,
      { id: 'alihz0000001', cloud: 'alibaba', region: 'cn-hangzhou', environment: 'production', plan: 'pro' },
      { id: 'alisz0000001', cloud: 'alibaba', region: 'cn-shenzhen-finance-1', environment: 'staging', plan: 'pro' },
      { id: 'alist0000001', cloud: 'alibaba', region: 'eu-central-1', environment: 'production', plan: 'starter' },
    ],
  };

  it.each([
    ['alibaba', 'unidirectional'],
    ['alibaba', 'bidirectional'],
    ['alibaba', 'reverse'],
    ['aws', 'reverse'],
    ['azure', 'reverse'],
  ] as const)('%s %s is accepted and parses as an intake', (cloud, type) => {
    const intake = accepted(validIntake(cloud, type));
    expect(parseIntake(intake)).toEqual(intake);
    expect(intake).toMatchObject({ cloud, connectionType: type, privateDns: false });
  });

  it('normalizes a valid Alibaba bidirectional intake: zones trimmed, lower-cased and each once; the CLB as PrivateLink needs it', () => {
    const intake = accepted(
      withDetails(
        {
          zones: [' EU-Central-1A ', 'eu-central-1b', 'eu-central-1a'],
          clbAddressType: ' Intranet ',
          clbBilling: 'Pay-As-You-Go',
          autoAcceptConnections: 'yes',
        },
        'bidirectional',
      ),
    );
    expect(intake).toEqual({
      ticketId: 'T-1001',
      subject: 'PrivateLink support for Acme',
      company: 'Acme',
      projectId: 'ali000000001',
      environment: 'production',
      cloud: 'alibaba',
      region: 'eu-central-1',
      customerAccount: samples.ALIBABA_ACCOUNT,
      services: [
        { name: 'mysql', port: 3306 },
        { name: 'sftp', port: 2222 },
      ],
      reverseServices: [{ name: 'https', port: 443 }],
      connectionType: 'bidirectional',
      customerEndpointService: samples.ALIBABA_SERVICE,
      vendorPrincipalAccessGranted: false,
      privateDns: false,
      alibaba: {
        zones: ['eu-central-1a', 'eu-central-1b'],
        clbAddressType: 'intranet',
        clbBilling: 'pay-as-you-go',
        autoAcceptConnections: true,
      },
    });
  });

  it('normalizes a valid reverse intake: no vendor ports, and on Azure no subscription to allowlist', () => {
    expect(accepted(reverse('aws'))).toEqual({
      ticketId: 'T-1001',
      subject: 'PrivateLink support for Acme',
      company: 'Acme',
      projectId: 'abcdef123456',
      environment: 'production',
      cloud: 'aws',
      region: 'us-east-1',
      customerAccount: '123456789012',
      services: [],
      reverseServices: [{ name: 'https', port: 443 }],
      connectionType: 'reverse',
      customerEndpointService: 'com.amazonaws.vpce.us-east-1.vpce-svc-0123456789abcdef0',
      vendorPrincipalAccessGranted: false,
      privateDns: false,
    });
    expect(accepted(reverse('azure')).azure).toEqual({
      clusterId: 'cl-7x2k9',
      subscriptionIds: [],
      targetResourceIds: [samples.AZURE_SERVICE],
    });
  });

  it.each<[string, IntakeDraft, Partial<Intake>, VendorConfig?]>([
    [
      'zones written as text, "eu-central-1a, eu-central-1b"',
      withDetails({ zones: 'eu-central-1a, eu-central-1b' }),
      { alibaba: { zones: ['eu-central-1a', 'eu-central-1b'] } },
    ],
    [
      'zones written as text with spaces and semicolons',
      withDetails({ zones: ' eu-central-1a;eu-central-1b  EU-CENTRAL-1C ' }),
      { alibaba: { zones: ['eu-central-1a', 'eu-central-1b', 'eu-central-1c'] } },
    ],
    [
      'the same zone twice in different cases',
      withDetails({ zones: ['eu-central-1b', 'EU-CENTRAL-1B'] }),
      { alibaba: { zones: ['eu-central-1b'] } },
    ],
    [
      'twelve zones',
      withDetails({ zones: [...'abcdefghijkl'].map((letter) => `eu-central-1${letter}`) }),
      { alibaba: { zones: [...'abcdefghijkl'].map((letter) => `eu-central-1${letter}`) } },
    ],
    [
      'a zone of cn-hangzhou written with its hyphen',
      withDetails({ zones: ['cn-hangzhou-h'] }, 'unidirectional', { projectId: 'alihz0000001', region: 'cn-hangzhou' }),
      { region: 'cn-hangzhou', alibaba: { zones: ['cn-hangzhou-h'] } },
      moreRegions,
    ],
    [
      'a finance region, its zone and an endpoint service there',
      withDetails({ zones: ['cn-shenzhen-finance-1a'] }, 'reverse', {
        projectId: 'alisz0000001',
        environment: 'staging',
        region: 'cn-shenzhen-finance-1',
        customerEndpointService: aliService('cn-shenzhen-finance-1'),
      }),
      {
        region: 'cn-shenzhen-finance-1',
        environment: 'staging',
        customerEndpointService: aliService('cn-shenzhen-finance-1'),
        alibaba: { zones: ['cn-shenzhen-finance-1a'], clbAddressType: 'intranet', clbBilling: 'pay-as-you-go' },
      },
      moreRegions,
    ],
    [
      'auto-accept written as "no" on a reverse request',
      withDetails({ autoAcceptConnections: 'no' }, 'reverse'),
      {
        alibaba: {
          zones: ['eu-central-1a'],
          clbAddressType: 'intranet',
          clbBilling: 'pay-as-you-go',
          autoAcceptConnections: false,
        },
      },
    ],
    ...(
      [
        [true, true],
        ['true', true],
        [' YES ', true],
        [false, false],
        ['false', false],
        ['No', false],
      ] as const
    ).map(([given, meant]): [string, IntakeDraft, Partial<Intake>] => [
      `auto-accept written as ${JSON.stringify(given)} on a bidirectional request`,
      withDetails({ autoAcceptConnections: given }, 'bidirectional'),
      {
        alibaba: {
          zones: ['eu-central-1a'],
          clbAddressType: 'intranet',
          clbBilling: 'pay-as-you-go',
          autoAcceptConnections: meant,
        },
      },
    ]),
    [
      'an endpoint service id of 12 letters and digits, padded',
      alibaba({ customerEndpointService: ` ${aliService('eu-central-1', 'a1'.repeat(6))} ` }, 'reverse'),
      { customerEndpointService: aliService('eu-central-1', 'a1'.repeat(6)) },
    ],
    [
      'an endpoint service id of 32 letters and digits',
      alibaba({ customerEndpointService: aliService('eu-central-1', 'b2'.repeat(16)) }, 'bidirectional'),
      { customerEndpointService: aliService('eu-central-1', 'b2'.repeat(16)) },
    ],
    ['an empty service list on a reverse request', reverse('aws', { services: [] }), { services: [] }],
    [
      "SSH on the customer's own service of a reverse request (the vendor's limits do not apply)",
      reverse('alibaba', { reverseServices: ['ssh 22'] }),
      { services: [], reverseServices: [{ name: 'ssh', port: 22 }] },
    ],
    [
      'Azure target services besides the endpoint service on a reverse request',
      reverse('azure', {
        azure: { clusterId: 'cl-7x2k9', targetResourceIds: [samples.AZURE_SERVICE.replace('acme-db', 'acme-queue')] },
      }),
      {
        azure: {
          clusterId: 'cl-7x2k9',
          subscriptionIds: [],
          targetResourceIds: [samples.AZURE_SERVICE, samples.AZURE_SERVICE.replace('acme-db', 'acme-queue')],
        },
      },
    ],
  ])('accepts %s', (_name, draft, expected, config = vendor) => {
    expect(accepted(draft, config)).toMatchObject(expected);
  });

  it.each<[string, unknown, string[], VendorConfig?]>([
    // The Alibaba Cloud account and region.
    [
      'an Alibaba account of 15 digits',
      alibaba({ customerAccount: '123456789012345' }),
      ['customerAccount (invalid): must be a 16-digit Alibaba Cloud account id such as 1234567890123456'],
    ],
    [
      'an Alibaba account of 17 digits',
      alibaba({ customerAccount: '12345678901234567' }),
      ['customerAccount (invalid): must be a 16-digit Alibaba Cloud account id such as 1234567890123456'],
    ],
    [
      'an AWS account id on an Alibaba request',
      alibaba({ customerAccount: '123456789012' }),
      ['customerAccount (invalid): must be a 16-digit Alibaba Cloud account id such as 1234567890123456'],
    ],
    [
      'no Alibaba account',
      without(alibaba(), 'customerAccount'),
      ['customerAccount (missing): is missing: your 16-digit Alibaba Cloud account id'],
    ],
    [
      'no region on Alibaba Cloud',
      without(alibaba(), 'region'),
      ['region (missing): is missing: the cloud region of your account, e.g. eu-central-1'],
    ],
    [
      'a region name instead of its id',
      alibaba({ region: 'Frankfurt' }),
      ['region (invalid): "Frankfurt" is not an Alibaba Cloud region id such as eu-central-1'],
    ],
    [
      'an Azure region code on Alibaba Cloud',
      alibaba({ region: 'germanywestcentral' }),
      ['region (invalid): "germanywestcentral" is not an Alibaba Cloud region id such as eu-central-1'],
    ],
    [
      "a region other than the project's: the zones are checked against the request's region",
      alibaba({ region: 'cn-hangzhou' }),
      [
        'region (invalid): project ali000000001 is in eu-central-1, not cn-hangzhou: PrivateLink connects accounts in the same region, so give an account in eu-central-1',
        'alibaba.zones[0] (invalid): "eu-central-1a" is not a zone of cn-hangzhou, the region of this request (e.g. cn-hangzhou-h)',
      ],
    ],
    [
      'an Alibaba request for an AWS project',
      alibaba({ projectId: 'abcdef123456' }),
      [
        'cloud (invalid): project abcdef123456 runs on AWS, not Alibaba Cloud: PrivateLink connects accounts in the same cloud, so give an account on AWS',
      ],
    ],
    [
      'an AWS request for the Alibaba project',
      aws({ projectId: 'ali000000001' }),
      [
        'cloud (invalid): project ali000000001 runs on Alibaba Cloud, not AWS: PrivateLink connects accounts in the same cloud, so give an account on Alibaba Cloud',
      ],
    ],

    // The zones: required on every Alibaba request, each a zone of the request's region.
    [
      'no alibaba details (unidirectional)',
      without(alibaba(), 'alibaba'),
      [`alibaba.zones (missing): is missing: the zone where you create your endpoint, ${zoneNote}`],
    ],
    [
      'no zones (bidirectional)',
      withDetails({ zones: undefined }, 'bidirectional'),
      [
        `alibaba.zones (missing): is missing: the zone where you create your endpoint, and the zone of the CLB instance behind your endpoint service, ${zoneNote}`,
      ],
    ],
    [
      'no zones (reverse)',
      withDetails({ zones: undefined }, 'reverse'),
      [`alibaba.zones (missing): is missing: the zone of the CLB instance behind your endpoint service, ${zoneNote}`],
    ],
    [
      'an empty zone list',
      withDetails({ zones: [] }),
      [`alibaba.zones (missing): is missing: the zone where you create your endpoint, ${zoneNote}`],
    ],
    [
      'zones of blanks',
      withDetails({ zones: '  ' }),
      [`alibaba.zones (missing): is missing: the zone where you create your endpoint, ${zoneNote}`],
    ],
    [
      'alibaba details that are not an object',
      alibaba({ alibaba: 'eu-central-1a' }),
      [
        'alibaba (invalid): must be an object: { "zones": ["eu-central-1a"], … }',
        `alibaba.zones (missing): is missing: the zone where you create your endpoint, ${zoneNote}`,
      ],
    ],
    [
      'zones that are not a list',
      withDetails({ zones: { primary: 'eu-central-1a' } }),
      ['alibaba.zones (invalid): must be a list of zone ids, e.g. ["eu-central-1a"]'],
    ],
    [
      'thirteen zones',
      withDetails({ zones: [...'abcdefghijklm'].map((letter) => `eu-central-1${letter}`) }),
      ['alibaba.zones (invalid): lists 13 zones; at most 12'],
    ],
    [
      'a zone of another region',
      withDetails({ zones: ['eu-central-1a', 'cn-hangzhou-h'] }),
      [
        'alibaba.zones[1] (invalid): "cn-hangzhou-h" is not a zone of eu-central-1, the region of this request (e.g. eu-central-1a)',
      ],
    ],
    [
      'the region itself as a zone',
      withDetails({ zones: ['eu-central-1'] }),
      [
        'alibaba.zones[0] (invalid): "eu-central-1" is not a zone of eu-central-1, the region of this request (e.g. eu-central-1a)',
      ],
    ],
    [
      'a zone of two letters',
      withDetails({ zones: ['EU-CENTRAL-1AB'] }),
      [
        'alibaba.zones[0] (invalid): "eu-central-1ab" is not a zone of eu-central-1, the region of this request (e.g. eu-central-1a)',
      ],
    ],
    [
      'a zone that is not text, and one written as a console label',
      withDetails({ zones: [42, 'Frankfurt Zone B'] }),
      [
        'alibaba.zones[0] (invalid): must be a zone id, e.g. eu-central-1a',
        'alibaba.zones[1] (invalid): must be a zone id, e.g. eu-central-1a',
      ],
    ],
    [
      'a zone of 64 characters is read as a zone id, one of 65 is not',
      withDetails({ zones: [`eu-central-1${'a'.repeat(52)}`, `eu-central-1${'a'.repeat(53)}`] }),
      [
        `alibaba.zones[0] (invalid): "eu-central-1${'a'.repeat(52)}" is not a zone of eu-central-1, the region of this request (e.g. eu-central-1a)`,
        'alibaba.zones[1] (invalid): must be a zone id, e.g. eu-central-1a',
      ],
    ],
    [
      'an Alibaba field spelt wrong',
      withDetails({ zone: 'eu-central-1a' }),
      ['alibaba.zone (invalid): is not an intake field; did you mean zones?'],
    ],
    [
      'an Alibaba field that is no Alibaba field',
      withDetails({ vpcId: 'vpc-1' }),
      [
        'alibaba.vpcId (invalid): is not an intake field (known: zones, clbAddressType, clbBilling, autoAcceptConnections)',
      ],
    ],

    // The customer's CLB and auto-accept: only for a service of the customer's, and then as PrivateLink needs it.
    [
      'CLB and auto-accept on a unidirectional request',
      withDetails({ clbAddressType: 'intranet', clbBilling: 'pay-as-you-go', autoAcceptConnections: true }),
      [
        `alibaba.clbAddressType (invalid): ${ownServiceOnly}`,
        `alibaba.clbBilling (invalid): ${ownServiceOnly}`,
        `alibaba.autoAcceptConnections (invalid): ${ownServiceOnly}`,
      ],
    ],
    [
      'auto-accept false on a unidirectional request',
      withDetails({ autoAcceptConnections: false }),
      [`alibaba.autoAcceptConnections (invalid): ${ownServiceOnly}`],
    ],
    [
      'no CLB address type or billing (bidirectional)',
      withDetails({ clbAddressType: undefined, clbBilling: undefined }, 'bidirectional'),
      [
        `alibaba.clbAddressType (missing): is missing: ${intranetWhy}; say intranet`,
        `alibaba.clbBilling (missing): is missing: ${payAsYouGoWhy}; say pay-as-you-go`,
      ],
    ],
    [
      'a blank CLB address type and billing (reverse)',
      withDetails({ clbAddressType: null, clbBilling: ' ' }, 'reverse'),
      [
        `alibaba.clbAddressType (missing): is missing: ${intranetWhy}; say intranet`,
        `alibaba.clbBilling (missing): is missing: ${payAsYouGoWhy}; say pay-as-you-go`,
      ],
    ],
    [
      'an internet-facing subscription CLB (reverse)',
      withDetails({ clbAddressType: 'Internet', clbBilling: 'subscription' }, 'reverse'),
      [
        `alibaba.clbAddressType (invalid): is internet, but ${intranetWhy}`,
        `alibaba.clbBilling (invalid): is subscription, but ${payAsYouGoWhy}`,
      ],
    ],
    [
      'a CLB described in other words (bidirectional)',
      withDetails({ clbAddressType: 'public', clbBilling: 'monthly' }, 'bidirectional'),
      [
        `alibaba.clbAddressType (invalid): must be intranet (got "public"): ${intranetWhy}`,
        `alibaba.clbBilling (invalid): must be pay-as-you-go (got "monthly"): ${payAsYouGoWhy}`,
      ],
    ],
    [
      'a CLB given as a number and a flag',
      withDetails({ clbAddressType: 1, clbBilling: true }, 'reverse'),
      [
        `alibaba.clbAddressType (invalid): must be intranet (got 1): ${intranetWhy}`,
        `alibaba.clbBilling (invalid): must be pay-as-you-go (got true): ${payAsYouGoWhy}`,
      ],
    ],
    [
      'auto-accept that is no yes or no',
      withDetails({ autoAcceptConnections: 'sometimes' }, 'bidirectional'),
      ['alibaba.autoAcceptConnections (invalid): must be true or false (got "sometimes")'],
    ],

    // The customer's endpoint service on Alibaba Cloud.
    [
      'no endpoint service (reverse)',
      without(alibaba({}, 'reverse'), 'customerEndpointService'),
      [`customerEndpointService (missing): is missing: reverse connections need ${aliShape}`],
    ],
    [
      'no endpoint service (bidirectional)',
      without(alibaba({}, 'bidirectional'), 'customerEndpointService'),
      [`customerEndpointService (missing): is missing: bidirectional connections need ${aliShape}`],
    ],
    [
      'an endpoint service in another region',
      alibaba({ customerEndpointService: aliService('cn-hangzhou') }, 'reverse'),
      [
        'customerEndpointService (invalid): must be an endpoint service in eu-central-1, the region of this request (this one is in cn-hangzhou)',
      ],
    ],
    [
      'an endpoint service id alone',
      alibaba({ customerEndpointService: 'epsrv-bp1customerservice01' }, 'reverse'),
      [`customerEndpointService (invalid): must be ${aliShape}`],
    ],
    [
      'an AWS service name on Alibaba Cloud',
      alibaba({ customerEndpointService: 'com.amazonaws.vpce.eu-central-1.vpce-svc-0123456789abcdef0' }, 'reverse'),
      [`customerEndpointService (invalid): must be ${aliShape}`],
    ],
    [
      'an endpoint service id of 11 letters and digits',
      alibaba({ customerEndpointService: aliService('eu-central-1', 'a'.repeat(11)) }, 'bidirectional'),
      [`customerEndpointService (invalid): must be ${aliShape}`],
    ],
    [
      'an endpoint service id of 33 letters and digits',
      alibaba({ customerEndpointService: aliService('eu-central-1', 'a'.repeat(33)) }, 'reverse'),
      [`customerEndpointService (invalid): must be ${aliShape}`],
    ],
    [
      'an endpoint service id in capitals',
      alibaba({ customerEndpointService: aliService('eu-central-1', 'BP1CUSTOMERSERVICE01') }, 'reverse'),
      [`customerEndpointService (invalid): must be ${aliShape}`],
    ],
    [
      'an Alibaba service name on AWS',
      reverse('aws', { customerEndpointService: samples.ALIBABA_SERVICE }),
      [
        'customerEndpointService (invalid): must be the service name of your endpoint service, e.g. com.amazonaws.vpce.us-east-1.vpce-svc-0123456789abcdef0',
      ],
    ],

    // The reverse path: the customer's service and ports, and nothing of the vendor's to open.
    ['vendor ports on a reverse AWS request', reverse('aws', { services: ['mysql 3306'] }), [noVendorPorts]],
    [
      'vendor ports on a reverse Alibaba request, SSH among them: one problem, not a refused port',
      reverse('alibaba', { services: ['ssh 22', 'mysql 3306'] }),
      [noVendorPorts],
    ],
    [
      'a reverse AWS request without the customer service or its ports',
      without(reverse('aws'), 'customerEndpointService', 'reverseServices'),
      [
        'reverseServices (missing): is missing: list each port of your own service that we connect to, e.g. https 443, postgres 5432',
        'customerEndpointService (missing): is missing: reverse connections need the service name of your endpoint service, e.g. com.amazonaws.vpce.us-east-1.vpce-svc-0123456789abcdef0',
      ],
    ],
    [
      'a reverse request with an empty list of its ports',
      reverse('alibaba', { reverseServices: [] }),
      [
        'reverseServices (missing): is missing: list each port of your own service that we connect to, e.g. https 443, postgres 5432',
      ],
    ],
    [
      'a reverse AWS endpoint service in another region',
      reverse('aws', { customerEndpointService: 'com.amazonaws.vpce.eu-west-1.vpce-svc-0123456789abcdef0' }),
      [
        'customerEndpointService (invalid): must be an endpoint service in us-east-1, the region of this request (this one is in eu-west-1)',
      ],
    ],
    [
      'a reverse Azure request without its Private Link service',
      without(reverse('azure'), 'customerEndpointService'),
      [`customerEndpointService (missing): is missing: reverse connections need ${azureShape}`],
    ],
    [
      'a reverse Azure request with an AWS service name',
      reverse('azure', { customerEndpointService: 'com.amazonaws.vpce.us-east-1.vpce-svc-0123456789abcdef0' }),
      [`customerEndpointService (invalid): must be ${azureShape}`],
    ],
    [
      'Azure subscriptions to allowlist on a reverse request, even the customer account',
      reverse('azure', { azure: { clusterId: 'cl-7x2k9', subscriptionIds: [samples.AZURE_SUBSCRIPTION] } }),
      [
        'azure.subscriptionIds (invalid): applies to connections from your network to ours only (on a reverse connection only we connect, to your service): remove it, or set the connection type to unidirectional or bidirectional',
      ],
    ],
    [
      'a reverse Azure request without its cluster id',
      reverse('azure', { azure: {} }),
      ['azure.clusterId (missing): is missing: the cluster id (on the cluster, run `cat /etc/platform_cluster`)'],
    ],
    [
      "the customer's ports on a unidirectional Alibaba request",
      alibaba({ reverseServices: ['https 443'] }),
      [
        'reverseServices (invalid): applies to bidirectional and reverse requests only (we connect to your service only then): remove it, or set the connection type to bidirectional',
      ],
    ],
    [
      'Private DNS on a reverse request',
      reverse('alibaba', { privateDns: 'yes' }),
      [
        'privateDns (invalid): Private DNS is not available with PrivateLink: remove it (or set it to no) to continue; you connect through the endpoint DNS names instead',
      ],
    ],

    // A cloud's details on another cloud's request.
    [
      'alibaba details on a reverse AWS request',
      reverse('aws', { alibaba: { zones: ['us-east-1a'] } }),
      ['alibaba (invalid): applies to Alibaba Cloud requests only; remove it or set cloud to alibaba'],
    ],
    [
      'alibaba details on a reverse Azure request',
      reverse('azure', { alibaba: { zones: ['eastus-1'] } }),
      ['alibaba (invalid): applies to Alibaba Cloud requests only; remove it or set cloud to alibaba'],
    ],
    [
      'azure details on an Alibaba request',
      alibaba({ azure: { clusterId: 'cl-7x2k9' } }, 'reverse'),
      ['azure (invalid): applies to Azure requests only; remove it or set cloud to azure'],
    ],
    [
      'azure details on a reverse AWS request',
      reverse('aws', { azure: { clusterId: 'cl-7x2k9' } }),
      ['azure (invalid): applies to Azure requests only; remove it or set cloud to azure'],
    ],

    // Ineligible: the request is rejected with the reason, not kept waiting.
    [
      'an Alibaba project on the Starter plan',
      alibaba({ projectId: 'alist0000001' }, 'reverse'),
      [
        'projectId (ineligible): project alist0000001 is on the Starter plan: PrivateLink is available on Pro projects only',
      ],
      moreRegions,
    ],
    [
      'a reverse AWS request for a Starter project',
      reverse('aws', { projectId: 'st0000000001' }),
      [
        'projectId (ineligible): project st0000000001 is on the Starter plan: PrivateLink is available on Pro projects only',
      ],
    ],
    [
      'an Alibaba integration environment',
      alibaba({ environment: 'integration' }, 'bidirectional'),
      [
        'environment (ineligible): PrivateLink is available on Pro Production and Staging environments only, not on integration environments',
      ],
    ],
    [
      'a reverse Azure local environment',
      reverse('azure', { environment: 'local' }),
      [
        'environment (ineligible): PrivateLink is available on Pro Production and Staging environments only, not on local environments',
      ],
    ],
  ])('%s', (_name, draft, expected, config = vendor) => {
    expect(problemsOf(draft, config)).toEqual(expected);
    // Rejected when any problem makes it ineligible; otherwise it waits for information.
    const ineligible = expected.some((problem) => problem.includes(' (ineligible): '));
    expect(validateIntake(draft, config).kind).toBe(ineligible ? 'ineligible' : 'incomplete');
  });

  it('rejects as ineligible only for the plan or environment; anything else waits for information', () => {
    expect(validateIntake(alibaba({ projectId: 'alist0000001' }, 'reverse'), moreRegions).kind).toBe('ineligible');
    expect(validateIntake(alibaba({ environment: 'local' }), vendor).kind).toBe('ineligible');
    expect(validateIntake(reverse('azure', { environment: 'integration' }), vendor).kind).toBe('ineligible');
    // A project without that environment, a region or cloud other than the project's: fixable, so incomplete.
    expect(validateIntake(alibaba({ environment: 'staging' }), vendor)).toEqual({
      kind: 'incomplete',
      problems: [
        {
          field: 'environment',
          kind: 'invalid',
          message: 'project ali000000001 has no staging environment (it has: production)',
        },
      ],
    });
    expect(validateIntake(alibaba({ region: 'cn-hangzhou' }), vendor).kind).toBe('incomplete');
    expect(validateIntake(reverse('alibaba', { projectId: 'abcdef123456' }), vendor).kind).toBe('incomplete');
    expect(validateIntake(withDetails({ zones: undefined }, 'reverse'), vendor).kind).toBe('incomplete');
  });

  it('reports every problem of an Alibaba reverse draft at once, in order; ineligibility wins but drops none', () => {
    const draft = {
      ...without(alibaba({}, 'reverse'), 'reverseServices'),
      customerAccount: '12345',
      services: ['mysql 3306'],
      customerEndpointService: aliService('cn-hangzhou'),
      privateDns: true,
      azure: { clusterId: 'cl-7x2k9' },
      alibaba: {
        zones: ['cn-hangzhou-h', 'eu-central-1b'],
        clbAddressType: 'internet',
        clbBilling: null,
        autoAcceptConnections: 'maybe',
      },
    };
    const expected = [
      'customerAccount (invalid): must be a 16-digit Alibaba Cloud account id such as 1234567890123456',
      noVendorPorts,
      'reverseServices (missing): is missing: list each port of your own service that we connect to, e.g. https 443, postgres 5432',
      'customerEndpointService (invalid): must be an endpoint service in eu-central-1, the region of this request (this one is in cn-hangzhou)',
      'privateDns (invalid): Private DNS is not available with PrivateLink: remove it (or set it to no) to continue; you connect through the endpoint DNS names instead',
      'alibaba.zones[0] (invalid): "cn-hangzhou-h" is not a zone of eu-central-1, the region of this request (e.g. eu-central-1a)',
      `alibaba.clbAddressType (invalid): is internet, but ${intranetWhy}`,
      `alibaba.clbBilling (missing): is missing: ${payAsYouGoWhy}; say pay-as-you-go`,
      'alibaba.autoAcceptConnections (invalid): must be true or false (got "maybe")',
      'azure (invalid): applies to Azure requests only; remove it or set cloud to azure',
    ];
    expect(validateIntake(draft, vendor).kind).toBe('incomplete');
    expect(problemsOf(draft)).toEqual(expected);
    const closed = { ...draft, environment: 'integration' };
    expect(validateIntake(closed, vendor).kind).toBe('ineligible');
    expect(problemsOf(closed)).toEqual([
      'environment (ineligible): PrivateLink is available on Pro Production and Staging environments only, not on integration environments',
      ...expected,
    ]);
  });

  it('merges the alibaba details field by field, and takes back as a change only a zone list that differs', () => {
    const merged = mergeIntake(validIntake('alibaba', 'bidirectional'), {
      alibaba: { zones: ['eu-central-1b'], autoAcceptConnections: true },
    });
    expect(merged.alibaba).toEqual({
      zones: ['eu-central-1b'],
      clbAddressType: 'intranet',
      clbBilling: 'pay-as-you-go',
      autoAcceptConnections: true,
    });
    expect(validateIntake(merged, vendor).kind).toBe('valid');
    const intake = accepted(validIntake('alibaba', 'bidirectional'));
    expect(
      intakeChanges(intake, { alibaba: { zones: ['EU-CENTRAL-1A'], clbAddressType: ' Intranet ' } }, vendor),
    ).toEqual([]);
    expect(intakeChanges(intake, { alibaba: { zones: 'eu-central-1a, eu-central-1b' } }, vendor)).toEqual(['alibaba']);
    expect(intakeChanges(intake, { alibaba: { autoAcceptConnections: true } }, vendor)).toEqual(['alibaba']);
  });

  it('turns an Alibaba reverse draft waiting for its zones and CLB into a valid one', () => {
    const draft = without(alibaba({}, 'reverse'), 'alibaba');
    expect(problemsOf(draft)).toEqual([
      `alibaba.zones (missing): is missing: the zone of the CLB instance behind your endpoint service, ${zoneNote}`,
      `alibaba.clbAddressType (missing): is missing: ${intranetWhy}; say intranet`,
      `alibaba.clbBilling (missing): is missing: ${payAsYouGoWhy}; say pay-as-you-go`,
    ]);
    const fixed = mergeIntake(draft, {
      alibaba: { zones: 'eu-central-1b', clbAddressType: 'intranet', clbBilling: 'pay-as-you-go' },
    });
    expect(accepted(fixed).alibaba).toEqual({
      zones: ['eu-central-1b'],
      clbAddressType: 'intranet',
      clbBilling: 'pay-as-you-go',
    });
  });
});
