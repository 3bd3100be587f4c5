/**
 * Builds a request's audit timeline from Temporal's event history (never from the workflow's memory): who sent which
 * event and what became of it, each state change, each effect on the outside world and its answer, SLA warnings and
 * breaches, and how the request ended. The history of every run is read: runs continued as new, and runs a reset
 * abandoned or made.
 */
import { temporal } from '@temporalio/proto';
import { asText, chain, type PendingEvent, type TimelineEntry } from './chain';
import { type HistoryEvent, timeOf } from './decode';
import { type Draft, eventHandlers, type RunReader } from './event-handlers';
import { productProcessOf } from './identity';
import { eventPayload } from './payload';

export type { PendingEvent };

/** The history of one run, in order. */
export interface RunHistory {
  runId: string;
  events: readonly HistoryEvent[];
}

const RESET = temporal.api.enums.v1.WorkflowTaskFailedCause.WORKFLOW_TASK_FAILED_CAUSE_RESET_WORKFLOW;

/** The mark of the reset that made this run, if one did: the workflow task failure naming it as the new run. */
export function resetMarkOf(run: RunHistory): HistoryEvent | undefined {
  return run.events.find((e) => {
    const a = e.workflowTaskFailedEventAttributes;
    return a?.cause === RESET && a.newRunId === run.runId;
  });
}

/**
 * When a run came to be: the time of the reset that made it, or its start. The timeline lists runs in this order, so
 * a run made later (by continue-as-new or a reset) is listed after every run that existed before it.
 */
export function runCreatedAt(run: RunHistory): string {
  const mark = resetMarkOf(run) ?? run.events[0];
  return mark ? timeOf(mark) : '';
}

/**
 * The timeline entries of one run, from the state the request was in where the run begins.
 *
 * Entries appear in history order, so a later export of the same request starts with the same entries (and hashes).
 * An event whose result is not recorded yet is returned as pending, outside the chain.
 */
function entriesOfRun(
  history: RunHistory,
  initialState: string,
  stateBefore: string,
): { entries: Draft[]; pending: PendingEvent[]; state: string } {
  const run: RunReader = {
    runId: history.runId,
    carry: { state: initialState },
    stateBefore,
    entries: [],
    received: [],
    admitted: new Map(),
    scheduled: new Map(),
    taskIdentity: new Map(),
    lastActor: 'system',
    copied: resetMarkOf(history) !== undefined,
  };
  for (const event of history.events) {
    if (event.eventType != null) eventHandlers[event.eventType]?.(event, run);
  }
  // Events sent but not handled yet: their entry is added once the workflow records the result.
  const pending = run.received
    .filter((r) => !r.used)
    .map((r): PendingEvent => ({
      at: r.at,
      channel: r.channel,
      via: r.identity,
      authenticated: productProcessOf(r.identity) === 'api',
      actor: asText(r.input.actor) || r.identity,
      type: asText(r.input.type),
      payload: eventPayload(r.input),
      runId: history.runId,
      historyEventId: r.historyEventId,
    }));
  return { entries: run.entries, pending, state: run.carry.state };
}

/**
 * The chained timeline of a request from the histories of its runs, in the order they came to be (see
 * {@link runCreatedAt}). A run continued as new starts in the state its predecessor ended in; a run made by a reset
 * re-reads the events it copied from its base run (listed with that run) to start in the state of the reset point.
 */
export function buildTimeline(
  ticketId: string,
  runs: readonly RunHistory[],
): { entries: TimelineEntry[]; pending: PendingEvent[] } {
  const initialStates = new Map<string, string>();
  const finalStates = new Map<string, string>();
  let last = '';
  const perRun = runs.map((run) => {
    const mark = resetMarkOf(run);
    const base = mark?.workflowTaskFailedEventAttributes?.baseRunId;
    const previous = run.events[0]?.workflowExecutionStartedEventAttributes?.continuedExecutionRunId;
    const initial = base ? (initialStates.get(base) ?? '') : previous ? (finalStates.get(previous) ?? last) : '';
    initialStates.set(run.runId, initial);
    const read = entriesOfRun(run, initial, last);
    finalStates.set(run.runId, read.state);
    last = read.state;
    return read;
  });
  return {
    // In time order within each run: an effect done while the workflow recorded the next event is listed before it,
    // though its result reached the history after (a stable sort keeps history order for equal times).
    entries: chain(
      ticketId,
      perRun.flatMap((r) => [...r.entries].sort((a, b) => (a.at < b.at ? -1 : a.at > b.at ? 1 : 0))),
    ),
    pending: perRun.flatMap((r) => r.pending),
  };
}
