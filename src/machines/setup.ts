import { assign, setup } from 'xstate';
import type { EnablementEvent } from '../domain/events';
import { eventDataProblem } from './event-data';
import { intakeChanges, updateDraft } from '../domain/intake';
import {
  accepted,
  type EnablementContext,
  type EnablementInput,
  nextReverseTarget,
  vendorServiceNameFor,
  withDraft,
} from './context';
import { cloudOf } from '../domain/clouds';
import { defaultFailingSide } from './guidance';
import type { TicketComment } from './templates';

/** Who a state waits on; `intake` also marks the states before the request is accepted. */
export type EnablementTag = 'vendor' | 'customer' | 'intake';

/** A notification to people (the vendor's support channel), sent by the `notify` effect. */
export interface Notification {
  kind:
    | 'action_required'
    | 'customer_waiting'
    | 'verification_failed'
    | 'connectivity_check_failed'
    | 'enabled'
    | 'change_requested'
    | 'change_done'
    | 'change_refused'
    | 'rejected'
    | 'cancelled'
    | 'sla_warning'
    | 'sla_breached'
    | 'sla_escalation';
  message: string;
}

/** A TCP check from the vendor's network, like `curl -v telnet://<host>:<port>`, for each port. */
export interface ConnectivityCheck {
  direction: 'reverse';
  target: string;
  ports: number[];
}

/**
 * The effects a machine can ask for. They do nothing here: the host turns each into an activity call (see
 * `transition`'s returned actions). Listed so the workflow can switch over them exhaustively.
 */
export interface EffectParams {
  postTicketComment: TicketComment;
  notify: Notification;
  runConnectivityCheck: ConnectivityCheck;
}
export type Effect = {
  [K in keyof EffectParams]: { type: K; params: EffectParams[K]; to?: TicketTarget };
}[keyof EffectParams];

/**
 * Where a change's comments and notifications go: its own ticket, not the one that enabled the connection. `startedBy`
 * is who asked for the change: a ticket system's comments go only to tickets whose request or change it sent itself.
 */
export interface TicketTarget {
  ticketId: string;
  startedBy?: string;
}

/** Effects are data: executing them is the host's job, never the machine's. */
const effect =
  <K extends keyof EffectParams>() =>
  (_: unknown, _params: EffectParams[K]) =>
    undefined;

/** Shared by both machines: types, guards, and the actions they name. */
export const enablementSetup = setup({
  types: {
    context: {} as EnablementContext,
    events: {} as EnablementEvent,
    input: {} as EnablementInput,
    tags: {} as EnablementTag,
  },
  guards: {
    noIntakeYet: ({ context }) => context.draft === undefined,
    intakeIneligible: ({ context }) => context.validation?.kind === 'ineligible',
    intakeValid: ({ context }) => context.validation?.kind === 'valid',
    /** A valid intake that says the vendor principal is already allowed on the customer's service (reverse path). */
    intakeValidWithGrant: ({ context }) =>
      context.validation?.kind === 'valid' && context.validation.intake.vendorPrincipalAccessGranted,
    vendorServiceNameKnown: ({ context, event }) =>
      vendorServiceNameFor(context, event.type === 'customer_access.granted' ? event.vendorServiceName : undefined) !==
      undefined,
    /** The ticket said the vendor principal is already allowed (a bidirectional intake always names the service). */
    principalAccessDeclaredAtIntake: ({ context }) => accepted(context).vendorPrincipalAccessGranted,
    /** A ticket update after acceptance that would change the accepted intake (see `afterAcceptance`). */
    updateChangesIntake: ({ context, event }) =>
      event.type === 'ticket.updated' && intakeChanges(accepted(context), event.intake, context.vendor).length > 0,
    /**
     * A failed connection test whose failing piece is the customer's: as the report says, else the side owning the
     * service end (the customer's in reverse). See legs/troubleshooting.ts.
     */
    failsOnCustomerSide: ({ event }) =>
      (event.type === 'connection.failed' || event.type === 'reverse_connection.failed') &&
      (event.failingSide ?? defaultFailingSide(event.type === 'connection.failed' ? 'forward' : 'reverse')) ===
        'customer',
    /** A failed test that names the customer's side: in the customer's own troubleshooting, any other means "help". */
    customerNamedAsFailingSide: ({ event }) =>
      (event.type === 'connection.failed' || event.type === 'reverse_connection.failed') &&
      event.failingSide === 'customer',
    /** The customer's endpoint service accepts the vendor's endpoint by itself (Alibaba Cloud, as the intake says). */
    customerServiceAutoAccepts: ({ context }) => {
      const intake = accepted(context);
      return cloudOf(intake.cloud).autoAccepts?.(intake) === true;
    },
    /** Azure: another of the customer's target services is still to be connected after the current one. */
    moreReverseTargets: ({ context }) => nextReverseTarget(context) !== undefined,
    /** Every id and name the event gives is in the request's cloud's format (see `eventDataProblem`). */
    eventDataValid: ({ context, event }) => eventDataProblem(context, event) === undefined,
  },
  actions: {
    recordSubmission: assign(({ context, event }) =>
      event.type === 'ticket.submitted' ? withDraft(context, event.intake) : context,
    ),
    recordUpdate: assign(({ context, event }) =>
      event.type === 'ticket.updated' ? withDraft(context, updateDraft(context.draft ?? {}, event.intake)) : context,
    ),
    acceptIntake: assign(({ context }) =>
      context.validation?.kind === 'valid' ? { intake: context.validation.intake } : {},
    ),
    recordVendorServiceName: assign(({ context, event }) => ({
      vendorServiceName: vendorServiceNameFor(
        context,
        event.type === 'customer_access.granted' ? event.vendorServiceName : undefined,
      ),
    })),
    recordEndpoint: assign(({ event }) =>
      event.type === 'endpoint.requested' ? { endpointId: event.endpointId, endpointDns: event.endpointDns } : {},
    ),
    /** The service being connected: as the customer names it now, else the one in hand (Azure: the current target). */
    recordCustomerServiceName: assign(({ context, event }) => ({
      customerServiceName:
        (event.type === 'principal.granted' ? event.customerServiceName : undefined) ??
        context.customerServiceName ??
        accepted(context).customerEndpointService,
    })),
    recordVendorEndpoint: assign(({ event }) =>
      event.type === 'vendor_endpoint.created'
        ? { vendorEndpointId: event.endpointId, vendorEndpointDns: event.endpointDns }
        : {},
    ),
    /**
     * Keeps the verified reverse connection, and moves on to the next target service when there is one. The service
     * and the vendor endpoint are known by then: recorded on the way to `creatingVendorEndpoint` and by
     * `vendor_endpoint.created`, which requires both the id and the DNS name.
     */
    recordReverseConnection: assign(({ context }) => {
      const connected = [
        ...(context.reverseConnections ?? []),
        {
          service: context.customerServiceName!,
          endpointId: context.vendorEndpointId!,
          endpointDns: context.vendorEndpointDns!,
        },
      ];
      const next = nextReverseTarget(context);
      return next
        ? {
            reverseConnections: connected,
            customerServiceName: next.service,
            vendorEndpointId: undefined,
            vendorEndpointDns: undefined,
          }
        : { reverseConnections: connected };
    }),
    countNote: assign(({ context }) => ({ notes: context.notes + 1 })),
    postTicketComment: effect<'postTicketComment'>(),
    notify: effect<'notify'>(),
    runConnectivityCheck: effect<'runConnectivityCheck'>(),
  },
});
