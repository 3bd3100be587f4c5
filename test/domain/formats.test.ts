import {
  alibabaAccountPattern,
  cidrContains,
  embeddedIpv4,
  endpointDnsProblem,
  endpointIdProblem,
  formatIp,
  isAlibabaEndpointDns,
  isAwsEndpointDns,
  isAzureEndpointDns,
  isRegionOf,
  neverCheckedReason,
  parseCidr,
  parseIp,
  serviceNameProblem,
} from '../../src/domain/formats';

const ip = (text: string) => {
  const parsed = parseIp(text);
  if (!parsed) throw new Error(`not an address: ${text}`);
  return parsed;
};
const cidr = (text: string) => {
  const parsed = parseCidr(text);
  if (!parsed.ok) throw new Error(parsed.message);
  return parsed.cidr;
};

describe('IP addresses a connectivity check may be pointed at', () => {
  it.each([
    ['10.0.0.1', [10, 0, 0, 1]],
    ['0.0.0.0', [0, 0, 0, 0]],
    ['255.255.255.255', [255, 255, 255, 255]],
  ])('reads the dotted quad %s', (text, bytes) => {
    expect(parseIp(text)).toEqual({ version: 4, bytes });
  });

  it.each(['10.0.0', '10.0.0.1.2', '256.0.0.1', '010.0.0.1', '0x0a.0.0.1', '10.0.0.-1', '1e1.0.0.1', '', '10..0.1'])(
    'refuses %j: no short, octal, hex or out-of-range forms',
    (text) => {
      expect(parseIp(text)).toBeUndefined();
    },
  );

  it.each([
    ['::', '::'],
    ['::1', '::1'],
    ['FD00:EC2::254', 'fd00:ec2::254'],
    ['2001:db8:0:0:1:0:0:1', '2001:db8::1:0:0:1'],
    ['2001:db8:0:1:1:1:1:1', '2001:db8:0:1:1:1:1:1'],
    ['1:0:0:2:0:0:0:3', '1:0:0:2::3'],
    ['0:0:1:0:0:0:0:0', '0:0:1::'],
    ['::ffff:10.1.2.3', '::ffff:a01:203'],
    ['64:ff9b::192.0.2.33', '64:ff9b::c000:221'],
    ['1:2:3:4:5:6:7:8', '1:2:3:4:5:6:7:8'],
    // "::" may stand for a single zero group; written out, a single zero group stays "0".
    ['1:2:3::5:6:7:8', '1:2:3:0:5:6:7:8'],
    // Two runs as long as each other: the first is shortened.
    ['1:0:0:2:3:0:0:4', '1::2:3:0:0:4'],
    ['0:0:1:2:3:4:0:0', '::1:2:3:4:0:0'],
  ])('reads the IPv6 address %s and writes it as %s', (text, written) => {
    const address = ip(text);
    expect(address.version).toBe(6);
    expect(address.bytes).toHaveLength(16);
    expect(formatIp(address)).toBe(written);
  });

  it('writes the bytes of an IPv6 address in order', () => {
    expect(ip('2001:db8::ff01').bytes).toEqual([0x20, 0x01, 0x0d, 0xb8, ...Array<number>(10).fill(0), 0xff, 0x01]);
  });

  it.each([
    '1:2:3:4:5:6:7',
    '1:2:3:4:5:6:7:8:9',
    '1::2::3',
    '1:2:3:4:5:6:7::8',
    '12345::',
    'g::1',
    'fe80::1%eth0',
    '[::1]',
    '::ffff:10.1.2',
    '::ffff:300.1.2.3',
    '1.2.3.4::',
    'abc',
  ])('refuses %j as an IPv6 address', (text) => {
    expect(parseIp(text)).toBeUndefined();
  });
});

