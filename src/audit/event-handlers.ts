/**
 * One handler per kind of history event the audit timeline reads. Each turns its event into timeline entries (or
 * remembers it until a later event completes the picture); kinds without a handler say nothing an auditor needs.
 *
 * Every entry names the Temporal client identity that wrote it into the history (`via`) and whether that is the
 * product's own process for that kind of entry (`authenticated`): the API for starts and events, the worker for what
 * the workflow did (its record of each event's result, state changes, effects, its end).
 */
import { decodeSearchAttributes } from '@temporalio/common/lib/converter/payload-search-attributes';
import { temporal } from '@temporalio/proto';
import type { AuditEntry } from '../temporal/messages';
import { AUDIT_MEMO_KEY, searchAttributes, STARTED_BY_MEMO_KEY } from '../temporal/names';
import { asText, type TimelineEntry } from './chain';
import { decode, failureMessage, first, type HistoryEvent, record, timeOf } from './decode';
import { describeActivity, effectOutcomes, type ScheduledActivity } from './effects';
import { productProcessOf, type ProductProcess } from './identity';
import { eventPayload, startPayload } from './payload';

const T = temporal.api.enums.v1.EventType;

/** A timeline entry before it is numbered and chained. */
export type Draft = Omit<TimelineEntry, 'seq' | 'ticketId' | 'prevHash' | 'hash'>;

/** An event as sent to the workflow (signal or update), waiting for the workflow's record of its result. */
export interface Received {
  channel: 'signal' | 'update';
  input: Record<string, unknown>;
  at: string;
  /** The Temporal client identity that sent it. */
  identity: string;
  historyEventId: number;
  used: boolean;
}

/** What reading one run keeps from event to event. */
export interface RunReader {
  readonly runId: string;
  /** The request's state so far in this run. */
  readonly carry: { state: string };
  /** The request's state before this run's reset: where the run read before it left the request. */
  readonly stateBefore: string;
  readonly entries: Draft[];
  readonly received: Received[];
  /** Update requests written to the history before they were accepted (a reset re-applies updates so), by event id. */
  readonly admitted: Map<string, { input: Record<string, unknown>; identity: string }>;
  /** Activities that are effects, by the id of the event that scheduled them, with the worker that scheduled them. */
  readonly scheduled: Map<string, ScheduledActivity & { scheduledBy: string }>;
  /** The identity of the worker that completed each workflow task, by the task's completion event id. */
  readonly taskIdentity: Map<string, string>;
  /** Who caused what happens now: the sender of the event being handled, `system` when the workflow acts alone. */
  lastActor: string;
  /**
   * True while reading the events a reset copied from its base run: the timeline listed them with that run, so they
   * only bring this run's state up to the reset point. False from this run's own reset event on.
   */
  copied: boolean;
}

/** Reads one history event into the run's timeline. */
export type EventHandler = (event: HistoryEvent, run: RunReader) => void;

type Fields = Omit<Draft, 'runId' | 'historyEventId' | 'at' | 'payload'> & { at?: string; payload?: Draft['payload'] };

function add(run: RunReader, event: HistoryEvent, fields: Fields): void {
  if (run.copied) return;
  run.entries.push({
    at: timeOf(event),
    runId: run.runId,
    historyEventId: Number(event.eventId ?? 0),
    payload: {},
    ...fields,
  });
}

/** Who wrote it, and whether that is the product's process expected to write this kind of entry. */
function source(identity: string | null | undefined, expected: ProductProcess): Pick<Draft, 'via' | 'authenticated'> {
  return { via: identity ?? '', authenticated: productProcessOf(identity) === expected };
}

/** The worker that completed the workflow task an event was a command of. */
function workerOf(run: RunReader, workflowTaskCompletedEventId: unknown): Pick<Draft, 'via' | 'authenticated'> {
  return source(run.taskIdentity.get(asText(workflowTaskCompletedEventId)), 'worker');
}

