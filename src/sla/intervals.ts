/**
 * Arithmetic on business time as plain UTC intervals `[startMs, endMs)`, sorted and disjoint. No time zones here:
 * the workflow uses this on windows an activity computed, so replays never depend on a time-zone database.
 */

/** A half-open interval of epoch milliseconds. */
export type Interval = readonly [start: number, end: number];

/** Sorts and merges overlapping or touching intervals; drops empty ones. */
export function normalize(intervals: readonly Interval[]): Interval[] {
  const sorted = intervals.filter(([s, e]) => e > s).sort((a, b) => a[0] - b[0]);
  const out: [number, number][] = [];
  for (const [s, e] of sorted) {
    const last = out[out.length - 1];
    if (last && s <= last[1]) last[1] = Math.max(last[1], e);
    else out.push([s, e]);
  }
  return out;
}

/** `windows` minus `holes`: the parts of the windows not covered by any hole. */
export function subtract(windows: readonly Interval[], holes: readonly Interval[]): Interval[] {
  const cuts = normalize(holes);
  const out: Interval[] = [];
  for (const [s, e] of normalize(windows)) {
    let cursor = s;
    // Holes are sorted and apart: once one starts at the window's end, so do the rest. One ending before the cursor
    // changes nothing.
    for (const [hs, he] of cuts) {
      if (hs >= e) break;
      if (hs > cursor) out.push([cursor, hs]);
      cursor = Math.max(cursor, he);
    }
    if (cursor < e) out.push([cursor, e]);
  }
  return out;
}

/** Milliseconds of `windows` inside `[from, to)`. */
export function overlapMs(windows: readonly Interval[], from: number, to: number): number {
  let total = 0;
  for (const [s, e] of windows) {
    if (e <= from) continue;
    if (s >= to) break;
    total += Math.min(e, to) - Math.max(s, from);
  }
  return total;
}

/**
 * The first instant at which `amountMs` of window time has accumulated after `from`, or `undefined` when the windows
 * end first. With `amountMs` 0 it is `from` itself (the clock is already there).
 */
export function instantAfter(windows: readonly Interval[], from: number, amountMs: number): number | undefined {
  if (amountMs <= 0) return from;
  let left = amountMs;
  for (const [s, e] of windows) {
    if (e <= from) continue;
    const start = Math.max(s, from);
    const length = e - start;
    if (length >= left) return start + left;
    left -= length;
  }
  return undefined;
}
