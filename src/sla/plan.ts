/**
 * The SLA as the workflow tracks it, from business windows an activity computed (UTC intervals) and the pauses the
 * workflow recorded. Pure and time-zone free, so it can run in workflow code and replay identically anywhere.
 */
import type { SlaCalendar } from '../domain/sla-calendar';
import { type Interval, instantAfter, overlapMs, subtract } from './intervals';

const HOUR_MS = 3_600_000;

/** The SLA target of a calendar in milliseconds of business time (40 h by default). */
export function targetMs(calendar: Pick<SlaCalendar, 'slaBusinessHours'>): number {
  return calendar.slaBusinessHours * HOUR_MS;
}

/** One "business day" of the SLA: a fifth of the target (8 h for the default 40 h), the step of repeated escalation. */
export function businessDayMs(calendar: Pick<SlaCalendar, 'slaBusinessHours'>): number {
  return targetMs(calendar) / 5;
}

/** What the workflow knows about the clock of one request. */
export interface SlaClock {
  /** When the clock started (the ticket's submittedAt). */
  startedAt: number;
  /** Business windows from `startedAt` to `horizon`. */
  windows: Interval[];
  /** Windows are known up to here; beyond it the activity must be asked again. */
  horizon: number;
  /** Pauses while waiting on the customer (policy); the last may still be open. */
  pauses: [number, number?][];
  targetMs: number;
  businessDayMs: number;
}

function effective(clock: SlaClock): Interval[] {
  return subtract(
    clock.windows,
    clock.pauses.map(([s, e]) => [s, e ?? Number.POSITIVE_INFINITY] as const),
  );
}

/** The instant at which `fraction` of the target (1 = the deadline) is reached, if within the horizon and running. */
export function instantAtFraction(clock: SlaClock, fraction: number): number | undefined {
  return instantAfter(effective(clock), clock.startedAt, clock.targetMs * fraction);
}

/** When the `n`-th repeated escalation is due: `n` business days of business time past the deadline. */
export function escalationInstant(clock: SlaClock, n: number): number | undefined {
  return instantAfter(effective(clock), clock.startedAt, clock.targetMs + n * clock.businessDayMs);
}

/** Business time used by `now`. */
export function usedMs(clock: SlaClock, now: number): number {
  return overlapMs(effective(clock), clock.startedAt, now);
}

/** True while an open pause stops the clock. */
export function isPaused(clock: SlaClock): boolean {
  const last = clock.pauses[clock.pauses.length - 1];
  return last !== undefined && last[1] === undefined;
}
