/**
 * How big a workflow's event history is, and what makes it so: bytes per event type, and the payloads the product
 * controls (update results, memo upserts, search attributes, workflow input). Sizes are protobuf-encoded bytes, as
 * the server stores and sends them.
 */
import type { WorkflowHandle } from '@temporalio/client';
import { temporal } from '@temporalio/proto';

const { HistoryEvent } = temporal.api.history.v1;
const { EventType } = temporal.api.enums.v1;

/** Count and encoded bytes of one kind of thing in a history. */
export interface Tally {
  count: number;
  bytes: number;
}

/** The size of one history and where the bytes are. */
export interface HistorySize {
  events: number;
  bytes: number;
  /** Encoded bytes per event type (short names, e.g. `UPDATE_COMPLETED`), largest first. */
  byEventType: Record<string, Tally>;
  /** Update results (the state view each update returns), as payload bytes. */
  updateResults: Tally & { maxBytes: number };
  /** Memo upserts (the audit memo written after each event). */
  memoUpserts: Tally;
  /** Search attribute upserts. */
  searchAttributeUpserts: Tally;
  /** The workflow's input at start. */
  inputBytes: number;
  /** What the history cost in Temporal actions, by kind (see {@link TemporalActions}). */
  actions: TemporalActions;
}

/**
 * The Temporal actions a history records, as the issue counts them (Temporal Cloud bills by them): workflow starts
 * (a continue-as-new starts a run), signals, accepted updates, activity attempts (each retry is one more), timers,
 * search attribute upserts and memo upserts. Queries and rejected updates leave no event and are not counted.
 */
export interface TemporalActions {
  starts: number;
  signals: number;
  updates: number;
  activities: number;
  timers: number;
  searchAttributeUpserts: number;
  memoUpserts: number;
  total: number;
}

function payloadBytes(payloads: temporal.api.common.v1.IPayload[] | null | undefined): number {
  return (payloads ?? []).reduce((sum, p) => sum + (p.data?.length ?? 0) + (p.metadata ? metadataBytes(p) : 0), 0);
}

function metadataBytes(p: temporal.api.common.v1.IPayload): number {
  return Object.entries(p.metadata ?? {}).reduce((sum, [k, v]) => sum + k.length + (v?.length ?? 0), 0);
}

/** Measures one history (as `handle.fetchHistory()` returns it). */
export function historySize(history: temporal.api.history.v1.IHistory): HistorySize {
  const events = history.events ?? [];
  const byEventType: Record<string, Tally> = {};
  const updateResults = { count: 0, bytes: 0, maxBytes: 0 };
  const memoUpserts = { count: 0, bytes: 0 };
  const searchAttributeUpserts = { count: 0, bytes: 0 };
  let inputBytes = 0;
  let total = 0;
  const actions: TemporalActions = {
    starts: 0,
    signals: 0,
    updates: 0,
    activities: 0,
    timers: 0,
    searchAttributeUpserts: 0,
    memoUpserts: 0,
    total: 0,
  };
  for (const event of events) {
    countAction(event, actions);
    const bytes = HistoryEvent.encode(event).finish().length;
    total += bytes;
    const name = (EventType[event.eventType ?? 0] ?? 'UNKNOWN').replace(/^EVENT_TYPE_(WORKFLOW_EXECUTION_)?/, '');
    const tally = (byEventType[name] ??= { count: 0, bytes: 0 });
    tally.count++;
    tally.bytes += bytes;
    const completed = event.workflowExecutionUpdateCompletedEventAttributes;
    if (completed) {
      const size = payloadBytes(completed.outcome?.success?.payloads);
      updateResults.count++;
      updateResults.bytes += size;
      updateResults.maxBytes = Math.max(updateResults.maxBytes, size);
    }
    const memo = event.workflowPropertiesModifiedEventAttributes?.upsertedMemo?.fields;
    if (memo) {
      memoUpserts.count++;
      memoUpserts.bytes += payloadBytes(Object.values(memo));
    }
    const attributes = event.upsertWorkflowSearchAttributesEventAttributes?.searchAttributes?.indexedFields;
    if (attributes) {
      searchAttributeUpserts.count++;
      searchAttributeUpserts.bytes += payloadBytes(Object.values(attributes));
    }
    const started = event.workflowExecutionStartedEventAttributes;
    if (started) inputBytes = payloadBytes(started.input?.payloads);
  }
  const sorted = Object.fromEntries(Object.entries(byEventType).sort(([, a], [, b]) => b.bytes - a.bytes));
  return {
    events: events.length,
    bytes: total,
    byEventType: sorted,
    updateResults,
    memoUpserts,
    searchAttributeUpserts,
    inputBytes,
    actions: {
      ...actions,
      total:
        actions.starts +
        actions.signals +
        actions.updates +
        actions.activities +
        actions.timers +
        actions.searchAttributeUpserts +
        actions.memoUpserts,
    },
  };
}

/** Adds what one event costs to `actions`. */
function countAction(event: temporal.api.history.v1.IHistoryEvent, actions: TemporalActions): void {
  switch (event.eventType) {
    case EventType.EVENT_TYPE_WORKFLOW_EXECUTION_STARTED:
      actions.starts++;
      break;
    case EventType.EVENT_TYPE_WORKFLOW_EXECUTION_SIGNALED:
      actions.signals++;
      break;
    case EventType.EVENT_TYPE_WORKFLOW_EXECUTION_UPDATE_ACCEPTED:
      actions.updates++;
      break;
    case EventType.EVENT_TYPE_ACTIVITY_TASK_SCHEDULED:
      actions.activities++;
      break;
    case EventType.EVENT_TYPE_ACTIVITY_TASK_STARTED:
      // The started event is written once, for the last attempt: the attempts before it were retries.
      actions.activities += Math.max(0, (event.activityTaskStartedEventAttributes?.attempt ?? 1) - 1);
      break;
    case EventType.EVENT_TYPE_TIMER_STARTED:
      actions.timers++;
      break;
    case EventType.EVENT_TYPE_UPSERT_WORKFLOW_SEARCH_ATTRIBUTES:
      actions.searchAttributeUpserts++;
      break;
    case EventType.EVENT_TYPE_WORKFLOW_PROPERTIES_MODIFIED:
      actions.memoUpserts++;
      break;
    default:
      // Workflow tasks, completions, timer firings and the rest cost no action.
      break;
  }
}

/** Fetches and measures a workflow's history. */
export async function measureHistory(handle: WorkflowHandle): Promise<HistorySize> {
  return historySize(await handle.fetchHistory());
}
