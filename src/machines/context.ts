import {
  type ConnectionType,
  type Intake,
  type IntakeDraft,
  type IntakeValidation,
  validateIntake,
} from '../domain/intake';
import { accountsOf, type Cloud, cloudOf, reverseTargetsOf } from '../domain/clouds';
import { type Problem } from '../domain/problems';
import { principalList } from '../domain/clouds/cloud';
import { type VendorConfig, vendorEndpointService } from '../domain/vendor-config';

/** What a machine is started with: the ticket, the vendor configuration and, if the ticket already has it, the intake. */
export interface EnablementInput {
  ticketId: string;
  vendor: VendorConfig;
  intake?: IntakeDraft;
}

/** Everything a request has learned so far. */
export interface EnablementContext {
  ticketId: string;
  /** The path this machine runs. */
  connectionType: ConnectionType;
  vendor: VendorConfig;
  /** Every intake field received so far, as received. */
  draft?: IntakeDraft;
  /** The latest verdict on `draft`. */
  validation?: IntakeValidation;
  /** The accepted intake, once valid. */
  intake?: Intake;
  vendorServiceName?: string;
  /** The customer's endpoint (forward leg), and its DNS name or address when the vendor recorded it. */
  endpointId?: string;
  endpointDns?: string;
  /** The customer's endpoint service the vendor connects to (reverse leg). */
  customerServiceName?: string;
  /** The vendor's endpoint to the customer's service (reverse leg). */
  vendorEndpointId?: string;
  vendorEndpointDns?: string;
  /** The reverse connections verified so far, one per customer service (Azure may list several target services). */
  reverseConnections?: ReverseConnection[];
  /** Notes added so far (their text lives in the audit trail, not here). */
  notes: number;
}

/** A verified connection from the vendor's network to one of the customer's services. */
export interface ReverseConnection {
  service: string;
  endpointId: string;
  endpointDns: string;
}

/** Initial context of a machine running `connectionType`. */
export function initialContext(input: EnablementInput, connectionType: ConnectionType): EnablementContext {
  const context: EnablementContext = { ticketId: input.ticketId, connectionType, vendor: input.vendor, notes: 0 };
  return input.intake ? withDraft(context, input.intake) : context;
}

/**
 * Records a new draft and its verdict. The ticket id comes from the request itself when the draft omits it, and a
 * draft naming another ticket is a problem (one workflow per ticket).
 */
export function withDraft(context: EnablementContext, draft: IntakeDraft): EnablementContext {
  const complete = { ticketId: context.ticketId, ...draft };
  const validation = validateIntake(complete, context.vendor);
  const extra: Problem[] = [];
  if (typeof complete.ticketId === 'string' && complete.ticketId.trim() !== context.ticketId) {
    extra.push({
      field: 'ticketId',
      kind: 'invalid',
      message: `must be ${context.ticketId}, the ticket this request belongs to`,
    });
  }
  // The host moves a request to the other machine while it is in intake (see host.ts); this only shows when a machine
  // is driven directly with an intake for the other path.
  if (validation.kind === 'valid' && validation.intake.connectionType !== context.connectionType) {
    extra.push({
      field: 'connectionType',
      kind: 'invalid',
      message: `is ${validation.intake.connectionType}, but this request runs the ${context.connectionType} process`,
    });
  }
  if (!extra.length) return { ...context, draft: complete, validation };
  const problems = [...validation.problems, ...extra];
  return {
    ...context,
    draft: complete,
    validation: validation.kind === 'ineligible' ? { kind: 'ineligible', problems } : { kind: 'incomplete', problems },
  };
}

/** The customer's company as far as known: from the accepted intake, else from the draft (trimmed), else null. */
export function companyOf(context: Pick<EnablementContext, 'intake' | 'draft'>): string | null {
  if (context.intake) return context.intake.company;
  const raw = context.draft?.company;
  return typeof raw === 'string' && raw.trim() ? raw.trim() : null;
}

/** The accepted intake; only called in states after acceptance. */
export function accepted(context: EnablementContext): Intake {
  if (!context.intake) throw new Error(`request ${context.ticketId} has no accepted intake yet`);
  return context.intake;
}

/** The vendor service name to give the customer: the one sent with the event, else the configured one. */
export function vendorServiceNameFor(context: EnablementContext, fromEvent?: string): string | undefined {
  if (fromEvent) return fromEvent;
  const intake = context.intake;
  return intake
    ? vendorEndpointService(context.vendor, intake.cloud, intake.region, cloudOf(intake.cloud).serviceKeyPart?.(intake))
    : undefined;
}

/**
 * The ports of the customer's service the vendor connects to. A bidirectional or reverse intake always has them; the
 * fallback only keeps the type total (a unidirectional intake has no reverse direction).
 */
export function reverseServicesOf(intake: Intake): Intake['services'] {
  return intake.reverseServices ?? intake.services;
}

/**
 * The accounts the vendor allowlists: the customer account, or on Azure every subscription the ticket gave; none on a
 * reverse connection (only the vendor connects).
 */
export function allowlistedAccounts(intake: Intake): string[] {
  return accountsOf(intake.cloud, intake);
}

/**
 * The customer services the reverse leg connects to, once each, in order: the customer endpoint service, then on
 * Azure every other target resource id the ticket lists. Empty for unidirectional requests.
 */
export function reverseTargets(intake: Intake): string[] {
  return reverseTargetsOf(intake.cloud, intake);
}

/** Alibaba Cloud: the zones the intake names (endpoints go in the zone of the load balancer); else none. */
export function zonesOf(intake: Intake): string[] {
  return cloudOf(intake.cloud).zonesOf?.(intake) ?? [];
}

/** The reverse target after the one being connected now, if any (1-based position with it). */
export function nextReverseTarget(
  context: EnablementContext,
): { service: string; position: number; of: number } | undefined {
  const targets = context.intake ? reverseTargets(context.intake) : [];
  const done = (context.reverseConnections?.length ?? 0) + 1;
  const service = targets[done];
  return service === undefined ? undefined : { service, position: done + 1, of: targets.length };
}

/** The vendor's principals in the request's cloud, as the customer must allow them (after acceptance). */
export function vendorPrincipals(context: EnablementContext): string[] {
  return principalsIn(context.vendor, accepted(context).cloud);
}

/** The vendor's principals in `cloud`: the AWS principal, the Azure subscriptions, the Alibaba Cloud account id. */
export function principalsIn(vendor: VendorConfig, cloud: Cloud): string[] {
  return principalList(vendor.vendor.principals[cloud]);
}
