/**
 * The SLA badge the console shows wherever a request appears, after the ticket systems' conventions: the business time
 * to breach in one or two units ("2h 30m"), negative once breached ("-1h 15m"), paused while the request waits on the
 * customer (when the vendor's policy pauses it), met or breached once the clock stopped. Never colour alone: each
 * badge has a tone (for colour), an icon and words. The numbers are the state view's (`plctl sla` shows the same).
 */
import type { SlaCalendar } from '../domain/sla-calendar';
import { businessWindows } from '../sla/calendar';
import { businessTimeBetween, targetMs } from '../sla/deadline';
import type { SlaView } from '../sla/types';

export type SlaTone = 'ok' | 'warning' | 'breached' | 'paused' | 'met' | 'none';

export interface SlaBadge {
  tone: SlaTone;
  /** A text icon that says the tone without colour. */
  icon: string;
  /** What the badge reads: "2h 30m left", "-1h 15m", "paused · 12h left", "met", "breached". */
  text: string;
  /** The whole sentence for screen readers and the title attribute. */
  label: string;
}

/** At or below this share of the target left, the badge warns (as the product's first SLA warning does). */
export const WARNING_SHARE = 0.25;

/** Business hours as one or two units: "45m", "2h", "2h 30m", "-1h 15m"; minutes rounded down, toward zero. */
export function durationText(hours: number): string {
  const minutes = Math.trunc(Math.abs(hours) * 60);
  const sign = hours < 0 && minutes > 0 ? '-' : '';
  const h = Math.floor(minutes / 60);
  const m = minutes % 60;
  if (h === 0) return `${sign}${m}m`;
  return m === 0 ? `${sign}${h}h` : `${sign}${h}h ${m}m`;
}

/** The badge for a request's (or change's) SLA clock; `null` (no clock yet) gives a neutral badge. */
export function slaBadge(sla: SlaView | null): SlaBadge {
  if (!sla) return { tone: 'none', icon: '–', text: 'no SLA yet', label: 'SLA: the clock starts with the intake' };
  // Signed: the view's own `leftHours` stops at zero, the badge goes on counting past the breach.
  const left = sla.targetHours - sla.usedHours;
  if (sla.stoppedAt) {
    return sla.breached
      ? {
          tone: 'breached',
          icon: '✕',
          text: 'breached',
          label: `SLA breached (by ${durationText(Math.abs(left))} of business time)`,
        }
      : { tone: 'met', icon: '✓', text: 'met', label: `SLA met with ${durationText(left)} to spare` };
  }
  if (sla.breached || left < 0) {
    return {
      tone: 'breached',
      icon: '✕',
      text: durationText(Math.min(left, 0)),
      label: `SLA breached ${durationText(-Math.min(left, 0))} ago (business hours)`,
    };
  }
  if (sla.paused) {
    return {
      tone: 'paused',
      icon: '⏸',
      text: `paused · ${durationText(left)} left`,
      label: `SLA paused while waiting on the customer; ${durationText(left)} of business time left`,
    };
  }
  const warning = left <= sla.targetHours * WARNING_SHARE;
  return {
    tone: warning ? 'warning' : 'ok',
    icon: warning ? '⚠' : '◷',
    text: `${durationText(left)} left`,
    label: `SLA: ${durationText(left)} of business time left${warning ? ', breach is near' : ''}${sla.deadlineLocal ? `; due ${sla.deadlineLocal}` : ''}`,
  };
}

/** What a list row knows of a request's SLA: its search attributes (and the open change's clock, if any). */
export interface SlaRow {
  status: string | null;
  waitingOn: string | null;
  slaBreached: boolean;
  slaDeadline: string | null;
  closedAt?: string | null;
  openChange?: { slaBreached: boolean; slaDeadline: string | null } | null;
}

/** The vendor's SLA policy as the console knows it: its calendar, and whether waiting on the customer pauses it. */
export interface SlaPolicy {
  calendar: SlaCalendar;
  pauseWhileWaitingOnCustomer: boolean;
}

const HOUR_MS = 3_600_000;
const endedStatuses = ['enabled', 'removed', 'rejected', 'cancelled'];

