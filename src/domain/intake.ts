/**
 * The intake: what a ticket must say before a request can start, checked against the seeds' rules and the vendor's
 * configuration (the rules for each group of fields are in intake-rules.ts), and merged as the ticket adds to it. Its
 * shape (fields and types) is in intake-shape.ts, re-exported here.
 */
import { z } from 'zod';
import { cloudList, cloudModules, cloudOf } from './clouds';
import { type Cloud, clouds, isRegionOf } from './formats';
import {
  enumField,
  findProject,
  isBlank,
  optionalBoolean,
  refusedPortsFor,
  unknownFieldMessage,
  validateCustomerEndpointService,
  validateServices,
} from './intake-rules';
import { isRecord } from './json';
import { bytesText, quoted, truncateUtf8, utf8Length } from './limits';
import {
  cloudDetailFields,
  connectionTypes,
  eligibleEnvironments,
  type Intake,
  type IntakeDraft,
  intakeFields,
  type Service,
} from './intake-shape';
import { type Problem } from './problems';
import { TICKET_ID_PATTERN, TICKET_ID_RULE } from './ticket';
import { environments, type VendorConfig } from './vendor-config';

export {
  cloudDetailFields,
  type ConnectionType,
  connectionTypes,
  eligibleEnvironments,
  type Intake,
  type IntakeDraft,
  intakeFieldPaths,
  intakeFields,
  knownAlibabaFields,
  knownAzureFields,
  parseIntake,
  type Service,
} from './intake-shape';

