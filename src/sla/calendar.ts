import { Temporal } from '@js-temporal/polyfill';
import { type SlaCalendar, type Weekday, weekdays } from '../domain/sla-calendar';
import type { Interval } from './intervals';

/** One working window as counted: its local date and times, and its UTC instants. */
export interface LocalWindow {
  date: string;
  weekday: Weekday;
  from: string;
  to: string;
  start: number;
  end: number;
}

const MAX_DAYS = 366 * 5;

/** The local instant `hh:mm` (or `24:00`, the next midnight) on `date` in `timeZone`, as epoch milliseconds. */
function instantOf(date: Temporal.PlainDate, hhmm: string, timeZone: string): number {
  const [hour, minute] = hhmm.split(':').map(Number) as [number, number];
  const day = hour === 24 ? date.add({ days: 1 }) : date;
  // 'compatible': a time skipped by a DST change moves forward, a repeated one takes the earlier instant.
  return day.toZonedDateTime({ timeZone, plainTime: { hour: hour === 24 ? 0 : hour, minute } }).toInstant()
    .epochMilliseconds;
}

/**
 * The calendar's working windows, local date by local date in its own time zone, skipping its holidays, that overlap
 * `[fromMs, toMs)`, as UTC instants (clipped to the range). DST changes are handled by the time-zone rules: a window
 * across a change is as long as the clock says, not as long as the wall-clock difference.
 */
export function localWindows(calendar: SlaCalendar, fromMs: number, toMs: number): LocalWindow[] {
  const zone = calendar.timeZone;
  const holidays = new Set(calendar.holidays);
  let date = Temporal.Instant.fromEpochMilliseconds(fromMs)
    .toZonedDateTimeISO(zone)
    .toPlainDate()
    .subtract({ days: 1 });
  const out: LocalWindow[] = [];
  for (let i = 0; i < MAX_DAYS; i++, date = date.add({ days: 1 })) {
    const dayStart = instantOf(date, '00:00', zone);
    if (dayStart >= toMs) break;
    const iso = date.toString();
    if (holidays.has(iso)) continue;
    const weekday = weekdays[date.dayOfWeek - 1]!;
    for (const [from, to] of calendar.week[weekday] ?? []) {
      const start = Math.max(instantOf(date, from, zone), fromMs);
      const end = Math.min(instantOf(date, to, zone), toMs);
      if (end > start) out.push({ date: iso, weekday, from, to, start, end });
    }
  }
  return out;
}

/** {@link localWindows} as plain intervals. */
export function businessWindows(calendar: SlaCalendar, fromMs: number, toMs: number): Interval[] {
  return localWindows(calendar, fromMs, toMs).map((w) => [w.start, w.end] as const);
}
