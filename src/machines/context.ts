import {
  type ConnectionType,
  type Intake,
  type IntakeDraft,
  type IntakeValidation,
  validateIntake,
} from '../domain/intake';
import { type Problem } from '../domain/problems';
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
  /** The customer's endpoint (forward leg). */
  endpointId?: string;
  /** The customer's endpoint service the vendor connects to (reverse leg). */
  customerServiceName?: string;
  /** The vendor's endpoint to the customer's service (reverse leg). */
  vendorEndpointId?: string;
  vendorEndpointDns?: string;
  /** Notes added so far (their text lives in the audit trail, not here). */
  notes: number;
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
  return intake ? vendorEndpointService(context.vendor, intake.cloud, intake.region) : undefined;
}

/** The vendor's principals in the request's cloud, as the customer must allow them. */
export function vendorPrincipals(context: EnablementContext): string[] {
  const { principals } = context.vendor.vendor;
  const cloud = context.intake?.cloud ?? 'aws';
  const value = cloud === 'aws' ? principals.aws : principals.azure;
  return value === undefined ? [] : Array.isArray(value) ? value : [value];
}
