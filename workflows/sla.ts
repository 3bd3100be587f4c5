import type { VendorConfig } from '../src/domain/vendor-config';
import { localTime } from '../src/sla/format';
import type { Interval } from '../src/sla/intervals';
import {
  businessDayMs,
  escalationInstant,
  instantAtFraction,
  isPaused,
  type SlaClock,
  targetMs,
  usedMs,
} from '../src/sla/plan';
import type { SlaRecord, SlaState, SlaView } from '../src/temporal/messages';

const HOUR_MS = 3_600_000;
/** How far ahead business windows are fetched at a time. */
const HORIZON_MS = 90 * 24 * HOUR_MS;

/** Fetches business windows between two instants (an activity: time zones never enter workflow code). */
export type FetchWindows = (fromMs: number, toMs: number) => Promise<Interval[]>;

/**
 * The SLA clock of one request inside the workflow: when it started, its pauses, which warnings went out, the
 * breach and the escalations since. Decides what is due at an instant and when the next thing is due; the workflow
 * waits for that with a Temporal timer.
 */
export class SlaTracker {
  readonly state: SlaState;

  constructor(
    private readonly policy: VendorConfig['sla'],
    resumed?: SlaState,
  ) {
    this.state = resumed ?? { warningsSent: [], escalations: 0, records: [] };
  }

  get started(): boolean {
    return this.state.clock !== undefined;
  }

  get breached(): boolean {
    return this.state.breachedAt !== undefined;
  }

  /** True once the clock stopped for good. */
  get stopped(): boolean {
    return this.state.stoppedAt !== undefined;
  }

  /**
   * Stops the clock for good at `now`: the request was enabled (or the change ended). Nothing falls due after, and
   * the view shows the time used until then. An open pause is closed first.
   */
  stop(now: number): void {
    if (this.stopped) return;
    this.waitingOnCustomer(false, now);
    this.state.stoppedAt = now;
  }

  /** Starts the clock at `startedAt` (the ticket's own time, possibly in the past). */
  async start(startedAt: number, now: number, fetch: FetchWindows): Promise<void> {
    const calendar = this.policy.calendar;
    const horizon = Math.max(startedAt, now) + HORIZON_MS;
    this.state.clock = {
      startedAt,
      windows: await fetch(startedAt, horizon),
      horizon,
      pauses: [],
      targetMs: targetMs(calendar),
      businessDayMs: businessDayMs(calendar),
    };
  }

  /**
   * Pauses or resumes the clock as the request starts or stops waiting on the customer, when the policy says so.
   * Returns true when that changed the clock.
   */
  waitingOnCustomer(waiting: boolean, now: number): boolean {
    const clock = this.state.clock;
    if (!clock || !this.policy.pauseWhileWaitingOnCustomer || this.stopped) return false;
    if (waiting && !isPaused(clock)) {
      clock.pauses.push([Math.max(now, clock.startedAt)]);
      return true;
    }
    if (!waiting && isPaused(clock)) {
      const open = clock.pauses[clock.pauses.length - 1]!;
      if (now <= open[0]) clock.pauses.pop();
      else open[1] = now;
      return true;
    }
    return false;
  }

  /** The deadline as things stand (undefined while paused, or before the clock starts). */
  deadline(): number | undefined {
    return this.state.clock ? instantAtFraction(this.state.clock, 1) : undefined;
  }

  /** When the next warning, breach or escalation is due, if the clock runs and the windows reach that far. */
  nextAt(): number | undefined {
    const clock = this.state.clock;
    if (!clock || this.stopped) return undefined;
    if (this.breached) return escalationInstant(clock, this.state.escalations + 1);
    const candidates = this.pendingWarnings()
      .map((p) => instantAtFraction(clock, p / 100))
      .concat(instantAtFraction(clock, 1))
      .filter((at): at is number => at !== undefined);
    return candidates.length ? Math.min(...candidates) : undefined;
  }

  /** True when the clock runs but the fetched windows end before the next thing is due. */
  needsMoreWindows(): boolean {
    const clock = this.state.clock;
    return clock !== undefined && !this.stopped && !isPaused(clock) && this.nextAt() === undefined;
  }

