/**
 * Alibaba Cloud PrivateLink (seed 003, "Access services in a VPC that belongs to another account by using
 * PrivateLink"): 16-digit account ids, region ids (`eu-central-1`, `cn-hangzhou`), `epsrv-` endpoint services named
 * `com.aliyuncs.privatelink.<region>.epsrv-…`, `ep-` interface endpoints, an account id "added to the whitelist" of an
 * endpoint service, endpoints and endpoint services in the zone of the load balancer (so the intake names the zones),
 * a customer's service fronted by an internal-facing pay-as-you-go CLB instance, and connections accepted by hand
 * unless the endpoint service accepts them automatically.
 */
import { z } from 'zod';
import { isRecord } from '../json';
import { quoted, truncateUtf8 } from '../limits';
import { unknownFieldMessage } from '../did-you-mean';
import {
  type AddProblem,
  type CloudIntake,
  type CloudModule,
  type DetailsContext,
  isBlank,
  isHostName,
  SSH,
  unique,
} from './cloud';

/**
 * Alibaba Cloud region id, e.g. `eu-central-1`, `cn-hangzhou`, `ap-southeast-1`, `cn-shenzhen-finance-1`,
 * `cn-north-2-gov-1`: words and numbers, never a zone id (`eu-central-1a`, `cn-hangzhou-h`).
 */
export const alibabaRegionPattern = /^[a-z]{2}-[a-z]{2,}(?:-(?:[a-z]{2,}|\d+))*$/;
/** Alibaba Cloud account id (UID): 16 digits. */
export const alibabaAccountPattern = /^\d{16}$/;
/**
 * An `epsrv-`/`ep-` id's part after the prefix: lower-case letters and digits (20 on every id we have seen; Alibaba
 * documents no length, so 12 to 32 are taken).
 */
const idPart = '[a-z0-9]{12,32}';
/** Alibaba endpoint service name; the captured group is its region. */
export const alibabaServiceNamePattern = new RegExp(`^com\\.aliyuncs\\.privatelink\\.([a-z0-9-]+)\\.epsrv-${idPart}$`);
/** Alibaba endpoint id, e.g. `ep-hp33b2e43fays7s8abcd`. */
export const alibabaEndpointIdPattern = new RegExp(`^ep-${idPart}$`);
/**
 * An endpoint's domain name: `ep-<id>.epsrv-<id>.<region>.privatelink.aliyuncs.com`, or a zone's
 * `ep-<id>-<region>.epsrv-<id>.<zone>.privatelink.aliyuncs.com`. Groups: the region after the endpoint id (zonal
 * only) and the region or zone.
 */
const endpointDnsPattern = new RegExp(
  `^ep-${idPart}(?:-([a-z0-9-]+))?\\.epsrv-${idPart}\\.([a-z0-9-]+)\\.privatelink\\.aliyuncs\\.com$`,
);

const serviceExample = (region: string) => `com.aliyuncs.privatelink.${region}.epsrv-bp15bqkt8q4mxmyrmjku`;

/** True when `zone` is a zone id of `region`: the region and a letter (`eu-central-1a`, `cn-hangzhou-h`). */
export function isZoneOf(region: string, zone: string): boolean {
  return zone.startsWith(region) && /^-?[a-z]$/.test(zone.slice(region.length));
}

/** "zone eu-central-1a", "zones eu-central-1a and eu-central-1b". */
const zoneWords = (zones: string[]) => `zone${zones.length === 1 ? '' : 's'} ${zones.join(' and ')}`;

/** A zone id of `region`, as an example. */
const zoneExample = (region: string) => (/\d$/.test(region) ? `${region}a` : `${region}-h`);

/** True for an Alibaba endpoint's regional or zonal domain name. */
export function isAlibabaEndpointDns(name: string): boolean {
  const lower = name.toLowerCase();
  const match = endpointDnsPattern.exec(lower);
  if (!match || !isHostName(lower)) return false;
  const [, zonalRegion, place] = match as unknown as [string, string | undefined, string];
  if (zonalRegion === undefined) return alibabaRegionPattern.test(place);
  return alibabaRegionPattern.test(zonalRegion) && isZoneOf(zonalRegion, place);
}

/** The fields of the intake's `alibaba` object. */
export const knownAlibabaFields = ['zones', 'clbAddressType', 'clbBilling', 'autoAcceptConnections'] as const;

/** The Alibaba details an intake carries. */
export interface AlibabaDetails {
  /** The zones the endpoints are in: the customer's endpoint, and (bidirectional, reverse) the customer's CLB. */
  zones: string[];
  /** Bidirectional and reverse: the customer's CLB, as PrivateLink needs it. */
  clbAddressType?: 'intranet';
  clbBilling?: 'pay-as-you-go';
  /** The customer's endpoint service accepts the vendor's endpoint by itself (no acceptance step). */
  autoAcceptConnections?: boolean;
}

