import { z } from 'zod';
import {
  awsAccountPattern,
  awsServiceNamePattern,
  azurePrivateLinkServicePattern,
  type Cloud,
  clouds,
  examples,
  guidPattern,
  isRegionOf,
} from './formats';
import { type Problem } from './problems';
import { type Environment, environments, type VendorConfig, type VendorProject } from './vendor-config';

export const connectionTypes = ['unidirectional', 'bidirectional'] as const;
export type ConnectionType = (typeof connectionTypes)[number];

/** Environments PrivateLink can be enabled on (the seeds: Pro Production and Staging only). */
export const eligibleEnvironments = ['production', 'staging'] as const satisfies readonly Environment[];

/** One service to open through the connection, e.g. `{ name: 'mysql', port: 3306 }`. */
export interface Service {
  name: string;
  port: number;
}

/** A complete, valid and eligible intake: what the rest of the product works with. */
const intakeSchema = z.object({
  ticketId: z.string(),
  subject: z.string(),
  company: z.string(),
  submittedAt: z.iso.datetime({ offset: true }).optional(),
  projectId: z.string(),
  environment: z.enum(eligibleEnvironments),
  cloud: z.enum(clouds),
  region: z.string(),
  customerAccount: z.string(),
  services: z.array(z.object({ name: z.string(), port: z.number().int().min(1).max(65535) })).min(1),
  connectionType: z.enum(connectionTypes),
  customerEndpointService: z.string().optional(),
  vendorPrincipalAccessGranted: z.boolean(),
  privateDns: z.literal(false),
  azure: z
    .object({ clusterId: z.string(), subscriptionIds: z.array(z.string()), targetResourceIds: z.array(z.string()) })
    .optional(),
});
export type Intake = z.infer<typeof intakeSchema>;

/**
 * Parses a complete intake (unknown fields dropped) or throws. A function, not an exported schema: workers share this
 * module between workflows and freeze what it exports, which a zod schema does not survive.
 */
export function parseIntake(value: unknown): Intake {
  return intakeSchema.parse(value);
}

/** Whatever a ticket has said so far: any subset of the intake fields, possibly wrong. */
export type IntakeDraft = Record<string, unknown>;

/** The verdict on a draft: usable, waiting for information, or rejected. */
export type IntakeValidation =
  | { kind: 'valid'; intake: Intake; problems: [] }
  | { kind: 'incomplete'; problems: Problem[] }
  | { kind: 'ineligible'; problems: Problem[] };

const knownFields = [
  'ticketId',
  'subject',
  'company',
  'submittedAt',
  'projectId',
  'environment',
  'cloud',
  'region',
  'customerAccount',
  'services',
  'connectionType',
  'customerEndpointService',
  'vendorPrincipalAccessGranted',
  'privateDns',
  'azure',
] as const;
const knownAzureFields = ['clusterId', 'subscriptionIds', 'targetResourceIds'] as const;

/**
 * Checks a draft intake against every rule of the seeds and the vendor configuration and returns *all* problems at
 * once. Any `ineligible` problem rejects the request; otherwise any `missing`/`invalid` one makes it wait for
 * information; with none, the normalized intake is returned.
 */
