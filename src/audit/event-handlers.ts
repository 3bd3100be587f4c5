/**
 * One handler per kind of history event the audit timeline reads. Each turns its event into timeline entries (or
 * remembers it until a later event completes the picture); kinds without a handler say nothing an auditor needs.
 */
import { decodeSearchAttributes } from '@temporalio/common/lib/converter/payload-search-attributes';
import { temporal } from '@temporalio/proto';
import type { AuditEntry } from '../temporal/messages';
import { AUDIT_MEMO_KEY, searchAttributes, STARTED_BY_MEMO_KEY } from '../temporal/names';
import { asText, type TimelineEntry } from './chain';
import { decode, failureMessage, first, type HistoryEvent, record, timeOf } from './decode';
import { describeActivity, effectOutcomes, type ScheduledActivity } from './effects';

const T = temporal.api.enums.v1.EventType;

/** A timeline entry before it is numbered and chained. */
export type Draft = Omit<TimelineEntry, 'seq' | 'ticketId' | 'prevHash' | 'hash'>;

/** An event as sent to the workflow (signal or update), waiting for the workflow's record of its result. */
export interface Received {
  via: 'signal' | 'update';
  input: Record<string, unknown>;
  at: string;
  identity: string;
  historyEventId: number;
  used: boolean;
}

/** What reading one run keeps from event to event. */
export interface RunReader {
  readonly runId: string;
  /** The request's state so far, carried from run to run. */
  readonly carry: { state: string };
  readonly entries: Draft[];
  readonly received: Received[];
  /** Activities that are effects, by the id of the event that scheduled them. */
  readonly scheduled: Map<string, ScheduledActivity>;
  /** Who caused what happens now: the sender of the event being handled, `system` when the workflow acts alone. */
  lastActor: string;
}

/** Reads one history event into the run's timeline. */
export type EventHandler = (event: HistoryEvent, run: RunReader) => void;

type Fields = Omit<Draft, 'runId' | 'historyEventId' | 'at'> & { at?: string };

function add(run: RunReader, event: HistoryEvent, fields: Fields): void {
  run.entries.push({ at: timeOf(event), runId: run.runId, historyEventId: Number(event.eventId ?? 0), ...fields });
}

/** The run's end, from the state it ended in. */
function ended(run: RunReader, event: HistoryEvent, end: Pick<Draft, 'actor' | 'type' | 'result' | 'to' | 'detail'>) {
  const { actor, type, result, to, detail } = end;
  add(run, event, { kind: 'request.ended', actor, type, result, from: run.carry.state, to, detail });
}

const onStarted: EventHandler = (event, run) => {
  const a = event.workflowExecutionStartedEventAttributes;
  if (a?.continuedExecutionRunId) return; // a continuation: the previous run's last entry says so
  const input = record(first(a?.input));
  const startedBy = asText(decode(a?.memo?.fields?.[STARTED_BY_MEMO_KEY]));
  run.lastActor = startedBy || a?.identity || 'unknown';
  add(run, event, {
    kind: 'request.started',
    actor: run.lastActor,
    type: a?.workflowType?.name ?? '',
    result: 'started',
    from: '',
    to: '',
    detail: input.intake ? 'started with intake data' : 'waiting for ticket.submitted',
  });
};

/** An event sent by signal or update: its entry is written once the workflow records what became of it. */
const onEventReceived: EventHandler = (event, run) => {
  const signal = event.workflowExecutionSignaledEventAttributes;
  const update = event.workflowExecutionUpdateAcceptedEventAttributes;
  run.received.push({
    via: signal ? 'signal' : 'update',
    input: record(signal ? first(signal.input) : first(update?.acceptedRequest?.input?.args)),
    at: timeOf(event),
    identity: (signal ? signal.identity : update?.acceptedRequest?.meta?.identity) ?? '',
    historyEventId: Number(event.eventId ?? 0),
    used: false,
  });
};

/** The workflow's record of an event's result (the audit memo), shown at the time the event was sent. */
const onAuditMemo: EventHandler = (event, run) => {
  const marker = decode(event.workflowPropertiesModifiedEventAttributes?.upsertedMemo?.fields?.[AUDIT_MEMO_KEY]);
  if (!marker) return;
  const m = record(marker) as Partial<AuditEntry>;
  // The event as it was sent: the earliest not yet matched with the same type, sender and dedupe key.
  const sent = run.received.find(
    (r) =>
      !r.used &&
      r.via === m.via &&
      asText(r.input.type) === asText(m.type) &&
      asText(r.input.actor) === asText(m.actor) &&
      asText(r.input.eventId) === asText(m.eventId),
  );
  if (sent) sent.used = true;
  const comment = sent ? asText(sent.input.comment) : '';
  add(run, event, {
    ...(sent ? { at: sent.at } : {}),
    kind: 'event',
    actor: asText(m.actor),
    type: asText(m.type),
    result: asText(m.result),
    from: asText(m.from),
    to: asText(m.to),
    detail: [m.reason, comment && `comment: ${comment}`, m.eventId && `eventId: ${m.eventId}`]
      .filter(Boolean)
      .join('; '),
  });
  // What follows an applied event is its sender's doing; after a refusal or duplicate, the workflow's own.
  run.lastActor = m.result === 'applied' ? asText(m.actor) : 'system';
};