/** Zones one request may name (an Alibaba region has a dozen at most). */
const MAX_ZONES = 12;

/** The Alibaba details: the zones, and for a service of the customer's, its CLB and whether it accepts by itself. */
export function validateAlibaba(value: unknown, request: DetailsContext, add: AddProblem): AlibabaDetails | undefined {
  const { region, connectionType } = request;
  const details = isRecord(value) ? value : {};
  if (!isBlank(value) && !isRecord(value))
    add('alibaba', 'invalid', 'must be an object: { "zones": ["eu-central-1a"], … }');
  for (const field of Object.keys(details)) {
    if (!(knownAlibabaFields as readonly string[]).includes(field))
      add(`alibaba.${truncateUtf8(field, 80)}`, 'invalid', unknownFieldMessage(field, knownAlibabaFields));
  }
  const customerService = connectionType === 'bidirectional' || connectionType === 'reverse';
  const example = zoneExample(region ?? 'eu-central-1');
  const where =
    connectionType === 'reverse'
      ? 'the zone of the CLB instance behind your endpoint service'
      : customerService
        ? 'the zone where you create your endpoint, and the zone of the CLB instance behind your endpoint service'
        : 'the zone where you create your endpoint';
  let zones: string[] | undefined;
  const raw = typeof details.zones === 'string' ? details.zones.split(/[\s,;]+/).filter(Boolean) : details.zones;
  if (isBlank(raw) || (Array.isArray(raw) && raw.length === 0)) {
    add(
      'alibaba.zones',
      'missing',
      `is missing: ${where}, e.g. ${example} (an endpoint and its endpoint service must be in the zone of the load balancer)`,
    );
  } else if (!Array.isArray(raw)) {
    add('alibaba.zones', 'invalid', `must be a list of zone ids, e.g. ["${example}"]`);
  } else if (raw.length > MAX_ZONES) {
    add('alibaba.zones', 'invalid', `lists ${raw.length} zones; at most ${MAX_ZONES}`);
  } else {
    let ok = true;
    raw.forEach((item, i) => {
      const zone = typeof item === 'string' ? item.trim().toLowerCase() : undefined;
      if (zone === undefined || zone.length > 64 || !/^[a-z0-9-]+$/.test(zone)) {
        add(`alibaba.zones[${i}]`, 'invalid', `must be a zone id, e.g. ${example}`);
        ok = false;
      } else if (region !== undefined && alibabaRegionPattern.test(region) && !isZoneOf(region, zone)) {
        add(
          `alibaba.zones[${i}]`,
          'invalid',
          `${quoted(zone)} is not a zone of ${region}, the region of this request (e.g. ${example})`,
        );
        ok = false;
      }
    });
    if (ok) zones = unique(raw.map((item) => (item as string).trim().toLowerCase()));
  }

  const onlyForCustomerService = (field: string) =>
    add(
      `alibaba.${field}`,
      'invalid',
      'applies to your own endpoint service only (bidirectional and reverse connections): remove it, or set the connection type to bidirectional or reverse',
    );
  const choice = (field: 'clbAddressType' | 'clbBilling', wanted: string, other: string, why: string) => {
    const given = details[field];
    if (!customerService) {
      if (!isBlank(given)) onlyForCustomerService(field);
      return true;
    }
    const text = typeof given === 'string' ? given.trim().toLowerCase() : undefined;
    if (isBlank(given)) {
      add(`alibaba.${field}`, 'missing', `is missing: ${why}; say ${wanted}`);
      return false;
    }
    if (text === wanted) return true;
    add(
      `alibaba.${field}`,
      'invalid',
      text === other ? `is ${other}, but ${why}` : `must be ${wanted} (got ${quoted(given)}): ${why}`,
    );
    return false;
  };
  const internal = choice(
    'clbAddressType',
    'intranet',
    'internet',
    'PrivateLink serves only an internal-facing (intranet) CLB instance: create one in your VPC for your endpoint service',
  );
  const payAsYouGo = choice(
    'clbBilling',
    'pay-as-you-go',
    'subscription',
    'PrivateLink serves only a pay-as-you-go CLB instance: create one for your endpoint service',
  );
  let autoAcceptConnections: boolean | undefined;
  const auto = details.autoAcceptConnections;
  if (!isBlank(auto)) {
    const word = typeof auto === 'string' ? auto.trim().toLowerCase() : auto;
    if (!customerService) onlyForCustomerService('autoAcceptConnections');
    else if (word === true || word === 'true' || word === 'yes') autoAcceptConnections = true;
    else if (word === false || word === 'false' || word === 'no') autoAcceptConnections = false;
    else add('alibaba.autoAcceptConnections', 'invalid', `must be true or false (got ${quoted(auto)})`);
  }
  if (!zones || !internal || !payAsYouGo) return undefined;
  return {
    zones,
    ...(customerService ? { clbAddressType: 'intranet' as const, clbBilling: 'pay-as-you-go' as const } : {}),
    ...(autoAcceptConnections !== undefined ? { autoAcceptConnections } : {}),
  };
}

