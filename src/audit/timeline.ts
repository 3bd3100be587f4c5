/**
 * Builds a request's audit timeline from Temporal's event history (never from the workflow's memory): who sent which
 * event and what became of it, each state change, each effect on the outside world and its answer, SLA warnings and
 * breaches, and how the request ended. The history of every run is read, following continue-as-new.
 */
import { defaultPayloadConverter, type Payload } from '@temporalio/common';
import { decodeSearchAttributes } from '@temporalio/common/lib/converter/payload-search-attributes';
import { optionalTsToMs } from '@temporalio/common/lib/time';
import { temporal } from '@temporalio/proto';
import type { AuditEntry } from '../temporal/messages';
import { AUDIT_MEMO_KEY, searchAttributes, STARTED_BY_MEMO_KEY } from '../temporal/names';
import { asText, chain, type TimelineEntry } from './chain';

type HistoryEvent = temporal.api.history.v1.IHistoryEvent;
const T = temporal.api.enums.v1.EventType;

/** The history of one run, in order. */
export interface RunHistory {
  runId: string;
  events: readonly HistoryEvent[];
}

type Draft = Omit<TimelineEntry, 'seq' | 'ticketId' | 'prevHash' | 'hash'>;

/** An event as sent to the workflow (signal or update), waiting for the workflow's record of its result. */
interface Received {
  via: 'signal' | 'update';
  input: Record<string, unknown>;
  at: string;
  identity: string;
  historyEventId: number;
  used: boolean;
}

function decode(payload: Payload | null | undefined): unknown {
  if (!payload) return undefined;
  try {
    return defaultPayloadConverter.fromPayload(payload);
  } catch {
    return undefined;
  }
}

function first(payloads: { payloads?: Payload[] | null } | null | undefined): unknown {
  return decode(payloads?.payloads?.[0]);
}

function record(value: unknown): Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value) ? (value as Record<string, unknown>) : {};
}

function timeOf(event: HistoryEvent): string {
  const ms = optionalTsToMs(event.eventTime);
  return new Date(ms ?? 0).toISOString();
}

function failureMessage(failure: temporal.api.failure.v1.IFailure | null | undefined): string {
  let f = failure;
  while (f?.cause) f = f.cause;
  return f?.message ?? failure?.message ?? '';
}

/** Why an activity did not complete: the outside system's words, a timeout, or a cancellation. */
function activityFailureDetail(event: HistoryEvent): string {
  if (event.activityTaskFailedEventAttributes) return failureMessage(event.activityTaskFailedEventAttributes.failure);
  if (event.activityTaskTimedOutEventAttributes) {
    return `timed out: ${failureMessage(event.activityTaskTimedOutEventAttributes.failure)}`;
  }
  return 'cancelled';
}

/** An effect on the outside world, in words, and whether the SLA clock caused it. */
interface DescribedEffect {
  kind: 'effect' | 'sla';
  what: string;
}

function describeComment(template: string): DescribedEffect {
  return { kind: template.startsWith('sla_') ? 'sla' : 'effect', what: `ticket comment: ${template}` };
}

function describeNotification(kind: string): DescribedEffect {
  return { kind: kind.startsWith('sla_') ? 'sla' : 'effect', what: `notification: ${kind}` };
}

/**
 * What an activity call did, in words: the comment template, the notification kind, the check target; for a batch
 * (`carryOutEffects`), each of its effects by number.
 */
function describeActivity(
  type: string,
  input: Record<string, unknown>,
): DescribedEffect | { batch: Map<number, DescribedEffect> } | null {
  switch (type) {
    case 'postTicketComment':
      return describeComment(asText(record(input.comment).template));
    case 'sendNotification':
      return describeNotification(asText(record(input.notification).kind));
    case 'checkConnectivity': {
      const ports = Array.isArray(input.ports) ? input.ports.join(',') : '';
      return { kind: 'effect', what: `connectivity check: ${asText(input.target)}:${ports}` };
    }
    case 'carryOutEffects': {
      const batch = new Map<number, DescribedEffect>();
      for (const item of Array.isArray(input.effects) ? input.effects : []) {
        const effect = record(record(item).effect);
        const params = record(effect.params);
        batch.set(
          Number(record(item).seq),
          effect.type === 'postTicketComment'
            ? describeComment(asText(params.template))
            : describeNotification(asText(params.kind)),
        );
      }
      return { batch };
    }
    default:
      // Loading the vendor configuration and calendar windows are internal reads, not effects on the world.
      return null;
  }
}

