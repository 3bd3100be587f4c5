/**
 * The SLA clock's Temporal side: the activity that turns the business calendar into UTC windows, and the one durable
 * timer that wakes the request at its next SLA instant (a warning, the deadline, an escalation). The arithmetic is in
 * {@link SlaTracker} (./sla.ts).
 */
import { CancellationScope, proxyActivities, sleep } from '@temporalio/workflow';
import type { EnablementActivities } from '../activities';
import type { SlaCalendar } from '../src/domain/sla-calendar';
import type { FetchWindows } from './sla';

const { businessWindows } = proxyActivities<EnablementActivities>({
  summary: 'fetch the business windows of the SLA calendar',
  startToCloseTimeout: '30 seconds',
  scheduleToCloseTimeout: '1 day',
  retry: { initialInterval: '2 seconds', backoffCoefficient: 2, maximumInterval: '5 minutes' },
});

/** Fetches a calendar's business windows through an activity: time zones never enter workflow code. */
export function fetchBusinessWindows(calendar: SlaCalendar): FetchWindows {
  return (fromMs, toMs) => businessWindows({ calendar, fromMs, toMs });
}

/**
 * One Temporal timer per SLA instant, armed once and kept while the workflow wakes for events and effects (re-arming
 * it on every wake-up would put a timer start and a cancel in the history per event), cancelled only when the instant
 * changes (a pause, a resume, the request's end).
 */
export class SlaTimer {
  private armed?: { at: number; scope: CancellationScope; fired: boolean };
  /**
   * The instant the timer that last fired was set for. A fired timer proves its instant has come even when the
   * activation it woke carries an older workflow time: seen after a Temporal server restart (test/drills), where the
   * workflow then found nothing due, dropped the warning and re-armed the same timer (the breach came a whole timer
   * late), and a replay, which sees the right time, no longer matched the history. Without that fault it changes
   * nothing.
   */
  private firedFor = 0;

  /** The SLA's "now": workflow time, never before the instant of a timer that fired. */
  now(): number {
    return Math.max(Date.now(), this.firedFor);
  }

  /** Aims the timer at the next SLA instant (none: no timer), cancelling one armed for another instant. */
  aim(next: number | undefined): void {
    if (this.armed && this.armed.at !== next) {
      this.armed.scope.cancel();
      this.armed = undefined;
    }
    if (next !== undefined && next > Date.now()) this.armed ??= arm(next);
  }

  /** True once the armed timer has fired. */
  get fired(): boolean {
    return this.armed?.fired === true;
  }

  /** After a wake-up: remembers the instant of a timer that fired, and forgets that timer. */
  settle(): void {
    if (this.armed?.fired) {
      this.firedFor = this.armed.at;
      this.armed = undefined;
    }
  }
}

function arm(at: number): { at: number; scope: CancellationScope; fired: boolean } {
  const timer = { at, scope: new CancellationScope(), fired: false };
  timer.scope
    .run(() =>
      sleep(at - Date.now(), {
        summary: `SLA: the next warning, escalation or breach, due ${new Date(at).toISOString()}`,
      }),
    )
    .then(
      () => {
        timer.fired = true;
      },
      () => undefined, // cancelled: the instant changed
    );
  return timer;
}
