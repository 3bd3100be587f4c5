/**
 * When a request's SLA clock starts. Pure: it runs in workflow code, on workflow time.
 */

/**
 * The instant the SLA clock starts: the ticket's own submission time (`submittedAt`, which may be days in the past)
 * when it is a plain ISO instant not after `now`, else `now`. A waiting ticket's draft is not validated, so this is
 * the last guard: a value such as `+243780-07-20T21:00:00Z` would give a deadline that no Datetime search attribute
 * can hold, and every later workflow task would fail.
 */
export function slaClockStart(submittedAt: unknown, now: number): number {
  // An ISO 8601 instant with a four-digit year and an offset, as tickets give their submission time.
  const isoInstant = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}(?::\d{2}(?:\.\d+)?)?(?:Z|[+-]\d{2}:\d{2})$/;
  const ms = typeof submittedAt === 'string' && isoInstant.test(submittedAt) ? Date.parse(submittedAt) : NaN;
  return Number.isNaN(ms) || ms > now ? now : ms;
}
