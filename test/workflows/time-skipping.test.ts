import { useTemporal } from '../helpers/temporal';
import { sleepFiveDaysWorkflow } from './fixtures/harness-workflows';

const temporal = useTemporal('time-skipping', { workflowsPath: require.resolve('./fixtures/harness-workflows') });

const FIVE_DAYS_MS = 5 * 24 * 60 * 60 * 1000;

describe('the time-skipping harness', () => {
  it('completes a workflow that sleeps five days, skipping the wait', async () => {
    const serverTimeBefore = await temporal.env.currentTimeMs();
    const { startedAt, finishedAt } = await temporal.withWorker(() =>
      temporal.client.workflow.execute(sleepFiveDaysWorkflow, {
        taskQueue: temporal.taskQueue,
        workflowId: `sleep-${temporal.taskQueue}`,
      }),
    );
    expect(finishedAt - startedAt).toBeGreaterThanOrEqual(FIVE_DAYS_MS);
    // The server's clock moved five days forward: the timer was skipped to, not waited for.
    expect((await temporal.env.currentTimeMs()) - serverTimeBefore).toBeGreaterThanOrEqual(FIVE_DAYS_MS);
  });
});
