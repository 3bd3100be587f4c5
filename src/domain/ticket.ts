/**
 * What identifies a ticket's request everywhere: the ticket id (the workflow id is `privatelink-<ticketId>`, so the id
 * must be safe there, in URLs and in file names) and the dedupe key of the ticket's one `ticket.submitted` event.
 */

/** A ticket id: 1 to 64 letters, digits, '.', '_' or '-' (e.g. `T-1001`, `ZD-12345`, `PL-42`). */
export const TICKET_ID_PATTERN = /^[A-Za-z0-9._-]{1,64}$/;

/** The rule of {@link TICKET_ID_PATTERN} in words, for problem messages. */
export const TICKET_ID_RULE = "must be 1 to 64 letters, digits, '.', '_' or '-'";

/** True when `value` is a usable ticket id. */
export function isTicketId(value: unknown): value is string {
  return typeof value === 'string' && TICKET_ID_PATTERN.test(value);
}

/**
 * The `eventId` of a ticket's `ticket.submitted` event, whoever sends it (the API's start, any webhook's creation):
 * one key per ticket, so a redelivered or parallel creation is applied once.
 */
export function submissionEventId(ticketId: string): string {
  return `ticket.submitted:${ticketId}`;
}
