/**
 * The only place with I/O. The worker calls {@link createActivities} with real clients; tests pass fakes that speak
 * the same wire protocol.
 */

/** Clients the activities use (ticket system, notifications, network checks), injected by the worker. */
export type ActivityDeps = Record<string, never>;

/** The activity implementations registered on the enablement worker. */
export function createActivities(_deps: ActivityDeps = {}): Record<string, (...args: never[]) => Promise<unknown>> {
  return {};
}
