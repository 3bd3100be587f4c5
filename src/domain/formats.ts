/**
 * Identifier formats, shared by the intake and vendor configuration schemas: each cloud's are in its module
 * (clouds/<id>.ts) and reached from here by cloud; the IP address and CIDR rules of the connectivity check are here.
 */

import { alibabaAccountPattern, isAlibabaEndpointDns } from './clouds/alibaba';
import {
  awsAccountPattern,
  awsEndpointIdPattern,
  awsPrincipalPattern,
  awsRegionPattern,
  awsServiceNamePattern,
  isAwsEndpointDns,
} from './clouds/aws';
import {
  azurePrivateEndpointPattern,
  azurePrivateLinkAliasPattern,
  azurePrivateLinkServicePattern,
  azureRegionPattern,
  guidPattern,
  isAzureEndpointDns,
} from './clouds/azure';
import { type Cloud, cloudModules, cloudOf, clouds } from './clouds';

export { type Cloud, clouds };
export {
  alibabaAccountPattern,
  awsAccountPattern,
  awsEndpointIdPattern,
  awsPrincipalPattern,
  awsRegionPattern,
  awsServiceNamePattern,
  azurePrivateEndpointPattern,
  azurePrivateLinkAliasPattern,
  azurePrivateLinkServicePattern,
  azureRegionPattern,
  guidPattern,
  isAlibabaEndpointDns,
  isAwsEndpointDns,
  isAzureEndpointDns,
};

/**
 * Why `value` is not the id of an endpoint in `cloud`, or `undefined` when it is (an AWS VPC endpoint id
 * `vpce-0a1b2c3d4e5f67890`, an Azure private endpoint's resource id, an Alibaba Cloud `ep-` id). `label` names it.
 */
export function endpointIdProblem(cloud: Cloud, value: string, label: string): string | undefined {
  return cloudOf(cloud).endpointIdProblem(value, label);
}

/**
 * Why `value` is not the name of an endpoint service in `cloud`, or `undefined` when it is: on AWS
 * `com.amazonaws.vpce.<region>.vpce-svc-<id>` in the request's region, on Alibaba Cloud
 * `com.aliyuncs.privatelink.<region>.epsrv-<id>`; on Azure a Private Link service's resource id, or (`aliasToo`, for
 * the vendor's own service) its alias.
 */
export function serviceNameProblem(
  cloud: Cloud,
  region: string,
  value: string,
  label: string,
  aliasToo = false,
): string | undefined {
  return cloudOf(cloud).serviceNameProblem(region, value, label, aliasToo);
}

/** True when `value` is a valid region code for `cloud`. */
export function isRegionOf(cloud: Cloud, value: string): boolean {
  return cloudOf(cloud).region.pattern.test(value);
}

/*
 * Endpoint DNS names and network addresses: what a connectivity check may be pointed at. The machine refuses a
 * `vendor_endpoint.created` whose `endpointDns` is not in its cloud's format; the connectivity check refuses any
 * target that is not, and every address it resolves to, by the rules below (activities/connectivity.ts).
 */

/**
 * Why `value` is not a DNS name of an endpoint in `cloud` (any cloud when not known), or `undefined` when it is one:
 * that cloud's endpoint DNS name, or an IP address (the address rules are the connectivity check's, which knows the
 * worker's network). `label` names the value in the message, e.g. `endpointDns "x"`.
 */
export function endpointDnsProblem(cloud: Cloud | undefined, value: string, label: string): string | undefined {
  if (parseIp(value)) return undefined;
  const candidates = cloud ? [cloudOf(cloud)] : Object.values(cloudModules);
  if (candidates.some((c) => c.isEndpointDns(value))) return undefined;
  const expected = candidates.map((c) => c.endpointDnsWords);
  return `${label} is not ${expected.join(', ')}${expected.length > 1 ? ',' : ''} or an IP address`;
}

/** An IPv4 (4 bytes) or IPv6 (16 bytes) address. */
export interface IpAddress {
  version: 4 | 6;
  bytes: number[];
}

/** A block of addresses: the first `prefix` bits of `bytes`. */
export interface Cidr extends IpAddress {
  prefix: number;
}

