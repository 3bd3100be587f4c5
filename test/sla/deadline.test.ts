import fc from 'fast-check';
import { Temporal } from '@js-temporal/polyfill';
import type { SlaCalendar } from '../../src/domain/sla-calendar';
import { localWindows } from '../../src/sla/calendar';
import { businessTimeBetween, deadline, explainDeadline, targetMs } from '../../src/sla/deadline';
import {
  businessDayMs,
  escalationInstant,
  instantAtFraction,
  isPaused,
  type SlaClock,
  usedMs,
} from '../../src/sla/plan';

const HOUR = 3_600_000;
const weekdays9to5 = {
  mon: [['09:00', '17:00']],
  tue: [['09:00', '17:00']],
  wed: [['09:00', '17:00']],
  thu: [['09:00', '17:00']],
  fri: [['09:00', '17:00']],
} as SlaCalendar['week'];
const newYork: SlaCalendar = {
  timeZone: 'America/New_York',
  week: weekdays9to5,
  holidays: ['2026-11-26'],
  slaBusinessHours: 40,
};

/** A local wall-clock time in a zone, as epoch ms. */
const at = (local: string, zone = 'America/New_York') =>
  Temporal.PlainDateTime.from(local).toZonedDateTime(zone).toInstant().epochMilliseconds;
/** Epoch ms as local wall-clock time (no offset) in a zone. */
const local = (ms: number | undefined, zone = 'America/New_York') =>
  ms === undefined
    ? 'none'
    : Temporal.Instant.fromEpochMilliseconds(ms)
        .toZonedDateTimeISO(zone)
        .toPlainDateTime()
        .toString({ smallestUnit: 'minute' });

describe('the SLA deadline (Mon-Fri 09:00-17:00 New York, holiday 2026-11-26, 40 business hours)', () => {
  it.each([
    ['Mon 10:00 is due the next Monday 10:00', '2026-11-02T10:00', '2026-11-09T10:00'],
    ['Mon 09:00 is due Friday 17:00', '2026-11-02T09:00', '2026-11-06T17:00'],
    ['Saturday counts from Monday 09:00', '2026-11-07T11:00', '2026-11-13T17:00'],
    ['at closing time counts from the next opening', '2026-11-02T17:00', '2026-11-09T17:00'],
    ['after closing counts from the next opening', '2026-11-02T21:30', '2026-11-09T17:00'],
    ['before opening counts from the opening', '2026-11-03T06:00', '2026-11-09T17:00'],
    ['Friday 16:30 runs into the next Friday', '2026-11-06T16:30', '2026-11-13T16:30'],
    ['the Thanksgiving holiday does not count', '2026-11-23T10:00', '2026-12-01T10:00'],
    [
      'across the end of DST (Nov 1), hours are business hours, not wall-clock shifts',
      '2026-10-30T10:00',
      '2026-11-06T10:00',
    ],
  ])('%s', (_name, submitted, due) => {
    expect(local(deadline(newYork, at(submitted)))).toBe(due);
  });

  it('is an instant: a customer in another zone submitting at the same moment gets the same deadline', () => {
    const berlin = at('2026-11-02T16:00', 'Europe/Berlin'); // 10:00 in New York
    expect(deadline(newYork, berlin)).toBe(at('2026-11-09T10:00'));
    expect(new Date(deadline(newYork, berlin)!).toISOString()).toBe('2026-11-09T15:00:00.000Z');
  });

  it('counts a DST day as the hours it really has (spring forward: a 23-hour Sunday)', () => {
    const allDay: SlaCalendar = {
      timeZone: 'America/New_York',
      week: Object.fromEntries(['mon', 'tue', 'wed', 'thu', 'fri', 'sat', 'sun'].map((d) => [d, [['00:00', '24:00']]])),
      holidays: [],
      slaBusinessHours: 40,
    };
    // Sat 12:00 EST + 40 real hours = Mon 05:00 EDT (wall clock says 41 h later).
    expect(new Date(deadline(allDay, at('2026-03-07T12:00'))!).toISOString()).toBe('2026-03-09T09:00:00.000Z');
  });

  it('uses the calendar’s own zone and holidays (a Berlin calendar)', () => {
    const berlin: SlaCalendar = {
      timeZone: 'Europe/Berlin',
      week: weekdays9to5,
      holidays: ['2026-12-24', '2026-12-25'],
      slaBusinessHours: 40,
    };
    expect(local(deadline(berlin, at('2026-12-21T09:00', 'Europe/Berlin')), 'Europe/Berlin')).toBe('2026-12-29T17:00');
  });

  it('handles split shifts and days without windows', () => {
    const split: SlaCalendar = {
      timeZone: 'Asia/Tokyo',
      week: {
        mon: [
          ['09:00', '12:00'],
          ['13:00', '17:00'],
        ],
        wed: [
          ['09:00', '12:00'],
          ['13:00', '17:00'],
        ],
      },
      holidays: [],
      slaBusinessHours: 10,
    };
    // Mon 7 h, Wed 3 h (09:00-12:00): due Wed 12:00.
    expect(local(deadline(split, at('2026-11-02T09:00', 'Asia/Tokyo')), 'Asia/Tokyo')).toBe('2026-11-04T12:00');
  });

  it('moves by the business time of a pause, and stops while a pause is open', () => {
    const start = at('2026-11-02T10:00');
    const pause = [at('2026-11-03T09:00'), at('2026-11-04T09:00')] as const; // one business day
    expect(local(deadline(newYork, start, { pauses: [pause] }))).toBe('2026-11-10T10:00');
    expect(deadline(newYork, start, { pauses: [[at('2026-11-03T09:00')]] })).toBeUndefined();
  });

  it('explains itself: the windows counted add up to the target', () => {
    const { deadline: due, windows } = explainDeadline(newYork, at('2026-11-23T10:00'));
    expect(local(due)).toBe('2026-12-01T10:00');
    expect(windows.map((w) => w.date)).toEqual([
      '2026-11-23',
      '2026-11-24',
      '2026-11-25',
      '2026-11-27',
      '2026-11-30',
      '2026-12-01',
    ]);
    expect(windows.reduce((sum, w) => sum + w.countedMs, 0)).toBe(40 * HOUR);
  });

  it('explains a paused deadline: the pause is left out of the windows, which still add up to the target', () => {
    const start = at('2026-11-02T10:00');
    const pause = [at('2026-11-03T09:00'), at('2026-11-04T09:00')] as const;
    const { deadline: due, windows } = explainDeadline(newYork, start, [pause]);
    expect(local(due)).toBe('2026-11-10T10:00');
    expect(windows.map((w) => w.date)).not.toContain('2026-11-03');
    expect(windows.reduce((sum, w) => sum + w.countedMs, 0)).toBe(40 * HOUR);
  });

  it('explains a stopped clock: no deadline, and the windows counted until the open pause began', () => {
    const { deadline: due, windows } = explainDeadline(newYork, at('2026-11-02T10:00'), [[at('2026-11-03T12:00')]]);
    expect(due).toBeUndefined();
    expect(windows.map((w) => [w.date, w.countedMs / HOUR])).toEqual([
      ['2026-11-02', 7],
      ['2026-11-03', 3],
    ]);
  });
});

