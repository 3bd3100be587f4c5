/**
 * The request's audit trail as the workflow keeps it: every event it received, with who sent it, how, and what became
 * of it. Each entry is written into Temporal's event history as a memo update, from which the audit timeline is built
 * (src/audit), so the record survives the workflow and cannot be rewritten by it. The workflow itself keeps only what
 * it needs and what is bounded: the most recent entries (for the state view), the dedupe keys of the most recent
 * applied events, and counts. The whole trail lives in the history, never in memory or in continue-as-new's input.
 */
import { upsertMemo } from '@temporalio/workflow';
import type { EnablementEvent } from '../src/domain/events';
import { limits, truncateUtf8 } from '../src/domain/limits';
import type { AuditEntry, AuditTrailState } from '../src/temporal/messages';
import { AUDIT_MEMO_KEY } from '../src/temporal/names';

/** What an incoming event is to the trail: new, a repeat of one applied already, or an eventId reused for another. */
export type Seen = { kind: 'new' } | { kind: 'duplicate'; of: number } | { kind: 'reused'; of: number; type: string };

/** One remembered applied event: its dedupe key, the fingerprint of what it said, its entry number. */
type Remembered = [key: string, fingerprint: string, seq: number];

/** The events of one request, numbered; the recent ones, the remembered dedupe keys and the counts. */
export class AuditTrail {
  /** The most recent entries, oldest first (at most {@link limits.recentEvents}). */
  readonly recent: AuditEntry[];
  private seq: number;
  private readonly seen: Map<string, { fingerprint: string; seq: number }>;
  /** Applied notes, for the per-request limit. */
  private notes: number;
  /** Repeats dropped: events whose sender, type and eventId were applied already. */
  private repeats: number;

  constructor(resumed?: AuditTrailState) {
    this.recent = resumed?.recent ?? [];
    this.seq = resumed?.seq ?? 0;
    this.seen = new Map((resumed?.seen ?? []).map(([key, fingerprint, seq]) => [key, { fingerprint, seq }]));
    this.notes = resumed?.notes ?? 0;
    this.repeats = resumed?.repeats ?? 0;
  }

  /** How many events the request has recorded, repeats not counted. */
  get count(): number {
    return this.seq;
  }

  /** Applied notes so far. */
  get noteCount(): number {
    return this.notes;
  }

  /** Repeats dropped so far. */
  get repeatCount(): number {
    return this.repeats;
  }

  /** What to carry over on continue-as-new: bounded, whatever the request received. */
  get state(): AuditTrailState {
    return {
      seq: this.seq,
      recent: this.recent,
      seen: [...this.seen].map(([key, { fingerprint, seq }]): Remembered => [key, fingerprint, seq]),
      notes: this.notes,
      repeats: this.repeats,
    };
  }

  /**
   * Whether this event was applied before. Dedupe keys are per sender and event type (`ticket.submitted` has one per
   * ticket, whoever sends it): one caller's eventId never silences another's event. The same key with a different
   * payload is an eventId reused for another event, never a silent duplicate.
   */
  check(event: EnablementEvent): Seen {
    if (event.eventId === undefined) return { kind: 'new' };
    const found = this.seen.get(dedupeKey(event));
    if (!found) return { kind: 'new' };
    if (event.type === 'ticket.submitted' || found.fingerprint === fingerprint(event)) {
      return { kind: 'duplicate', of: found.seq };
    }
    return { kind: 'reused', of: found.seq, type: event.type };
  }

  /**
   * Records a repeat of applied event `of`: counted, written to the history as a marker numbered like the event it
   * repeats, and given no entry (nor number) of its own in the workflow's memory.
   */
  repeat(entry: Omit<AuditEntry, 'seq' | 'at' | 'result'>, of: number): AuditEntry {
    this.repeats++;
    return this.write({ seq: of, at: new Date().toISOString(), ...bounded(entry), result: 'duplicate' });
  }

