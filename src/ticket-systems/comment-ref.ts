/**
 * The reference line our ticket adapters end every comment with: `[ref: privatelink-<ticket>/<n>]`, the effect's
 * idempotency key. Shared by both sides of a ticket system: the outbound adapters use it to find a comment they
 * already posted (Zendesk and Jira have no idempotency keys), the inbound webhook parsers to skip our own comments.
 */

/**
 * The line our ticket adapters end every comment with. It lets an adapter find a comment it already posted (Zendesk
 * and Jira have no idempotency keys) and lets the webhook parsers skip comments we wrote ourselves.
 */
export function commentFooter(idempotencyKey: string): string {
  return `[ref: ${idempotencyKey}]`;
}

/** True when the text has a {@link commentFooter} line: for this key when one is given, for any key otherwise. */
export function hasCommentFooter(text: string, idempotencyKey?: string): boolean {
  if (typeof text !== 'string') return false;
  const footer = idempotencyKey === undefined ? undefined : commentFooter(idempotencyKey);
  return text
    .split(/\r\n|\r|\n/)
    .some((line) => (footer ? line.trim() === footer : /^\[ref: [^\s\]]+\]$/.test(line.trim())));
}