/** The verdict on a draft: usable, waiting for information, or rejected. */
export type IntakeValidation =
  | { kind: 'valid'; intake: Intake; problems: [] }
  | { kind: 'incomplete'; problems: Problem[] }
  | { kind: 'ineligible'; problems: Problem[] };

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
  const text = (field: keyof typeof fieldBytes, missing: string): string | undefined => {
    const value = draft[field];
    if (isBlank(value)) {
      add(field, 'missing', `is missing: ${missing}`);
      return undefined;
    }
    if (typeof value !== 'string') {
      add(field, 'invalid', `must be text (${missing})`);
      return undefined;
    }
    const trimmed = value.trim();
    const size = utf8Length(trimmed);
    if (size > fieldBytes[field]) {
      add(field, 'invalid', `is ${bytesText(size)} long; it may be at most ${bytesText(fieldBytes[field])}`);
      return undefined;
    }
    return trimmed;
  };

  const unknown = Object.keys(draft).filter((field) => !intakeFields.includes(field));
  for (const field of unknown.slice(0, MAX_UNKNOWN_FIELDS)) {
    problems.push({
      field: truncateUtf8(field, 80),
      kind: 'invalid',
      message: unknownFieldMessage(field, intakeFields),
      code: 'unknown_field',
    });
  }
  if (unknown.length > MAX_UNKNOWN_FIELDS) {
    add('(intake)', 'invalid', `has ${unknown.length - MAX_UNKNOWN_FIELDS} more fields that are not intake fields`);
  }

  const ticketId = text('ticketId', 'the ticket id');
  if (ticketId !== undefined && !TICKET_ID_PATTERN.test(ticketId)) add('ticketId', 'invalid', TICKET_ID_RULE);
  const company = text('company', "the customer's company name");
  const subject = text('subject', `the ticket subject, "PrivateLink support for ${company ?? '<company>'}"`);
  // The document asks for "PrivateLink support for <company>"; the ticket's subject is what routes it here, and many
  // ticket systems do not let a customer edit it, so it only needs to say what the ticket is about.
  if (subject !== undefined && !/private[\s-]?link/i.test(subject)) {
    add(
      'subject',
      'invalid',
      `must name PrivateLink, e.g. "PrivateLink support for ${company ?? '<company>'}" (got ${quoted(subject)})`,
    );
  }

  let submittedAt: string | undefined;
  if (!isBlank(draft.submittedAt)) {
    const parsed = z.iso.datetime({ offset: true }).safeParse(draft.submittedAt);
    if (parsed.success) submittedAt = new Date(parsed.data).toISOString();
    else add('submittedAt', 'invalid', 'must be an ISO 8601 date-time with a time zone, e.g. 2026-11-02T15:00:00Z');
  }

  // Project, environment, cloud and region: eligibility comes from the vendor's own project records.
  const cli = vendor.vendor.cli;
  const projectId = text(
    'projectId',
    `the ID of the project to connect${cli ? ` (the ${cli.name} command \`${cli.projectInfo}\` shows it)` : ''}`,
  );
  const environment = enumField(draft, 'environment', environments, 'production or staging', add);
  if (environment && !(eligibleEnvironments as readonly string[]).includes(environment)) {
    add(
      'environment',
      'ineligible',
      `PrivateLink is available on Pro Production and Staging environments only, not on ${environment} environments`,
    );
  }
  const cloud = enumField(draft, 'cloud', clouds, cloudList, add);
  const module = cloud ? cloudOf(cloud) : undefined;
  const region = text(
    'region',
    `the cloud region of your account, e.g. ${(module ?? cloudModules.aws).region.example}`,
  );
  if (region !== undefined && module && !isRegionOf(module.id as Cloud, region)) {
    add('region', 'invalid', `${quoted(region)} is not ${module.region.words} such as ${module.region.example}`);
  }
  const eligibleEnvironment = (eligibleEnvironments as readonly unknown[]).includes(environment)
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
    // A cloud or region other than the project's is something the customer can fix (a typo, or an account in the
    // project's region): the request waits for it rather than closing.
    if (cloud && cloud !== project.cloud) {
      add(
        'cloud',
        'invalid',
        `project ${project.id} runs on ${cloudOf(project.cloud).name}, not ${cloudOf(cloud).name}: PrivateLink connects accounts in the same cloud, so give an account on ${cloudOf(project.cloud).name}`,
      );
    } else if (region !== undefined && isRegionOf(project.cloud, region) && region !== project.region) {
      add(
        'region',
        'invalid',
        `project ${project.id} is in ${project.region}, not ${region}: PrivateLink connects accounts in the same region, so give an account in ${project.region}`,
      );
    }
  }

  const customerAccount = text('customerAccount', module ? module.account.missing : `your account id: ${accountWords}`);
  if (customerAccount !== undefined && module && !module.account.pattern.test(customerAccount)) {
    add('customerAccount', 'invalid', module.account.rule);
  }

  const connectionType = enumField(
    draft,
    'connectionType',
    connectionTypes,
    'unidirectional, bidirectional or reverse',
    add,
  );
  // A reverse connection opens nothing in the vendor's environment: only the vendor connects, to the customer's service.
  let services: Service[] | undefined;
  if (connectionType !== 'reverse') {
    services = validateServices(draft.services, refusedPortsFor(vendor, cloud), add);
  } else if (!isBlank(draft.services) && !(Array.isArray(draft.services) && draft.services.length === 0)) {
    add(
      'services',
      'invalid',
      "applies to connections from your network to ours only (on a reverse connection we open no port for you; we connect to your service): list your service's ports under reverseServices, or set the connection type to unidirectional or bidirectional",
    );
  } else services = [];
  // The other direction's ports are the customer's own service's: the vendor's port limits do not apply to them.
  const toCustomer = connectionType === 'bidirectional' || connectionType === 'reverse';
  let reverseServices: Service[] | undefined;
  if (toCustomer) {
    reverseServices = validateServices(draft.reverseServices, [], add, 'reverseServices');
  } else if (connectionType === 'unidirectional' && !isBlank(draft.reverseServices)) {
    add(
      'reverseServices',
      'invalid',
      'applies to bidirectional and reverse requests only (we connect to your service only then): remove it, or set the connection type to bidirectional',
    );
  }
  let customerEndpointService: string | undefined;
  if (toCustomer) {
    customerEndpointService = validateCustomerEndpointService(
      draft.customerEndpointService,
      cloud,
      region,
      add,
      connectionType,
    );
  } else if (typeof draft.customerEndpointService === 'string') {
    // Kept on a unidirectional request; blank, it trims to '' and is left out of the intake.
    customerEndpointService = draft.customerEndpointService.trim();
  }
  const vendorPrincipalAccessGranted = optionalBoolean(draft, 'vendorPrincipalAccessGranted', add) ?? false;
  const privateDns = optionalBoolean(draft, 'privateDns', add) ?? false;
  if (privateDns) {
    add(
      'privateDns',
      'invalid',
      'Private DNS is not available with PrivateLink: remove it (or set it to no) to continue; you connect through the endpoint DNS names instead',
    );
  }

  // The cloud's own details (`azure`, `alibaba`), and none of another cloud's.
  let details: unknown;
  if (module?.details) {
    details = module.details.validate(
      draft[module.id],
      { region, customerAccount, connectionType, customerEndpointService },
      add,
    );
  }
  for (const other of clouds) {
    if (other !== cloud && cloud && cloudModules[other].details && !isBlank(draft[other])) {
      add(other, 'invalid', `applies to ${cloudModules[other].name} requests only; remove it or set cloud to ${other}`);
    }
  }

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
    ...(reverseServices ? { reverseServices } : {}),
    connectionType: connectionType!,
    ...(customerEndpointService ? { customerEndpointService } : {}),
    vendorPrincipalAccessGranted,
    privateDns: false,
    ...(details && cloud ? { [cloud]: details } : {}),
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
    else if (cloudDetailFields.includes(key) && isRecord(value) && isRecord(merged[key]))
      merged[key] = mergeIntake(merged[key], value);
    else merged[key] = value;
  }
  return merged;
}

/** Every cloud's account id, in words: "an AWS account id, an Azure subscription id or an Alibaba Cloud account id". */
const accountWords = (() => {
  const each = clouds.map((id) => cloudModules[id].account.what.replace(/ \(.*\)$/, ''));
  return `${each.slice(0, -1).join(', ')} or ${each[each.length - 1]}`;
})();

/** The most bytes each text field of the intake may have (docs/intake-and-events.md). */
const fieldBytes = {
  ticketId: 64,
  subject: 300,
  company: 200,
  projectId: 100,
  region: 64,
  customerAccount: 100,
} as const;

/** Unknown fields named one by one in the problems; more are counted. */
const MAX_UNKNOWN_FIELDS = 10;

/**
 * A request's draft after a ticket update: {@link mergeIntake}, except that fields which are no intake field last only
 * until the next update (they are reported, never used). So a draft stays as small as the intake's own fields allow,
 * however many updates a ticket sends.
 */
export function updateDraft(draft: IntakeDraft, patch: IntakeDraft): IntakeDraft {
  const known = Object.fromEntries(Object.entries(draft).filter(([key]) => intakeFields.includes(key)));
  return mergeIntake(known, patch);
}

function capitalize(value: string): string {
  return value.charAt(0).toUpperCase() + value.slice(1);
}

/**
 * The intake fields a ticket update would change in an accepted intake: each top-level intake field the patch names
 * whose value, checked by the same rules, differs from the accepted one (or no longer passes them). Keys that are no
 * intake field, and values written differently but meaning the same (`"mysql 3306"`, `" Acme "`), change nothing.
 */
export function intakeChanges(intake: Intake, patch: IntakeDraft, vendor: VendorConfig): string[] {
  const changed: string[] = [];
  for (const field of Object.keys(patch)) {
    if (!intakeFields.includes(field) || field === 'ticketId') continue;
    const checked = validateIntake(mergeIntake(intake, { [field]: patch[field] }), vendor);
    const now = checked.kind === 'valid' ? checked.intake[field as keyof Intake] : undefined;
    if (checked.kind !== 'valid' || JSON.stringify(now) !== JSON.stringify(intake[field as keyof Intake])) {
      changed.push(field);
    }
  }
  return changed;
}