const detailsOf = (intake: CloudIntake) => intake.alibaba as AlibabaDetails | undefined;

export const alibaba: CloudModule<'alibaba', AlibabaDetails> = {
  id: 'alibaba',
  name: 'Alibaba Cloud',
  aliases: ['alibaba cloud', 'aliyun', 'alibaba cloud privatelink'],
  source: 'seed 003 (Alibaba Cloud PrivateLink to a CLB instance in another account)',
  region: { pattern: alibabaRegionPattern, example: 'eu-central-1', words: 'an Alibaba Cloud region id' },
  account: {
    pattern: alibabaAccountPattern,
    example: '1234567890123456',
    rule: 'must be a 16-digit Alibaba Cloud account id such as 1234567890123456',
    missing: 'your 16-digit Alibaba Cloud account id',
    what: 'an Alibaba Cloud account id (16 digits)',
    ticketKeys: ['Alibaba Cloud account', 'Alibaba Cloud account ID'],
  },
  principal: {
    pattern: alibabaAccountPattern,
    example: '1234567890123456',
    rule: 'must be the 16-digit Alibaba Cloud account id customers add to their whitelists',
    list: false,
  },
  serviceNameProblem(region, value, label) {
    const named = alibabaServiceNamePattern.exec(value)?.[1];
    if (named === region) return undefined;
    return named
      ? `${label} is in ${named}, not the request's region ${region}`
      : `${label} is not an Alibaba Cloud endpoint service name (${serviceExample(region)})`;
  },
  vendorServiceRule: (region) =>
    `must be an Alibaba Cloud endpoint service name in ${region}, like ${serviceExample(region)}`,
  customerServiceShape: (region) =>
    `the service name of your endpoint service, e.g. ${serviceExample(region ?? 'eu-central-1')}`,
  endpointIdProblem: (value, label) =>
    alibabaEndpointIdPattern.test(value)
      ? undefined
      : `${label} is not an Alibaba Cloud endpoint id (ep- and 20 letters and digits, e.g. ep-gw8boxlbu8ddlgm4abcd)`,
  isEndpointDns: isAlibabaEndpointDns,
  endpointDnsWords:
    "an Alibaba Cloud endpoint domain name (ep-<id>.epsrv-<id>.<region>.privatelink.aliyuncs.com, or a zone's ep-<id>-<region>.epsrv-<id>.<zone>.privatelink.aliyuncs.com)",
  refusedPorts: [SSH],
  words: {
    anEndpoint: 'an interface endpoint',
    service: 'endpoint service',
    aLoadBalancer: 'an internal-facing, pay-as-you-go CLB instance',
    network: 'VPC',
    serviceNameWord: 'service name',
    customerServiceNameWord: 'service name',
    accountNoun: 'account',
    accountHeading: 'Account',
    oneAccount: 'Alibaba Cloud account',
    principalNoun: 'Alibaba Cloud account ID',
    grantDeclared: 'You told us our account ID is already in your whitelist: thank you.',
    grantAsk:
      'If you have not done so yet, add this account ID to the whitelist of your endpoint service now: until it is there we cannot connect to your service, which delays the set-up.',
    mustAccept: "Your endpoint service's whitelist must include our Alibaba Cloud account ID",
    allowOn: (target) =>
      `add our Alibaba Cloud account ID to the whitelist of ${target === 'it' ? 'your endpoint service' : target}: on its Service Whitelist tab, click Add to Whitelist`,
    replyGranted: 'Reply when our account ID is in the whitelist',
    replyServiceName: ', with the service name if it is not the one above',
    checkAllows: "your endpoint service's whitelist has our account ID",
    acceptStep: (endpointId) =>
      `allow the connection from endpoint ${endpointId}: on your endpoint service's Endpoint Connections tab, find it, click Allow, then OK in the Allow Connection dialog; its state changes from Disconnected to Connected`,
    weAllow: (accounts, region, zones) =>
      `We are now adding Alibaba Cloud account ${accounts.join(', ')} to the whitelist of our endpoint service in ${region}${zones.length ? ` (zone${zones.length === 1 ? '' : 's'} ${zones.join(' and ')})` : ''}.`,
    nowAllowed: 'Your Alibaba Cloud account ID is now in the whitelist of our endpoint service.',
    removeUs: "remove our Alibaba Cloud account ID from your endpoint service's whitelist",
    endpointIdHint: 'ep-…',
    acceptedState: '"Connected"',
    lookup: (endpointId, region) => ({
      command: `aliyun privatelink GetVpcEndpointAttribute --RegionId ${region} --EndpointId ${endpointId}   (the EndpointDomain field)`,
      what: 'domain name',
    }),
    allowlistTask: ({ accounts, region, service, details }) =>
      `Add Alibaba Cloud account ${accounts.join(', ')} to the whitelist of the endpoint service in ${region}${service ? ` (${service})` : ''}; it must serve ${zoneWords((details.zones as string[] | undefined) ?? [])}, where the customer creates the endpoint. Then record customer_access.granted`,
  },
  checklist: {
    customerEndpoint: (endpoint) =>
      `Your interface endpoint${endpoint} shows the connection state "Connected" in the PrivateLink console (Endpoints), with a vSwitch in the zone you test from`,
    customerEndpointSecurity: (ports) =>
      `The security group of your endpoint allows inbound TCP on ${ports} from the host you test from`,
    loadBalancer: 'CLB instance',
    listeners: (ports) => `a TCP listener for each port (${ports})`,
    healthy: 'The backend servers of the CLB instance: every server "Healthy" in its health check',
    serviceAccepted: (service, endpoint) =>
      `Your endpoint service${service} allowed the connection from our endpoint${endpoint} (state "Connected"), in the zone of its CLB instance`,
    targetsAllow: (ports) => `The security groups of your backend servers allow TCP on ${ports} from the CLB instance`,
    vendorEndpointState: 'connected ("Connected")',
  },
  docs: {
    createEndpoint: 'https://www.alibabacloud.com/help/en/privatelink/user-guide/endpoint-overview/',
    connectionRequests: 'https://www.alibabacloud.com/help/en/privatelink/user-guide/managing-endpoint-connections',
    grantAccess: 'https://www.alibabacloud.com/help/en/privatelink/latest/add-account-ids-to-the-whitelist',
    loadBalancer:
      'https://www.alibabacloud.com/help/en/slb/classic-load-balancer/user-guide/create-and-manage-clb-instances',
    endpointService: 'https://www.alibabacloud.com/help/doc-detail/174064.htm',
    troubleshooting: 'https://www.alibabacloud.com/help/en/privatelink/getting-started',
  },
  details: {
    ticketKey: 'Alibaba details',
    describe:
      "Alibaba Cloud only: the zones of the endpoints, and (bidirectional, reverse) the CLB of the customer's service",
    fields: [
      {
        name: 'zones',
        ticketKey: 'Alibaba zones',
        labels: ['Zones', 'Alibaba Cloud zones'],
        kind: 'list',
        example: 'Alibaba zones: eu-central-1a',
      },
      {
        name: 'clbAddressType',
        ticketKey: 'Alibaba CLB address type',
        labels: ['CLB address type', 'CLB type'],
        kind: 'text',
        example: 'Alibaba CLB address type: intranet',
        normalize: (v) => v.replace(/^(internal|internal[- ]facing|private)$/i, 'intranet'),
        describe: 'intranet (PrivateLink serves only internal-facing CLBs)',
      },
      {
        name: 'clbBilling',
        ticketKey: 'Alibaba CLB billing',
        labels: ['CLB billing', 'CLB billing method'],
        kind: 'text',
        example: 'Alibaba CLB billing: pay-as-you-go',
        normalize: (v) => v.replace(/^pay[- ]?as[- ]?you[- ]?go$/i, 'pay-as-you-go'),
        describe: 'pay-as-you-go',
      },
      {
        name: 'autoAcceptConnections',
        ticketKey: 'Alibaba auto-accept connections',
        labels: ['Automatically accept endpoint connections', 'Auto-accept'],
        kind: 'boolean',
        example: 'Alibaba auto-accept connections: no',
      },
    ],
    validate: validateAlibaba,
    schema: () =>
      z.object({
        zones: z.array(z.string()).min(1),
        clbAddressType: z.literal('intranet').optional(),
        clbBilling: z.literal('pay-as-you-go').optional(),
        autoAcceptConnections: z.boolean().optional(),
      }),
  },
  zonesOf: (intake) => detailsOf(intake)?.zones ?? [],
  autoAccepts: (intake) => detailsOf(intake)?.autoAcceptConnections === true,
};
