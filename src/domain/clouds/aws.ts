/**
 * AWS PrivateLink (the vendor's document, seed 001, and the data-integration vendor's, seed 002): 12-digit account ids,
 * region codes, `vpce-svc-` endpoint services named `com.amazonaws.vpce.<region>.vpce-svc-…`, `vpce-` interface
 * endpoints, an IAM principal ARN for the vendor, network load balancers in front of services.
 */
import { type CloudModule, SSH } from './cloud';

/** AWS region code, e.g. `us-east-1`, `eu-central-2`, `us-gov-west-1`. */
export const awsRegionPattern = /^[a-z]{2}(-gov|-iso[a-z]?)?-[a-z]+-\d$/;
/** AWS account id: exactly 12 digits. */
export const awsAccountPattern = /^\d{12}$/;
/** AWS IAM principal ARN, e.g. `arn:aws:iam::402592597372:root`. */
export const awsPrincipalPattern = /^arn:aws[a-z-]*:iam::\d{12}:(root|role\/[\w+=,.@/-]+|user\/[\w+=,.@/-]+)$/;
/** AWS endpoint service name; the captured group is the region it lives in. */
export const awsServiceNamePattern = /^com\.amazonaws\.vpce\.([a-z0-9-]+)\.vpce-svc-[0-9a-f]{8,17}$/;
/** AWS VPC endpoint id: `vpce-` and 17 hex digits (8 for endpoints made before 2018). */
export const awsEndpointIdPattern = /^vpce-(?:[0-9a-f]{17}|[0-9a-f]{8})$/;

const serviceExample = (region: string) => `com.amazonaws.vpce.${region}.vpce-svc-0123456789abcdef0`;

/**
 * An AWS interface endpoint's DNS name for an endpoint service: regional
 * `vpce-<endpoint id>-<suffix>.vpce-svc-<service id>.<region>.vpce.amazonaws.com`, or zonal with `-<availability
 * zone>` after the suffix (`.amazonaws.com.cn` in China). Groups: the zone (zonal only) and the region.
 */
const awsEndpointDnsPattern =
  /^vpce-[0-9a-f]{8,17}-[a-z0-9]{1,16}(?:-([a-z]{2}(?:-[a-z0-9]+)+[a-z]))?\.vpce-svc-[0-9a-f]{8,17}\.([a-z0-9-]+)\.vpce\.amazonaws\.com(?:\.cn)?$/;

/** True for an AWS interface endpoint's regional or zonal DNS name (its zone, when zonal, in its region). */
export function isAwsEndpointDns(name: string): boolean {
  const lower = name.toLowerCase();
  const match = awsEndpointDnsPattern.exec(lower);
  if (!match) return false;
  const [, zone, region] = match as unknown as [string, string | undefined, string];
  // A zone is its region and a letter (us-east-1a), or a Local Zone's name after it (us-west-2-lax-1a).
  return (
    awsRegionPattern.test(region) && (zone === undefined || new RegExp(`^${region}(-[a-z]+-\\d)?[a-z]$`).test(zone))
  );
}

const docs = {
  createEndpoint: 'https://docs.aws.amazon.com/vpc/latest/userguide/vpce-interface.html#create-interface-endpoint',
  connectionRequests: 'https://docs.aws.amazon.com/vpc/latest/userguide/accept-reject-endpoint-requests.html',
  grantAccess: 'https://docs.aws.amazon.com/vpc/latest/userguide/add-endpoint-service-permissions.html',
  loadBalancer: 'https://docs.aws.amazon.com/elasticloadbalancing/latest/network/create-network-load-balancer.html',
  endpointService: 'https://docs.aws.amazon.com/vpc/latest/userguide/create-endpoint-service.html',
  troubleshooting: 'https://aws.amazon.com/premiumsupport/knowledge-center/connect-endpoint-service-vpc/',
};