/** The search attributes upserted on every transition: a state change when the state differs. */
const onSearchAttributes: EventHandler = (event, run) => {
  const fields = event.upsertWorkflowSearchAttributesEventAttributes?.searchAttributes?.indexedFields;
  const decoded = decodeSearchAttributes(fields);
  const state = asText(decoded[searchAttributes.state.name]?.[0]);
  if (!state || state === run.carry.state) return;
  add(run, event, {
    kind: 'state.changed',
    actor: run.lastActor,
    type: asText(decoded[searchAttributes.status.name]?.[0]),
    result: '',
    from: run.carry.state,
    to: state,
    detail: `waiting on ${asText(decoded[searchAttributes.waitingOn.name]?.[0]) || 'none'}`,
  });
  run.carry.state = state;
};

const onActivityScheduled: EventHandler = (event, run) => {
  const a = event.activityTaskScheduledEventAttributes;
  const described = describeActivity(a?.activityType?.name ?? '', record(first(a?.input)));
  if (described) run.scheduled.set(String(event.eventId), described);
  run.lastActor = 'system';
};

/** An activity that completed, failed, timed out or was cancelled: the effects it carried out and how they went. */
const onActivityClosed: EventHandler = (event, run) => {
  const attrs =
    event.activityTaskCompletedEventAttributes ??
    event.activityTaskFailedEventAttributes ??
    event.activityTaskTimedOutEventAttributes ??
    event.activityTaskCanceledEventAttributes;
  const activity = run.scheduled.get(String(attrs?.scheduledEventId));
  if (!activity) return;
  const done = event.eventType === T.EVENT_TYPE_ACTIVITY_TASK_COMPLETED;
  for (const { kind, what, result, detail, at } of effectOutcomes(activity, event, done)) {
    add(run, event, { kind, actor: 'system', type: what, result, from: '', to: '', detail, ...(at ? { at } : {}) });
  }
};

const onCompleted: EventHandler = (event, run) => {
  const r = record(first(event.workflowExecutionCompletedEventAttributes?.result));
  ended(run, event, {
    actor: 'system',
    type: asText(r.status),
    result: 'completed',
    to: asText(r.state),
    detail: `${asText(r.events)} event(s)`,
  });
};

const onFailed: EventHandler = (event, run) => {
  const detail = failureMessage(event.workflowExecutionFailedEventAttributes?.failure);
  ended(run, event, { actor: 'system', type: 'failed', result: 'failed', to: '', detail });
};

const onTerminated: EventHandler = (event, run) => {
  const a = event.workflowExecutionTerminatedEventAttributes;
  ended(run, event, {
    actor: a?.identity || 'unknown',
    type: 'terminated',
    result: 'terminated',
    to: '',
    detail: a?.reason ?? '',
  });
};

const onCanceled: EventHandler = (event, run) => {
  ended(run, event, { actor: 'system', type: 'canceled', result: 'canceled', to: '', detail: '' });
};

const onTimedOut: EventHandler = (event, run) => {
  ended(run, event, { actor: 'system', type: 'timed_out', result: 'timed_out', to: '', detail: '' });
};

const onContinuedAsNew: EventHandler = (event, run) => {
  add(run, event, {
    kind: 'run.continued',
    actor: 'system',
    type: 'continue-as-new',
    result: '',
    from: run.carry.state,
    to: run.carry.state,
    detail: `continued in run ${event.workflowExecutionContinuedAsNewEventAttributes?.newExecutionRunId ?? ''}`,
  });
};

/** The handler of each history event kind the timeline reads. */
export const eventHandlers: Partial<Record<temporal.api.enums.v1.EventType, EventHandler>> = {
  [T.EVENT_TYPE_WORKFLOW_EXECUTION_STARTED]: onStarted,
  [T.EVENT_TYPE_WORKFLOW_EXECUTION_SIGNALED]: onEventReceived,
  [T.EVENT_TYPE_WORKFLOW_EXECUTION_UPDATE_ACCEPTED]: onEventReceived,
  [T.EVENT_TYPE_WORKFLOW_PROPERTIES_MODIFIED]: onAuditMemo,
  [T.EVENT_TYPE_UPSERT_WORKFLOW_SEARCH_ATTRIBUTES]: onSearchAttributes,
  [T.EVENT_TYPE_ACTIVITY_TASK_SCHEDULED]: onActivityScheduled,
  [T.EVENT_TYPE_ACTIVITY_TASK_COMPLETED]: onActivityClosed,
  [T.EVENT_TYPE_ACTIVITY_TASK_FAILED]: onActivityClosed,
  [T.EVENT_TYPE_ACTIVITY_TASK_TIMED_OUT]: onActivityClosed,
  [T.EVENT_TYPE_ACTIVITY_TASK_CANCELED]: onActivityClosed,
  [T.EVENT_TYPE_WORKFLOW_EXECUTION_COMPLETED]: onCompleted,
  [T.EVENT_TYPE_WORKFLOW_EXECUTION_FAILED]: onFailed,
  [T.EVENT_TYPE_WORKFLOW_EXECUTION_TERMINATED]: onTerminated,
  [T.EVENT_TYPE_WORKFLOW_EXECUTION_CANCELED]: onCanceled,
  [T.EVENT_TYPE_WORKFLOW_EXECUTION_TIMED_OUT]: onTimedOut,
  [T.EVENT_TYPE_WORKFLOW_EXECUTION_CONTINUED_AS_NEW]: onContinuedAsNew,
};