export function validateIntake(draft: unknown, vendor: VendorConfig): IntakeValidation {
  const problems: Problem[] = [];
  const add = (field: string, kind: Problem['kind'], message: string) => problems.push({ field, kind, message });
  if (!isRecord(draft)) {
    add('(intake)', 'invalid', 'must be an object with the intake fields');
    return { kind: 'incomplete', problems };
  }
  const text = (field: string, missing: string): string | undefined => {
    const value = draft[field];
    if (isBlank(value)) {
      add(field, 'missing', `is missing: ${missing}`);
      return undefined;
    }
    if (typeof value !== 'string') {
      add(field, 'invalid', `must be text (${missing})`);
      return undefined;
    }
    return value.trim();
  };

  for (const field of Object.keys(draft)) {
    if (!(knownFields as readonly string[]).includes(field))
      add(field, 'invalid', unknownFieldMessage(field, knownFields));
  }

  const ticketId = text('ticketId', 'the ticket id');
  if (ticketId !== undefined && !/^[A-Za-z0-9._-]{1,64}$/.test(ticketId)) {
    add('ticketId', 'invalid', "must be 1 to 64 letters, digits, '.', '_' or '-'");
  }
  const company = text('company', "the customer's company name");
  const subject = text('subject', `the ticket subject, "PrivateLink support for ${company ?? '<company>'}"`);
  if (subject !== undefined && company !== undefined) {
    const expected = `PrivateLink support for ${company}`;
    if (normalizeSpace(subject).toLowerCase() !== normalizeSpace(expected).toLowerCase()) {
      add('subject', 'invalid', `must be "${expected}" (got "${subject}")`);
    }
  }

  let submittedAt: string | undefined;
  if (!isBlank(draft.submittedAt)) {
    const parsed = z.iso.datetime({ offset: true }).safeParse(draft.submittedAt);
    if (parsed.success) submittedAt = new Date(parsed.data).toISOString();
    else add('submittedAt', 'invalid', 'must be an ISO 8601 date-time with a time zone, e.g. 2026-11-02T15:00:00Z');
  }

  // Project, environment, cloud and region: eligibility comes from the vendor's own project records.
  const projectId = text('projectId', 'the ID of the project to connect');
  const environment = enumField(draft, 'environment', environments, 'production or staging', add);
  if (environment && !(eligibleEnvironments as readonly string[]).includes(environment)) {
    add(
      'environment',
      'ineligible',
      `PrivateLink is available on Pro Production and Staging environments only, not on ${environment} environments`,
    );
  }
  const cloud = enumField(draft, 'cloud', clouds, 'aws or azure', add);
  const region = text(
    'region',
    `the cloud region of your account, e.g. ${cloud === 'azure' ? examples.azureRegion : examples.awsRegion}`,
  );
  if (region !== undefined && cloud && !isRegionOf(cloud, region)) {
    add(
      'region',
      'invalid',
      `"${region}" is not an ${cloud === 'aws' ? 'AWS' : 'Azure'} region code such as ${cloud === 'aws' ? examples.awsRegion : examples.azureRegion}`,
    );
  }
  const eligibleEnvironment = (eligibleEnvironments as readonly string[]).includes(environment ?? '')
    ? environment
    : undefined;
  const project = projectId !== undefined ? findProject(vendor, projectId, eligibleEnvironment, add) : undefined;
  if (project) {
    if (project.plan !== 'pro') {
      add(
        'projectId',
        'ineligible',
        `project ${project.id} is on the ${capitalize(project.plan)} plan: PrivateLink is available on Pro projects only`,
      );
    }
    if (cloud && cloud !== project.cloud) {
      add(
        'cloud',
        'ineligible',
        `project ${project.id} runs on ${project.cloud}, not ${cloud}: PrivateLink connects accounts in the same cloud`,
      );
    } else if (region !== undefined && isRegionOf(project.cloud, region) && region !== project.region) {
      add(
        'region',
        'ineligible',
        `project ${project.id} is in ${project.region}, not ${region}: PrivateLink connects accounts in the same region`,
      );
    }
  }

  const customerAccount = text(
    'customerAccount',
    cloud === 'azure'
      ? 'your Azure subscription id'
      : cloud === 'aws'
        ? 'your 12-digit AWS account id'
        : 'your AWS account id or Azure subscription id',
  );
  if (customerAccount !== undefined && cloud === 'aws' && !awsAccountPattern.test(customerAccount)) {
    add('customerAccount', 'invalid', `must be a 12-digit AWS account id such as ${examples.awsAccount}`);
  }
  if (customerAccount !== undefined && cloud === 'azure' && !guidPattern.test(customerAccount)) {
    add('customerAccount', 'invalid', `must be an Azure subscription id (a GUID such as ${examples.guid})`);
  }

  const services = validateServices(draft.services, cloud, add);

  const connectionType = enumField(draft, 'connectionType', connectionTypes, 'unidirectional or bidirectional', add);
  let customerEndpointService: string | undefined;
  if (connectionType === 'bidirectional') {
    customerEndpointService = validateCustomerEndpointService(draft.customerEndpointService, cloud, region, add);
  } else if (!isBlank(draft.customerEndpointService) && typeof draft.customerEndpointService === 'string') {
    customerEndpointService = draft.customerEndpointService.trim();
  }
  const vendorPrincipalAccessGranted = optionalBoolean(draft, 'vendorPrincipalAccessGranted', add) ?? false;
  const privateDns = optionalBoolean(draft, 'privateDns', add) ?? false;
  if (privateDns) {
    add(
      'privateDns',
      'ineligible',
      'Private DNS is not available with PrivateLink; connect through the endpoint DNS names instead',
    );
  }

  const azure =
    cloud === 'azure'
      ? validateAzure(draft.azure, customerAccount, connectionType, customerEndpointService, add)
      : undefined;
  if (cloud === 'aws' && !isBlank(draft.azure))
    add('azure', 'invalid', 'applies to Azure requests only; remove it or set cloud to azure');

  if (problems.some((p) => p.kind === 'ineligible')) return { kind: 'ineligible', problems };
  if (problems.length) return { kind: 'incomplete', problems };
  const intake: Intake = {
    ticketId: ticketId!,
    subject: subject!,
    company: company!,
    ...(submittedAt ? { submittedAt } : {}),
    projectId: projectId!,
    environment: environment as Intake['environment'],
    cloud: cloud!,
    region: region!,
    customerAccount: customerAccount!,
    services: services!,
    connectionType: connectionType!,
    ...(customerEndpointService ? { customerEndpointService } : {}),
    vendorPrincipalAccessGranted,
    privateDns: false,
    ...(azure ? { azure } : {}),
  };
  return { kind: 'valid', intake, problems: [] };
}

