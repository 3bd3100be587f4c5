import { slaCalendarSchema } from '../../src/domain/sla-calendar';

const base = { timeZone: 'Europe/Berlin', week: { mon: [['09:00', '17:00']] } };

/** The problems of a calendar, as `path: message`. */
function problems(calendar: unknown): string[] {
  const result = slaCalendarSchema().safeParse(calendar);
  return result.success ? [] : result.error.issues.map((i) => `${i.path.join('.')}: ${i.message}`);
}

describe('a business calendar', () => {
  it('accepts windows to 24:00, several a day in order, touching windows, and days without any', () => {
    const calendar = {
      timeZone: 'America/New_York',
      week: {
        mon: [
          ['00:00', '08:00'],
          ['08:00', '12:00'],
          ['13:00', '24:00'],
        ],
        tue: [],
        sat: [['10:00', '10:01']],
      },
      holidays: ['2026-12-25', '2028-02-29'],
      slaBusinessHours: 12.5,
    };
    expect(problems(calendar)).toEqual([]);
    expect(slaCalendarSchema().parse(base)).toEqual({ ...base, holidays: [], slaBusinessHours: 40 });
  });

  it.each([
    [['09:00', '09:00'], 'week.mon.0: opens at 09:00 but closes at 09:00: it must close later'],
    [['17:00', '09:00'], 'week.mon.0: opens at 17:00 but closes at 09:00: it must close later'],
    // Minutes count: 09:59 is before 10:00, not after 09:00 + 59 hours.
    [['10:00', '09:59'], 'week.mon.0: opens at 10:00 but closes at 09:59: it must close later'],
    [['09:30', '09:10'], 'week.mon.0: opens at 09:30 but closes at 09:10: it must close later'],
    [['24:00', '24:00'], 'week.mon.0: opens at 24:00 but closes at 24:00: it must close later'],
    [['9:00', '17:00'], 'week.mon.0.0: must be a time of day HH:MM (00:00 to 24:00)'],
    [['09:00', '24:01'], 'week.mon.0.1: must be a time of day HH:MM (00:00 to 24:00)'],
    [['09:00', '17:60'], 'week.mon.0.1: must be a time of day HH:MM (00:00 to 24:00)'],
    [['09:00'], 'week.mon.0: must be a pair ["HH:MM", "HH:MM"]'],
  ])('refuses the window %j', (window, problem) => {
    expect(problems({ ...base, week: { mon: [window] } })).toEqual([problem]);
  });

  it('refuses windows out of order or overlapping, and accepts a first window opening at midnight', () => {
    const overlap = 'overlaps or precedes the previous window: list windows in order without overlap';
    expect(
      problems({
        ...base,
        week: {
          mon: [
            ['09:00', '12:00'],
            ['11:59', '14:00'],
          ],
          tue: [
            ['13:00', '17:00'],
            ['09:00', '12:00'],
          ],
          wed: [
            ['00:00', '01:00'],
            ['01:00', '02:00'],
          ],
        },
      }),
    ).toEqual([`week.mon.1: ${overlap}`, `week.tue.1: ${overlap}`]);
    // A window after a refused one is compared with the furthest close so far.
    expect(
      problems({
        ...base,
        week: {
          mon: [
            ['10:00', '18:00'],
            ['12:00', '11:00'],
            ['17:00', '19:00'],
          ],
        },
      }),
    ).toEqual(['week.mon.1: opens at 12:00 but closes at 11:00: it must close later', `week.mon.2: ${overlap}`]);
  });

  it('refuses a week without any working window, saying the SLA could never be met', () => {
    const never = 'week: week has no working window at all: the SLA could never be met';
    expect(problems({ ...base, week: {} })).toEqual([never]);
    expect(problems({ ...base, week: { mon: [], sun: [] } })).toEqual([never]);
    expect(problems({ ...base, week: { mon: [], sun: [['08:00', '09:00']] } })).toEqual([]);
  });

  it.each([
    ['2026-02-29', 'holidays.0: is not a real date'],
    ['2026-13-01', 'holidays.0: is not a real date'],
    ['2026-00-10', 'holidays.0: is not a real date'],
    ['2026-04-31', 'holidays.0: is not a real date'],
    ['2026-04-00', 'holidays.0: is not a real date'],
  ])('refuses the holiday %j', (date, problem) => {
    expect(problems({ ...base, holidays: [date] })).toEqual([problem]);
  });

  it('says a date in another form is not YYYY-MM-DD', () => {
    expect(problems({ ...base, holidays: ['25.12.2026'] })).toContain('holidays.0: must be a local date YYYY-MM-DD');
  });

  it('refuses a holiday listed twice, a zone that is not IANA, a target that is not positive, and unknown keys', () => {
    expect(problems({ ...base, holidays: ['2026-12-25', '2026-12-25'] })).toEqual(['holidays: lists a date twice']);
    expect(problems({ ...base, timeZone: 'Mars/Olympus' })).toEqual([
      'timeZone: must be an IANA time zone such as America/New_York',
    ]);
    expect(problems({ ...base, slaBusinessHours: 0 })).toHaveLength(1);
    expect(problems({ ...base, slaBusinessHours: '40' })).toEqual([
      'slaBusinessHours: must be a number of business hours',
    ]);
    expect(problems({ ...base, weekend: [] })).toHaveLength(1);
    expect(problems({ ...base, week: { monday: [['09:00', '17:00']] } })[0]).toMatch(/^week/);
  });
});
