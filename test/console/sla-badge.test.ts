import { durationText, rowBadge, slaBadge, type SlaPolicy } from '../../src/console/sla-badge';
import { exampleVendorConfig } from '../fixtures/requests';
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

describe("a list row's badge, counted on the vendor's business calendar (Mon-Fri 09:00-17:00 New York)", () => {
  const policy: SlaPolicy = exampleVendorConfig().sla;
  // Due Friday 2026-11-06 17:00 New York (22:00 UTC).
  const row = {
    status: 'in_progress',
    waitingOn: 'vendor',
    slaBreached: false,
    slaDeadline: '2026-11-06T22:00:00.000Z',
  };
  const at = (iso: string) => Date.parse(iso);

  it('counts business hours to the deadline, not wall-clock hours', () => {
    // Thursday 12:00 New York: 5 h left on Thursday, 8 h on Friday.
    expect(rowBadge(row, policy, at('2026-11-05T17:00:00Z'))).toMatchObject({ tone: 'ok', text: '13h left' });
    // Over the weekend before: Friday 17:00 of the week before is 40 business hours away.
    expect(rowBadge(row, policy, at('2026-10-31T12:00:00Z'))).toMatchObject({ tone: 'ok', text: '40h left' });
  });

  it('warns from a quarter of the target left (10 of 40 business hours)', () => {
    expect(rowBadge(row, policy, at('2026-11-05T19:59:00Z'))).toMatchObject({ tone: 'ok', text: '10h 1m left' });
    expect(rowBadge(row, policy, at('2026-11-05T20:00:00Z'))).toMatchObject({
      tone: 'warning',
      icon: '⚠',
      text: '10h left',
    });
  });

  it('counts negative business time once the deadline has passed', () => {
    // Monday 10:30 New York: 1.5 business hours past Friday 17:00.
    expect(rowBadge(row, policy, at('2026-11-09T15:30:00Z'))).toMatchObject({ tone: 'breached', text: '-1h 30m' });
    expect(rowBadge({ ...row, slaBreached: true }, policy, at('2026-11-06T23:00:00Z'))).toMatchObject({
      tone: 'breached',
      text: '0m',
    });
  });

  it('reads paused while waiting on the customer only when the policy pauses', () => {
    const waiting = { ...row, waitingOn: 'customer' };
    expect(rowBadge(waiting, { ...policy, pauseWhileWaitingOnCustomer: true }, at('2026-11-05T17:00:00Z')).tone).toBe(
      'paused',
    );
    expect(rowBadge(waiting, policy, at('2026-11-05T17:00:00Z')).tone).toBe('ok');
  });

  it('reads met or breached once enabled, and no SLA for a rejected or cancelled request', () => {
    expect(rowBadge({ ...row, status: 'enabled' }, policy, 0)).toMatchObject({ tone: 'met', text: 'met' });
    expect(rowBadge({ ...row, status: 'removed', slaBreached: true }, policy, 0)).toMatchObject({
      tone: 'breached',
      text: 'breached',
    });
    expect(rowBadge({ ...row, status: 'cancelled' }, policy, 0)).toMatchObject({ tone: 'none', text: 'cancelled' });
    expect(rowBadge({ ...row, slaDeadline: null }, policy, 0)).toMatchObject({ tone: 'none', text: 'no SLA yet' });
  });

  it("reads an enabled connection's open change by the change's own clock, and says it is the change's", () => {
    const enabled = { ...row, status: 'enabled', slaDeadline: '2026-10-01T20:00:00.000Z' };
    const change = { slaBreached: false, slaDeadline: '2026-11-06T22:00:00.000Z' };
    const running = rowBadge({ ...enabled, openChange: change }, policy, at('2026-11-05T17:00:00Z'));
    expect(running).toMatchObject({ tone: 'ok', text: '13h left' });
    expect(running.label).toMatch(/^Change SLA: 13h of business time left/);
    expect(
      rowBadge({ ...enabled, openChange: { ...change, slaBreached: true } }, policy, at('2026-11-09T15:30:00Z')),
    ).toMatchObject({ tone: 'breached', text: '-1h 30m' });
    // Paused, the workflow publishes no deadline for the change.
    expect(
      rowBadge(
        { ...enabled, waitingOn: 'customer', openChange: { ...change, slaDeadline: null } },
        { ...policy, pauseWhileWaitingOnCustomer: true },
        0,
      ),
    ).toMatchObject({ tone: 'paused', label: 'Change SLA paused while waiting on the customer' });
    expect(rowBadge({ ...enabled, openChange: { ...change, slaDeadline: null } }, policy, 0)).toMatchObject({
      tone: 'none',
      label: 'Change SLA: the clock has not started',
    });
    // Once the request's run ended (removed by hand), the change's clock is not shown running.
    expect(
      rowBadge(
        { ...enabled, closedAt: '2026-11-01T00:00:00Z', openChange: change },
        policy,
        at('2026-11-05T17:00:00Z'),
      ),
    ).toMatchObject({ tone: 'met' });
  });

  it('without the calendar, counts wall-clock time, says so, and never warns on a target it does not know', () => {
    const badge = rowBadge(row, undefined, at('2026-11-06T20:00:00Z'));
    expect(badge).toMatchObject({ tone: 'ok', text: '2h left' });
    expect(badge.label).toContain('wall-clock time');
  });
});
