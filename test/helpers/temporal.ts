import { randomUUID } from 'node:crypto';
import type { Client } from '@temporalio/client';
import { TestWorkflowEnvironment } from '@temporalio/testing';
import {
  bundleWorkflowCode,
  DefaultLogger,
  Runtime,
  type Worker,
  type WorkflowBundle,
  type WorkerOptions,
} from '@temporalio/worker';
import { resolveTemporalCli, resolveTestServer } from '../../src/temporal/binaries';
import { Connection } from '@temporalio/client';
import { type DevServer, devServerConfigArgs, startDevServer } from '../../src/temporal/dev-server';
import { freePort } from './processes';
import { ensureSearchAttributes } from '../../src/temporal/search-attributes';
import {
  createEnablementWorker,
  workflowBundlerOptions,
  workflowsPath as productWorkflowsPath,
} from '../../src/worker';
import { eventually } from './eventually';
import { startTestActivities, type TestActivities } from './activities';

/** Which real server a test file runs against. */
export type TemporalServerKind = 'dev-server' | 'time-skipping';

/** What a test file gets from {@link useTemporal}. */
export interface TemporalTestContext {
  readonly env: TestWorkflowEnvironment;
  readonly client: Client;
  /** A task queue unique to this file. */
  readonly taskQueue: string;
  /** Runs `fn` while a real worker (the product's, with this file's bundle) polls the task queue. */
  withWorker<T>(
    fn: () => Promise<T>,
    opts?: { activities?: WorkerOptions['activities']; maxCachedWorkflows?: number },
  ): Promise<T>;
  /** The real activities this file's workers run by default (ticket file, notification receiver). */
  readonly activities: TestActivities;
}

let runtimeInstalled = false;

/** Keeps the SDK to warnings in test (and bench) output; the runtime is per process, so install it once. */
export function installQuietRuntime(): void {
  if (runtimeInstalled) return;
  try {
    Runtime.install({ logger: new DefaultLogger('WARN') });
  } catch {
    // Already installed by an earlier file in this jest worker.
  }
  runtimeInstalled = true;
}

/**
 * Starts a real Temporal server for the calling test file (in `beforeAll`), bundles the workflow code once, and tears
 * everything down in `afterAll`. Both servers get the product's search attributes registered.
 *
 * @param opts.workflowsPath workflow code to bundle; the product's `workflows/` by default
 * @param opts.devServerArgs extra `temporal server start-dev` flags, e.g. dynamic config values
 */
export function useTemporal(
  kind: TemporalServerKind,
  opts: { workflowsPath?: string; devServerArgs?: string[] } = {},
): TemporalTestContext {
  let env: TestWorkflowEnvironment | undefined;
  let bundle: WorkflowBundle | undefined;
  let activities: (TestActivities & { stop(): Promise<void> }) | undefined;
  // Workers still running when the file ends (a test that timed out): stopped before teardown, which refuses to close
  // a connection a worker holds and would leave the server process behind.
  const running = new Set<Worker>();
  const taskQueue = `test-${kind}-${randomUUID()}`;

  beforeAll(async () => {
    installQuietRuntime();
    const quiet = new DefaultLogger('WARN');
    const [started, built, acts] = await Promise.all([
      startEnvironment(kind, opts.devServerArgs ?? []),
      bundleWorkflowCode({
        ...(opts.workflowsPath
          ? { workflowsPath: opts.workflowsPath }
          : { workflowsPath: productWorkflowsPath, ...workflowBundlerOptions }),
        logger: quiet,
      }),
      startTestActivities(),
    ]);
    env = started;
    bundle = built;
    activities = acts;
  }, 120_000);

  afterAll(async () => {
    for (const worker of running) if (worker.getState() === 'RUNNING') worker.shutdown();
    await Promise.all([...running].map((w) => waitForStop(w)));
    await env?.teardown();
    await activities?.stop();
  }, 60_000);

  const ready = () => {
    if (!env || !bundle || !activities) {
      throw new Error('useTemporal: the environment is not started (use it inside a test)');
    }
    return { env, bundle, activities };
  };

  return {
    get env() {
      return ready().env;
    },
    get client() {
      return ready().env.client;
    },
    taskQueue,
    get activities() {
      return ready().activities;
    },
    async withWorker(fn, workerOpts = {}) {
      const { env: e, bundle: b, activities: a } = ready();
      const worker = await createEnablementWorker({
        connection: e.nativeConnection,
        namespace: e.namespace ?? 'default',
        taskQueue,
        workflowBundle: b,
        activities: workerOpts.activities ?? a.activities,
        maxCachedWorkflows: workerOpts.maxCachedWorkflows,
      });
      running.add(worker);
      try {
        return await worker.runUntil(fn);
      } finally {
        running.delete(worker);
      }
    },
  };
}

async function startEnvironment(kind: TemporalServerKind, devServerArgs: string[]): Promise<TestWorkflowEnvironment> {
  if (kind === 'time-skipping') {
    const testServer = await resolveTestServer();
    const env = await TestWorkflowEnvironment.createTimeSkipping({
      server: { executable: { type: 'existing-path', path: testServer.path } },
    });
    await ensureSearchAttributes(env.connection, env.namespace ?? 'default');
    return env;
  }
  const cli = await resolveTemporalCli();
  const env = await TestWorkflowEnvironment.createLocal({
    server: {
      executable: { type: 'existing-path', path: cli.path },
      ip: '127.0.0.1',
      ui: false,
      // The product's own server settings first (as npm start runs it), then the test file's.
      extraArgs: [...devServerConfigArgs(), ...devServerArgs],
    },
  });
  await ensureSearchAttributes(env.connection, env.namespace ?? 'default');
  return env;
}

/** Resolves once a worker has stopped (or after 20 s, so teardown is never blocked forever). */
async function waitForStop(worker: Worker): Promise<void> {
  await eventually(
    () => worker.getState(),
    (state) => state === 'STOPPED' || state === 'FAILED',
    { timeoutMs: 20_000, what: 'the worker to stop' },
  ).catch(() => undefined);
}

/**
 * A Temporal cluster for product processes a test starts (`npm run worker`, `npm run api`, the compiled image
 * commands): the dev server on a free port with its SQLite file under `dataDir`, and the search attributes registered,
 * as docker-compose.yml's temporal-namespace job does before the worker and the API start.
 */
export async function startCluster(dataDir: string): Promise<DevServer> {
  const cli = await resolveTemporalCli();
  const cluster = await startDevServer({
    cliPath: cli.path,
    dataDir,
    port: await freePort(),
    uiPort: false,
    log: () => undefined,
  });
  const connection = await Connection.connect({ address: cluster.address });
  try {
    await ensureSearchAttributes(connection, 'default');
  } finally {
    await connection.close();
  }
  return cluster;
}
