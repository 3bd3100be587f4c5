/**
 * What a cloud is to the product: one module per cloud (aws.ts, azure.ts, alibaba.ts) describes its identifiers, the
 * vendor's principal there, its limits, the words its console uses and the documentation it links. Everything that
 * differs between clouds is read from here, so a new cloud is one module and its tests (docs/clouds.md).
 */
import type { z } from 'zod';
import type { Problem } from '../problems';

/** A port the vendor does not open over PrivateLink, by number and (optionally) by service name, with why. */
export interface RefusedPort {
  port: number;
  name?: string;
  reason: string;
}

/** Reports one problem with a field (the intake's `add`). */
export type AddProblem = (field: string, kind: Problem['kind'], message: string) => void;

/** Port 22 is never opened over PrivateLink, whatever the cloud (the vendor's document, "Limitations"). */
export const SSH: RefusedPort = {
  port: 22,
  name: 'ssh',
  reason: 'SSH (port 22) cannot be opened over PrivateLink; use SSH keys for SSH access and remove this service',
};

/** One field of a cloud's intake details, as tickets, the API and the docs name it. */
export interface DetailField {
  /** Its name in the details object (`clusterId`); the intake path is `<cloud>.<name>`. */
  name: string;
  /** Its ticket key, the first spelling docs/webhooks.md lists and comments use (`Azure cluster ID`). */
  ticketKey: string;
  /** Other spellings a ticket description may use. */
  labels: readonly string[];
  /** How a ticket writes its value: text, yes/no, or a list. */
  kind: 'text' | 'boolean' | 'list';
  /** A line as a customer would write it. */
  example: string;
  /** Another way of writing a value, made the intake's (`internal` → `intranet`). */
  normalize?: (value: string) => string;
  /** What the API's description of the field says. */
  describe?: string;
}

/**
 * The cloud's own intake details: an object under the cloud's id (`azure: { clusterId, … }`, `alibaba: { zones, … }`)
 * with its fields, checked by `validate`, which reports every problem through `add` and returns the normalized
 * details, or `undefined` when they are not usable; `schema` is the normalized details' shape (a function: workers
 * freeze what modules export, which a zod schema does not survive).
 */
export interface CloudDetails<D> {
  /** The ticket key of the whole object (`Azure details`). */
  ticketKey: string;
  /** What the API's description of the object says. */
  describe: string;
  fields: readonly DetailField[];
  validate(value: unknown, request: DetailsContext, add: AddProblem): D | undefined;
  schema(): z.ZodType<D>;
}

/** What a cloud's details are checked with: the rest of the intake as far as it is valid. */
export interface DetailsContext {
  region: string | undefined;
  customerAccount: string | undefined;
  connectionType: 'unidirectional' | 'bidirectional' | 'reverse' | undefined;
  customerEndpointService: string | undefined;
}

/** The intake as the cloud modules read it (a subset of intake-shape's `Intake`, to keep this module free of it). */
export interface CloudIntake {
  connectionType: 'unidirectional' | 'bidirectional' | 'reverse';
  customerAccount: string;
  customerEndpointService?: string;
  [details: string]: unknown;
}

/** The words a cloud's console and documentation use, as ticket comments quote them. */
export interface CloudWords {
  /** The customer's endpoint, with its article: "an interface VPC endpoint". */
  anEndpoint: string;
  /** The vendor's (and the customer's) service: "endpoint service". */
  service: string;
  /** What the customer's service must be fronted by, with its article: "a network load balancer". */
  aLoadBalancer: string;
  /** The network: "VPC". */
  network: string;
  /** What the vendor shares for its service: "service name" (Azure: "alias"). */
  serviceNameWord: string;
  /** What names the customer's service: "service name" (Azure: "resource id"). */
  customerServiceNameWord: string;
  /** "account" / "subscriptions": what of the customer's is allowed on the vendor's service. */
  accountNoun: string;
  /** "Account" / "Subscriptions", heading the list of accounts that can connect. */
  accountHeading: string;
  /** "AWS account" / "Azure subscription": one account by its kind. */
  oneAccount: string;
  /** The vendor's principal(s) as the customer allows them: "AWS account principal". */
  principalNoun: string;
  /** The ticket declared the vendor allowed: "You told us our principal is already allowed: thank you." */
  grantDeclared: string;
  /** Asking for the grant now, before the how-to link. */
  grantAsk: string;
  /** Before the list of principals: "It must accept connections from our AWS account principal". */
  mustAccept: string;
  /** Allowing the vendor on `target`, the customer's service(s): "allow our AWS account principal to connect to it". */
  allowOn(target: string): string;
  /** What the customer replies after allowing the vendor: "Reply when access is granted". */
  replyGranted: string;
  /** Tail of "Reply when access is granted": ", with the service name if it is not the one above" (or nothing). */
  replyServiceName: string;
  /** What the customer checks when the vendor's endpoint failed: "your endpoint service allows these principals". */
  checkAllows: string;
  /** The customer's acceptance of the vendor endpoint `endpointId`: "accept the connection request from endpoint …". */
  acceptStep(endpointId: string): string;
  /** The vendor allowing the customer's accounts, after acceptance: "allowing AWS account 1… to connect to our …". */
  weAllow(accounts: string[], region: string, zones: string[]): string;
  /** The customer's accounts now allowed: "Your AWS account can now connect to our endpoint service." */
  nowAllowed: string;
  /** After removal, what the customer may undo on their side: "remove our AWS account principal from …". */
  removeUs: string;
  /** The id of the endpoint the customer replies with: "vpce-…". */
  endpointIdHint: string;
  /** The state an accepted connection shows: '"Available"'. */
  acceptedState: string;
  /** How the customer finds the endpoint's host for a test (in `region`), and what that host is ("DNS name"). */
  lookup(endpointId: string, region: string): { command: string; what: string };
  /** The staff notification that asks for the allowlisting after acceptance. */
  allowlistTask(a: { accounts: string[]; region: string; service?: string; details: Record<string, unknown> }): string;
}

