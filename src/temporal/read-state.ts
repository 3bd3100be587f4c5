import type { WorkflowHandle } from '@temporalio/client';
import { errorChain } from '../errors';
import { enablementStateQuery, STARTING, type StateView } from './messages';

/**
 * Queries a request's state view. A request answers "starting" for the few milliseconds it takes to load its vendor
 * configuration after it starts; this waits that out (up to `timeoutMs`) instead of failing the caller.
 */
export async function readState(handle: WorkflowHandle, timeoutMs = 10_000): Promise<StateView> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    try {
      return await handle.query(enablementStateQuery);
    } catch (err) {
      if (!isStarting(err) || Date.now() > deadline) throw err;
      await new Promise((resolve) => setTimeout(resolve, 25));
    }
  }
}

/** True when the error, or any error in its cause chain, is the request's "starting" answer. */
export function isStarting(err: unknown): boolean {
  return errorChain(err).some((e) => e.message.includes(STARTING));
}