describe('address blocks', () => {
  it('reads a block and the addresses it holds, to the bit', () => {
    const block = cidr('172.16.0.0/12');
    expect(block).toEqual({ version: 4, bytes: [172, 16, 0, 0], prefix: 12 });
    expect(cidrContains(block, ip('172.31.255.255'))).toBe(true);
    expect(cidrContains(block, ip('172.32.0.0'))).toBe(false);
    expect(cidrContains(block, ip('172.15.255.255'))).toBe(false);
    expect(cidrContains(cidr('0.0.0.0/0'), ip('203.0.113.9'))).toBe(true);
    expect(cidrContains(cidr('10.1.2.3/32'), ip('10.1.2.3'))).toBe(true);
    expect(cidrContains(cidr('10.1.2.3/32'), ip('10.1.2.4'))).toBe(false);
    expect(cidrContains(cidr('fd12:3456::/48'), ip('fd12:3456:0:ffff::1'))).toBe(true);
    expect(cidrContains(cidr('fd12:3456::/48'), ip('fd12:3457::1'))).toBe(false);
  });

  it('never matches across IP versions', () => {
    expect(cidrContains(cidr('0.0.0.0/0'), ip('::1'))).toBe(false);
    expect(cidrContains(cidr('::/0'), ip('10.0.0.1'))).toBe(false);
  });

  it.each([
    ['10.0.0.0', 'must be a CIDR block: an address, a slash and a prefix length, e.g. 10.20.0.0/16'],
    ['10.0.0.0/', 'must be a CIDR block: an address, a slash and a prefix length, e.g. 10.20.0.0/16'],
    ['10.0.0.0/8/8', 'must be a CIDR block: an address, a slash and a prefix length, e.g. 10.20.0.0/16'],
    ['10.0.0.0/1234', 'must be a CIDR block: an address, a slash and a prefix length, e.g. 10.20.0.0/16'],
    ['10.0.0.0/-1', 'must be a CIDR block: an address, a slash and a prefix length, e.g. 10.20.0.0/16'],
    ['example.com/8', 'must be a CIDR block: an address, a slash and a prefix length, e.g. 10.20.0.0/16'],
    ['10.0.0.0/33', 'must have a prefix length of 0 to 32 (IPv4)'],
    ['::/129', 'must have a prefix length of 0 to 128 (IPv6)'],
    ['10.1.0.0/8', 'has address bits set past its /8 prefix: did you mean 10.0.0.0/8?'],
    ['10.20.0.1/31', 'has address bits set past its /31 prefix: did you mean 10.20.0.0/31?'],
    ['fd12:3456::1/48', 'has address bits set past its /48 prefix: did you mean fd12:3456::/48?'],
  ])('refuses %j: %s', (text, message) => {
    expect(parseCidr(text)).toEqual({ ok: false, message });
  });

  it('takes the edges of the prefix lengths', () => {
    expect(parseCidr('10.0.0.1/32')).toMatchObject({ ok: true });
    expect(parseCidr('::1/128')).toMatchObject({ ok: true });
    expect(parseCidr('0.0.0.0/0')).toMatchObject({ ok: true });
  });
});