describe('the SLA plan the workflow follows (business windows as intervals)', () => {
  const start = at('2026-11-02T09:00');
  const clock = (pauses: [number, number?][] = []): SlaClock => ({
    startedAt: start,
    windows: localWindows(newYork, start, start + 30 * 24 * HOUR).map((w) => [w.start, w.end] as const),
    horizon: start + 30 * 24 * HOUR,
    pauses,
    targetMs: targetMs(newYork),
    businessDayMs: businessDayMs(newYork),
  });

  it('one definition of the target and the business day: 40 h and a fifth of it', () => {
    expect([targetMs(newYork), businessDayMs(newYork)]).toEqual([40 * HOUR, 8 * HOUR]);
  });

  it('repeats escalation each business day past the deadline, in business time, not wall-clock time', () => {
    expect(local(instantAtFraction(clock(), 1))).toBe('2026-11-06T17:00');
    // Friday 17:00 + 8 business hours is Monday 17:00, not Saturday 01:00.
    expect(local(escalationInstant(clock(), 1))).toBe('2026-11-09T17:00');
    expect(local(escalationInstant(clock(), 2))).toBe('2026-11-10T17:00');
  });

  it('counts neither pauses nor closed hours as used', () => {
    const paused = clock([[at('2026-11-03T09:00'), at('2026-11-04T09:00')]]);
    expect(usedMs(paused, at('2026-11-04T12:00')) / HOUR).toBe(8 + 3);
    expect(local(instantAtFraction(paused, 1))).toBe('2026-11-09T17:00');
    expect(isPaused(paused)).toBe(false);
    expect(isPaused(clock([[at('2026-11-03T09:00')]]))).toBe(true);
    expect(isPaused(clock())).toBe(false);
    expect(instantAtFraction(clock([[at('2026-11-03T09:00')]]), 1)).toBeUndefined();
  });
});

describe('SLA properties', () => {
  const instants = fc.integer({ min: at('2026-01-01T00:00'), max: at('2027-12-31T00:00') });

  it('a later start never gives an earlier deadline', () => {
    fc.assert(
      fc.property(instants, fc.integer({ min: 0, max: 30 * 24 * HOUR }), (a, delta) => {
        expect(deadline(newYork, a + delta)!).toBeGreaterThanOrEqual(deadline(newYork, a)!);
      }),
      { numRuns: 60 },
    );
  });

  it('exactly the target of business time lies between the start and the deadline', () => {
    fc.assert(
      fc.property(instants, (start) => {
        expect(businessTimeBetween(newYork, start, deadline(newYork, start)!)).toBe(targetMs(newYork));
      }),
      { numRuns: 60 },
    );
  });

  it('pausing for business time P moves the deadline by exactly P business time', () => {
    fc.assert(
      fc.property(
        instants,
        fc.double({ min: 0, max: 1, noNaN: true }),
        fc.double({ min: 0, max: 1, noNaN: true }),
        (start, f1, f2) => {
          const due = deadline(newYork, start)!;
          const p1 = start + Math.floor((due - start) * Math.min(f1, f2));
          const p2 = start + Math.floor((due - start) * Math.max(f1, f2));
          const paused = businessTimeBetween(newYork, p1, p2);
          const moved = deadline(newYork, start, { pauses: [[p1, p2]] })!;
          expect(businessTimeBetween(newYork, due, moved)).toBe(paused);
        },
      ),
      { numRuns: 60 },
    );
  });
});