/**
 * The badge of a list row, from its deadline and the vendor's business calendar at `now`: the same business hours as
 * the state view counts (the deadline is the workflow's own). Without the calendar (an API process run without the
 * vendor configuration) the time left is wall-clock time, and the badge says so.
 */
export function rowBadge(row: SlaRow, policy: SlaPolicy | undefined, now: number): SlaBadge {
  const change = row.openChange;
  if (row.status === 'enabled' && change && !row.closedAt) {
    // An enabled connection with a change open: the change's own clock, which waits on whoever the change does.
    // Its deadline is unset before the clock starts and while it is paused (rowBadge tells those apart).
    const b = rowBadge({ status: 'in_progress', waitingOn: row.waitingOn, ...change }, policy, now);
    return {
      ...b,
      label: `Change ${b.label.replace('the clock starts with the intake', 'the clock has not started')}`,
    };
  }
  if (row.status && endedStatuses.includes(row.status)) {
    if (row.status === 'rejected' || row.status === 'cancelled') {
      return { tone: 'none', icon: '–', text: row.status, label: `The request was ${row.status}; no SLA runs` };
    }
    return row.slaBreached
      ? { tone: 'breached', icon: '✕', text: 'breached', label: 'SLA breached' }
      : { tone: 'met', icon: '✓', text: 'met', label: 'SLA met' };
  }
  if (policy?.pauseWhileWaitingOnCustomer && row.waitingOn === 'customer' && !row.slaBreached) {
    return { tone: 'paused', icon: '⏸', text: 'paused', label: 'SLA paused while waiting on the customer' };
  }
  if (!row.slaDeadline) return slaBadge(null);
  const due = Date.parse(row.slaDeadline);
  const business = (from: number, to: number) =>
    policy ? businessTimeBetween(policy.calendar, from, to) / HOUR_MS : (to - from) / HOUR_MS;
  const clock = policy ? 'business time' : 'wall-clock time (the API has no business calendar)';
  if (row.slaBreached || due <= now) {
    const over = due <= now ? business(due, now) : 0;
    return {
      tone: 'breached',
      icon: '✕',
      text: durationText(-over),
      label: `SLA breached ${durationText(over)} ago (${clock})`,
    };
  }
  const left = business(now, due);
  // Without the calendar the target is unknown: no warning rather than a wrong one.
  const warning = policy ? left <= (targetMs(policy.calendar) / HOUR_MS) * WARNING_SHARE : false;
  return {
    tone: warning ? 'warning' : 'ok',
    icon: warning ? '⚠' : '◷',
    text: `${durationText(left)} left`,
    label: `SLA: ${durationText(left)} of ${clock} left${warning ? ', breach is near' : ''}; due ${row.slaDeadline}`,
  };
}

/**
 * What a page needs to keep a running badge right as time passes, without asking the server: the deadline, the
 * target, and the business windows around it (minutes from the deadline, for a short attribute). The console's script
 * recounts the badge from them every half minute with the same rules as {@link rowBadge}.
 */
export interface BadgeClock {
  /** The deadline (ms since the epoch). */
  due: number;
  targetHours: number;
  /** Business windows from a day before `now` to two weeks after the deadline, as minutes from it. */
  windows: [number, number][];
}

const MINUTE_MS = 60_000;
const DAY_MS = 86_400_000;

/** The clock of a badge that runs (a deadline, not paused, not stopped), on the vendor's calendar; else none. */
export function badgeClock(
  deadline: string | null,
  policy: SlaPolicy | undefined,
  now: number,
  running: boolean,
): BadgeClock | undefined {
  if (!policy || !deadline || !running) return undefined;
  const due = Date.parse(deadline);
  if (!Number.isFinite(due)) return undefined;
  const windows = businessWindows(policy.calendar, Math.min(now, due) - DAY_MS, due + 14 * DAY_MS).map(
    ([start, end]) => [Math.round((start - due) / MINUTE_MS), Math.round((end - due) / MINUTE_MS)] as [number, number],
  );
  return { due, targetHours: targetMs(policy.calendar) / HOUR_MS, windows };
}