describe('addresses a check never connects to', () => {
  it.each([
    ['127.0.0.1', 'a loopback address'],
    ['0.1.2.3', 'an unspecified ("this network") address'],
    ['169.254.169.254', 'the cloud instance metadata address'],
    ['169.254.1.1', 'a link-local address (cloud metadata, DNS and time services live there)'],
    ['168.63.129.16', "the Azure platform's host address (WireServer)"],
    ['100.100.100.200', 'a cloud instance metadata address'],
    ['239.1.1.1', 'a multicast address'],
    ['255.255.255.255', 'a reserved or broadcast address'],
    ['::', 'the unspecified address'],
    ['::1', 'a loopback address'],
    ['fd00:ec2::254', 'the AWS instance metadata address'],
    ['fd00:ec2::23', 'an AWS instance service address (metadata, DNS, time)'],
    ['fe80::1', 'a link-local address'],
    ['ff02::1', 'a multicast address'],
    ['::10.0.0.1', 'an IPv4-compatible IPv6 address (deprecated)'],
    ['2002:a00:1::1', 'a 6to4 address (it tunnels to an IPv4 address)'],
    ['2001:0:1::1', 'a Teredo address (it tunnels to an IPv4 address)'],
    // Judged as the IPv4 address they carry.
    ['::ffff:127.0.0.1', 'a loopback address'],
    ['::ffff:169.254.169.254', 'the cloud instance metadata address'],
    ['64:ff9b::169.254.169.254', 'the cloud instance metadata address'],
  ])('never checks %s: %s', (text, what) => {
    expect(neverCheckedReason(ip(text))).toBe(what);
  });

  it.each(['10.20.0.5', '203.0.113.9', '::ffff:10.20.0.5', '64:ff9b::a14:5', 'fd12::1', '2001:db8::1', '65:ff9b::1'])(
    'has nothing against %s',
    (text) => {
      expect(neverCheckedReason(ip(text))).toBeUndefined();
    },
  );

  it('reads the IPv4 address in an IPv4-mapped or NAT64 address only', () => {
    expect(embeddedIpv4(ip('::ffff:10.1.2.3'))).toEqual({ version: 4, bytes: [10, 1, 2, 3] });
    expect(embeddedIpv4(ip('64:ff9b::10.1.2.3'))).toEqual({ version: 4, bytes: [10, 1, 2, 3] });
    expect(embeddedIpv4(ip('::fffe:10.1.2.3'))).toBeUndefined();
    expect(embeddedIpv4(ip('1::ffff:10.1.2.3'))).toBeUndefined();
    expect(embeddedIpv4(ip('64:ff9b:1::10.1.2.3'))).toBeUndefined();
    expect(embeddedIpv4(ip('64:ff9a::10.1.2.3'))).toBeUndefined();
    expect(embeddedIpv4(ip('::feff:10.1.2.3'))).toBeUndefined();
    expect(embeddedIpv4(ip('164:ff9b::10.1.2.3'))).toBeUndefined();
    expect(embeddedIpv4(ip('64:fe9b::10.1.2.3'))).toBeUndefined();
    expect(embeddedIpv4(ip('10.1.2.3'))).toBeUndefined();
    // An IPv4 address whose bytes read like the NAT64 prefix carries no other address.
    expect(embeddedIpv4(ip('0.100.255.155'))).toBeUndefined();
  });
});

