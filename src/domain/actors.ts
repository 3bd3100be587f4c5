/**
 * The actors the product records for itself in the audit trail, which no person or token may be named: a caller
 * whose subject is `system` or `ticket-system:zendesk` would write entries indistinguishable from the product's own
 * (the SLA clock, effects, a verified ticket webhook). Tokens files, `plctl token new` and OIDC subjects are checked
 * against these.
 */

/** Whole actor names the product writes: its own steps, and the placeholders of an unknown sender. */
export const reservedActorNames: readonly string[] = ['system', 'unknown', '(unknown)'];

/**
 * Prefixes of actor names the product writes: a verified ticket webhook (`ticket-system:<source>`, see
 * src/api/routes/webhooks.ts), and the Temporal identities of its own API and worker, which the audit timeline shows
 * for what they did (src/audit/identity.ts).
 */
export const reservedActorPrefixes: readonly string[] = ['ticket-system:', 'privatelink-api/', 'privatelink-worker/'];

/**
 * The actor of events a ticket system's verified webhook sent (`ticket-system:zendesk`), and so the `startedBy` of the
 * requests it started: comments go to a Zendesk or Jira ticket only when that system's webhook started its request.
 */
export const ticketSystemActor = (source: string): string => `${reservedActorPrefixes[0]}${source}`;

/**
 * Why a subject cannot be an actor, or `undefined` when it can. Compared as a person would read it: without
 * surrounding spaces, in lower case, and with compatibility characters folded (a full-width `ｓｙｓｔｅｍ` is `system`).
 */
export function reservedActorProblem(subject: string): string | undefined {
  const folded = subject.normalize('NFKC').trim().toLowerCase();
  if (reservedActorNames.includes(folded)) {
    return `is "${folded}", a name the product records for its own actions; give the holder a name of their own`;
  }
  const prefix = reservedActorPrefixes.find((p) => folded.startsWith(p));
  if (prefix) {
    return `starts with "${prefix}", which the product records for its own actions; give the holder a name of their own`;
  }
  return undefined;
}