/** Dotted-quad IPv4 only: four decimal numbers 0-255 without leading zeros (no octal, hex or short forms). */
function parseIpv4(text: string): number[] | undefined {
  const parts = text.split('.');
  if (parts.length !== 4 || !parts.every((p) => /^(0|[1-9]\d{0,2})$/.test(p) && Number(p) <= 255)) return undefined;
  return parts.map(Number);
}

/** IPv6 in its text forms (`::` shorthand, a dotted IPv4 tail); no zone ids (`%eth0`), no brackets. */
function parseIpv6(text: string): number[] | undefined {
  // Every group is checked to be 1 to 4 hex digits below, and a dotted tail to be IPv4: nothing else gets through.
  let hex = text.toLowerCase();
  if (hex.includes('.')) {
    const at = hex.lastIndexOf(':');
    const v4 = parseIpv4(hex.slice(at + 1));
    if (!v4) return undefined;
    hex = `${hex.slice(0, at + 1)}${((v4[0]! << 8) | v4[1]!).toString(16)}:${((v4[2]! << 8) | v4[3]!).toString(16)}`;
  }
  const halves = hex.split('::');
  if (halves.length > 2) return undefined;
  const groups = (half: string | undefined) => (half ? half.split(':') : []);
  const head = groups(halves[0]);
  const tail = groups(halves[1]);
  const missing = 8 - head.length - tail.length;
  if (halves.length === 1 ? missing !== 0 : missing < 1) return undefined;
  const all = [...head, ...Array<string>(missing).fill('0'), ...tail];
  if (!all.every((g) => /^[0-9a-f]{1,4}$/.test(g))) return undefined;
  return all.flatMap((g) => [parseInt(g, 16) >> 8, parseInt(g, 16) & 0xff]);
}

/** The address `text` is, if it is an IP address literal. */
export function parseIp(text: string): IpAddress | undefined {
  const v4 = parseIpv4(text);
  if (v4) return { version: 4, bytes: v4 };
  const v6 = parseIpv6(text);
  return v6 ? { version: 6, bytes: v6 } : undefined;
}

/** A CIDR block such as `10.20.0.0/16` or `fd12:3456::/48`, or why `text` is not one. */
export function parseCidr(text: string): { ok: true; cidr: Cidr } | { ok: false; message: string } {
  const parts = text.split('/');
  const [address, prefixText] = parts as [string, string];
  const ip = parseIp(address);
  if (!ip || parts.length !== 2 || !/^\d{1,3}$/.test(prefixText)) {
    return { ok: false, message: 'must be a CIDR block: an address, a slash and a prefix length, e.g. 10.20.0.0/16' };
  }
  const prefix = Number(prefixText);
  const bits = ip.version === 4 ? 32 : 128;
  if (prefix > bits) return { ok: false, message: `must have a prefix length of 0 to ${bits} (IPv${ip.version})` };
  const cidr = { ...ip, prefix };
  const base = { ...ip, bytes: ip.bytes.map((byte, i) => byte & maskByte(prefix, i)) };
  if (base.bytes.some((byte, i) => byte !== ip.bytes[i])) {
    return {
      ok: false,
      message: `has address bits set past its /${prefix} prefix: did you mean ${formatIp(base)}/${prefix}?`,
    };
  }
  return { ok: true, cidr };
}

/** The mask of byte `i` for a prefix of `prefix` bits. */
function maskByte(prefix: number, i: number): number {
  const bits = Math.min(8, Math.max(0, prefix - i * 8));
  return (0xff << (8 - bits)) & 0xff;
}

/** True when `block` holds `address` (never across IP versions). */
export function cidrContains(block: Cidr, address: IpAddress): boolean {
  return (
    block.version === address.version &&
    block.bytes.every(
      (byte, i) => (byte & maskByte(block.prefix, i)) === (address.bytes[i]! & maskByte(block.prefix, i)),
    )
  );
}

