/**
 * Builds a request's audit timeline from Temporal's event history (never from the workflow's memory): who sent which
 * event and what became of it, each state change, each effect on the outside world and its answer, SLA warnings and
 * breaches, and how the request ended. The history of every run is read, following continue-as-new.
 */
import { asText, chain, type TimelineEntry } from './chain';
import type { HistoryEvent } from './decode';
import { type Draft, eventHandlers, type RunReader } from './event-handlers';

/** The history of one run, in order. */
export interface RunHistory {
  runId: string;
  events: readonly HistoryEvent[];
}

/** An event sent to the request that it has not handled yet: not part of the chained timeline until it is. */
export interface PendingEvent {
  at: string;
  via: 'signal' | 'update';
  actor: string;
  type: string;
  runId: string;
  historyEventId: number;
}

/**
 * The timeline entries of one run. `carry` holds the request's state across runs.
 *
 * Entries appear in history order, so a later export of the same request starts with the same entries (and hashes).
 * An event whose result is not recorded yet is returned as pending, outside the chain.
 */
function entriesOfRun(history: RunHistory, carry: { state: string }): { entries: Draft[]; pending: PendingEvent[] } {
  const run: RunReader = {
    runId: history.runId,
    carry,
    entries: [],
    received: [],
    scheduled: new Map(),
    lastActor: 'system',
  };
  for (const event of history.events) {
    if (event.eventType != null) eventHandlers[event.eventType]?.(event, run);
  }
  // Events sent but not handled yet: their entry is added once the workflow records the result.
  const pending = run.received
    .filter((r) => !r.used)
    .map((r) => ({
      at: r.at,
      via: r.via,
      actor: asText(r.input.actor) || r.identity,
      type: asText(r.input.type),
      runId: history.runId,
      historyEventId: r.historyEventId,
    }));
  return { entries: run.entries, pending };
}

/** The chained timeline of a request from the histories of its runs, oldest run first. */
export function buildTimeline(
  ticketId: string,
  runs: readonly RunHistory[],
): { entries: TimelineEntry[]; pending: PendingEvent[] } {
  const carry = { state: '' };
  const perRun = runs.map((run) => entriesOfRun(run, carry));
  return {
    entries: chain(
      ticketId,
      perRun.flatMap((r) => r.entries),
    ),
    pending: perRun.flatMap((r) => r.pending),
  };
}