/**
 * Events the run received but never recorded a result for, listed when the run ends (`not handled`): nothing will
 * handle them now. While the run is open they are pending, outside the chain.
 */
function unhandled(run: RunReader, event: HistoryEvent): void {
  for (const r of run.received.filter((x) => !x.used)) {
    r.used = true;
    add(run, event, {
      kind: 'event',
      actor: asText(r.input.actor),
      ...source(r.identity, 'api'),
      type: asText(r.input.type),
      result: 'not handled',
      from: run.carry.state,
      to: run.carry.state,
      detail: `sent by ${r.channel} at ${r.at} (history event ${r.historyEventId}); the run ended before the workflow recorded a result`,
      payload: eventPayload(r.input),
    });
  }
}

/** The run's end, from the state it ended in. */
function ended(
  run: RunReader,
  event: HistoryEvent,
  end: Pick<Draft, 'actor' | 'via' | 'authenticated' | 'type' | 'result' | 'to' | 'detail'>,
) {
  unhandled(run, event);
  add(run, event, { kind: 'request.ended', from: run.carry.state, ...end });
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
    ...source(a?.identity, 'api'),
    type: a?.workflowType?.name ?? '',
    result: 'started',
    from: '',
    to: '',
    detail: input.intake ? 'started with intake data' : 'waiting for ticket.submitted',
    payload: startPayload(input),
  });
};

const onWorkflowTaskCompleted: EventHandler = (event, run) => {
  run.taskIdentity.set(asText(event.eventId), event.workflowTaskCompletedEventAttributes?.identity ?? '');
};

/** An event sent by signal or update: its entry is written once the workflow records what became of it. */
const onEventReceived: EventHandler = (event, run) => {
  const signal = event.workflowExecutionSignaledEventAttributes;
  const update = event.workflowExecutionUpdateAcceptedEventAttributes;
  let input: Record<string, unknown>;
  let identity: string;
  if (signal) {
    input = record(first(signal.input));
    identity = signal.identity ?? '';
  } else if (update?.acceptedRequest) {
    input = record(first(update.acceptedRequest.input?.args));
    identity = update.acceptedRequest.meta?.identity ?? '';
  } else {
    // Accepted after it was admitted (a reset re-applies updates so): the request is in the admitted event.
    const admitted = run.admitted.get(asText(update?.acceptedRequestSequencingEventId));
    input = admitted?.input ?? {};
    identity = admitted?.identity ?? '';
  }
  run.received.push({
    channel: signal ? 'signal' : 'update',
    input,
    at: timeOf(event),
    identity,
    historyEventId: Number(event.eventId ?? 0),
    used: false,
  });
};

const onUpdateAdmitted: EventHandler = (event, run) => {
  const request = event.workflowExecutionUpdateAdmittedEventAttributes?.request;
  run.admitted.set(asText(event.eventId), {
    input: record(first(request?.input?.args)),
    identity: request?.meta?.identity ?? '',
  });
};