/** An address in text: dotted IPv4, or IPv6 with the longest run of zero groups as `::`. */
export function formatIp(address: IpAddress): string {
  if (address.version === 4) return address.bytes.join('.');
  const groups = Array.from({ length: 8 }, (_, i) => (address.bytes[2 * i]! << 8) | address.bytes[2 * i + 1]! || 0);
  // The first longest run of two or more zero groups (a single zero group stays "0").
  let best = { at: -1, length: 1 };
  let run = 0;
  groups.forEach((group, i) => {
    run = group === 0 ? run + 1 : 0;
    if (run > best.length) best = { at: i - run + 1, length: run };
  });
  const text = groups.map((g) => g.toString(16));
  if (best.at < 0) return text.join(':');
  return `${text.slice(0, best.at).join(':')}::${text.slice(best.at + best.length).join(':')}`;
}

/**
 * The IPv4 address an IPv6 address stands for: IPv4-mapped (`::ffff:a.b.c.d`, how a dual-stack socket shows IPv4)
 * and NAT64 (`64:ff9b::a.b.c.d`, how DNS64 in an IPv6-only subnet answers for an IPv4-only name). These are judged
 * as the IPv4 address they carry.
 */
export function embeddedIpv4(address: IpAddress): IpAddress | undefined {
  if (address.version !== 6) return undefined;
  const b = address.bytes;
  const mapped = b.slice(0, 10).every((x) => x === 0) && b[10] === 0xff && b[11] === 0xff;
  const nat64 = b[0] === 0 && b[1] === 0x64 && b[2] === 0xff && b[3] === 0x9b && b.slice(4, 12).every((x) => x === 0);
  return mapped || nat64 ? { version: 4, bytes: b.slice(12) } : undefined;
}

const block = (text: string): Cidr => {
  const parsed = parseCidr(text);
  if (!parsed.ok) throw new Error(`bad built-in CIDR ${text}`);
  return parsed.cidr;
};

/**
 * Addresses a connectivity check never connects to, whatever the configuration allows: this machine, its link, the
 * clouds' instance metadata and platform services, and addresses that are no single host. Most specific first, so
 * the first match names it best.
 */
export const neverCheckedRanges: readonly { cidr: Cidr; what: string }[] = [
  { cidr: block('0.0.0.0/8'), what: 'an unspecified ("this network") address' },
  { cidr: block('127.0.0.0/8'), what: 'a loopback address' },
  { cidr: block('169.254.169.254/32'), what: 'the cloud instance metadata address' },
  { cidr: block('169.254.0.0/16'), what: 'a link-local address (cloud metadata, DNS and time services live there)' },
  { cidr: block('168.63.129.16/32'), what: "the Azure platform's host address (WireServer)" },
  { cidr: block('100.100.100.200/32'), what: 'a cloud instance metadata address' },
  { cidr: block('224.0.0.0/4'), what: 'a multicast address' },
  { cidr: block('240.0.0.0/4'), what: 'a reserved or broadcast address' },
  { cidr: block('::/128'), what: 'the unspecified address' },
  { cidr: block('::1/128'), what: 'a loopback address' },
  { cidr: block('fd00:ec2::254/128'), what: 'the AWS instance metadata address' },
  { cidr: block('fd00:ec2::/32'), what: 'an AWS instance service address (metadata, DNS, time)' },
  { cidr: block('fe80::/10'), what: 'a link-local address' },
  { cidr: block('ff00::/8'), what: 'a multicast address' },
  { cidr: block('::/96'), what: 'an IPv4-compatible IPv6 address (deprecated)' },
  { cidr: block('2002::/16'), what: 'a 6to4 address (it tunnels to an IPv4 address)' },
  { cidr: block('2001::/32'), what: 'a Teredo address (it tunnels to an IPv4 address)' },
];

/** Private address space (RFC 1918, shared address space, unique local IPv6): where VPCs and VNets live. */
export const privateRanges: readonly Cidr[] = [
  block('10.0.0.0/8'),
  block('172.16.0.0/12'),
  block('192.168.0.0/16'),
  block('100.64.0.0/10'),
  block('fc00::/7'),
];

/** What the never-checked range holding `address` is, in words (IPv4-mapped and NAT64 judged as their IPv4). */
export function neverCheckedReason(address: IpAddress): string | undefined {
  const judged = embeddedIpv4(address) ?? address;
  return neverCheckedRanges.find((r) => cidrContains(r.cidr, judged))?.what;
}
