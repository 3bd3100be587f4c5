/**
 * The request's effects on the outside world in words, as the audit timeline shows them: read from the activities the
 * workflow scheduled (their input says what, their result or failure how it went), one activity or a batch of them.
 */
import { temporal } from '@temporalio/proto';
import { asText } from './chain';
import { activityFailureDetail, first, type HistoryEvent, record } from './decode';

/** An effect on the outside world, in words, and whether the SLA clock caused it. */
export interface DescribedEffect {
  kind: 'effect' | 'sla';
  what: string;
}

/** An activity the timeline follows until it completes: one effect, or a batch of them by number. */
export type ScheduledActivity = { type: string } & (DescribedEffect | { batch: Map<number, DescribedEffect> });

/** How one effect went, ready to become a timeline entry. */
export interface EffectOutcome extends DescribedEffect {
  result: 'done' | 'failed';
  detail: string;
  /** When a batch carried this effect out, if it said so; otherwise the time the activity completed. */
  at?: string;
}

function describeComment(template: string): DescribedEffect {
  return { kind: template.startsWith('sla_') ? 'sla' : 'effect', what: `ticket comment: ${template}` };
}

function describeNotification(kind: string): DescribedEffect {
  return { kind: kind.startsWith('sla_') ? 'sla' : 'effect', what: `notification: ${kind}` };
}

/**
 * What an activity call does, in words: the comment template, the notification kind, the check target; for a batch
 * (`carryOutEffects`), each of its effects by number. `null` for activities that are not effects.
 */
export function describeActivity(type: string, input: Record<string, unknown>): ScheduledActivity | null {
  switch (type) {
    case 'postTicketComment':
      return { type, ...describeComment(asText(record(input.comment).template)) };
    case 'sendNotification':
      return { type, ...describeNotification(asText(record(input.notification).kind)) };
    case 'checkConnectivity': {
      const ports = Array.isArray(input.ports) ? input.ports.join(',') : '';
      return { type, kind: 'effect', what: `connectivity check: ${asText(input.target)}:${ports}` };
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
      return { type, batch };
    }
    default:
      // Loading the vendor configuration and calendar windows are internal reads, not effects on the world.
      return null;
  }
}

/** The outside system's answer in words: the comment's id, the check's result per port. */
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

/**
 * How the effects of a finished activity went: `event` is its completion (`done`), failure, time-out or cancellation.
 *
 * For a batch: each effect at the time it was carried out. An effect the batch stopped at (and those after it) is not
 * listed: the workflow retried it alone, and that activity's entry follows. A batch that failed as a whole failed
 * every effect in it. A comment or notification whose first tries alone ran out is not listed either: the workflow
 * goes on with its later tries (workflows/effects.ts), whose entry follows.
 */
export function effectOutcomes(activity: ScheduledActivity, event: HistoryEvent, done: boolean): EffectOutcome[] {
  const result = done ? first(event.activityTaskCompletedEventAttributes?.result) : undefined;
  if (!('batch' in activity)) {
    if (!done && firstTriesRanOut(activity, event)) return [];
    const detail = done ? describeResult(activity.type, result) : activityFailureDetail(event);
    return [{ kind: activity.kind, what: activity.what, result: done ? 'done' : 'failed', detail }];
  }
  if (!done) {
    const detail = activityFailureDetail(event);
    return [...activity.batch.values()].map((effect) => ({ ...effect, result: 'failed', detail }));
  }
  const outcomes = record(result).outcomes;
  return (Array.isArray(outcomes) ? outcomes.map(record) : []).flatMap((outcome): EffectOutcome[] => {
    const effect = activity.batch.get(Number(outcome.seq));
    if (!effect) return [];
    const ok = outcome.status === 'done';
    const detail = ok
      ? typeof outcome.commentId === 'string'
        ? describeResult('postTicketComment', outcome)
        : ''
      : asText(outcome.detail);
    const at = typeof outcome.at === 'string' && !Number.isNaN(Date.parse(outcome.at)) ? outcome.at : undefined;
    return [{ ...effect, result: ok ? 'done' : 'failed', detail, ...(at ? { at } : {}) }];
  });
}

const { RetryState } = temporal.api.enums.v1;

/** True when a single comment or notification failed because its first tries ran out (more tries follow). */
function firstTriesRanOut(activity: ScheduledActivity, event: HistoryEvent): boolean {
  return (
    (activity.type === 'postTicketComment' || activity.type === 'sendNotification') &&
    event.activityTaskFailedEventAttributes?.retryState === RetryState.RETRY_STATE_MAXIMUM_ATTEMPTS_REACHED
  );
}
