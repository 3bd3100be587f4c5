/**
 * Zendesk webhooks: the signature Zendesk documents for every webhook, and the body our trigger template sends.
 *
 * Zendesk has no fixed ticket payload for triggers: the admin writes the JSON body in the trigger's "Notify webhook"
 * action. {@link ZENDESK_TRIGGER_BODY_TEMPLATE} is that body. Two triggers use it, one per `event`:
 * - "Ticket is Created" and "Subject text contains PrivateLink" -> `"event": "created"`
 * - "Ticket is Updated" and "Subject text contains PrivateLink" -> `"event": "updated"`
 *
 * Zendesk JSON-escapes placeholder values in JSON bodies, so every placeholder sits inside a string. Our ticket id is
 * `ZD-<Zendesk ticket number>` (workflow `privatelink-ZD-12345`); the Zendesk adapter maps it back.
 */
import { createHmac, timingSafeEqual } from 'node:crypto';
import { isRecord } from '../domain/json';
import { hasCommentFooter } from '../ticket-systems/comment-ref';
import { zendeskTicketId, zendeskTicketNumber } from '../ticket-systems/zendesk';
import { changeTicketOf, hasChangeFields, isChangeTicket, layerChanges, parseChangeDescription } from './change';
import { companyFromSubject, findIntakeKey, intakeFromFields, layerDrafts, parseDescription } from './description';
import {
  describeValue as describe,
  isoSeconds,
  mentionsPrivateLink,
  type SignatureVerdict,
  type TicketWebhookEvent,
  type TicketWebhookParse,
} from './types';

/** Header with base64(HMAC-SHA256(secret, timestamp + body)). */
export const ZENDESK_SIGNATURE_HEADER = 'x-zendesk-webhook-signature';
/** Header with the signing time (ISO 8601), part of the signed text. */
export const ZENDESK_TIMESTAMP_HEADER = 'x-zendesk-webhook-signature-timestamp';
/** Header naming one invocation of the webhook; a good {@link TicketWebhookEvent.deliveryId}. */
export const ZENDESK_INVOCATION_HEADER = 'x-zendesk-webhook-invocation-id';

/**
 * Checks Zendesk's webhook signature: `X-Zendesk-Webhook-Signature` is base64(HMAC-SHA256(signing secret,
 * `X-Zendesk-Webhook-Signature-Timestamp` + raw body)). Pass the body exactly as received: parsed and re-serialized
 * JSON does not verify. Several secrets may be given (during a rotation, the old and the new one). A timestamp more
 * than `toleranceMs` (5 minutes) away from `nowMs` is refused, so a captured delivery cannot be replayed later.
 */
export function verifyZendeskSignature(input: {
  rawBody: Buffer;
  signature?: string;
  timestamp?: string;
  secrets: readonly string[];
  nowMs: number;
  toleranceMs?: number;
}): SignatureVerdict {
  const secrets = input.secrets.filter((s) => s.length > 0);
  if (!secrets.length) {
    return fail(
      "no Zendesk signing secret is configured: copy it from Zendesk Admin Center > Apps and integrations > Webhooks > the webhook's Signing secret",
    );
  }
  const signature = input.signature?.trim();
  const timestamp = input.timestamp?.trim();
  if (!signature) return fail('missing X-Zendesk-Webhook-Signature header: Zendesk signs every webhook request');
  if (!timestamp) {
    return fail('missing X-Zendesk-Webhook-Signature-Timestamp header: Zendesk sends it with every signature');
  }
  const signedAtMs = parseTimestamp(timestamp);
  if (signedAtMs === undefined) {
    return fail('X-Zendesk-Webhook-Signature-Timestamp is not an ISO 8601 date-time such as 2026-11-02T15:00:00Z');
  }
  const given = /^[A-Za-z0-9+/]{43}=?$/.test(signature) ? Buffer.from(signature, 'base64') : undefined;
  if (given?.length !== 32) return fail('X-Zendesk-Webhook-Signature is not a base64 HMAC-SHA256 digest');
  const signed = Buffer.concat([Buffer.from(timestamp), input.rawBody]);
  let matched = false;
  // Every secret is tried, so the time taken does not tell which one (if any) matched.
  for (const secret of secrets) {
    if (timingSafeEqual(createHmac('sha256', secret).update(signed).digest(), given)) matched = true;
  }
  if (!matched) {
    return fail(
      "signature does not match: either the body was changed after signing (verify the raw bytes, not re-serialized JSON) or the webhook's signing secret is not among the configured secrets",
    );
  }
  const toleranceMs = input.toleranceMs ?? 300_000;
  const ageMs = input.nowMs - signedAtMs;
  if (Math.abs(ageMs) > toleranceMs) {
    const seconds = Math.round(Math.abs(ageMs) / 1000);
    return fail(
      `the request was signed ${seconds} s ${ageMs > 0 ? 'ago' : 'in the future'}, more than the ${Math.round(toleranceMs / 1000)} s allowed: a replayed or long-delayed delivery, or a wrong clock on this server`,
    );
  }
  return { ok: true };
}