describe('endpoint DNS names', () => {
  it.each([
    'vpce-0a1b2c3d4e5f67890-abcdefgh.vpce-svc-0123456789abcdef0.us-east-1.vpce.amazonaws.com',
    'vpce-0a1b2c3d4e5f67890-abcdefgh-us-east-1a.vpce-svc-0123456789abcdef0.us-east-1.vpce.amazonaws.com',
    'vpce-0a1b2c3d4e5f67890-abcdefgh-us-west-2-lax-1a.vpce-svc-0123456789abcdef0.us-west-2.vpce.amazonaws.com',
    'VPCE-0A1B2C3D4E5F67890-ABCDEFGH.VPCE-SVC-0123456789ABCDEF0.US-EAST-1.VPCE.AMAZONAWS.COM',
    'vpce-0a1b2c3d4e5f67890-abcdefgh.vpce-svc-0123456789abcdef0.cn-north-1.vpce.amazonaws.com.cn',
  ])('knows the AWS endpoint name %s', (name) => {
    expect(isAwsEndpointDns(name)).toBe(true);
    expect(endpointDnsProblem('aws', name, 'endpointDns')).toBeUndefined();
    expect(endpointDnsProblem(undefined, name, 'endpointDns')).toBeUndefined();
  });

  it.each([
    // A zone of another region, and a region that is none.
    'vpce-0a1b2c3d4e5f67890-abcdefgh-us-west-2a.vpce-svc-0123456789abcdef0.us-east-1.vpce.amazonaws.com',
    'vpce-0a1b2c3d4e5f67890-abcdefgh.vpce-svc-0123456789abcdef0.useast1.vpce.amazonaws.com',
    'vpce-0a1b2c3d4e5f67890-abcdefgh.vpce-svc-0123456789abcdef0.us-east-1.vpce.amazonaws.com.evil.example',
    'x.vpce-0a1b2c3d4e5f67890-abcdefgh.vpce-svc-0123456789abcdef0.us-east-1.vpce.amazonaws.com',
  ])('refuses %s as an AWS endpoint name', (name) => {
    expect(isAwsEndpointDns(name)).toBe(false);
  });

  it('knows an Azure private endpoint name in a privatelink zone, and nothing else', () => {
    expect(isAzureEndpointDns('vendor-pe.privatelink.database.windows.net')).toBe(true);
    expect(isAzureEndpointDns('Vendor-PE.PrivateLink.Database.Windows.Net')).toBe(true);
    expect(isAzureEndpointDns('privatelink.database.windows.net')).toBe(false);
    expect(isAzureEndpointDns('vendor-pe.privatelink')).toBe(false);
    expect(isAzureEndpointDns('vendor-pe.example.com')).toBe(false);
    expect(isAzureEndpointDns('-pe.privatelink.database.windows.net')).toBe(false);
    expect(isAzureEndpointDns(`${'a'.repeat(64)}.privatelink.database.windows.net`)).toBe(false);
    expect(isAzureEndpointDns(`${'a.'.repeat(120)}privatelink.windows.net`)).toBe(false);
    // One-letter labels, and names up to 253 characters.
    expect(isAzureEndpointDns('a.privatelink.b.net')).toBe(true);
    const ofLength = (length: number) =>
      `${`${'a'.repeat(63)}.`.repeat(3)}${'a'.repeat(length - 192 - 24)}.privatelink.windows.net`;
    expect(ofLength(253)).toHaveLength(253);
    expect(isAzureEndpointDns(ofLength(253))).toBe(true);
    expect(isAzureEndpointDns(ofLength(254))).toBe(false);
  });

  it('takes an IP address for either cloud, and says what it expected otherwise', () => {
    expect(endpointDnsProblem('azure', '10.0.0.5', 'x')).toBeUndefined();
    expect(endpointDnsProblem('aws', 'fd00::5', 'x')).toBeUndefined();
    const aws = 'an AWS endpoint DNS name (vpce-<id>-<suffix>[-<zone>].vpce-svc-<id>.<region>.vpce.amazonaws.com)';
    const azure = 'an Azure private endpoint DNS name in a privatelink zone (vendor-pe.privatelink.<zone>)';
    expect(endpointDnsProblem('aws', 'db.example.com', 'endpointDns "db.example.com"')).toBe(
      `endpointDns "db.example.com" is not ${aws} or an IP address`,
    );
    expect(endpointDnsProblem('azure', 'db.example.com', 'x')).toBe(`x is not ${azure} or an IP address`);
    const alibaba =
      "an Alibaba Cloud endpoint domain name (ep-<id>.epsrv-<id>.<region>.privatelink.aliyuncs.com, or a zone's ep-<id>-<region>.epsrv-<id>.<zone>.privatelink.aliyuncs.com)";
    expect(endpointDnsProblem('alibaba', 'db.example.com', 'x')).toBe(`x is not ${alibaba} or an IP address`);
    expect(endpointDnsProblem(undefined, 'db.example.com', 'x')).toBe(
      `x is not ${aws}, ${azure}, ${alibaba}, or an IP address`,
    );
    // Each cloud's names only for that cloud.
    expect(endpointDnsProblem('aws', 'vendor-pe.privatelink.database.windows.net', 'x')).toBeDefined();
    expect(endpointDnsProblem(undefined, 'vendor-pe.privatelink.database.windows.net', 'x')).toBeUndefined();
    expect(
      endpointDnsProblem(
        'azure',
        'vpce-0a1b2c3d4e5f67890-abcdefgh.vpce-svc-0123456789abcdef0.us-east-1.vpce.amazonaws.com',
        'x',
      ),
    ).toBeDefined();
  });
});

