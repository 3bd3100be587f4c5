/**
 * The request's audit trail as the workflow keeps it: every event it received, with who sent it, how, and what became
 * of it. Each entry is also written into Temporal's event history as a memo update, from which the audit timeline is
 * built (src/audit), so the record survives the workflow and cannot be rewritten by it.
 */
import { upsertMemo } from '@temporalio/workflow';
import type { AuditEntry } from '../src/temporal/messages';
import { AUDIT_MEMO_KEY } from '../src/temporal/names';

/** The events of one request, in the order they were handled, and the dedupe keys of those applied. */
export class AuditTrail {
  readonly entries: AuditEntry[];
  private readonly applied: Set<string>;

  constructor(resumed?: AuditEntry[]) {
    this.entries = resumed ?? [];
    this.applied = new Set(this.entries.filter((e) => e.result === 'applied' && e.eventId).map((e) => e.eventId!));
  }

  /** True when an event with this dedupe key was applied already: the same `eventId` twice changes state once. */
  isDuplicate(eventId: string | undefined): boolean {
    return eventId !== undefined && this.applied.has(eventId);
  }

  /** Records one event's result, numbered and timed, in the trail and in the history. */
  record(entry: Omit<AuditEntry, 'seq' | 'at'>): AuditEntry {
    const full: AuditEntry = { seq: this.entries.length + 1, at: new Date().toISOString(), ...entry };
    this.entries.push(full);
    if (full.result === 'applied' && full.eventId) this.applied.add(full.eventId);
    // The comment stays out of the memo: it is in the signal's or update's own input, which the timeline reads.
    const { comment: _comment, ...marker } = full;
    upsertMemo({ [AUDIT_MEMO_KEY]: marker });
    return full;
  }
}
