/**
 * Every size the product accepts, in one place (docs/security.md "Bounded input"), and the byte arithmetic to check
 * them. Sizes are in UTF-8 bytes, as Temporal counts payloads and search attributes, not in characters. Shared by the
 * workflow, so plain code only (no Buffer, no TextEncoder).
 */

export const limits = Object.freeze({
  /** An event's `actor`: the authenticated subject. */
  actorBytes: 256,
  /** An event's `eventId`. */
  eventIdBytes: 200,
  /** An event's free-text `comment`. */
  commentBytes: 4096,
  /** A note's text (`note.added`). */
  noteBytes: 4096,
  /** Notes a request keeps; later ones are refused. */
  notesPerRequest: 200,
  /** A reason or details field (`connection.failed`, `request.cancelled`, ...). */
  reasonBytes: 2000,
  /** An id, DNS name or service name in an event (`endpointId`, `endpointDns`, `vendorServiceName`, ...). */
  identifierBytes: 512,
  /** One text value anywhere in an event's intake; beyond it the event is refused, below it the field's own limit holds. */
  intakeValueBytes: 4096,
  /** Items in one list of an event's intake (`services`, `azure.subscriptionIds`, ...). */
  intakeListItems: 50,
  /** Levels of nesting in an event's intake (`azure.subscriptionIds[0]` is three). */
  intakeDepth: 4,
  /** An event's whole intake, as JSON. */
  intakeBytes: 64 * 1024,
  /** Services one request may open (each is checked by the connectivity check). */
  servicesPerRequest: 20,
  /** Subscription ids or target resource ids of one Azure request. */
  azureIdsPerRequest: 20,
  /** Customer services one connection reaches (its record, kept in a memo, stays bounded however many changes add one). */
  reverseServicesPerConnection: 20,
  /** Events the state view lists (the most recent); the audit history has every one. */
  recentEvents: 50,
  /** Effects the state view lists (the most recent). */
  recentEffects: 50,
  /** Applied events whose `eventId` a request remembers to refuse a repeat (the most recent). */
  rememberedEventIds: 1000,
  /** A keyword search attribute's value (Temporal refuses more than 2,048 bytes). */
  searchAttributeBytes: 256,
  /** A reason or problem the workflow writes (refusals quoting what was sent). */
  recordedTextBytes: 1000,
});

/** The UTF-8 length of a string, in bytes (lone surrogates count as the 3 bytes of U+FFFD, as an encoder writes). */
export function utf8Length(value: string): number {
  let bytes = 0;
  for (let i = 0; i < value.length; i++) {
    const code = value.charCodeAt(i);
    if (code < 0x80) bytes += 1;
    else if (code < 0x800) bytes += 2;
    else if (code >= 0xd800 && code <= 0xdbff) {
      const next = value.charCodeAt(i + 1); // NaN past the end: no low surrogate
      if (next >= 0xdc00 && next <= 0xdfff) {
        bytes += 4;
        i++;
      } else bytes += 3;
    } else bytes += 3;
  }
  return bytes;
}

/**
 * The longest start of `value` that fits in `maxBytes` UTF-8 bytes, ending in `…` when cut (never splitting a
 * character). Used wherever a value that came from outside is written where Temporal limits sizes.
 */
export function truncateUtf8(value: string, maxBytes: number): string {
  if (utf8Length(value) <= maxBytes) return value;
  const ellipsis = '…'; // 3 bytes
  let bytes = 0;
  let end = 0;
  for (const char of value) {
    const size = utf8Length(char);
    if (bytes + size > maxBytes - 3) break;
    bytes += size;
    end += char.length;
  }
  return value.slice(0, end) + ellipsis;
}

/** A value as a refusal quotes it: JSON, cut to a length a message can carry. */
export function quoted(value: unknown, maxBytes = 80): string {
  let text: string;
  try {
    text = JSON.stringify(value) ?? String(value);
  } catch {
    text = String(value);
  }
  return truncateUtf8(text, maxBytes);
}

/** "1 byte" / "3,000 bytes". */
export function bytesText(n: number): string {
  return `${String(n).replace(/\B(?=(\d{3})+(?!\d))/g, ',')} byte${n === 1 ? '' : 's'}`;
}