describe('ids and service names', () => {
  it('knows an AWS endpoint id of 17 or 8 hex digits', () => {
    expect(endpointIdProblem('aws', 'vpce-0a1b2c3d4e5f67890', 'endpointId')).toBeUndefined();
    expect(endpointIdProblem('aws', 'vpce-0a1b2c3d', 'endpointId')).toBeUndefined();
    expect(endpointIdProblem('aws', 'vpce-0a1b2c3d4e', 'endpointId')).toBe(
      'endpointId is not an AWS VPC endpoint id (vpce- and 17 hex digits, e.g. vpce-0a1b2c3d4e5f67890)',
    );
  });

  it('knows an Azure private endpoint resource id', () => {
    const id =
      '/subscriptions/3f2504e0-4f89-41d3-9a0c-0305e82c3301/resourceGroups/rg/providers/Microsoft.Network/privateEndpoints/pe';
    expect(endpointIdProblem('azure', id, 'endpointId')).toBeUndefined();
    expect(endpointIdProblem('azure', 'vpce-0a1b2c3d4e5f67890', 'endpointId')).toBe(
      'endpointId is not an Azure private endpoint resource id (/subscriptions/{subscriptionId}/resourceGroups/{resourceGroupName}/providers/Microsoft.Network/privateEndpoints/{endpointName})',
    );
  });

  it("says when an AWS service name is in another region than the request's", () => {
    const name = 'com.amazonaws.vpce.eu-west-1.vpce-svc-0123456789abcdef0';
    expect(serviceNameProblem('aws', 'eu-west-1', name, 'service')).toBeUndefined();
    expect(serviceNameProblem('aws', 'us-east-1', name, 'service')).toBe(
      "service is in eu-west-1, not the request's region us-east-1",
    );
    expect(serviceNameProblem('aws', 'us-east-1', 'vpce-svc-0123456789abcdef0', 'service')).toBe(
      'service is not an AWS endpoint service name (com.amazonaws.vpce.us-east-1.vpce-svc-0123456789abcdef0)',
    );
  });

  it('takes an Azure alias only where the vendor service may be named by it', () => {
    const alias = 'vendor-pls.3f2504e0-4f89-41d3-9a0c-0305e82c3301.eastus.azure.privatelinkservice';
    expect(serviceNameProblem('azure', 'eastus', alias, 'service', true)).toBeUndefined();
    expect(serviceNameProblem('azure', 'eastus', alias, 'service')).toBe(
      'service is not an Azure Private Link service resource id (/subscriptions/{subscriptionId}/resourceGroups/{resourceGroupName}/providers/Microsoft.Network/privateLinkServices/{serviceName})',
    );
    expect(serviceNameProblem('azure', 'eastus', 'nope', 'service', true)).toMatch(
      /^service is not an Azure Private Link service resource id or alias \(/,
    );
  });

  it("knows each cloud's region codes", () => {
    expect(isRegionOf('aws', 'us-east-1')).toBe(true);
    expect(isRegionOf('aws', 'us-gov-west-1')).toBe(true);
    expect(isRegionOf('aws', 'eastus')).toBe(false);
    expect(isRegionOf('azure', 'eastus')).toBe(true);
    expect(isRegionOf('azure', 'eastus2')).toBe(true);
    expect(isRegionOf('azure', 'us-east-1')).toBe(false);
  });
});

describe('Alibaba Cloud identifiers', () => {
  const endpoint = 'ep-gw8boxlbu8ddlgm4abcd';
  const service = 'epsrv-gw8ii1nv2nomg9abcd';
  const alibabaDns =
    "an Alibaba Cloud endpoint domain name (ep-<id>.epsrv-<id>.<region>.privatelink.aliyuncs.com, or a zone's ep-<id>-<region>.epsrv-<id>.<zone>.privatelink.aliyuncs.com)";
  const notAnEndpointId =
    'endpointId is not an Alibaba Cloud endpoint id (ep- and 20 letters and digits, e.g. ep-gw8boxlbu8ddlgm4abcd)';

  it.each(['eu-central-1', 'cn-hangzhou', 'cn-shenzhen-finance-1', 'ap-southeast-1', 'us-west-1', 'me-east-1'])(
    'takes the region id %s',
    (region) => {
      expect(isRegionOf('alibaba', region)).toBe(true);
    },
  );

  it.each([
    'Frankfurt',
    'EU-CENTRAL-1',
    'eu_central_1',
    'eucentral1',
    'eu-',
    'cn',
    'germanywestcentral',
    '1u-central-1',
    '',
  ])('refuses %j as a region id', (region) => {
    expect(isRegionOf('alibaba', region)).toBe(false);
  });

  it.each([
    ['1234567890123456', true],
    ['5123456789012345', true],
    ['123456789012345', false],
    ['12345678901234567', false],
    ['123456789012', false],
    ['123456789012345a', false],
    ['1234-5678-9012-3456', false],
    ['', false],
  ])('%j is an account id: %s', (account, ok) => {
    expect(alibabaAccountPattern.test(account)).toBe(ok);
  });

  it.each([
    ['eu-central-1', `com.aliyuncs.privatelink.eu-central-1.${service}`],
    ['cn-hangzhou', 'com.aliyuncs.privatelink.cn-hangzhou.epsrv-bp15bqkt8q4mxmyrmjku'],
    ['cn-shenzhen-finance-1', `com.aliyuncs.privatelink.cn-shenzhen-finance-1.${service}`],
    ['eu-central-1', 'com.aliyuncs.privatelink.eu-central-1.epsrv-abcdefghijkl'],
    ['eu-central-1', `com.aliyuncs.privatelink.eu-central-1.epsrv-${'a1'.repeat(16)}`],
  ])('takes the endpoint service name in %s: %s', (region, name) => {
    expect(serviceNameProblem('alibaba', region, name, 'service')).toBeUndefined();
  });

  it.each([
    [
      'in another region',
      'cn-hangzhou',
      `com.aliyuncs.privatelink.eu-central-1.${service}`,
      "service is in eu-central-1, not the request's region cn-hangzhou",
    ],
    [
      'the endpoint service id alone',
      'eu-central-1',
      service,
      'service is not an Alibaba Cloud endpoint service name (com.aliyuncs.privatelink.eu-central-1.epsrv-bp15bqkt8q4mxmyrmjku)',
    ],
    [
      'an AWS service name',
      'eu-central-1',
      'com.amazonaws.vpce.eu-central-1.vpce-svc-0123456789abcdef0',
      'service is not an Alibaba Cloud endpoint service name (com.aliyuncs.privatelink.eu-central-1.epsrv-bp15bqkt8q4mxmyrmjku)',
    ],
    [
      'an id of 11 letters and digits',
      'cn-hangzhou',
      'com.aliyuncs.privatelink.cn-hangzhou.epsrv-abcdefghijk',
      'service is not an Alibaba Cloud endpoint service name (com.aliyuncs.privatelink.cn-hangzhou.epsrv-bp15bqkt8q4mxmyrmjku)',
    ],
    [
      'an id of 33 letters and digits',
      'eu-central-1',
      `com.aliyuncs.privatelink.eu-central-1.epsrv-${'a'.repeat(33)}`,
      'service is not an Alibaba Cloud endpoint service name (com.aliyuncs.privatelink.eu-central-1.epsrv-bp15bqkt8q4mxmyrmjku)',
    ],
    [
      'an id with a capital letter',
      'eu-central-1',
      'com.aliyuncs.privatelink.eu-central-1.epsrv-Gw8ii1nv2nomg9abcd',
      'service is not an Alibaba Cloud endpoint service name (com.aliyuncs.privatelink.eu-central-1.epsrv-bp15bqkt8q4mxmyrmjku)',
    ],
  ])('refuses an endpoint service name: %s', (_what, region, name, message) => {
    expect(serviceNameProblem('alibaba', region, name, 'service')).toBe(message);
    // The vendor's own service has no alias on Alibaba Cloud: the same answer.
    expect(serviceNameProblem('alibaba', region, name, 'service', true)).toBe(message);
  });

  it('never takes an Alibaba service name for an AWS one', () => {
    expect(
      serviceNameProblem('aws', 'eu-central-1', `com.aliyuncs.privatelink.eu-central-1.${service}`, 'service'),
    ).toBe('service is not an AWS endpoint service name (com.amazonaws.vpce.eu-central-1.vpce-svc-0123456789abcdef0)');
  });

  it.each([endpoint, 'ep-abcdefghijkl', `ep-${'a1'.repeat(16)}`, 'ep-hp33b2e43fays7s8abcd'])(
    'takes the endpoint id %s',
    (id) => {
      expect(endpointIdProblem('alibaba', id, 'endpointId')).toBeUndefined();
    },
  );

  it.each([
    'ep-abcdefghijk',
    `ep-${'a'.repeat(33)}`,
    'EP-GW8BOXLBU8DDLGM4ABCD',
    'ep-gw8boxlbu8ddlgm4abc_',
    'epsrv-gw8ii1nv2nomg9abcd',
    'vpce-0a1b2c3d4e5f67890',
    'gw8boxlbu8ddlgm4abcd',
  ])('refuses %j as an endpoint id', (id) => {
    expect(endpointIdProblem('alibaba', id, 'endpointId')).toBe(notAnEndpointId);
  });

  it('never takes an Alibaba endpoint id for an AWS one', () => {
    expect(endpointIdProblem('aws', endpoint, 'endpointId')).toBe(
      'endpointId is not an AWS VPC endpoint id (vpce- and 17 hex digits, e.g. vpce-0a1b2c3d4e5f67890)',
    );
  });

  it.each([
    ['regional', `${endpoint}.${service}.eu-central-1.privatelink.aliyuncs.com`],
    ['regional (finance region)', `${endpoint}.${service}.cn-shenzhen-finance-1.privatelink.aliyuncs.com`],
    ['regional (in capitals)', `${endpoint}.${service}.eu-central-1.privatelink.aliyuncs.com`.toUpperCase()],
    ['zonal', `${endpoint}-eu-central-1.${service}.eu-central-1a.privatelink.aliyuncs.com`],
    [
      'zonal (a zone written with its hyphen)',
      `${endpoint}-cn-hangzhou.${service}.cn-hangzhou-h.privatelink.aliyuncs.com`,
    ],
  ])('knows the %s endpoint domain name %s', (_what, name) => {
    expect(isAlibabaEndpointDns(name)).toBe(true);
    expect(endpointDnsProblem('alibaba', name, 'endpointDns')).toBeUndefined();
    // Each cloud's names only for that cloud.
    expect(endpointDnsProblem('aws', name, 'x')).toBe(
      'x is not an AWS endpoint DNS name (vpce-<id>-<suffix>[-<zone>].vpce-svc-<id>.<region>.vpce.amazonaws.com) or an IP address',
    );
  });

  it.each([
    ['a zone of another region', `${endpoint}-eu-central-1.${service}.cn-hangzhou-h.privatelink.aliyuncs.com`],
    ['a zone of two letters', `${endpoint}-eu-central-1.${service}.eu-central-1ab.privatelink.aliyuncs.com`],
    [
      'the zonal form, its region in place of the zone',
      `${endpoint}-eu-central-1.${service}.eu-central-1.privatelink.aliyuncs.com`,
    ],
    [
      'the zonal form, its region in place of the zone (cn-hangzhou)',
      `${endpoint}-cn-hangzhou.${service}.cn-hangzhou.privatelink.aliyuncs.com`,
    ],
    ['a region that is none', `${endpoint}.${service}.eucentral1.privatelink.aliyuncs.com`],
    ['a short endpoint id', `ep-short.${service}.eu-central-1.privatelink.aliyuncs.com`],
    ['a short endpoint service id', `${endpoint}.epsrv-short.eu-central-1.privatelink.aliyuncs.com`],
    ['another domain', `${endpoint}.${service}.eu-central-1.privatelink.aliyun.com`],
    ['a suffix after the domain', `${endpoint}.${service}.eu-central-1.privatelink.aliyuncs.com.evil.example`],
    ['a label before the name', `x.${endpoint}.${service}.eu-central-1.privatelink.aliyuncs.com`],
    ['an AWS name', 'vpce-0a1b2c3d4e5f67890-abcdefgh.vpce-svc-0123456789abcdef0.us-east-1.vpce.amazonaws.com'],
  ])('refuses a domain name with %s', (_what, name) => {
    expect(isAlibabaEndpointDns(name)).toBe(false);
    expect(endpointDnsProblem('alibaba', name, 'endpointDns')).toBe(
      `endpointDns is not ${alibabaDns} or an IP address`,
    );
  });

  it('takes an IP address for an Alibaba endpoint', () => {
    expect(endpointDnsProblem('alibaba', '10.20.0.5', 'x')).toBeUndefined();
    expect(endpointDnsProblem('alibaba', 'fd12::5', 'x')).toBeUndefined();
  });
});
