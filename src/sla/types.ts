/**
 * The SLA of one request as the workflow keeps it and shows it: the events it acted on, its carried-over state and
 * the SLA part of the state view. Plain data, shared by the workflow, the machines (SLA effects) and clients.
 */
import type { SlaClock } from './plan';

/** One SLA event the workflow acted on. */
export interface SlaRecord {
  kind: 'warning' | 'breach' | 'escalation';
  /** For warnings: the threshold crossed. */
  percent?: number;
  /** For escalations: how many business days past the deadline. */
  escalation?: number;
  /** When it was due, and when it was acted on (later only for a ticket that arrived already late). */
  dueAt: string;
  at: string;
}

/** The SLA clock as the workflow keeps it (carried over on continue-as-new). */
export interface SlaState {
  clock?: SlaClock;
  warningsSent: number[];
  breachedAt?: number;
  /** When the clock stopped for good: the request was enabled, or the change ended. */
  stoppedAt?: number;
  escalations: number;
  records: SlaRecord[];
}

/** The SLA part of the state view. */
export interface SlaView {
  startedAt: string;
  /** The deadline in UTC; null while the clock is paused. */
  deadline: string | null;
  /** The same instant in the calendar's zone, e.g. "2026-11-09 10:00 America/New_York". */
  deadlineLocal: string | null;
  timeZone: string;
  targetHours: number;
  usedHours: number;
  leftHours: number;
  percent: number;
  paused: boolean;
  pausedSince: string | null;
  breached: boolean;
  breachedAt: string | null;
  /** When the clock stopped for good (the request enabled, the change done); null while it runs. */
  stoppedAt: string | null;
  warningsSent: number[];
  escalations: number;
  events: SlaRecord[];
}