/**
 * Applies a partial update (a ticket's answers to "awaiting information") to a draft. Fields in the patch replace
 * those in the draft, `azure` is merged field by field, and `null` removes a field.
 */
export function mergeIntake(draft: IntakeDraft, patch: IntakeDraft): IntakeDraft {
  const merged: IntakeDraft = { ...draft };
  for (const [key, value] of Object.entries(patch)) {
    if (value === null) delete merged[key];
    else if (key === 'azure' && isRecord(value) && isRecord(merged.azure))
      merged.azure = mergeIntake(merged.azure, value);
    else merged[key] = value;
  }
  return merged;
}

type Add = (field: string, kind: Problem['kind'], message: string) => void;

function validateServices(value: unknown, cloud: Cloud | undefined, add: Add): Service[] | undefined {
  if (isBlank(value) || (Array.isArray(value) && value.length === 0)) {
    add('services', 'missing', 'is missing: list each service and port to open, e.g. mysql 3306, sftp 2222, http 80');
    return undefined;
  }
  if (!Array.isArray(value)) {
    add('services', 'invalid', 'must be a list of services with ports, e.g. [{ "name": "mysql", "port": 3306 }]');
    return undefined;
  }
  const services: Service[] = [];
  const seenPorts = new Map<number, number>();
  let ok = true;
  value.forEach((entry, i) => {
    const field = `services[${i}]`;
    const service = parseService(entry);
    if (!service) {
      add(field, 'invalid', 'must be a service name and port, e.g. { "name": "mysql", "port": 3306 } or "mysql 3306"');
      ok = false;
      return;
    }
    if (!service.name) {
      add(`${field}.name`, 'missing', 'is missing: name the service, e.g. mysql');
      ok = false;
    }
    if (!Number.isInteger(service.port) || service.port < 1 || service.port > 65535) {
      add(
        `${field}.port`,
        'invalid',
        `must be a whole number from 1 to 65535 (got ${JSON.stringify(service.given) ?? 'nothing'})`,
      );
      ok = false;
      return;
    }
    if (service.port === 22 || /^ssh$/i.test(service.name)) {
      add(
        `${field}.port`,
        'invalid',
        'SSH (port 22) cannot be opened over PrivateLink; use SSH keys for SSH access and remove this service',
      );
      ok = false;
    } else if (cloud === 'azure' && (service.port === 443 || /^https$/i.test(service.name))) {
      add(
        `${field}.port`,
        'invalid',
        'HTTPS (port 443) is not available over Azure Private Link; remove this service or use another port',
      );
      ok = false;
    }
    const first = seenPorts.get(service.port);
    if (first !== undefined) {
      add(
        `${field}.port`,
        'invalid',
        `port ${service.port} is already listed in services[${first}]; list each port once`,
      );
      ok = false;
    } else {
      seenPorts.set(service.port, i);
    }
    services.push({ name: service.name, port: service.port });
  });
  return ok ? services : undefined;
}