function describeResult(type: string, result: unknown): string {
  if (type === 'postTicketComment') {
    const r = record(result);
    return `comment ${asText(r.commentId)}${r.duplicate ? ' (already posted)' : ''}`;
  }
  if (type === 'checkConnectivity' && Array.isArray(result)) {
    return result
      .map((r) => {
        const x = record(r);
        return `${asText(x.port)} ${asText(x.outcome)}${typeof x.connectMs === 'number' ? ` in ${x.connectMs} ms` : ''}`;
      })
      .join(', ');
  }
  return '';
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

const closingEvents = new Set([
  T.EVENT_TYPE_WORKFLOW_EXECUTION_COMPLETED,
  T.EVENT_TYPE_WORKFLOW_EXECUTION_FAILED,
  T.EVENT_TYPE_WORKFLOW_EXECUTION_TERMINATED,
  T.EVENT_TYPE_WORKFLOW_EXECUTION_CANCELED,
  T.EVENT_TYPE_WORKFLOW_EXECUTION_TIMED_OUT,
  T.EVENT_TYPE_WORKFLOW_EXECUTION_CONTINUED_AS_NEW,
]);

/**
 * The timeline entries of one run. `state` carries the request's state across runs.
 *
 * Entries appear in history order, so a later export of the same request starts with the same entries (and hashes).
 * An event whose result is not recorded yet is returned as pending, outside the chain. A closed run recorded before
 * the workflow wrote results (no result memo at all) shows each event in place with result `unknown`.
 */
function entriesOfRun(run: RunHistory, carry: { state: string }): { entries: Draft[]; pending: PendingEvent[] } {
  const out: Draft[] = [];
  const legacy =
    run.events.some((e) => closingEvents.has(e.eventType as never)) &&
    !run.events.some(
      (e) =>
        e.eventType === T.EVENT_TYPE_WORKFLOW_PROPERTIES_MODIFIED &&
        e.workflowPropertiesModifiedEventAttributes?.upsertedMemo?.fields?.[AUDIT_MEMO_KEY],
    );
  const received: Received[] = [];
  const scheduled = new Map<string, { type: string } & ReturnType<typeof describeActivity> & object>();
  let lastActor = 'system';
  const add = (event: HistoryEvent, e: Omit<Draft, 'runId' | 'historyEventId' | 'at'> & { at?: string }) =>
    out.push({ at: timeOf(event), runId: run.runId, historyEventId: Number(event.eventId ?? 0), ...e });
  /**
   * The effects of a finished batch, each at the time it was carried out. An effect the batch stopped at (and those
   * after it) is not listed: the workflow retried it alone, and that activity's entry follows. A batch that failed as
   * a whole failed every effect in it.
   */
  const addBatch = (
    event: HistoryEvent,
    batch: Map<number, DescribedEffect>,
    result: Record<string, unknown> | null,
  ) => {
    if (!result) {
      const detail = activityFailureDetail(event);
      for (const effect of batch.values()) {
        add(event, {
          kind: effect.kind,
          actor: 'system',
          type: effect.what,
          result: 'failed',
          from: '',
          to: '',
          detail,
        });
      }
      return;
    }
    for (const outcome of Array.isArray(result.outcomes) ? result.outcomes.map(record) : []) {
      const effect = batch.get(Number(outcome.seq));
      if (!effect) continue;
      const ok = outcome.status === 'done';
      add(event, {
        kind: effect.kind,
        actor: 'system',
        type: effect.what,
        result: ok ? 'done' : 'failed',
        from: '',
        to: '',
        detail: ok
          ? typeof outcome.commentId === 'string'
            ? describeResult('postTicketComment', outcome)
            : ''
          : asText(outcome.detail),
        ...(typeof outcome.at === 'string' && !Number.isNaN(Date.parse(outcome.at)) ? { at: outcome.at } : {}),
      });
    }
  };

  for (const event of run.events) {
    switch (event.eventType) {
      case T.EVENT_TYPE_WORKFLOW_EXECUTION_STARTED: {
        const a = event.workflowExecutionStartedEventAttributes;
        if (a?.continuedExecutionRunId) break; // a continuation: the previous run's last entry says so
        const input = record(first(a?.input));
        const startedBy = asText(decode(a?.memo?.fields?.[STARTED_BY_MEMO_KEY]));
        lastActor = startedBy || a?.identity || 'unknown';
        add(event, {
          kind: 'request.started',
          actor: lastActor,
          type: a?.workflowType?.name ?? '',
          result: 'started',
          from: '',
          to: '',
          detail: input.intake ? 'started with intake data' : 'waiting for ticket.submitted',
        });
        break;
      }
      case T.EVENT_TYPE_WORKFLOW_EXECUTION_SIGNALED:
      case T.EVENT_TYPE_WORKFLOW_EXECUTION_UPDATE_ACCEPTED: {
        const signal = event.workflowExecutionSignaledEventAttributes;
        const update = event.workflowExecutionUpdateAcceptedEventAttributes;
        const r: Received = {
          via: signal ? 'signal' : 'update',
          input: record(signal ? first(signal.input) : first(update?.acceptedRequest?.input?.args)),
          at: timeOf(event),
          identity: (signal ? signal.identity : update?.acceptedRequest?.meta?.identity) ?? '',
          historyEventId: Number(event.eventId ?? 0),
          used: false,
        };
        if (!legacy) {
          received.push(r);
          break;
        }
        lastActor = asText(r.input.actor) || r.identity;
        add(event, {
          kind: 'event',
          actor: lastActor,
          type: asText(r.input.type),
          result: 'unknown',
          from: '',
          to: '',
          detail: [
            `via ${r.via}; recorded before results were written to the history`,
            r.input.eventId !== undefined && `eventId: ${asText(r.input.eventId)}`,
          ]
            .filter(Boolean)
            .join('; '),
        });
        break;
      }
      case T.EVENT_TYPE_WORKFLOW_PROPERTIES_MODIFIED: {
        const marker = decode(event.workflowPropertiesModifiedEventAttributes?.upsertedMemo?.fields?.[AUDIT_MEMO_KEY]);
        if (!marker) break;
        const m = record(marker) as Partial<AuditEntry>;
        // The event as it was sent: the earliest not yet matched with the same type, sender and dedupe key.
        const sent = received.find(
          (r) =>
            !r.used &&
            r.via === m.via &&
            asText(r.input.type) === asText(m.type) &&
            asText(r.input.actor) === asText(m.actor) &&
            asText(r.input.eventId) === asText(m.eventId),
        );
        if (sent) sent.used = true;
        const comment = sent ? asText(sent.input.comment) : '';
        lastActor = asText(m.actor);
        add(event, {
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
        if (m.result !== 'applied') lastActor = 'system';
        break;
      }
      case T.EVENT_TYPE_UPSERT_WORKFLOW_SEARCH_ATTRIBUTES: {
        const fields = event.upsertWorkflowSearchAttributesEventAttributes?.searchAttributes?.indexedFields;
        const decoded = decodeSearchAttributes(fields);
        const state = asText(decoded[searchAttributes.state.name]?.[0]);
        if (state && state !== carry.state) {
          const status = asText(decoded[searchAttributes.status.name]?.[0]);
          add(event, {
            kind: 'state.changed',
            actor: lastActor,
            type: status,
            result: '',
            from: carry.state,
            to: state,
            detail: `waiting on ${asText(decoded[searchAttributes.waitingOn.name]?.[0]) || 'none'}`,
          });
          carry.state = state;
        }
        break;
      }
      case T.EVENT_TYPE_ACTIVITY_TASK_SCHEDULED: {
        const a = event.activityTaskScheduledEventAttributes;
        const type = a?.activityType?.name ?? '';
        const described = describeActivity(type, record(first(a?.input)));
        if (described) scheduled.set(String(event.eventId), { type, ...described });
        lastActor = 'system';
        break;
      }
      case T.EVENT_TYPE_ACTIVITY_TASK_COMPLETED:
      case T.EVENT_TYPE_ACTIVITY_TASK_FAILED:
      case T.EVENT_TYPE_ACTIVITY_TASK_TIMED_OUT:
      case T.EVENT_TYPE_ACTIVITY_TASK_CANCELED: {
        const attrs =
          event.activityTaskCompletedEventAttributes ??
          event.activityTaskFailedEventAttributes ??
          event.activityTaskTimedOutEventAttributes ??
          event.activityTaskCanceledEventAttributes;
        const activity = scheduled.get(String(attrs?.scheduledEventId));
        if (!activity) break;
        const done = event.eventType === T.EVENT_TYPE_ACTIVITY_TASK_COMPLETED;
        if ('batch' in activity) {
          addBatch(
            event,
            activity.batch,
            done ? record(first(event.activityTaskCompletedEventAttributes?.result)) : null,
          );
          break;
        }
        const detail = done
          ? describeResult(activity.type, first(event.activityTaskCompletedEventAttributes?.result))
          : activityFailureDetail(event);
        add(event, {
          kind: activity.kind,
          actor: 'system',
          type: activity.what,
          result: done ? 'done' : 'failed',
          from: '',
          to: '',
          detail,
        });
        break;
      }
      case T.EVENT_TYPE_WORKFLOW_EXECUTION_COMPLETED: {
        const r = record(first(event.workflowExecutionCompletedEventAttributes?.result));
        add(event, {
          kind: 'request.ended',
          actor: 'system',
          type: asText(r.status),
          result: 'completed',
          from: carry.state,
          to: asText(r.state),
          detail: `${asText(r.events)} event(s)`,
        });
        break;
      }
      case T.EVENT_TYPE_WORKFLOW_EXECUTION_FAILED:
        add(event, {
          kind: 'request.ended',
          actor: 'system',
          type: 'failed',
          result: 'failed',
          from: carry.state,
          to: '',
          detail: failureMessage(event.workflowExecutionFailedEventAttributes?.failure),
        });
        break;
      case T.EVENT_TYPE_WORKFLOW_EXECUTION_TERMINATED: {
        const a = event.workflowExecutionTerminatedEventAttributes;
        add(event, {
          kind: 'request.ended',
          actor: a?.identity || 'unknown',
          type: 'terminated',
          result: 'terminated',
          from: carry.state,
          to: '',
          detail: a?.reason ?? '',
        });
        break;
      }
      case T.EVENT_TYPE_WORKFLOW_EXECUTION_CANCELED:
      case T.EVENT_TYPE_WORKFLOW_EXECUTION_TIMED_OUT:
        add(event, {
          kind: 'request.ended',
          actor: 'system',
          type: event.eventType === T.EVENT_TYPE_WORKFLOW_EXECUTION_CANCELED ? 'canceled' : 'timed_out',
          result: event.eventType === T.EVENT_TYPE_WORKFLOW_EXECUTION_CANCELED ? 'canceled' : 'timed_out',
          from: carry.state,
          to: '',
          detail: '',
        });
        break;
      case T.EVENT_TYPE_WORKFLOW_EXECUTION_CONTINUED_AS_NEW:
        add(event, {
          kind: 'run.continued',
          actor: 'system',
          type: 'continue-as-new',
          result: '',
          from: carry.state,
          to: carry.state,
          detail: `continued in run ${event.workflowExecutionContinuedAsNewEventAttributes?.newExecutionRunId ?? ''}`,
        });
        break;
      default:
        break;
    }
  }
  // Events sent but not handled yet: pending, outside the chain (their entry is added once the result is recorded).
  const pending = received
    .filter((x) => !x.used)
    .map((r) => ({
      at: r.at,
      via: r.via,
      actor: asText(r.input.actor) || r.identity,
      type: asText(r.input.type),
      runId: run.runId,
      historyEventId: r.historyEventId,
    }));
  return { entries: out, pending };
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
