/**
 * A worker process for the baseline workflow on a Temporal cluster (cases/cluster-scale.ts), the counterpart of the
 * product's `npm run worker`: its memory is measured the same way. Settings from the environment:
 * `TEMPORAL_ADDRESS`, `BASELINE_TASK_QUEUE`, `BASELINE_NOTIFY_URL` (where the timer's effect is posted) and
 * `WORKER_MAX_CACHED_WORKFLOWS` (the SDK's default when unset, as for the product's worker).
 */
import { DefaultLogger, NativeConnection, Runtime, Worker } from '@temporalio/worker';
import type { BaselineActivities } from './workflows/baseline';

async function main(): Promise<void> {
  const env = process.env;
  const taskQueue = env.BASELINE_TASK_QUEUE;
  const notifyUrl = env.BASELINE_NOTIFY_URL;
  if (!taskQueue || !notifyUrl) throw new Error('BASELINE_TASK_QUEUE and BASELINE_NOTIFY_URL are required');
  Runtime.install({ logger: new DefaultLogger('WARN') });
  const connection = await NativeConnection.connect({ address: env.TEMPORAL_ADDRESS ?? '127.0.0.1:7233' });
  const activities: BaselineActivities = {
    async baselineTimerFired(workflowId) {
      const res = await fetch(notifyUrl, {
        method: 'POST',
        headers: { 'content-type': 'application/json', 'idempotency-key': `${workflowId}/timer` },
        body: JSON.stringify({ ticketId: workflowId, kind: 'baseline_timer' }),
      });
      if (!res.ok) throw new Error(`the receiver answered ${res.status}`);
    },
  };
  const cache = env.WORKER_MAX_CACHED_WORKFLOWS;
  const worker = await Worker.create({
    connection,
    taskQueue,
    workflowsPath: require.resolve('./workflows/baseline'),
    activities,
    ...(cache ? { maxCachedWorkflows: Number(cache) } : {}),
  });
  process.stderr.write(`Worker polling task queue ${taskQueue}\n`);
  try {
    await worker.run();
  } finally {
    await connection.close();
  }
}

main().catch((err: unknown) => {
  process.stderr.write(`${err instanceof Error ? (err.stack ?? err.message) : String(err)}\n`);
  process.exit(1);
});