/** The workflow's record of an event's result (the audit memo), shown at the time the event was sent. */
const onAuditMemo: EventHandler = (event, run) => {
  const attrs = event.workflowPropertiesModifiedEventAttributes;
  const marker = decode(attrs?.upsertedMemo?.fields?.[AUDIT_MEMO_KEY]);
  if (!marker) return;
  const m = record(marker) as Partial<AuditEntry>;
  // The event as it was sent: the earliest not yet matched with the same type, sender and dedupe key.
  const sent = run.received.find(
    (r) =>
      !r.used &&
      r.channel === m.via &&
      asText(r.input.type) === asText(m.type) &&
      asText(r.input.actor) === asText(m.actor) &&
      asText(r.input.eventId) === asText(m.eventId),
  );
  if (sent) sent.used = true;
  const comment = sent ? asText(sent.input.comment) : '';
  const recorder = workerOf(run, attrs?.workflowTaskCompletedEventId);
  add(run, event, {
    ...(sent ? { at: sent.at } : {}),
    kind: 'event',
    actor: asText(m.actor),
    // The sender; an event is the product's only if the API sent it and the product's worker recorded its result.
    via: sent ? sent.identity : recorder.via,
    authenticated: !!sent && productProcessOf(sent.identity) === 'api' && recorder.authenticated,
    type: asText(m.type),
    result: asText(m.result),
    from: asText(m.from),
    to: asText(m.to),
    detail: [
      // After enablement, the change the event belongs to (docs/lifecycle.md).
      m.changeTicketId && `change ticket: ${asText(m.changeTicketId)}`,
      m.reason,
      comment && `comment: ${comment}`,
      m.eventId && `eventId: ${m.eventId}`,
    ]
      .filter(Boolean)
      .join('; '),
    payload: sent ? eventPayload(sent.input) : {},
  });
  // What follows an applied event is its sender's doing; after a refusal or duplicate, the workflow's own.
  run.lastActor = m.result === 'applied' ? asText(m.actor) : 'system';
};

