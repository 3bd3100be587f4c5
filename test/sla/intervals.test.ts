/**
 * The SLA's arithmetic on business time, edge by edge: what the workflow computes deadlines, warnings and pauses with
 * (a window that ends exactly when the target is reached, a pause covering the start, a clock already there).
 */
import { slaClockStart } from '../../src/sla/clock-start';
import { localTime } from '../../src/sla/format';
import { instantAfter, normalize, overlapMs, subtract } from '../../src/sla/intervals';
import { instantAtFraction, type SlaClock } from '../../src/sla/plan';

describe('business-time intervals', () => {
  it('normalizes: sorted, overlapping and touching windows merged, empty ones dropped', () => {
    expect(
      normalize([
        [30, 40],
        [0, 10],
        [10, 15],
        [12, 20],
        [25, 25],
        [50, 45],
      ]),
    ).toEqual([
      [0, 20],
      [30, 40],
    ]);
  });

  it('subtracts holes at the start, inside, at the end and across windows', () => {
    const windows: [number, number][] = [
      [0, 10],
      [20, 30],
      [40, 50],
    ];
    expect(subtract(windows, [[-5, 2]])).toEqual([
      [2, 10],
      [20, 30],
      [40, 50],
    ]);
    expect(subtract(windows, [[4, 6]])).toEqual([
      [0, 4],
      [6, 10],
      [20, 30],
      [40, 50],
    ]);
    expect(subtract(windows, [[8, 42]])).toEqual([
      [0, 8],
      [42, 50],
    ]);
    expect(
      subtract(windows, [
        [45, 60],
        [10, 20],
      ]),
    ).toEqual([
      [0, 10],
      [20, 30],
      [40, 45],
    ]);
    expect(subtract(windows, [[0, 50]])).toEqual([]);
    expect(subtract(windows, [])).toEqual(windows);
    expect(
      subtract(windows, [
        [-10, -5],
        [2, 3],
        [5, 10],
        [12, 18],
        [50, 60],
      ]),
    ).toEqual([
      [0, 2],
      [3, 5],
      [20, 30],
      [40, 50],
    ]);
  });

  it('measures the window time inside a span, cutting windows at its edges', () => {
    const windows: [number, number][] = [
      [0, 10],
      [20, 30],
    ];
    expect(overlapMs(windows, 5, 25)).toBe(5 + 5);
    expect(overlapMs(windows, 10, 20)).toBe(0);
    expect(overlapMs(windows, -100, 100)).toBe(20);
    expect(overlapMs(windows, 30, 40)).toBe(0);
    expect(overlapMs(windows, 0, 15)).toBe(10);
  });

  it('finds the instant an amount is reached: at a window end exactly, across a gap, or never', () => {
    const windows: [number, number][] = [
      [0, 10],
      [20, 30],
    ];
    expect(instantAfter(windows, 0, 10)).toBe(10);
    expect(instantAfter(windows, 0, 11)).toBe(21);
    expect(instantAfter(windows, 5, 10)).toBe(25);
    expect(instantAfter(windows, 12, 3)).toBe(23);
    expect(instantAfter(windows, 0, 21)).toBeUndefined();
    // A clock already there: no time needed is the start itself, even outside a window.
    expect(instantAfter(windows, 15, 0)).toBe(15);
  });

  it('reaches a fraction of the target in business time (warnings at 50 %)', () => {
    const clock: SlaClock = {
      startedAt: 0,
      windows: [
        [0, 10],
        [20, 30],
      ],
      horizon: 30,
      pauses: [],
      targetMs: 16,
      businessDayMs: 4,
    };
    expect(instantAtFraction(clock, 0.5)).toBe(8);
    expect(instantAtFraction(clock, 0.75)).toBe(22);
    expect(instantAtFraction({ ...clock, pauses: [[5, 25]] }, 0.5)).toBe(28);
  });
});

describe('when the SLA clock starts', () => {
  const now = Date.parse('2026-11-10T12:00:00Z');

  it("starts at the ticket's own submission time, with or without seconds, in any offset", () => {
    expect(slaClockStart('2026-11-02T15:00:00Z', now)).toBe(Date.parse('2026-11-02T15:00:00Z'));
    expect(slaClockStart('2026-11-02T10:00-05:00', now)).toBe(Date.parse('2026-11-02T15:00:00Z'));
    expect(slaClockStart('2026-11-02T15:00:00.250Z', now)).toBe(Date.parse('2026-11-02T15:00:00.250Z'));
    expect(slaClockStart('2026-11-10T12:00:00Z', now)).toBe(now);
  });

  it('starts now for a time in the future, an unreadable or out-of-range one, or none', () => {
    for (const given of [
      '2026-11-11T00:00:00Z',
      '+243780-07-20T21:00:00Z',
      '2026-11-02',
      '2026-11-02T15:00:00',
      'yesterday',
      ' 2026-11-02T15:00:00Z',
      undefined,
      1_700_000_000_000,
    ]) {
      expect({ given, start: slaClockStart(given, now) }).toEqual({ given, start: now });
    }
  });
});

describe('times as people read them', () => {
  it("gives the local date and time in the calendar's zone, and names the zone", () => {
    expect(localTime('2026-11-09T15:00:00Z', 'America/New_York')).toBe('2026-11-09 10:00 America/New_York');
    expect(localTime(Date.parse('2026-07-01T23:30:00Z'), 'Europe/Berlin')).toBe('2026-07-02 01:30 Europe/Berlin');
  });
});