/** What to check when a test fails, in the cloud's words (machines/guidance.ts orders them). */
export interface CloudChecklist {
  customerEndpoint(endpoint: string): string;
  customerEndpointSecurity(ports: string): string;
  loadBalancer: string;
  listeners(ports: string): string;
  healthy: string;
  serviceAccepted(service: string, endpoint: string): string;
  targetsAllow(ports: string): string;
  vendorEndpointState: string;
}

/** The cloud documentation the vendor's document links, by step. */
export interface CloudDocs {
  createEndpoint: string;
  connectionRequests: string;
  grantAccess: string;
  loadBalancer: string;
  endpointService: string;
  troubleshooting: string;
}

/** One cloud; `D` is the shape of its intake details, if it has any. */
export interface CloudModule<Id extends string = string, D = unknown> {
  id: Id;
  /** Its name in prose: "AWS", "Azure", "Alibaba Cloud". */
  name: string;
  /** Other ways a ticket names it ("Amazon Web Services"), lower case. */
  aliases: readonly string[];
  /** The source document its rules come from (docs/clouds.md). */
  source: string;
  region: { pattern: RegExp; example: string; words: string };
  /** The customer's account id: its form, an example, the rule as the intake says it, what it is ("an AWS account id (12 digits)"). */
  account: {
    pattern: RegExp;
    example: string;
    rule: string;
    missing: string;
    what: string;
    /** Its ticket keys: the first names the account in comments (`AWS account`), all are accepted. */
    ticketKeys: readonly string[];
  };
  /** The vendor's principal(s) in this cloud, as `vendor.principals.<id>` holds them. */
  principal: { pattern: RegExp; example: string; rule: string; list: boolean };
  /** Why `value` is not an endpoint service of this cloud in `region` (`aliasToo`: the vendor's own, by alias too). */
  serviceNameProblem(region: string, value: string, label: string, aliasToo?: boolean): string | undefined;
  /** What `vendor.endpointServices["<id>:<region>"]` must be, when it is not. */
  vendorServiceRule(region: string): string;
  /** The customer's endpoint service as the intake asks for it: "the service name of your endpoint service, e.g. …". */
  customerServiceShape(region: string | undefined): string;
  /** Why `value` is not the id of an endpoint of this cloud. */
  endpointIdProblem(value: string, label: string): string | undefined;
  /** True for an endpoint's DNS name in this cloud. */
  isEndpointDns(name: string): boolean;
  /** The DNS name form, in words, for messages. */
  endpointDnsWords: string;
  /** Ports refused when the vendor configuration names none. */
  refusedPorts: RefusedPort[];
  words: CloudWords;
  checklist: CloudChecklist;
  docs: CloudDocs;
  /** Added to a refused `add_service` whose service is in the wrong form ("on Azure, name the target resource id"). */
  changeServiceHint?: string;
  /** Its own intake details, if it has any (`azure`, `alibaba`). */
  details?: CloudDetails<D>;
  /** The accounts the vendor allowlists (default: the customer account). */
  accountsOf?(intake: CloudIntake): string[];
  /** The customer services the reverse leg connects to, in order (default: the customer endpoint service). */
  reverseTargetsOf?(intake: CloudIntake): string[];
  /** The zone(s) an endpoint must be in, when the cloud binds endpoints to zones (Alibaba). */
  zonesOf?(intake: CloudIntake): string[];
  /** True when the customer's service accepts the vendor's endpoint by itself (no acceptance step). */
  autoAccepts?(intake: CloudIntake): boolean;
  /** The configured endpoint service key's extra part (Azure: the cluster id). */
  serviceKeyPart?(intake: CloudIntake): string | undefined;
}

/** True for a DNS host name: at most 253 characters, labels of letters, digits and inner hyphens, 1 to 63 long. */
export function isHostName(name: string): boolean {
  return name.length <= 253 && name.split('.').every((label) => /^[a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?$/.test(label));
}

/** The principals in a `vendor.principals.<cloud>` value, as a list. */
export function principalList(value: string | string[] | undefined): string[] {
  return value === undefined ? [] : Array.isArray(value) ? value : [value];
}

/** True for a value that says nothing: absent, `null` or blank text. */
export function isBlank(value: unknown): boolean {
  return value === undefined || value === null || (typeof value === 'string' && value.trim() === '');
}

/** The most bytes of a customer's endpoint service (an Azure resource id is the longest form). */
export const CUSTOMER_SERVICE_BYTES = 512;

/** Each item once, in first-seen order; ids compared without case (Azure's and Alibaba's ids are case-insensitive). */
export function unique(items: string[]): string[] {
  const seen = new Set<string>();
  return items.filter((item) => {
    const key = item.toLowerCase();
    if (seen.has(key)) return false;
    seen.add(key);
    return true;
  });
}
