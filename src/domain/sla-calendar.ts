import { z } from 'zod';

/** Weekday keys of a calendar's `week`, Monday first. */
export const weekdays = ['mon', 'tue', 'wed', 'thu', 'fri', 'sat', 'sun'] as const;
export type Weekday = (typeof weekdays)[number];

const clock = z
  .string()
  .regex(/^([01]\d|2[0-3]):[0-5]\d$|^24:00$/, { error: 'must be a time of day HH:MM (00:00 to 24:00)' });
const toMinutes = (hhmm: string) => Number(hhmm.slice(0, 2)) * 60 + Number(hhmm.slice(3));

const windows = z
  .array(z.tuple([clock, clock], { error: 'must be a pair ["HH:MM", "HH:MM"]' }))
  .superRefine((list, ctx) => {
    let previousEnd = -1;
    list.forEach(([open, close], i) => {
      if (toMinutes(open) >= toMinutes(close)) {
        ctx.addIssue({
          code: 'custom',
          path: [i],
          message: `opens at ${open} but closes at ${close}: it must close later`,
        });
      } else if (toMinutes(open) < previousEnd) {
        ctx.addIssue({
          code: 'custom',
          path: [i],
          message: 'overlaps or precedes the previous window: list windows in order without overlap',
        });
      }
      previousEnd = Math.max(previousEnd, toMinutes(close));
    });
  });

function isTimeZone(zone: string): boolean {
  try {
    new Intl.DateTimeFormat('en-US', { timeZone: zone });
    return true;
  } catch {
    return false;
  }
}

/** True for a real date: a day or month out of range (2026-02-30, 2026-13-01) rolls over into another month. */
function isCalendarDate(value: string): boolean {
  const [y, m, d] = value.split('-').map(Number) as [number, number, number];
  const date = new Date(0);
  date.setUTCFullYear(y, m - 1, d); // unlike Date.UTC, takes years 0-99 as they are
  return date.getUTCMonth() === m - 1;
}

/**
 * A business calendar (docs/sla.md): IANA time zone, working windows per weekday in local time (several a
 * day allowed, days without windows allowed), holidays as local dates, and the SLA target in business hours.
 */
const calendarSchema = z
  .object({
    timeZone: z.string().refine(isTimeZone, { error: 'must be an IANA time zone such as America/New_York' }),
    week: z.partialRecord(z.enum(weekdays), windows, {
      error: 'must map weekdays (mon … sun) to lists of ["HH:MM", "HH:MM"] windows',
    }),
    holidays: z
      .array(
        z
          .string()
          .regex(/^\d{4}-\d{2}-\d{2}$/, { error: 'must be a local date YYYY-MM-DD' })
          .refine(isCalendarDate, { error: 'is not a real date' }),
      )
      .refine((list) => new Set(list).size === list.length, { error: 'lists a date twice' })
      .default([]),
    slaBusinessHours: z.number({ error: 'must be a number of business hours' }).positive().default(40),
  })
  .strict()
  .refine((c) => Object.values(c.week).some((w) => w && w.length > 0), {
    error: 'week has no working window at all: the SLA could never be met',
    path: ['week'],
  });

export type SlaCalendar = z.infer<typeof calendarSchema>;

/**
 * The calendar's schema, for composing it into other schemas. Returned by a function rather than exported: workers
 * share this module between workflows and freeze what it exports, which a zod schema does not survive.
 */
export function slaCalendarSchema(): typeof calendarSchema {
  return calendarSchema;
}
