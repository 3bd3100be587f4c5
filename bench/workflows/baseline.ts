/**
 * The benchmarks' baseline: an empty workflow with an update handler that does nothing meaningful. Every product
 * figure is a ratio against this workflow measured in the same run, on the same server, so what remains is what the
 * product itself costs (its machine, effects, search attributes, memo and payloads), not Temporal's own round trips.
 *
 * Bundled on its own (`workflowsPath` is this file) and run on its own task queue.
 */
import {
  allHandlersFinished,
  condition,
  defineQuery,
  defineSignal,
  defineUpdate,
  proxyActivities,
  setHandler,
  workflowInfo,
} from '@temporalio/workflow';

/** Input of {@link baselineWorkflow}: with `updates`, it completes after that many updates; without, it waits. */
export interface BaselineInput {
  updates?: number;
  /**
   * An instant (ISO 8601): the workflow sleeps until then and carries out one effect (the activity
   * {@link BaselineActivities.baselineTimerFired}), then goes on waiting. The SLA burst's baseline (cases/cluster-scale.ts).
   */
  timerAt?: string;
}

/** The one activity of the baseline: the effect of a timer, posted to the benchmark's receiver. */
export interface BaselineActivities {
  baselineTimerFired(workflowId: string): Promise<void>;
}

/** Takes any event (the same objects the product gets) and answers how many updates the workflow has had. */
export const baselineUpdate = defineUpdate<number, [unknown]>('baselineUpdate');

/** How many updates the workflow has had (the scale benchmark reads every workflow once, loading it into a cache). */
export const baselineUpdates = defineQuery<number>('baselineUpdates');

/** Ends a baseline workflow that waits without a count. */
export const baselineFinish = defineSignal('baselineFinish');

const { baselineTimerFired } = proxyActivities<BaselineActivities>({ startToCloseTimeout: '1 minute' });

/** Counts updates; ends after `input.updates` of them, or on {@link baselineFinish}. */
export async function baselineWorkflow(input: BaselineInput = {}): Promise<number> {
  let updates = 0;
  let finished = false;
  setHandler(baselineUpdate, () => ++updates);
  setHandler(baselineUpdates, () => updates);
  setHandler(baselineFinish, () => {
    finished = true;
  });
  const done = () => finished || (input.updates !== undefined && updates >= input.updates);
  if (input.timerAt !== undefined) {
    // Due already when the workflow first runs (a set-up slower than the benchmark planned): the effect at once.
    const wait = Date.parse(input.timerAt) - Date.now();
    if (wait <= 0 || !(await condition(done, wait))) await baselineTimerFired(workflowInfo().workflowId);
  }
  await condition(done);
  await condition(allHandlersFinished);
  return updates;
}
