/**
 * What the legs of the process share: the effects as actions (a comment, a notification), the data every comment
 * carries, and the events every open state accepts.
 */
import type { EnablementEvent } from '../../domain/events';
import { clouds } from '../../domain/clouds';
import { formatProblem, type Problem } from '../../domain/problems';
import { intakeChanges } from '../../domain/intake';
import { customerProblemLine, ticketWordsFor } from '../../domain/ticket-words';
import { accepted, companyOf, type EnablementContext } from '../context';
import type { Notification } from '../setup';
import type { TicketComment } from '../templates';

/** What an action's params are built from. */
export type Args = { context: EnablementContext; event: EnablementEvent };

/** A `postTicketComment` effect whose comment is built from the context and event. */
export const comment = (build: (args: Args) => TicketComment) => ({
  type: 'postTicketComment' as const,
  params: build,
});
/** A `notify` effect. */
export const notify = (kind: Notification['kind'], message: (args: Args) => string) => ({
  type: 'notify' as const,
  params: (args: Args): Notification => ({ kind, message: `[${args.context.ticketId}] ${message(args)}` }),
});

/** Who a comment greets: the ticket and the customer's company (unless the company itself is one of the problems). */
export const greeting = (context: EnablementContext) => ({
  ticketId: context.ticketId,
  company: context.validation?.problems.some((p) => p.field === 'company') ? '' : (companyOf(context) ?? ''),
});
/** The intake's problems, one line each, as staff read them (`services[1].port: …`). */
export const problemLines = (context: EnablementContext) => context.validation!.problems.map(formatProblem);
/**
 * The intake's problems (of one kind, or all) in the ticket's words, as the customer reads them, for the cloud the
 * draft names (there is no accepted intake while it has problems).
 */
export const customerProblemLines = (context: EnablementContext, kind?: Problem['kind']) => {
  const drafted = context.draft!.cloud;
  const cloud = typeof drafted === 'string' ? drafted.trim().toLowerCase() : undefined;
  const known = clouds.find((id) => id === cloud);
  const { problems } = context.validation!;
  return problems.filter((p) => kind === undefined || p.kind === kind).map((p) => customerProblemLine(p, known));
};
/** The reason or details an event gives for what went wrong. */
export const reasonOf = (event: EnablementEvent) =>
  'reason' in event ? event.reason : 'details' in event ? event.details : '(no reason given)';
/** Where the reverse connection goes: the vendor endpoint's DNS name (`vendor_endpoint.created` requires it). */
export const reverseHost = (context: EnablementContext) => context.vendorEndpointDns!;

/**
 * What every open state accepts besides its own steps: cancellation, and notes (no transition; the host records the
 * text in the audit trail). Listed in each state rather than on the root so ended requests refuse them too.
 */
export const open = {
  'request.cancelled': {
    target: 'cancelled',
    actions: [
      comment(({ context, event }) => ({
        template: 'cancelled',
        data: { ...greeting(context), reason: reasonOf(event) },
      })),
      notify('cancelled', ({ event }) => `Request cancelled: ${reasonOf(event)}`),
    ],
  },
  'note.added': { actions: 'countNote' },
} as const;

/**
 * What every open state after acceptance accepts: {@link open}, and a ticket update that would change the accepted
 * intake. The update is not applied (the request goes on as accepted, which is what the vendor set up); the customer
 * is told it was received and how it will be handled, and staff are asked to review it. An update that changes
 * nothing (a reply, a re-sent form) is refused, so it reaches no one.
 */
export const afterAcceptance = {
  ...open,
  'ticket.updated': {
    guard: 'updateChangesIntake',
    actions: [
      comment(({ context, event }) => ({
        template: 'update_after_acceptance',
        data: { ...greeting(context), changes: changedKeys(context, event) },
      })),
      notify(
        'action_required',
        ({ context, event }) =>
          `The ticket changed ${changedKeys(context, event).join(', ')} after the request was accepted; the request goes on with the accepted intake: review the change with the customer (cancel and start again if it must apply)`,
      ),
    ],
  },
} as const;

/** The ticket keys a late update changes, in the customer's words. */
const changedKeys = (context: EnablementContext, event: EnablementEvent): string[] => {
  const intake = accepted(context);
  return event.type === 'ticket.updated'
    ? intakeChanges(intake, event.intake, context.vendor).map((field) => ticketWordsFor(field, intake.cloud))
    : [];
};
