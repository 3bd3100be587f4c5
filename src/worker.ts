import { createServer, type Server } from 'node:http';
import { NativeConnection, Worker, type WorkerOptions } from '@temporalio/worker';
import { pino } from 'pino';
import { createActivities } from '../activities';
import { activityDeps } from '../activities/deps';
import { productIdentity } from './audit/identity';
import { readAll } from './config/env';
import { workerSettingsReaders } from './config/worker';
import { TASK_QUEUE } from './temporal/names';
import { installTemporalRuntime } from './temporal/runtime';

/**
 * The workflow's helper modules that every workflow shares (see {@link workflowBundlerOptions}): stateless at module
 * scope, each export a function, a class, a definition or plain data.
 */
export const sharedWorkflowModules = [
  './temporal/messages',
  './temporal/names',
  './temporal/failures',
  './domain/ticket',
  './sla/clock-start',
  './sla/plan',
  '../workflows/audit-trail',
  '../workflows/effects',
  '../workflows/sla',
  '../workflows/sla-timer',
  '../workflows/state-view',
];

/** Path of the workflow code the worker bundles (`workflows/index.ts`, or its compiled form). */
export const workflowsPath = require.resolve('../workflows');

/**
 * How the worker bundles the workflow code. `preloadModules`: modules loaded once per worker thread and shared by every
 * workflow in it, not instantiated again for each one: zod and XState (`src/temporal/workflow-libraries.ts`), the
 * event vocabulary, the state machines with the domain rules they use, and the workflow's own helper modules (its
 * messages, effect runner, audit trail and SLA clock). A cached workflow then holds about a tenth of the memory, and a
 * new or replayed workflow starts faster. Shared modules must be stateless (module scope runs before any workflow
 * exists, and is shared by all of them), and the SDK freezes what they export, so they export functions, classes and
 * plain data but no zod schema (`test/domain/shared-modules.test.ts`). `workflows/enablement.ts` itself is not
 * shared: it is the workflow.
 */
export const workflowBundlerOptions = {
  preloadModules: [
    require.resolve('./temporal/workflow-libraries'),
    require.resolve('./domain/events'),
    require.resolve('./machines'),
    ...sharedWorkflowModules.map((path) => require.resolve(path)),
  ],
};

/** How long running activities may go on once the worker is asked to stop (see {@link createEnablementWorker}). */
export const SHUTDOWN_GRACE_TIME = '20 seconds';

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

/**
 * Creates the worker that runs the enablement workflows and activities on the product's task queue. It names itself
 * `privatelink-worker/<version>@<host>:<pid>` to Temporal: the audit history knows the workflow's own records by it.
 */
export function createEnablementWorker(opts: EnablementWorkerOptions): Promise<Worker> {
  return Worker.create({
    connection: opts.connection,
    namespace: opts.namespace,
    identity: productIdentity('worker'),
    taskQueue: opts.taskQueue ?? TASK_QUEUE,
    ...(opts.workflowBundle
      ? { workflowBundle: opts.workflowBundle }
      : { workflowsPath, bundlerOptions: workflowBundlerOptions }),
    activities: opts.activities,
    ...(opts.maxCachedWorkflows !== undefined ? { maxCachedWorkflows: opts.maxCachedWorkflows } : {}),
    // On shutdown, activities already running (a ticket comment being posted) get this long to finish before they
    // are told to cancel; below docker-compose.yml's 30 s stop_grace_period, so they finish before a SIGKILL.
    shutdownGraceTime: SHUTDOWN_GRACE_TIME,
  });
}

/**
 * Serves the worker's own liveness for container healthchecks: `GET /healthz` answers 200 while the worker polls and
 * 503 once it stopped or failed (the process may still be draining). The worker has no other HTTP surface.
 */
export function serveWorkerHealth(worker: Pick<Worker, 'getState'>, port: number, host: string): Promise<Server> {
  const server = createServer((request, response) => {
    const path = (request.url ?? '').split('?')[0];
    if (request.method !== 'GET' || (path !== '/healthz' && path !== '/readyz')) {
      response.writeHead(404, { 'content-type': 'application/problem+json' });
      response.end(
        JSON.stringify({ title: 'Not Found', status: 404, detail: 'Only GET /healthz (and /readyz) is served here.' }),
      );
      return;
    }
    const state = worker.getState();
    const ok = state === 'RUNNING';
    response.writeHead(ok ? 200 : 503, { 'content-type': 'application/json' });
    response.end(JSON.stringify({ status: ok ? 'ok' : 'unavailable', worker: state.toLowerCase() }));
  });
  return new Promise((resolve, reject) => {
    server.once('error', reject);
    server.listen(port, host, () => resolve(server));
  });
}

/**
 * `npm run worker`: a standalone worker against `TEMPORAL_ADDRESS` (default 127.0.0.1:7233), with SDK metrics at
 * `METRICS_ADDRESS` and a health endpoint on `HEALTH_PORT` when set. SIGINT/SIGTERM stop it gracefully: it stops
 * polling, gives running activities up to {@link SHUTDOWN_GRACE_TIME} to finish, then exits.
 */
async function main(): Promise<void> {
  const env = process.env;
  const { runtime: settings, vendor, activities: activitySettings } = readAll(workerSettingsReaders(env));
  const config = settings.temporal ?? { address: '127.0.0.1:7233', namespace: 'default' };
  const logger = pino({ level: settings.logLevel });
  const activities = createActivities(activityDeps(activitySettings, vendor.config, logger));
  installTemporalRuntime({ logger, metricsAddress: settings.metricsAddress });
  process.stderr.write(`Connecting to Temporal at ${config.address} and bundling the workflows ...\n`);
  const connection = await NativeConnection.connect(config);
  let health: Server | undefined;
  try {
    const worker = await createEnablementWorker({
      connection,
      namespace: config.namespace,
      activities,
      maxCachedWorkflows: settings.maxCachedWorkflows,
    });
    if (settings.healthPort !== undefined) health = await serveWorkerHealth(worker, settings.healthPort, settings.host);
    process.stderr.write(
      `Worker polling task queue ${TASK_QUEUE} on ${config.address} (namespace ${config.namespace})` +
        (settings.metricsAddress ? `; metrics at http://${settings.metricsAddress}/metrics` : '') +
        (health ? `; health at http://${settings.host}:${settings.healthPort}/healthz` : '') +
        '\n',
    );
    // The SDK's runtime stops the worker gracefully on SIGINT/SIGTERM, also one that arrived while it was created
    // (test/e2e/worker-and-api.test.ts).
    await worker.run();
  } finally {
    health?.close();
    await connection.close();
  }
}

if (require.main === module) {
  main().catch((err: unknown) => {
    process.stderr.write(`${err instanceof Error ? err.message : String(err)}\n`);
    process.exit(1);
  });
}
