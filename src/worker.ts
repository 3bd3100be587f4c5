import { NativeConnection, Worker, type WorkerOptions } from '@temporalio/worker';
import { pino } from 'pino';
import { createActivities } from '../activities';
import { activityDepsFromEnv } from '../activities/defaults';
import { loadVendorConfig } from './config/vendor-config-file';
import { connectionConfigFromEnv } from './temporal/connection';
import { TASK_QUEUE } from './temporal/names';

/** Path of the workflow code the worker bundles (`workflows/index.ts`, or its compiled form). */
export const workflowsPath = require.resolve('../workflows');

/** What a caller may change about the enablement worker; everything else is fixed by the product. */
export interface EnablementWorkerOptions {
  connection: NativeConnection;
  namespace: string;
  /** A prebuilt bundle (tests build it once per file); otherwise `workflowsPath` is bundled at start. */
  workflowBundle?: WorkerOptions['workflowBundle'];
  /** The activity implementations, from `createActivities(deps)`. */
  activities: WorkerOptions['activities'];
  taskQueue?: string;
  maxCachedWorkflows?: number;
}

/** Creates the worker that runs the enablement workflows and activities on the product's task queue. */
export function createEnablementWorker(opts: EnablementWorkerOptions): Promise<Worker> {
  return Worker.create({
    connection: opts.connection,
    namespace: opts.namespace,
    taskQueue: opts.taskQueue ?? TASK_QUEUE,
    ...(opts.workflowBundle ? { workflowBundle: opts.workflowBundle } : { workflowsPath }),
    activities: opts.activities,
    ...(opts.maxCachedWorkflows !== undefined ? { maxCachedWorkflows: opts.maxCachedWorkflows } : {}),
  });
}

/** `npm run worker`: a standalone worker against `TEMPORAL_ADDRESS` (default 127.0.0.1:7233). */
async function main(): Promise<void> {
  const config = connectionConfigFromEnv(process.env) ?? { address: '127.0.0.1:7233', namespace: 'default' };
  const vendor = loadVendorConfig();
  const logger = pino({ level: process.env.LOG_LEVEL || 'info' });
  const activities = createActivities(activityDepsFromEnv(process.env, vendor.config, logger));
  const connection = await NativeConnection.connect(config);
  try {
    const worker = await createEnablementWorker({ connection, namespace: config.namespace, activities });
    process.stderr.write(
      `Worker polling task queue ${TASK_QUEUE} on ${config.address} (namespace ${config.namespace})\n`,
    );
    // The SDK's runtime stops the worker gracefully on SIGINT/SIGTERM.
    await worker.run();
  } finally {
    await connection.close();
  }
}

if (require.main === module) {
  main().catch((err: unknown) => {
    process.stderr.write(`${err instanceof Error ? err.message : String(err)}\n`);
    process.exit(1);
  });
}