export const aws: CloudModule<'aws'> = {
  id: 'aws',
  name: 'AWS',
  aliases: ['amazon web services', 'amazon', 'aws privatelink'],
  source: 'seed 001 (AWS PrivateLink, both directions) and seed 002 (reverse path)',
  region: { pattern: awsRegionPattern, example: 'us-east-1', words: 'an AWS region code' },
  account: {
    pattern: awsAccountPattern,
    example: '123456789012',
    rule: 'must be a 12-digit AWS account id such as 123456789012',
    missing: 'your 12-digit AWS account id',
    what: 'an AWS account id (12 digits)',
    ticketKeys: ['AWS account', 'AWS account ID'],
  },
  principal: {
    pattern: awsPrincipalPattern,
    example: 'arn:aws:iam::402592597372:root',
    rule: 'must be an IAM principal ARN such as arn:aws:iam::402592597372:root',
    list: false,
  },
  serviceNameProblem(region, value, label) {
    const named = awsServiceNamePattern.exec(value)?.[1];
    if (named === region) return undefined;
    return named
      ? `${label} is in ${named}, not the request's region ${region}`
      : `${label} is not an AWS endpoint service name (${serviceExample(region)})`;
  },
  vendorServiceRule: (region) =>
    `must be an AWS endpoint service name in ${region}, like com.amazonaws.vpce.${region}.vpce-svc-0123456789abcdef0`,
  customerServiceShape: (region) =>
    `the service name of your endpoint service, e.g. ${serviceExample(region ?? 'us-east-1')}`,
  endpointIdProblem: (value, label) =>
    awsEndpointIdPattern.test(value)
      ? undefined
      : `${label} is not an AWS VPC endpoint id (vpce- and 17 hex digits, e.g. vpce-0a1b2c3d4e5f67890)`,
  isEndpointDns: isAwsEndpointDns,
  endpointDnsWords: 'an AWS endpoint DNS name (vpce-<id>-<suffix>[-<zone>].vpce-svc-<id>.<region>.vpce.amazonaws.com)',
  refusedPorts: [SSH],
  words: {
    anEndpoint: 'an interface VPC endpoint',
    service: 'endpoint service',
    aLoadBalancer: 'a network load balancer',
    network: 'VPC',
    serviceNameWord: 'service name',
    customerServiceNameWord: 'service name',
    accountNoun: 'account',
    accountHeading: 'Account',
    oneAccount: 'AWS account',
    principalNoun: 'AWS account principal',
    grantDeclared: 'You told us our principal is already allowed: thank you.',
    grantAsk:
      'If you have not done so yet, allow this principal now: until it is allowed we cannot connect to your service, which delays the set-up.',
    mustAccept: 'It must accept connections from our AWS account principal',
    allowOn: (target) => `allow our AWS account principal to connect to ${target}`,
    replyGranted: 'Reply when access is granted',
    replyServiceName: ', with the service name if it is not the one above',
    checkAllows: 'your endpoint service allows these principals',
    acceptStep: (endpointId) => `accept the connection request from endpoint ${endpointId}`,
    weAllow: (accounts, region) =>
      `We are now allowing AWS account ${accounts.join(', ')} to connect to our endpoint service in ${region}.`,
    nowAllowed: 'Your AWS account can now connect to our endpoint service.',
    removeUs: "remove our AWS account principal from your endpoint service's allowed principals",
    endpointIdHint: 'vpce-…',
    acceptedState: '"Available"',
    lookup: (endpointId) => ({
      command: `aws ec2 describe-vpc-endpoints --vpc-endpoint-ids ${endpointId} --query "VpcEndpoints[0].DnsEntries[0].DnsName" --output text`,
      what: 'DNS name',
    }),
    allowlistTask: ({ accounts, region, service }) =>
      `Allowlist AWS account ${accounts.join(', ')} on the endpoint service in ${region}${service ? ` (${service})` : ''}, then record customer_access.granted`,
  },
  checklist: {
    customerEndpoint: (endpoint) =>
      `Your interface endpoint${endpoint} shows "Available" in the VPC console (Endpoints), with a subnet in each Availability Zone you test from`,
    customerEndpointSecurity: (ports) =>
      `The security group of your endpoint allows inbound TCP on ${ports} from the host you test from, and your network ACLs allow the traffic both ways`,
    loadBalancer: 'network load balancer (NLB)',
    listeners: (ports) => `a TCP listener for each port (${ports})`,
    healthy: 'The target groups of the NLB: every target registered and healthy',
    serviceAccepted: (service, endpoint) =>
      `Your endpoint service${service} accepted the connection from our endpoint${endpoint} (state "Available")`,
    targetsAllow: (ports) =>
      `The security groups of your targets allow TCP on ${ports} from the NLB's private IP addresses`,
    vendorEndpointState: '"Available"',
  },
  docs,
};
