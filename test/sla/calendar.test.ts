/**
 * Business calendars at their edges: a window to the end of the day (24:00), a window a DST change skips, the clock's
 * start from a ticket's own time, and deadlines that need many chunks of windows around pauses.
 */
import { type SlaCalendar, weekdays } from '../../src/domain/sla-calendar';
import { businessWindows, localWindows } from '../../src/sla/calendar';
import { slaClockStart } from '../../src/sla/clock-start';
import { businessTimeBetween, deadline } from '../../src/sla/deadline';

const HOUR = 3_600_000;
const DAY = 24 * HOUR;
const utc = (iso: string) => Date.parse(iso);

describe('working windows', () => {
  it('runs a window written to 24:00 to the next midnight', () => {
    const calendar: SlaCalendar = {
      timeZone: 'UTC',
      week: { mon: [['00:00', '24:00']] },
      holidays: [],
      slaBusinessHours: 40,
    };
    expect(localWindows(calendar, utc('2026-11-02T00:00:00Z'), utc('2026-11-04T00:00:00Z'))).toEqual([
      {
        date: '2026-11-02',
        weekday: 'mon',
        from: '00:00',
        to: '24:00',
        start: utc('2026-11-02T00:00:00Z'),
        end: utc('2026-11-03T00:00:00Z'),
      },
    ]);
  });

  it('leaves out a window the spring DST change skips, and shortens one across it', () => {
    // 2026-03-08, a Sunday: New York's clocks go from 02:00 to 03:00.
    const calendar: SlaCalendar = {
      timeZone: 'America/New_York',
      week: {
        sun: [
          ['02:00', '03:00'],
          ['01:00', '04:00'],
        ],
      },
      holidays: [],
      slaBusinessHours: 40,
    };
    const windows = localWindows(calendar, utc('2026-03-08T00:00:00Z'), utc('2026-03-09T12:00:00Z'));
    expect(windows.map((w) => [w.from, w.to, (w.end - w.start) / HOUR])).toEqual([['01:00', '04:00', 2]]);
  });

  it('stops at the end of the range, a window starting exactly there not counted', () => {
    const calendar: SlaCalendar = {
      timeZone: 'UTC',
      week: { mon: [['09:00', '17:00']], tue: [['09:00', '17:00']] },
      holidays: [],
      slaBusinessHours: 40,
    };
    expect(localWindows(calendar, utc('2026-11-02T00:00:00Z'), utc('2026-11-03T09:00:00Z')).map((w) => w.date)).toEqual(
      ['2026-11-02'],
    );
    expect(localWindows(calendar, utc('2026-11-02T00:00:00Z'), utc('2026-11-03T00:00:00Z')).map((w) => w.date)).toEqual(
      ['2026-11-02'],
    );
  });
});

describe('working windows far ahead', () => {
  const always: SlaCalendar = {
    timeZone: 'UTC',
    week: { mon: [['00:00', '24:00']] },
    holidays: [],
    slaBusinessHours: 40,
  };

  it('are counted for five years at most, however long the range', () => {
    const everyDay: SlaCalendar = {
      ...always,
      week: Object.fromEntries(weekdays.map((day) => [day, [['00:00', '24:00']]])),
    };
    const from = utc('2026-11-02T00:00:00Z');
    const windows = localWindows(everyDay, from, from + 7 * 366 * DAY);
    // Days are looked at from the day before the range starts, 1,830 of them: that one is before the range.
    expect(windows).toHaveLength(5 * 366 - 1);
    expect(windows.at(-1)!.date).toBe('2031-11-04');
    expect(businessTimeBetween(everyDay, from, from + 7 * 366 * DAY)).toBe(windows.length * DAY);
  });

  it('as plain intervals are the same windows', () => {
    const from = utc('2026-11-02T12:00:00Z');
    const to = utc('2026-11-16T06:00:00Z');
    expect(businessWindows(always, from, to)).toEqual([
      [from, utc('2026-11-03T00:00:00Z')],
      [utc('2026-11-09T00:00:00Z'), utc('2026-11-10T00:00:00Z')],
      [utc('2026-11-16T00:00:00Z'), to],
    ]);
  });
});

