import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Env } from '../../src/config/env';
import { readVendorConfigFile, vendorConfigPathFromEnv } from '../../src/config/vendor-config-file';

/** The vendor configuration as the entry points load it: the path from the environment, then the file. */
const loadVendorConfig = (env: Env) => readVendorConfigFile(vendorConfigPathFromEnv(env));
import { formatProblem } from '../../src/domain/problems';
import { parseVendorConfig, vendorEndpointService } from '../../src/domain/vendor-config';
import { AppError } from '../../src/errors';
import { exampleVendorConfig } from '../fixtures/requests';
import { runEntry } from '../helpers/processes';

const example = exampleVendorConfig();
const clone = () => JSON.parse(JSON.stringify(example)) as Record<string, any>;
const problemsOf = (input: unknown) => {
  const result = parseVendorConfig(input);
  return result.ok ? [] : result.problems.map(formatProblem);
};

describe('the vendor configuration', () => {
  it('accepts the documented example and fills in SLA defaults', () => {
    const { sla, ...rest } = clone();
    const withoutDefaults = {
      ...rest,
      sla: { calendar: { ...sla.calendar, holidays: undefined, slaBusinessHours: undefined } },
    };
    const parsed = parseVendorConfig(withoutDefaults);
    expect(parsed.ok).toBe(true);
    if (!parsed.ok) return;
    expect(parsed.config.sla).toMatchObject({ pauseWhileWaitingOnCustomer: false, warnAtPercent: [50, 75, 90] });
    expect(parsed.config.sla.calendar).toMatchObject({ holidays: [], slaBusinessHours: 40 });
  });

  it('lists every structural problem at once, with its path', () => {
    const config = clone();
    config.vendor.principals.aws = 'root';
    config.vendor.principals.azure = ['not-a-guid'];
    config.projects[0].cloud = 'gcp';
    config.projects[1].plan = 'enterprise';
    config.projects[2].region = 'europe';
    config.sla.warnAtPercent = [75, 50];
    config.sla.calendar.timeZone = 'Mars/Olympus_Mons';
    config.sla.calendar.week.mon = [['17:00', '09:00']];
    config.sla.calendar.week.tue = [
      ['09:00', '13:00'],
      ['12:00', '17:00'],
    ];
    config.sla.calendar.week.wed = [['9am', '5pm']];
    config.sla.calendar.holidays = ['2026-02-30', '2026-11-26', '2026-11-26'];
    config.extra = true;
    expect(problemsOf(config)).toEqual(
      expect.arrayContaining([
        expect.stringMatching(/^vendor\.principals\.aws: must be an IAM principal ARN/),
        expect.stringMatching(/^vendor\.principals\.azure\[0\]: must be an Azure subscription id/),
        expect.stringMatching(/^projects\[0\]\.cloud: must be aws, azure or alibaba/),
        expect.stringMatching(/^projects\[1\]\.plan: must be pro or starter/),
        expect.stringMatching(/^sla\.warnAtPercent: must be in increasing order/),
        expect.stringMatching(/^sla\.calendar\.timeZone: must be an IANA time zone/),
        expect.stringMatching(/^sla\.calendar\.week\.mon\[0\]: opens at 17:00 but closes at 09:00/),
        expect.stringMatching(/^sla\.calendar\.week\.tue\[1\]: overlaps or precedes the previous window/),
        expect.stringMatching(/^sla\.calendar\.week\.wed\[0\]\[0\]: must be a time of day HH:MM/),
        expect.stringMatching(/^sla\.calendar\.holidays\[0\]: is not a real date/),
        expect.stringMatching(/^sla\.calendar\.holidays: lists a date twice/),
        'extra: is not a setting of the vendor configuration (misspelt?)',
      ]),
    );
  });

  it('checks endpoint services, region codes and principals against the projects', () => {
    const config = clone();
    config.vendor.endpointServices = {
      'aws:us-east-1': 'com.amazonaws.vpce.eu-west-1.vpce-svc-0a1b2c3d4e5f67890',
      'gcp-us': 'x',
      'azure:eastus': 'not-an-alias',
    };
    config.projects[2].region = 'europe';
    delete config.vendor.principals.azure;
    expect(problemsOf(config)).toEqual([
      'projects[2].region: "europe" is not an AWS region code',
      'vendor.endpointServices.aws:us-east-1: must be an AWS endpoint service name in us-east-1, like com.amazonaws.vpce.us-east-1.vpce-svc-0123456789abcdef0',
      'vendor.endpointServices.gcp-us: keys must be "<cloud>:<region>", e.g. "aws:us-east-1", or "azure:<region>:<cluster id>" for one cluster',
      'vendor.endpointServices.azure:eastus: must be an Azure Private Link service alias or resource id',
      'vendor.principals.azure: is needed for bidirectional and reverse requests on azure projects (az0000000001)',
    ]);
  });

  it.each([
    [
      'an Azure project outside Azure regions',
      (c: Record<string, any>) => (c.projects[3].region = 'us-east-1'),
      ['projects[3].region: "us-east-1" is not an Azure region code'],
    ],
    [
      'an AWS service that is no service name at all',
      (c: Record<string, any>) => (c.vendor.endpointServices['aws:us-east-1'] = 'vpce-svc-1'),
      [
        'vendor.endpointServices.aws:us-east-1: must be an AWS endpoint service name in us-east-1, like com.amazonaws.vpce.us-east-1.vpce-svc-0123456789abcdef0',
      ],
    ],
    [
      'AWS projects without the AWS principal, each named once',
      (c: Record<string, any>) => delete c.vendor.principals.aws,
      [
        'vendor.principals.aws: is needed for bidirectional and reverse requests on aws projects (abcdef123456, eu0000000001, st0000000001)',
      ],
    ],
    [
      'warning thresholds that repeat',
      (c: Record<string, any>) => (c.sla.warnAtPercent = [50, 50, 90]),
      ['sla.warnAtPercent: must be in increasing order without repeats'],
    ],
    [
      'a first warning threshold out of range, and only that',
      (c: Record<string, any>) => (c.sla.warnAtPercent = [-5, 50]),
      ['sla.warnAtPercent[0]: must be above 0'],
    ],
  ])('refuses %s', (_what, change, problems) => {
    const config = clone();
    change(config);
    expect(problemsOf(config)).toEqual(problems);
  });

  it.each([null, 'vendor.json', []])('says the configuration %j is no object, as a problem of the whole', (input) => {
    expect(problemsOf(input)).toEqual([expect.stringMatching(/^\(root\): Invalid input: expected object/)]);
  });

  it('gives each problem its field and kind, an unknown setting included', () => {
    const config = clone();
    config.projects[0].plan = 'gold';
    config.vendor.colour = 'blue';
    expect(parseVendorConfig(config)).toEqual({
      ok: false,
      problems: [
        {
          field: 'vendor.colour',
          kind: 'invalid',
          message: 'is not a setting of the vendor configuration (misspelt?)',
        },
        { field: 'projects[0].plan', kind: 'invalid', message: 'must be pro or starter' },
      ],
    });
  });

  it("never gives an AWS request an Azure cluster's service, even one keyed under the same region name", () => {
    const config = clone();
    const alias = config.vendor.endpointServices['azure:eastus:cl-7x2k9'];
    config.vendor.endpointServices['azure:us-east-1:cl-7x2k9'] = alias;
    // Such a key names no Azure region: refused when the configuration is loaded.
    expect(problemsOf(config)).toEqual([
      'vendor.endpointServices.azure:us-east-1:cl-7x2k9: names "us-east-1", which is not an Azure region code such as eastus',
    ]);
    // And an AWS request never looks under a cluster's key, whatever the configuration holds.
    const parsed = exampleVendorConfig();
    parsed.vendor.endpointServices['aws:us-east-1:cl-7x2k9'] = alias!;
    expect(vendorEndpointService(parsed, 'aws', 'us-east-1')).toBe(config.vendor.endpointServices['aws:us-east-1']);
  });

  it("gives an Azure cluster its own Private Link service alias, else the region's; only Azure keys name a cluster", () => {
    const config = exampleVendorConfig();
    expect(vendorEndpointService(config, 'azure', 'eastus', 'cl-7x2k9')).toBe(
      config.vendor.endpointServices['azure:eastus:cl-7x2k9'],
    );
    expect(vendorEndpointService(config, 'azure', 'eastus', 'cl-other')).toBe(
      config.vendor.endpointServices['azure:eastus'],
    );
    expect(config.vendor.endpointServices['azure:eastus:cl-7x2k9']).not.toBe(
      config.vendor.endpointServices['azure:eastus'],
    );
    const raw = JSON.parse(JSON.stringify(config)) as { vendor: { endpointServices: Record<string, string> } };
    raw.vendor.endpointServices['aws:us-east-1:cl-1'] = 'com.amazonaws.vpce.us-east-1.vpce-svc-0a1b2c3d4e5f67890';
    expect(problemsOf(raw)).toEqual([
      'vendor.endpointServices.aws:us-east-1:cl-1: only Azure keys name a cluster: use "aws:<region>"',
    ]);
  });

  it('takes the address blocks the connectivity check may reach, IPv4 and IPv6; none without the setting', () => {
    const config = clone();
    config.connectivity = { allowedCidrs: ['10.20.0.0/16', '192.168.7.0/24', 'fd12:3456:789a::/48'] };
    const parsed = parseVendorConfig(config);
    expect(parsed.ok && parsed.config.connectivity).toEqual(config.connectivity);
    delete config.connectivity;
    const without = parseVendorConfig(config);
    expect(without.ok && without.config.connectivity).toBeUndefined();
  });

  it('takes a block only partly in a range the check never connects to (the check refuses those addresses)', () => {
    const config = clone();
    config.connectivity = { allowedCidrs: ['169.254.0.0/15', '168.63.129.0/24', '0.0.0.0/7'] };
    expect(problemsOf(config)).toEqual([]);
    config.connectivity = { allowedCidrs: ['169.254.128.0/17', '0.0.0.0/9'] };
    expect(problemsOf(config)).toEqual([
      'connectivity.allowedCidrs[0]: "169.254.128.0/17" is a link-local address (cloud metadata, DNS and time services live there): the connectivity check never connects there, whatever is allowed',
      'connectivity.allowedCidrs[1]: "0.0.0.0/9" is an unspecified ("this network") address: the connectivity check never connects there, whatever is allowed',
    ]);
  });

  it('names each bad connectivity block and why, with its place in the list', () => {
    const config = clone();
    config.connectivity = {
      allowedCidrs: [
        '10.20.0.0',
        '10.20.1.0/16',
        '10.0.0.0/33',
        'fd12::1/16',
        'vpc-0a1b2c3d',
        '127.0.0.0/8',
        '169.254.169.254/32',
        'fd00:ec2::254/128',
        '0.0.0.0/0',
        42,
      ],
    };
    expect(problemsOf(config)).toEqual([
      'connectivity.allowedCidrs[0]: "10.20.0.0" must be a CIDR block: an address, a slash and a prefix length, e.g. 10.20.0.0/16',
      'connectivity.allowedCidrs[1]: "10.20.1.0/16" has address bits set past its /16 prefix: did you mean 10.20.0.0/16?',
      'connectivity.allowedCidrs[2]: "10.0.0.0/33" must have a prefix length of 0 to 32 (IPv4)',
      'connectivity.allowedCidrs[3]: "fd12::1/16" has address bits set past its /16 prefix: did you mean fd12::/16?',
      'connectivity.allowedCidrs[4]: "vpc-0a1b2c3d" must be a CIDR block: an address, a slash and a prefix length, e.g. 10.20.0.0/16',
      'connectivity.allowedCidrs[5]: "127.0.0.0/8" is a loopback address: the connectivity check never connects there, whatever is allowed',
      'connectivity.allowedCidrs[6]: "169.254.169.254/32" is the cloud instance metadata address: the connectivity check never connects there, whatever is allowed',
      'connectivity.allowedCidrs[7]: "fd00:ec2::254/128" is the AWS instance metadata address: the connectivity check never connects there, whatever is allowed',
      'connectivity.allowedCidrs[9]: must be a CIDR block such as 10.20.0.0/16',
    ]);
    config.connectivity = { allowedCIDRs: ['10.20.0.0/16'] };
    expect(problemsOf(config)).toEqual([
      'connectivity.allowedCidrs: must be a list of CIDR blocks, e.g. ["10.20.0.0/16"]',
      'connectivity.allowedCIDRs: is not a setting of the vendor configuration (misspelt?)',
    ]);
  });

  it('refuses a calendar without any working window and a project listed twice', () => {
    const config = clone();
    config.sla.calendar.week = { sat: [] };
    config.projects.push({ ...config.projects[0] });
    expect(problemsOf(config)).toEqual(
      expect.arrayContaining([
        'sla.calendar.week: week has no working window at all: the SLA could never be met',
        `projects[${config.projects.length - 1}]: lists project abcdef123456 (production) twice`,
      ]),
    );
  });
});