/** Accepts `{ name, port }` or the ticket form `"mysql 3306"` / `"mysql:3306"`. */
/** A service entry read from either form; `given` is the port as written, quoted back when it is not a port. */
function parseService(entry: unknown): { name: string; port: number; given: unknown } | undefined {
  if (typeof entry === 'string') {
    const match = /^\s*(.*?)[\s:]+(\S+)\s*$/.exec(entry);
    if (!match) return undefined;
    return { name: match[1] ?? '', port: Number(match[2]), given: match[2] };
  }
  if (!isRecord(entry)) return undefined;
  const name = typeof entry.name === 'string' ? entry.name.trim() : '';
  const port = typeof entry.port === 'string' && entry.port.trim() !== '' ? Number(entry.port) : entry.port;
  return { name, port: typeof port === 'number' ? port : NaN, given: entry.port };
}

function validateCustomerEndpointService(
  value: unknown,
  cloud: Cloud | undefined,
  region: string | undefined,
  add: Add,
): string | undefined {
  const field = 'customerEndpointService';
  const shape =
    cloud === 'azure'
      ? `the resource id of your Private Link service, ${examples.azurePrivateLinkService}`
      : `the service name of your endpoint service, e.g. ${examples.awsServiceName(region ?? examples.awsRegion)}`;
  if (isBlank(value)) {
    add(field, 'missing', `is missing: bidirectional connections need ${shape}`);
    return undefined;
  }
  if (typeof value !== 'string') {
    add(field, 'invalid', `must be ${shape}`);
    return undefined;
  }
  const service = value.trim();
  if (cloud === 'aws') {
    const serviceRegion = awsServiceNamePattern.exec(service)?.[1];
    if (!serviceRegion) add(field, 'invalid', `must be ${shape}`);
    else if (region && serviceRegion !== region) {
      add(
        field,
        'invalid',
        `must be an endpoint service in ${region}, the region of this request (this one is in ${serviceRegion})`,
      );
    }
  } else if (cloud === 'azure' && !azurePrivateLinkServicePattern.test(service)) {
    add(field, 'invalid', `must be ${shape}`);
  }
  return service;
}

function validateAzure(
  value: unknown,
  customerAccount: string | undefined,
  connectionType: ConnectionType | undefined,
  customerEndpointService: string | undefined,
  add: Add,
): Intake['azure'] {
  const azure = isRecord(value) ? value : {};
  if (!isBlank(value) && !isRecord(value))
    add('azure', 'invalid', 'must be an object: { "clusterId": …, "subscriptionIds": […] }');
  for (const field of Object.keys(azure)) {
    if (!(knownAzureFields as readonly string[]).includes(field))
      add(`azure.${field}`, 'invalid', unknownFieldMessage(field, knownAzureFields));
  }
  let clusterId: string | undefined;
  if (isBlank(azure.clusterId))
    add('azure.clusterId', 'missing', 'is missing: the cluster id (on the cluster, run `cat /etc/platform_cluster`)');
  else if (typeof azure.clusterId !== 'string') add('azure.clusterId', 'invalid', 'must be text: the cluster id');
  else clusterId = azure.clusterId.trim();

  const list = (
    field: 'subscriptionIds' | 'targetResourceIds',
    check: RegExp,
    what: string,
    fallback: string[],
  ): string[] => {
    const raw = azure[field];
    if (isBlank(raw)) return fallback;
    if (!Array.isArray(raw)) {
      add(`azure.${field}`, 'invalid', `must be a list of ${what}`);
      return [];
    }
    raw.forEach((item, i) => {
      if (typeof item !== 'string' || !check.test(item.trim()))
        add(`azure.${field}[${i}]`, 'invalid', `must be ${what.replace(/s$/, '')}`);
    });
    return raw.filter((item): item is string => typeof item === 'string').map((item) => item.trim());
  };
  const subscriptionIds = list(
    'subscriptionIds',
    guidPattern,
    'Azure subscription ids (GUIDs) for the Private Endpoint connections',
    customerAccount ? [customerAccount] : [],
  );
  const targetResourceIds = list(
    'targetResourceIds',
    azurePrivateLinkServicePattern,
    'Private Link service resource ids',
    connectionType === 'bidirectional' && customerEndpointService ? [customerEndpointService] : [],
  );
  return clusterId === undefined ? undefined : { clusterId, subscriptionIds, targetResourceIds };
}

