import type { SlaCalendar } from '../domain/sla-calendar';
import { type LocalWindow, localWindows } from './calendar';
import { type Interval, instantAfter, overlapMs, subtract } from './intervals';
import { targetMs } from './plan';

const HOUR_MS = 3_600_000;
const DAY_MS = 86_400_000;
/** How far ahead windows are computed at a time, and the most that is ever looked at. */
const CHUNK_MS = 62 * DAY_MS;
const LIMIT_MS = 5 * 366 * DAY_MS;

export { targetMs };

/** Pauses as intervals; an open pause (no end) runs to the end of time. */
export type Pause = readonly [start: number, end?: number];
const asIntervals = (pauses: readonly Pause[]): Interval[] =>
  pauses.map(([s, e]) => [s, e ?? Number.POSITIVE_INFINITY] as const);

/**
 * The instant at which `amountMs` of business time (the calendar's target by default) has accumulated after
 * `startMs`, not counting pauses: the SLA deadline. A start outside working hours counts from the next opening.
 * `undefined` while an open pause stops the clock.
 */
export function deadline(
  calendar: SlaCalendar,
  startMs: number,
  opts: { pauses?: readonly Pause[]; amountMs?: number } = {},
): number | undefined {
  const amount = opts.amountMs ?? targetMs(calendar);
  const pauses = asIntervals(opts.pauses ?? []);
  for (let horizon = startMs + CHUNK_MS; horizon <= startMs + LIMIT_MS; horizon += CHUNK_MS) {
    const windows = subtract(
      localWindows(calendar, startMs, horizon).map((w) => [w.start, w.end] as const),
      pauses,
    );
    const at = instantAfter(windows, startMs, amount);
    if (at !== undefined) return at;
    if (pauses.some(([s, e]) => e === Number.POSITIVE_INFINITY && s < horizon)) return undefined;
  }
  // An open pause stops the clock for good: no deadline while it lasts, even on a calendar too sparse to reach the
  // target (that is said once the pause ends).
  if (pauses.some(([, e]) => e === Number.POSITIVE_INFINITY)) return undefined;
  throw new Error(`no deadline within 5 years: the calendar has too few working hours for ${amount / HOUR_MS} h`);
}

/** Business time between two instants, not counting pauses. */
export function businessTimeBetween(
  calendar: SlaCalendar,
  fromMs: number,
  toMs: number,
  pauses: readonly Pause[] = [],
): number {
  // No window lies in an empty or reversed range: 0 then.
  const windows = localWindows(calendar, fromMs, toMs).map((w) => [w.start, w.end] as const);
  return overlapMs(subtract(windows, asIntervals(pauses)), fromMs, toMs);
}

/** One window as counted towards a deadline. */
export interface CountedWindow extends LocalWindow {
  countedMs: number;
}

/** A deadline and the working windows that add up to it, in the calendar's local time, for people to check. */
export function explainDeadline(
  calendar: SlaCalendar,
  startMs: number,
  pauses: readonly Pause[] = [],
): { deadline: number | undefined; windows: CountedWindow[] } {
  const at = deadline(calendar, startMs, { pauses });
  const until = at ?? startMs + CHUNK_MS;
  const holes = asIntervals(pauses);
  const windows = localWindows(calendar, startMs, until)
    .map((w) => ({ ...w, countedMs: overlapMs(subtract([[w.start, w.end]], holes), w.start, w.end) }))
    .filter((w) => w.countedMs > 0);
  return { deadline: at, windows };
}