  /** Fetches the next stretch of business windows. */
  async extend(fetch: FetchWindows): Promise<void> {
    const clock = this.state.clock!;
    const to = clock.horizon + HORIZON_MS;
    clock.windows = [...clock.windows, ...(await fetch(clock.horizon, to))];
    clock.horizon = to;
  }

  /**
   * What falls due at `now`, recorded and returned. Only the most serious thing due is sent: a ticket that arrives
   * already past its deadline is escalated at once, without warnings first; missed repeats are counted, not replayed.
   */
  due(now: number): SlaRecord[] {
    const clock = this.state.clock;
    if (!clock || this.stopped) return [];
    const record = (r: Omit<SlaRecord, 'at'>): SlaRecord[] => {
      const full = { ...r, at: iso(now) };
      this.state.records.push(full);
      return [full];
    };
    if (!this.breached) {
      const deadline = instantAtFraction(clock, 1);
      if (deadline !== undefined && now >= deadline) {
        this.state.breachedAt = now;
        this.state.warningsSent = [...this.policy.warnAtPercent];
        this.state.escalations = this.passedEscalations(clock, now);
        return record({ kind: 'breach', dueAt: iso(deadline) });
      }
      const passed = this.pendingWarnings().filter((p) => (instantAtFraction(clock, p / 100) ?? Infinity) <= now);
      if (!passed.length) return [];
      const percent = Math.max(...passed);
      this.state.warningsSent = this.policy.warnAtPercent.filter(
        (p) => p <= percent || this.state.warningsSent.includes(p),
      );
      return record({ kind: 'warning', percent, dueAt: iso(instantAtFraction(clock, percent / 100)!) });
    }
    const passed = this.passedEscalations(clock, now);
    if (passed <= this.state.escalations) return [];
    this.state.escalations = passed;
    return record({ kind: 'escalation', escalation: passed, dueAt: iso(escalationInstant(clock, passed)!) });
  }

  /** The SLA part of the state view, as of `now`. */
  view(now: number): SlaView | null {
    const clock = this.state.clock;
    if (!clock) return null;
    const deadline = this.deadline();
    const used = usedMs(clock, Math.min(now, this.state.stoppedAt ?? now));
    const zone = this.policy.calendar.timeZone;
    return {
      startedAt: iso(clock.startedAt),
      deadline: deadline === undefined ? null : iso(deadline),
      deadlineLocal: deadline === undefined ? null : this.localDeadline(deadline, zone),
      timeZone: zone,
      targetHours: clock.targetMs / HOUR_MS,
      usedHours: round(used / HOUR_MS),
      leftHours: round(Math.max(0, clock.targetMs - used) / HOUR_MS),
      percent: round((100 * used) / clock.targetMs),
      paused: isPaused(clock),
      pausedSince: isPaused(clock) ? iso(clock.pauses[clock.pauses.length - 1]![0]) : null,
      breached: this.breached,
      breachedAt: this.state.breachedAt === undefined ? null : iso(this.state.breachedAt),
      stoppedAt: this.state.stoppedAt === undefined ? null : iso(this.state.stoppedAt),
      // The warnings that went out: a ticket that arrived breached skipped them (the state marks them done).
      warningsSent: this.state.records.flatMap((r) =>
        r.kind === 'warning' && r.percent !== undefined ? [r.percent] : [],
      ),
      escalations: this.state.escalations,
      events: [...this.state.records],
    };
  }

  /**
   * The deadline in the calendar's zone, formatted once per deadline: the view is built for every update and query,
   * and `toLocaleString` with a time zone builds a new formatter on each call (the largest cost of a view).
   */
  private localDeadline(deadline: number, zone: string): string {
    if (this.deadlineLocal?.deadline !== deadline || this.deadlineLocal.zone !== zone) {
      this.deadlineLocal = { deadline, zone, text: localTime(deadline, zone) };
    }
    return this.deadlineLocal.text;
  }

  private deadlineLocal?: { deadline: number; zone: string; text: string };

  private pendingWarnings(): number[] {
    return this.policy.warnAtPercent.filter((p) => !this.state.warningsSent.includes(p));
  }

  private passedEscalations(clock: SlaClock, now: number): number {
    let n = this.state.escalations;
    while ((escalationInstant(clock, n + 1) ?? Infinity) <= now) n++;
    return n;
  }
}

const iso = (ms: number) => new Date(ms).toISOString();
const round = (value: number) => Math.round(value * 100) / 100;