  /**
   * Records one event's result, numbered and timed, in the recent entries and in the history. What came from the
   * sender is cut to sizes Temporal accepts, whatever was sent.
   */
  record(entry: Omit<AuditEntry, 'seq' | 'at'>, applied?: EnablementEvent): AuditEntry {
    const full: AuditEntry = { seq: ++this.seq, at: new Date().toISOString(), ...bounded(entry) };
    this.recent.push(full);
    if (this.recent.length > limits.recentEvents) this.recent.splice(0, this.recent.length - limits.recentEvents);
    if (applied && full.result === 'applied') this.remember(applied, full.seq);
    return this.write(full);
  }

  /** Writes an entry's marker into the history (the comment stays out: the event's own input in history has it). */
  private write(full: AuditEntry): AuditEntry {
    const { comment: _comment, ...marker } = full;
    upsertMemo({ [AUDIT_MEMO_KEY]: marker });
    return full;
  }

  private remember(event: EnablementEvent, seq: number): void {
    if (event.type === 'note.added') this.notes++;
    if (event.eventId === undefined) return;
    const key = dedupeKey(event);
    this.seen.delete(key);
    this.seen.set(key, { fingerprint: fingerprint(event), seq });
    while (this.seen.size > limits.rememberedEventIds) this.seen.delete(this.seen.keys().next().value!);
  }
}

/** The dedupe key of an event with an eventId: sender, type and id (`ticket.submitted`: one per ticket). */
function dedupeKey(event: EnablementEvent): string {
  return JSON.stringify(
    event.type === 'ticket.submitted' ? [event.type, event.eventId] : [event.actor, event.type, event.eventId],
  );
}

/** What an event says, apart from who sent it, its id and its comment, as a short hash. */
function fingerprint(event: EnablementEvent): string {
  const { actor: _actor, eventId: _eventId, comment: _comment, ...payload } = event;
  return hash(stableJson(payload));
}

function stableJson(value: unknown): string {
  if (Array.isArray(value)) return `[${value.map(stableJson).join(',')}]`;
  if (value !== null && typeof value === 'object') {
    const entries = Object.entries(value as Record<string, unknown>).filter(([, v]) => v !== undefined);
    entries.sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
    return `{${entries.map(([k, v]) => `${JSON.stringify(k)}:${stableJson(v)}`).join(',')}}`;
  }
  return JSON.stringify(value) ?? 'null';
}

/** A 53-bit string hash (cyrb53): enough to tell two payloads of one sender's eventId apart. */
function hash(text: string): string {
  let h1 = 0xdeadbeef;
  let h2 = 0x41c6ce57;
  for (let i = 0; i < text.length; i++) {
    const ch = text.charCodeAt(i);
    h1 = Math.imul(h1 ^ ch, 2654435761);
    h2 = Math.imul(h2 ^ ch, 1597334677);
  }
  h1 = Math.imul(h1 ^ (h1 >>> 16), 2246822507) ^ Math.imul(h2 ^ (h2 >>> 13), 3266489909);
  h2 = Math.imul(h2 ^ (h2 >>> 16), 2246822507) ^ Math.imul(h1 ^ (h1 >>> 13), 3266489909);
  return (4294967296 * (2097151 & h2) + (h1 >>> 0)).toString(36);
}

/** An entry with every value that came from outside cut to a size the history takes. */
function bounded<T extends Omit<AuditEntry, 'seq' | 'at' | 'result'>>(entry: T): T {
  const cut = (value: string, max: number) => truncateUtf8(value, max);
  return {
    ...entry,
    type: cut(entry.type, 100),
    actor: cut(entry.actor, limits.actorBytes),
    ...(entry.eventId !== undefined ? { eventId: cut(entry.eventId, limits.eventIdBytes) } : {}),
    ...(entry.comment !== undefined ? { comment: cut(entry.comment, limits.commentBytes) } : {}),
    ...(entry.reason !== undefined ? { reason: cut(entry.reason, limits.recordedTextBytes) } : {}),
  };
}
