/** Small checks on JSON values that arrive from outside (webhooks, tickets, histories): pure, never throwing. */

/** True for a plain JSON object (not null, not an array). */
export function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}
