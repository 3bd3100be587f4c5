/**
 * The benchmarks' baseline: an empty workflow with an update handler that does nothing meaningful. Every product
 * figure is a ratio against this workflow measured in the same run, on the same server, so what remains is what the
 * product itself costs (its machine, effects, search attributes, memo and payloads), not Temporal's own round trips.
 *
 * Bundled on its own (`workflowsPath` is this file) and run on its own task queue.
 */
import { allHandlersFinished, condition, defineSignal, defineUpdate, setHandler } from '@temporalio/workflow';

/** Input of {@link baselineWorkflow}: with `updates`, it completes after that many updates; without, it waits. */
export interface BaselineInput {
  updates?: number;
}

/** Takes any event (the same objects the product gets) and answers how many updates the workflow has had. */
export const baselineUpdate = defineUpdate<number, [unknown]>('baselineUpdate');

/** Ends a baseline workflow that waits without a count. */
export const baselineFinish = defineSignal('baselineFinish');

/** Counts updates; ends after `input.updates` of them, or on {@link baselineFinish}. */
export async function baselineWorkflow(input: BaselineInput = {}): Promise<number> {
  let updates = 0;
  let finished = false;
  setHandler(baselineUpdate, () => ++updates);
  setHandler(baselineFinish, () => {
    finished = true;
  });
  await condition(() => finished || (input.updates !== undefined && updates >= input.updates));
  await condition(allHandlersFinished);
  return updates;
}