describe("the clock's start", () => {
  const now = utc('2026-11-02T15:00:00Z');

  it.each([
    ['2026-11-02T10:00Z', utc('2026-11-02T10:00:00Z')],
    ['2026-11-02T10:00:30Z', utc('2026-11-02T10:00:30Z')],
    ['2026-11-02T10:00:30.250Z', utc('2026-11-02T10:00:30.250Z')],
    ['2026-11-02T12:00:00+02:00', utc('2026-11-02T10:00:00Z')],
    ['2026-11-02T05:00:00-05:00', utc('2026-11-02T10:00:00Z')],
    ['2026-11-02T15:00:00Z', now],
  ])("is the ticket's own time %s when it is a plain ISO instant not after now", (submittedAt, ms) => {
    expect(slaClockStart(submittedAt, now)).toBe(ms);
  });

  it.each([
    '2026-11-02T15:00:01Z',
    '+243780-07-20T21:00:00Z',
    // Expanded years, which Date.parse reads: the year 2026 BC, and 2026 written with six digits.
    '-002026-11-02T10:00:00Z',
    '+002026-11-02T10:00:00Z',
    '2026-11-02 10:00:00Z',
    '2026-11-02T10:00:00',
    '2026-11-02T10:00:00+0200',
    '2026-11-02T10:00:00+2:00',
    '2026-11-02T10:00:00.Z',
    '2026-11-2T10:00:00Z',
    '2026-11-02T1:00:00Z',
    '2026-11-02T10:0:00Z',
    '2026-11-02T10:00:0Z',
    '2026-1-02T10:00:00Z',
    '26-11-02T10:00:00Z',
    'x2026-11-02T10:00:00Z',
    '2026-11-02T10:00:00Zx',
    '2026-11-02T10:00:00 Z',
    '2026-11-02T10:00:00*02:00',
    '2026-13-45T10:00:00Z',
    'yesterday',
    undefined,
    1_700_000_000_000,
    // Not a string, though it reads as one.
    ['2026-11-02T10:00:00Z'],
  ])('is now for %j', (submittedAt) => {
    expect(slaClockStart(submittedAt, now)).toBe(now);
  });
});

describe('deadlines far ahead', () => {
  // One working hour a week: a 40-hour target takes 40 weeks, many chunks of windows.
  const sparse: SlaCalendar = {
    timeZone: 'UTC',
    week: { mon: [['09:00', '10:00']] },
    holidays: [],
    slaBusinessHours: 40,
  };
  const start = utc('2026-11-02T00:00:00Z'); // a Monday

  it('is found however many chunks of windows it takes', () => {
    expect(deadline(sparse, start)).toBe(utc('2026-11-02T10:00:00Z') + 39 * 7 * DAY);
  });

  it('is later by a closed pause, and unknown while an open one, even one starting later, stops the clock', () => {
    const closed = [utc('2026-11-02T00:00:00Z'), utc('2026-11-03T00:00:00Z')] as const;
    expect(deadline(sparse, start, { pauses: [closed] })).toBe(utc('2026-11-02T10:00:00Z') + 40 * 7 * DAY);
    const open = [utc('2027-05-01T00:00:00Z')] as const;
    expect(deadline(sparse, start, { pauses: [closed, open] })).toBeUndefined();
    expect(deadline(sparse, start, { pauses: [open] })).toBeUndefined();
  });

  it('is not stopped by an open pause that starts after it, many chunks of windows ahead', () => {
    const later = [utc('2027-09-01T00:00:00Z')] as const;
    expect(deadline(sparse, start, { pauses: [later] })).toBe(deadline(sparse, start));
    expect(deadline(sparse, start)).toBe(utc('2026-11-02T10:00:00Z') + 39 * 7 * DAY);
  });

  it('says so when the calendar cannot reach the target within five years', () => {
    expect(() => deadline(sparse, start, { amountMs: 300 * HOUR })).toThrow(
      'no deadline within 5 years: the calendar has too few working hours for 300 h',
    );
  });

  it('is unknown, not an error, while an open pause stops the clock, even on a calendar too sparse for the target', () => {
    const years = (n: number) => [start + n * 366 * DAY] as const;
    for (const open of [years(1), years(6)]) {
      expect(deadline(sparse, start, { amountMs: 300 * HOUR, pauses: [open] })).toBeUndefined();
    }
  });

  it('counts no business time between an instant and itself or an earlier one', () => {
    const weekdays: SlaCalendar = {
      timeZone: 'UTC',
      week: { mon: [['00:00', '24:00']] },
      holidays: [],
      slaBusinessHours: 40,
    };
    expect(businessTimeBetween(weekdays, start + HOUR, start + HOUR)).toBe(0);
    expect(businessTimeBetween(weekdays, start + 2 * HOUR, start + HOUR)).toBe(0);
    expect(businessTimeBetween(weekdays, start + HOUR, start + 3 * HOUR)).toBe(2 * HOUR);
  });
});
