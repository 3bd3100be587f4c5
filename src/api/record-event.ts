/**
 * Recording a step as an authenticated person: the same checks for the API's `POST /api/requests/:ticketId/events`
 * and the console's forms, so both refuse the same events with the same words.
 */
import { checkEvent, eventUsage, type EventType, isEventType } from '../domain/events';
import { AppError } from '../errors';
import type { EnablementClient } from '../temporal/enablement-client';
import type { EnablementEventInput, EventOutcome } from '../temporal/messages';
import { type Action, allows, type Principal } from './auth';

/** Ticket events, change requests (a change ticket) and notes may be sent by automation; every other step is support staff's. */
export function actionForEvent(type: EventType): Action {
  return type === 'ticket.submitted' ||
    type === 'ticket.updated' ||
    type === 'note.added' ||
    type === 'change.requested'
    ? 'ticket_event'
    : 'event';
}

/** True when a person with this role may send events of this type. */
export function maySend(principal: Principal, type: EventType): boolean {
  return allows(principal.role, actionForEvent(type));
}

/**
 * Applies `body` (an event without its actor) to the ticket's request as sent by `principal`: refused with `forbidden`
 * when the role may not send that type, `invalid` (one problem per field, `field: rule`) when the payload breaks its
 * schema, and the request's own `conflict`/`not_found` otherwise.
 */
export async function recordEvent(
  requests: EnablementClient,
  ticketId: string,
  principal: Principal,
  body: { type: string } & Record<string, unknown>,
): Promise<EventOutcome> {
  const { type } = body;
  if ('actor' in body) {
    throw new AppError(
      'invalid',
      `actor: is not accepted in the body; events are recorded as sent by you (${principal.subject}).`,
    );
  }
  if (isEventType(type) && !maySend(principal, type)) {
    throw new AppError('forbidden', `${principal.subject} has role ${principal.role}, which may not send ${type}.`);
  }
  const event: EnablementEventInput = { ...body, actor: principal.subject };
  const checked = checkEvent(event);
  if (!checked.ok) {
    const usage = isEventType(type) ? ` (${eventUsage(type)})` : '';
    throw new AppError('invalid', `Invalid ${type} event${usage}:`, checked.problems);
  }
  return requests.sendEvent(ticketId, event);
}