describe('the vendor on Alibaba Cloud', () => {
  const principalRule =
    'vendor.principals.alibaba: must be the 16-digit Alibaba Cloud account id customers add to their whitelists';
  const serviceRule =
    'vendor.endpointServices.alibaba:eu-central-1: must be an Alibaba Cloud endpoint service name in eu-central-1, like com.aliyuncs.privatelink.eu-central-1.epsrv-bp15bqkt8q4mxmyrmjku';

  it('takes its 16-digit account id as its principal, and its endpoint service per region', () => {
    const config = clone();
    config.vendor.endpointServices['alibaba:cn-hangzhou'] =
      'com.aliyuncs.privatelink.cn-hangzhou.epsrv-bp1vendorservice0002';
    config.projects.push({
      id: 'alihz0000001',
      cloud: 'alibaba',
      region: 'cn-hangzhou',
      environment: 'production',
      plan: 'pro',
    });
    const parsed = parseVendorConfig(config);
    if (!parsed.ok) throw new Error(parsed.problems.map(formatProblem).join('; '));
    expect(parsed.config.vendor.principals.alibaba).toBe('5123456789012345');
    expect(vendorEndpointService(parsed.config, 'alibaba', 'eu-central-1')).toBe(
      'com.aliyuncs.privatelink.eu-central-1.epsrv-gw8vendorservice0001',
    );
    expect(vendorEndpointService(parsed.config, 'alibaba', 'cn-hangzhou')).toBe(
      'com.aliyuncs.privatelink.cn-hangzhou.epsrv-bp1vendorservice0002',
    );
    // No service configured in a region, and none of another cloud's under the same region name.
    expect(vendorEndpointService(parsed.config, 'alibaba', 'ap-southeast-1')).toBeUndefined();
    expect(vendorEndpointService(parsed.config, 'aws', 'eu-central-1')).toBeUndefined();
  });

  it.each<[string, (c: Record<string, any>) => unknown, string[]]>([
    ['a principal of 15 digits', (c) => (c.vendor.principals.alibaba = '512345678901234'), [principalRule]],
    ['a principal of 17 digits', (c) => (c.vendor.principals.alibaba = '51234567890123456'), [principalRule]],
    ['a principal with a letter', (c) => (c.vendor.principals.alibaba = '512345678901234x'), [principalRule]],
    [
      'an AWS principal ARN as the Alibaba principal',
      (c) => (c.vendor.principals.alibaba = 'arn:aws:iam::402592597372:root'),
      [principalRule],
    ],
    [
      'an Alibaba project without the Alibaba principal',
      (c) => delete c.vendor.principals.alibaba,
      [
        'vendor.principals.alibaba: is needed for bidirectional and reverse requests on alibaba projects (ali000000001)',
      ],
    ],
    [
      'two Alibaba projects without the Alibaba principal, each named once',
      (c) => {
        delete c.vendor.principals.alibaba;
        c.projects.push(
          { id: 'ali000000001', cloud: 'alibaba', region: 'eu-central-1', environment: 'staging', plan: 'pro' },
          { id: 'alihz0000001', cloud: 'alibaba', region: 'cn-hangzhou', environment: 'production', plan: 'pro' },
        );
      },
      [
        'vendor.principals.alibaba: is needed for bidirectional and reverse requests on alibaba projects (ali000000001, alihz0000001)',
      ],
    ],
    [
      'an endpoint service in another region than its key',
      (c) =>
        (c.vendor.endpointServices['alibaba:eu-central-1'] =
          'com.aliyuncs.privatelink.cn-hangzhou.epsrv-gw8vendorservice0001'),
      [serviceRule],
    ],
    [
      'an endpoint service id without its service name',
      (c) => (c.vendor.endpointServices['alibaba:eu-central-1'] = 'epsrv-gw8vendorservice0001'),
      [serviceRule],
    ],
    [
      'an AWS service name under an Alibaba key',
      (c) =>
        (c.vendor.endpointServices['alibaba:eu-central-1'] =
          'com.amazonaws.vpce.eu-central-1.vpce-svc-0a1b2c3d4e5f67890'),
      [serviceRule],
    ],
    [
      'an endpoint service id of 11 letters and digits',
      (c) =>
        (c.vendor.endpointServices['alibaba:eu-central-1'] = 'com.aliyuncs.privatelink.eu-central-1.epsrv-gw8vendorse'),
      [serviceRule],
    ],
    [
      'an Alibaba service name under an AWS key',
      (c) =>
        (c.vendor.endpointServices['aws:eu-central-1'] =
          'com.aliyuncs.privatelink.eu-central-1.epsrv-gw8vendorservice0001'),
      [
        'vendor.endpointServices.aws:eu-central-1: must be an AWS endpoint service name in eu-central-1, like com.amazonaws.vpce.eu-central-1.vpce-svc-0123456789abcdef0',
      ],
    ],
    [
      'an Alibaba key that names a cluster',
      (c) =>
        (c.vendor.endpointServices['alibaba:eu-central-1:cl-7x2k9'] =
          'com.aliyuncs.privatelink.eu-central-1.epsrv-gw8vendorservice0001'),
      ['vendor.endpointServices.alibaba:eu-central-1:cl-7x2k9: only Azure keys name a cluster: use "alibaba:<region>"'],
    ],
    [
      'a key naming the cloud "aliyun"',
      (c) =>
        (c.vendor.endpointServices['aliyun:eu-central-1'] =
          'com.aliyuncs.privatelink.eu-central-1.epsrv-gw8vendorservice0001'),
      [
        'vendor.endpointServices.aliyun:eu-central-1: keys must be "<cloud>:<region>", e.g. "aws:us-east-1", or "azure:<region>:<cluster id>" for one cluster',
      ],
    ],
    [
      'an Alibaba project in a region named in words',
      (c) => (c.projects[4].region = 'Frankfurt'),
      ['projects[4].region: "Frankfurt" is not an Alibaba Cloud region id'],
    ],
    [
      'an Alibaba project in an Azure region',
      (c) => (c.projects[4].region = 'germanywestcentral'),
      ['projects[4].region: "germanywestcentral" is not an Alibaba Cloud region id'],
    ],
  ])('refuses %s', (_what, change, problems) => {
    const config = clone();
    change(config);
    expect(problemsOf(config)).toEqual(problems);
  });

  it('needs no Alibaba principal while no project runs on Alibaba Cloud', () => {
    const config = clone();
    delete config.vendor.principals.alibaba;
    config.projects = config.projects.filter((p: { cloud: string }) => p.cloud !== 'alibaba');
    expect(problemsOf(config)).toEqual([]);
  });
});

