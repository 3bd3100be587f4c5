/**
 * What every ticket-system webhook is turned into before it reaches Temporal: one shape for the generic tickets
 * webhook, Zendesk and Jira, so the routes that start and signal workflows never look at a ticket system's payload.
 * Also the small rules every ticket system's parser shares (dates, what counts as a PrivateLink ticket).
 */
import type { IntakeDraft } from '../domain/intake';
import type { ChangeTicket } from './change';

/** A ticket was created or updated: the intake data it carries, as far as the ticket says it. */
export interface TicketWebhookEvent {
  /** Which webhook it came from. */
  source: 'zendesk' | 'jira' | 'tickets';
  /** `created` starts a request (`ticket.submitted`); `updated` answers "awaiting information" (`ticket.updated`). */
  kind: 'created' | 'updated';
  /** Our ticket id (matches `TICKET_ID_PATTERN`): `ZD-<number>` for Zendesk, the issue key for Jira. */
  ticketId: string;
  /**
   * The intake fields the ticket gives, possibly wrong (validation reports them); `intake.ticketId` equals
   * `ticketId`, and `intake.submittedAt`, when the ticket gives its creation time, is ISO 8601 in UTC with seconds.
   */
  intake: IntakeDraft;
  /** The ticket system's id of this delivery (the same on its retries), when it sends one: a dedupe key. */
  deliveryId?: string;
  /** `Key: value` lines or structured fields that are not intake fields, as written, for the operator's logs. */
  unknownKeys?: string[];
  /**
   * Set when the ticket is a change ticket (it names a connection's ticket: `PrivateLink ticket: T-1001`): the change
   * it asks for of that connection, or why it cannot be one. Such a ticket has no request of its own: it becomes
   * `change.requested` on the connection's request (`intake` then only names the ticket), and `unknownKeys` are the
   * keys that are no change keys.
   */
  change?: ChangeTicket;
}

/**
 * The verdict on a webhook body: an event to apply, a well-formed delivery that is deliberately not used (answer
 * 202 and drop it), or a body that is not what the webhook is configured to send (answer 4xx with the problems).
 */
export type TicketWebhookParse =
  | { ok: true; value: TicketWebhookEvent; ignored?: undefined }
  | { ok: true; value?: undefined; ignored: string }
  | { ok: false; problems: string[]; value?: undefined; ignored?: undefined };

/** The verdict on a webhook's signature. `reason` says what to check, and never contains a secret. */
export type SignatureVerdict = { ok: true } | { ok: false; reason: string };

/**
 * A ticket system's date-time as our intake wants it: ISO 8601 in UTC with seconds (`2026-11-02T15:00:00Z`).
 * Accepts Zendesk's minute-precision `2013-12-12T05:35Z` and Jira's `2026-11-02T10:00:00.000-0500`; `undefined` when
 * the text is not such a date-time.
 */
export function isoSeconds(value: unknown): string | undefined {
  if (typeof value !== 'string' || value.length > 64) return undefined;
  const m = /^(\d{4})-(\d{2})-(\d{2})[T ](\d{2}):(\d{2})(?::(\d{2})(?:\.\d{1,9})?)?\s*(Z|[+-]\d{2}(?::?\d{2})?)$/i.exec(
    value.trim(),
  );
  if (!m) return undefined;
  const [, y, mo, d, h, mi, s, zone] = m;
  // An hour past 23 is caught below: it rolls over to the next day.
  if (Number(mi) > 59 || Number(s ?? 0) > 59) return undefined;
  const local = Date.UTC(Number(y), Number(mo) - 1, Number(d), Number(h), Number(mi), Number(s ?? 0));
  // `Z` has no digits: an offset of 0 minutes.
  const digits = zone!.slice(1).replace(':', '');
  const minutes = Number(digits.slice(0, 2)) * 60 + Number(digits.slice(2));
  const offsetMin = zone!.startsWith('-') ? -minutes : minutes;
  const date = new Date(local - offsetMin * 60_000);
  // Reject 2026-02-31 and friends (and hour 24) rather than let Date roll them over.
  if (Number.isNaN(date.getTime()) || new Date(local).getUTCDate() !== Number(d)) return undefined;
  // Seconds are whole (a fraction is dropped), so the milliseconds are always `.000`.
  return date.toISOString().replace('.000Z', 'Z');
}

/**
 * True when a ticket's subject is about PrivateLink (`PrivateLink support for Acme`, `Private Link for Acme`). Tickets
 * that are not are ignored, so a trigger or webhook with too wide a filter never comments on unrelated tickets.
 */
export function mentionsPrivateLink(subject: unknown): boolean {
  return typeof subject === 'string' && /private[\s-]?link/i.test(subject);
}

/** A value as a short text for a problem message: JSON, cut at 80 characters; `nothing` for undefined. */
export function describeValue(value: unknown): string {
  if (value === undefined) return 'nothing';
  let json: string;
  try {
    json = JSON.stringify(value) ?? typeof value;
  } catch {
    json = typeof value;
  }
  return json.length > 80 ? `${json.slice(0, 77)}...` : json;
}
