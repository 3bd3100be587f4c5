/**
 * What an event said, as a timeline entry carries it: the fields of the signal or update input as it was sent (read
 * from the history, never from the workflow's memory), flattened to text. The API bounds every field before it sends
 * an event, but anything that speaks Temporal can send anything, so each value and the number of fields are bounded
 * here too: a cut value ends with a marker saying how long it was.
 */
import { eventFields, isEventType } from '../domain/events';
import { asText, type EntryPayload } from './chain';

/** Longest value kept whole, in characters. */
export const MAX_PAYLOAD_VALUE = 8_192;
/** Longest field name kept whole, in characters. */
const MAX_PAYLOAD_KEY = 200;
/** Most fields listed; the rest are counted under {@link MORE_FIELDS}. */
export const MAX_PAYLOAD_FIELDS = 64;
/** The field that counts the fields left out. */
export const MORE_FIELDS = '…';

/** The marker a cut value ends with. */
export function truncationMarker(length: number): string {
  return `… [cut: ${length} characters in all]`;
}

function bounded(text: string, max: number): string {
  return text.length > max ? `${text.slice(0, max)}${truncationMarker(text.length)}` : text;
}

/** Fields the entry itself already says (its type and actor). */
const ENTRY_COLUMNS = new Set(['type', 'actor']);

/** The payload of a sent event: its type's fields in the vocabulary's order, then anything else that was sent. */
export function eventPayload(input: Record<string, unknown>): EntryPayload {
  const type = input.type;
  const known = isEventType(type) ? eventFields(type) : [];
  // The event's own fields first, then its comment and dedupe key, then fields that are none of its type's.
  const own = known.filter((k) => k !== 'comment' && k !== 'eventId');
  const order = [
    ...own,
    ...['comment', 'eventId'],
    ...Object.keys(input)
      .filter((k) => !known.includes(k) && !ENTRY_COLUMNS.has(k) && k !== 'comment' && k !== 'eventId')
      .sort(),
  ];
  const pairs: [string, unknown][] = [];
  for (const key of order) {
    if (!Object.prototype.hasOwnProperty.call(input, key) || input[key] === undefined) continue;
    if (key === 'intake' && isPlainObject(input.intake)) {
      for (const [k, v] of Object.entries(input.intake)) pairs.push([`intake.${k}`, v]);
    } else pairs.push([key, input[key]]);
  }
  return toPayload(pairs);
}

/** The payload of a start: the intake it came with, if any. */
export function startPayload(input: Record<string, unknown>): EntryPayload {
  return isPlainObject(input.intake) ? toPayload(Object.entries(input.intake).map(([k, v]) => [`intake.${k}`, v])) : {};
}

function isPlainObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

function toPayload(pairs: [string, unknown][]): EntryPayload {
  const payload: EntryPayload = {};
  const kept = pairs.slice(0, MAX_PAYLOAD_FIELDS);
  for (const [key, value] of kept) {
    const name = bounded(key, MAX_PAYLOAD_KEY);
    if (name === MORE_FIELDS || Object.prototype.hasOwnProperty.call(payload, name)) continue;
    payload[name] = bounded(asText(value), MAX_PAYLOAD_VALUE);
  }
  if (pairs.length > kept.length) payload[MORE_FIELDS] = `${pairs.length - kept.length} more field(s) not shown`;
  return payload;
}