describe('loading the vendor configuration file (VENDOR_CONFIG)', () => {
  const dir = mkdtempSync(join(tmpdir(), 'vendor-'));

  it('uses the example file when VENDOR_CONFIG is not set', () => {
    expect(loadVendorConfig({}).path).toMatch(/config\/vendor\.example\.json$/);
  });

  it('reads the calendar from a file named relative to the configuration', () => {
    const config = clone();
    const calendar = { ...config.sla.calendar, timeZone: 'Europe/Berlin' };
    writeFileSync(join(dir, 'calendar.json'), JSON.stringify(calendar));
    writeFileSync(
      join(dir, 'vendor.json'),
      JSON.stringify({ ...config, sla: { ...config.sla, calendar: 'calendar.json' } }),
    );
    expect(loadVendorConfig({ VENDOR_CONFIG: join(dir, 'vendor.json') }).config.sla.calendar.timeZone).toBe(
      'Europe/Berlin',
    );
  });

  it.each([
    ['a missing file', 'missing.json', undefined, /cannot read .*missing\.json \(ENOENT\)/],
    ['a file that is not JSON', 'broken.json', '{ "vendor": ', /broken\.json is not valid JSON/],
    [
      'a missing calendar file',
      'nocal.json',
      JSON.stringify({ sla: { calendar: 'nope.json' } }),
      /sla\.calendar: cannot read .*nope\.json/,
    ],
  ])('names the file and the problem for %s', (_name, file, content, message) => {
    if (content !== undefined) writeFileSync(join(dir, file), content);
    const load = () => loadVendorConfig({ VENDOR_CONFIG: join(dir, file) });
    expect(load).toThrow(AppError);
    expect(load).toThrow(message);
    expect(load).toThrow(/\(VENDOR_CONFIG\) is invalid/);
  });

  it('stops npm start with every problem of every settings group listed, before starting anything', async () => {
    const config = clone();
    config.projects[0].cloud = 'gcp';
    config.sla.calendar.timeZone = 'Nowhere/Land';
    writeFileSync(join(dir, 'bad.json'), JSON.stringify(config));
    const proc = runEntry('src/main.ts', {
      ...process.env,
      VENDOR_CONFIG: join(dir, 'bad.json'),
      TEMPORAL_ADDRESS: '',
      PORT: 'eighty',
      AUTH_TOKENS_FILE: join(dir, 'no-such-tokens.json'),
      TICKET_SYSTEM: 'servicenow',
    });
    expect(await proc.exited).toBe(1);
    expect(proc.output()).toContain('PORT: ');
    expect(proc.output()).toContain('Cannot read the tokens file');
    expect(proc.output()).toContain('TICKET_SYSTEM must be one of file, zendesk, jira');
    expect(proc.output()).toContain('(VENDOR_CONFIG) is invalid:');
    expect(proc.output()).toContain('  - projects[0].cloud: must be aws, azure or alibaba');
    expect(proc.output()).toContain('  - sla.calendar.timeZone: must be an IANA time zone');
    expect(proc.output()).not.toContain('Temporal');
  });
});