function parseTimestamp(value: string): number | undefined {
  if (/^\d{9,10}$/.test(value)) return Number(value) * 1000;
  const iso = isoSeconds(value);
  return iso === undefined ? undefined : Date.parse(iso);
}

function fail(reason: string): SignatureVerdict {
  return { ok: false, reason };
}

/**
 * The JSON body of a trigger's "Notify webhook" action. `intake` maps intake keys (see `intakeKeys`) to ticket fields
 * by Zendesk ticket field id; it is optional, and when given its values win over `Key: value` lines.
 */
export function zendeskTriggerBody(options: {
  event: 'created' | 'updated';
  ticketFields?: Readonly<Record<string, number | string>>;
}): string {
  const body: Record<string, unknown> = {
    event: options.event,
    ticket: {
      id: '{{ticket.id}}',
      title: '{{ticket.title}}',
      description: '{{ticket.description}}',
      latest_public_comment: '{{ticket.latest_public_comment}}',
      created_at: '{{ticket.created_at_with_timestamp}}',
      updated_at: '{{ticket.updated_at_with_timestamp}}',
    },
  };
  const fields = Object.entries(options.ticketFields ?? {});
  if (fields.length) {
    body.intake = Object.fromEntries(
      fields.map(([label, id]) => {
        const key = findIntakeKey(label);
        if (!key) throw new TypeError(`"${label}" is not an intake key`);
        if (!/^\d+$/.test(String(id))) throw new TypeError(`"${String(id)}" is not a Zendesk ticket field id`);
        return [key.field, `{{ticket.ticket_field_${id}}}`];
      }),
    );
  }
  return JSON.stringify(body, null, 2);
}

/**
 * The body to paste into the "created" trigger (for the "updated" trigger, set `"event": "updated"`). Intake comes
 * from `Key: value` lines of the description; add an `intake` object (see {@link zendeskTriggerBody}) to read custom
 * ticket fields as well, e.g. `"intake": { "projectId": "{{ticket.ticket_field_360012345678}}" }`.
 */
export const ZENDESK_TRIGGER_BODY_TEMPLATE = zendeskTriggerBody({ event: 'created' });

/**
 * Reads a body sent by {@link ZENDESK_TRIGGER_BODY_TEMPLATE}. `created`: the description's `Key: value` lines, then
 * the `intake` fields over them. `updated`: the latest public comment's lines (unless it is one of ours), then the
 * `intake` fields; the description is not read again, because that would undo corrections given in comments. Either
 * way the subject is the ticket's title, `company` defaults to the one the subject names, and `submittedAt` is the
 * ticket's creation time. Tickets whose subject does not mention PrivateLink, and updates with no intake fields, are
 * ignored. A change ticket (its description names the connection's ticket, `PrivateLink ticket: T-1001`) gives the
 * change it asks for (`change`, see src/webhooks/change.ts) from its description, and on an update from the latest
 * public comment's change keys over it (an update without any is ignored). Never throws.
 */
