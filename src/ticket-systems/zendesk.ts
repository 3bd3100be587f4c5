/**
 * Zendesk ticket numbers as our ticket ids: the inbound webhook parser names a ticket `ZD-<number>`, the outbound
 * adapter comments on the number in it.
 */

/** Our ticket id for a Zendesk ticket number: `12345` -> `ZD-12345`. */
export function zendeskTicketId(zendeskId: number | string): string {
  return `ZD-${zendeskId}`;
}

/** The Zendesk ticket number in one of our ticket ids (`ZD-12345`, or a bare `12345`), if it is one. */
export function zendeskTicketNumber(ticketId: string): number | undefined {
  const digits = /^(?:ZD-)?([1-9]\d{0,15})$/i.exec(ticketId)?.[1];
  const number = Number(digits);
  return digits !== undefined && Number.isSafeInteger(number) ? number : undefined;
}