/** The search attributes upserted on every transition: a state change when the state differs. */
const onSearchAttributes: EventHandler = (event, run) => {
  const attrs = event.upsertWorkflowSearchAttributesEventAttributes;
  const decoded = decodeSearchAttributes(attrs?.searchAttributes?.indexedFields);
  const state = asText(decoded[searchAttributes.state.name]?.[0]);
  if (!state || state === run.carry.state) return;
  add(run, event, {
    kind: 'state.changed',
    actor: run.lastActor,
    ...workerOf(run, attrs?.workflowTaskCompletedEventId),
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
  if (described) {
    const scheduledBy = run.taskIdentity.get(asText(a?.workflowTaskCompletedEventId)) ?? '';
    run.scheduled.set(String(event.eventId), { ...described, scheduledBy });
  }
  run.lastActor = 'system';
};

/**
 * An activity that completed, failed, timed out or was cancelled: the effects it carried out and how they went, by
 * the worker that reported it (a time-out is the server's verdict: the worker that scheduled the activity is named).
 */
const onActivityClosed: EventHandler = (event, run) => {
  const attrs =
    event.activityTaskCompletedEventAttributes ??
    event.activityTaskFailedEventAttributes ??
    event.activityTaskTimedOutEventAttributes ??
    event.activityTaskCanceledEventAttributes;
  const activity = run.scheduled.get(String(attrs?.scheduledEventId));
  if (!activity) return;
  const done = event.eventType === T.EVENT_TYPE_ACTIVITY_TASK_COMPLETED;
  const reporter = attrs && 'identity' in attrs && attrs.identity ? attrs.identity : activity.scheduledBy;
  for (const { kind, what, result, detail, at } of effectOutcomes(activity, event, done)) {
    add(run, event, {
      kind,
      actor: 'system',
      ...source(reporter, 'worker'),
      type: what,
      result,
      from: '',
      to: '',
      detail,
      ...(at ? { at } : {}),
    });
  }
};

const onCompleted: EventHandler = (event, run) => {
  const a = event.workflowExecutionCompletedEventAttributes;
  const r = record(first(a?.result));
  ended(run, event, {
    actor: 'system',
    ...workerOf(run, a?.workflowTaskCompletedEventId),
    type: asText(r.status),
    result: 'completed',
    to: asText(r.state),
    detail: `${asText(r.events)} event(s)`,
  });
};

const onFailed: EventHandler = (event, run) => {
  const a = event.workflowExecutionFailedEventAttributes;
  const detail = failureMessage(a?.failure);
  ended(run, event, {
    actor: 'system',
    ...workerOf(run, a?.workflowTaskCompletedEventId),
    type: 'failed',
    result: 'failed',
    to: '',
    detail,
  });
};

/** The identity Temporal's history service terminates a reset's base run with (it records no caller's identity). */
const RESETTER_IDENTITY = 'history-resetter';

const onTerminated: EventHandler = (event, run) => {
  const a = event.workflowExecutionTerminatedEventAttributes;
  if (a?.identity === RESETTER_IDENTITY) {
    // Not the request's end: the run was abandoned for a new run that a reset made; that run's entries follow.
    unhandled(run, event);
    add(run, event, {
      kind: 'run.reset',
      actor: 'unknown',
      ...source(a.identity, 'worker'),
      type: 'run abandoned',
      result: 'terminated',
      from: run.carry.state,
      to: run.carry.state,
      detail: `terminated by a reset through Temporal (the history does not record who asked): ${a.reason ?? ''}`,
    });
    return;
  }
  ended(run, event, {
    actor: a?.identity || 'unknown',
    ...source(a?.identity, 'api'),
    type: 'terminated',
    result: 'terminated',
    to: '',
    detail: a?.reason ?? '',
  });
};

const onCanceled: EventHandler = (event, run) => {
  const a = event.workflowExecutionCanceledEventAttributes;
  ended(run, event, {
    actor: 'system',
    ...workerOf(run, a?.workflowTaskCompletedEventId),
    type: 'canceled',
    result: 'canceled',
    to: '',
    detail: '',
  });
};

const onTimedOut: EventHandler = (event, run) => {
  ended(run, event, {
    actor: 'system',
    via: '',
    authenticated: false,
    type: 'timed_out',
    result: 'timed_out',
    to: '',
    detail: 'the Temporal server timed the run out',
  });
};

const onContinuedAsNew: EventHandler = (event, run) => {
  const a = event.workflowExecutionContinuedAsNewEventAttributes;
  unhandled(run, event);
  add(run, event, {
    kind: 'run.continued',
    actor: 'system',
    ...workerOf(run, a?.workflowTaskCompletedEventId),
    type: 'continue-as-new',
    result: '',
    from: run.carry.state,
    to: run.carry.state,
    detail: `continued in run ${a?.newExecutionRunId ?? ''}`,
  });
};

/**
 * A reset's mark in the run it made: the events before it were copied from the base run up to the reset point; from
 * here on the run is its own. Temporal records the reason, not who asked for the reset.
 */
const onWorkflowTaskFailed: EventHandler = (event, run) => {
  const a = event.workflowTaskFailedEventAttributes;
  if (a?.cause !== temporal.api.enums.v1.WorkflowTaskFailedCause.WORKFLOW_TASK_FAILED_CAUSE_RESET_WORKFLOW) return;
  if (a.newRunId !== run.runId) return; // an earlier reset's mark, copied with the prefix
  run.copied = false;
  add(run, event, {
    kind: 'run.reset',
    actor: 'unknown',
    ...source(a.identity, 'worker'),
    type: 'reset',
    result: 'reset',
    from: run.stateBefore,
    to: run.carry.state,
    detail:
      `new run from run ${a.baseRunId ?? ''}, with a copy of its history events 1-${Number(a.startedEventId ?? 0)}; its ` +
      `later events are not part of this run (the history does not record who asked): ${failureMessage(a.failure)}`,
  });
  run.lastActor = 'system';
};

/** The handler of each history event kind the timeline reads. */
export const eventHandlers: Partial<Record<temporal.api.enums.v1.EventType, EventHandler>> = {
  [T.EVENT_TYPE_WORKFLOW_EXECUTION_STARTED]: onStarted,
  [T.EVENT_TYPE_WORKFLOW_TASK_COMPLETED]: onWorkflowTaskCompleted,
  [T.EVENT_TYPE_WORKFLOW_TASK_FAILED]: onWorkflowTaskFailed,
  [T.EVENT_TYPE_WORKFLOW_EXECUTION_SIGNALED]: onEventReceived,
  [T.EVENT_TYPE_WORKFLOW_EXECUTION_UPDATE_ADMITTED]: onUpdateAdmitted,
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