export function parseZendeskWebhook(body: unknown, options: { deliveryId?: string } = {}): TicketWebhookParse {
  if (!isRecord(body)) {
    return { ok: false, problems: ['the body must be a JSON object: the Zendesk trigger body template'] };
  }
  const problems: string[] = [];
  const event = body.event;
  if (event !== 'created' && event !== 'updated') {
    problems.push(
      `"event" must be "created" or "updated", as set in each trigger's JSON body (got ${describe(event)})`,
    );
  }
  const ticket = isRecord(body.ticket) ? body.ticket : undefined;
  if (!ticket) problems.push('"ticket" must be an object with the ticket placeholders of the template');
  const rawId = ticket?.id;
  // The number alone: `ZD-123` is our ticket id, not Zendesk's.
  const number =
    typeof rawId === 'number'
      ? Number.isSafeInteger(rawId) && rawId > 0
        ? rawId
        : undefined
      : typeof rawId === 'string' && /^\d/.test(rawId.trim())
        ? zendeskTicketNumber(rawId.trim())
        : undefined;
  if (ticket && number === undefined) {
    problems.push(`"ticket.id" must be the Zendesk ticket number, "{{ticket.id}}" (got ${describe(rawId)})`);
  }
  const intake = body.intake;
  if (intake !== undefined && intake !== null && !isRecord(intake)) {
    problems.push('"intake", when present, must be an object of intake fields');
  }
  if (problems.length || !ticket || number === undefined || (event !== 'created' && event !== 'updated')) {
    return { ok: false, problems };
  }

  const ticketId = zendeskTicketId(number);
  const title = text(ticket.title);
  if (!mentionsPrivateLink(title)) {
    return {
      ok: true,
      ignored: `ticket ${ticketId} is not a PrivateLink request (subject ${describe(title)}); add the condition "Subject text contains PrivateLink" to the trigger`,
    };
  }
  const createdAt = text(ticket.created_at);
  const description = text(ticket.description);
  // A ticket whose description names a connection's ticket asks to change that connection.
  const changeLines = parseChangeDescription(description);
  if (isChangeTicket(changeLines)) {
    let asked = changeLines;
    if (event === 'updated') {
      const comment = text(ticket.latest_public_comment);
      const fromComment = parseChangeDescription(
        comment !== undefined && !hasCommentFooter(comment) ? comment : undefined,
      );
      if (!hasChangeFields(fromComment)) {
        return { ok: true, ignored: `the update of change ticket ${ticketId} carries no change keys` };
      }
      asked = layerChanges(changeLines, fromComment);
    }
    const value: TicketWebhookEvent = {
      source: 'zendesk',
      kind: event,
      ticketId,
      intake: { ticketId, subject: title },
      change: changeTicketOf(asked, {
        source: 'zendesk',
        ticketId,
        ...(createdAt !== undefined ? { submittedAt: createdAt } : {}),
      }),
    };
    if (options.deliveryId) value.deliveryId = options.deliveryId;
    if (asked.unknownKeys.length) value.unknownKeys = asked.unknownKeys;
    return { ok: true, value };
  }
  const structured = isRecord(intake) ? intakeFromFields(Object.entries(intake)) : { draft: {}, unknownKeys: [] };
  let lines;
  if (event === 'created') {
    lines = parseDescription(description);
  } else {
    const comment = text(ticket.latest_public_comment);
    // One of our own comments (it ends with its reference line) answers nothing.
    const ours = comment !== undefined && hasCommentFooter(comment);
    lines = parseDescription(ours ? undefined : comment);
    if (!Object.keys(lines.draft).length && !Object.keys(structured.draft).length) {
      return { ok: true, ignored: `the update of ticket ${ticketId} carries no intake fields` };
    }
  }
  const submittedAt = isoSeconds(createdAt) ?? createdAt;
  const company = companyFromSubject(title);
  const value: TicketWebhookEvent = {
    source: 'zendesk',
    kind: event,
    ticketId,
    intake: layerDrafts(company ? { company } : {}, title ? { subject: title } : {}, lines.draft, structured.draft, {
      ticketId,
      ...(submittedAt ? { submittedAt } : {}),
    }),
  };
  if (options.deliveryId) value.deliveryId = options.deliveryId;
  const unknownKeys = [...lines.unknownKeys, ...structured.unknownKeys];
  if (unknownKeys.length) value.unknownKeys = unknownKeys;
  return { ok: true, value };
}

/** A rendered placeholder: trimmed text, or `undefined` when blank or left unrendered. */
function text(value: unknown): string | undefined {
  if (typeof value === 'number') return String(value);
  if (typeof value !== 'string') return undefined;
  const v = value.trim();
  return v === '' || /^\{\{[^{}]*\}\}$/.test(v) ? undefined : v;
}