function findProject(
  vendor: VendorConfig,
  id: string,
  environment: string | undefined,
  add: Add,
): VendorProject | undefined {
  const candidates = vendor.projects.filter((p) => p.id === id);
  if (!candidates.length) {
    add('projectId', 'invalid', `"${id}" is not a project hosted by ${vendor.vendor.name}; check the project ID`);
    return undefined;
  }
  // Without a usable environment, plan, cloud and region are still checked against the project's record.
  if (!environment) return candidates[0];
  const match = candidates.find((p) => p.environment === environment);
  if (!match) {
    const known = candidates.map((p) => p.environment).join(', ');
    add('environment', 'invalid', `project ${id} has no ${environment} environment (it has: ${known})`);
  }
  return match;
}

function enumField<T extends string>(
  draft: IntakeDraft,
  field: string,
  values: readonly T[],
  words: string,
  add: Add,
): T | undefined {
  const value = draft[field];
  if (isBlank(value)) {
    add(field, 'missing', `is missing: ${words}`);
    return undefined;
  }
  const normalized = typeof value === 'string' ? value.trim().toLowerCase() : value;
  if (!(values as readonly unknown[]).includes(normalized)) {
    add(field, 'invalid', `must be ${words} (got ${JSON.stringify(value)})`);
    return undefined;
  }
  return normalized as T;
}

function optionalBoolean(draft: IntakeDraft, field: string, add: Add): boolean | undefined {
  const value = draft[field];
  if (value === undefined || value === null) return undefined;
  if (typeof value === 'boolean') return value;
  if (value === 'true' || value === 'yes') return true;
  if (value === 'false' || value === 'no') return false;
  add(field, 'invalid', `must be true or false (got ${JSON.stringify(value)})`);
  return undefined;
}

function unknownFieldMessage(field: string, known: readonly string[]): string {
  const guess = known.find((k) => editDistance(k.toLowerCase(), field.toLowerCase()) <= 2);
  return guess
    ? `is not an intake field; did you mean ${guess}?`
    : `is not an intake field (known: ${known.join(', ')})`;
}

function editDistance(a: string, b: string): number {
  let previous = Array.from({ length: b.length + 1 }, (_, j) => j);
  for (let i = 1; i <= a.length; i++) {
    const current = [i];
    for (let j = 1; j <= b.length; j++) {
      current[j] = Math.min(
        (previous[j] ?? 0) + 1,
        (current[j - 1] ?? 0) + 1,
        (previous[j - 1] ?? 0) + (a[i - 1] === b[j - 1] ? 0 : 1),
      );
    }
    previous = current;
  }
  return previous[b.length] ?? 0;
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

function isBlank(value: unknown): boolean {
  return value === undefined || value === null || (typeof value === 'string' && value.trim() === '');
}

function normalizeSpace(value: string): string {
  return value.trim().replace(/\s+/g, ' ');
}

function capitalize(value: string): string {
  return value.charAt(0).toUpperCase() + value.slice(1);
}
