import { durationText, slaBadge } from '../../src/console/sla-badge';
import type { SlaView } from '../../src/sla/types';

/** A 40-business-hour clock with `used` hours used. */
const clock = (used: number, over: Partial<SlaView> = {}): SlaView => ({
  startedAt: '2026-11-02T14:00:00.000Z',
  deadline: '2026-11-06T22:00:00.000Z',
  deadlineLocal: '2026-11-06 17:00 America/New_York',
  timeZone: 'America/New_York',
  targetHours: 40,
  usedHours: used,
  leftHours: Math.max(40 - used, 0),
  percent: Math.round((used / 40) * 100),
  paused: false,
  pausedSince: null,
  breached: used > 40,
  breachedAt: used > 40 ? '2026-11-06T22:00:00.000Z' : null,
  stoppedAt: null,
  warningsSent: [],
  escalations: 0,
  events: [],
  ...over,
});

describe('the time to breach, in one or two units', () => {
  it.each([
    [2.5, '2h 30m'],
    [2, '2h'],
    [0.75, '45m'],
    [0.999, '59m'],
    [0, '0m'],
    [-1.25, '-1h 15m'],
    [-0.001, '0m'],
    [37.25, '37h 15m'],
  ])('%p business hours read %p', (hours, text) => {
    expect(durationText(hours)).toBe(text);
  });
});

describe('the SLA badge', () => {
  it('runs with time left: the time, a clock icon, the due time in the label', () => {
    expect(slaBadge(clock(10))).toEqual({
      tone: 'ok',
      icon: '◷',
      text: '30h left',
      label: 'SLA: 30h of business time left; due 2026-11-06 17:00 America/New_York',
    });
  });

  it('warns from a quarter of the target left, in words as well as colour', () => {
    expect(slaBadge(clock(29.9)).tone).toBe('ok');
    expect(slaBadge(clock(30))).toMatchObject({ tone: 'warning', icon: '⚠', text: '10h left' });
    expect(slaBadge(clock(30)).label).toContain('breach is near');
  });

  it('counts on past the breach, as negative time', () => {
    expect(slaBadge(clock(42.5))).toEqual({
      tone: 'breached',
      icon: '✕',
      text: '-2h 30m',
      label: 'SLA breached 2h 30m ago (business hours)',
    });
  });

  it('shows a paused clock with the time it has left', () => {
    expect(
      slaBadge(clock(12, { paused: true, pausedSince: '2026-11-03T15:00:00.000Z', deadline: null })),
    ).toMatchObject({
      tone: 'paused',
      text: 'paused · 28h left',
    });
  });

  it('says met or breached once the clock stopped', () => {
    expect(slaBadge(clock(20, { stoppedAt: '2026-11-04T15:00:00.000Z' }))).toMatchObject({
      tone: 'met',
      text: 'met',
      label: 'SLA met with 20h to spare',
    });
    expect(slaBadge(clock(41, { stoppedAt: '2026-11-09T15:00:00.000Z' }))).toMatchObject({
      tone: 'breached',
      text: 'breached',
      label: 'SLA breached (by 1h of business time)',
    });
  });

  it('is neutral before the intake starts the clock', () => {
    expect(slaBadge(null)).toMatchObject({ tone: 'none', text: 'no SLA yet' });
  });
});
