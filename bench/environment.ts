/**
 * What every benchmark runs against: a real Temporal dev server, the product's worker (its real bundle and
 * activities) on one task queue, the baseline workflow's worker on another, and the real HTTP API listening on a
 * port with real bearer tokens and a Standard Webhooks secret.
 */
import { spawnSync } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Client } from '@temporalio/client';
import { TestWorkflowEnvironment } from '@temporalio/testing';
import { bundleWorkflowCode, DefaultLogger, Worker, type WorkflowBundle } from '@temporalio/worker';
import type { FastifyInstance } from 'fastify';
import type { AddressInfo } from 'node:net';
import { createActivities } from '../activities';
import { WebhookNotifier } from '../activities/notifier';
import type { TicketSystem } from '../activities/ports';
import { FileTicketSystem } from '../activities/ticket-file';
import { Authenticator } from '../src/api/auth';
import { EnablementClient } from '../src/temporal/enablement-client';
import { buildApiServer } from '../src/api/server';
import { resolveTemporalCli } from '../src/temporal/binaries';
import { devServerConfigArgs } from '../src/temporal/dev-server';
import { ensureSearchAttributes } from '../src/temporal/search-attributes';
import { createEnablementWorker, workflowBundlerOptions, workflowsPath as productWorkflowsPath } from '../src/worker';
import { exampleVendorConfig } from '../test/fixtures/requests';
import { newWebhookSecret, testCredentials } from '../test/helpers/api';
import { installQuietRuntime } from '../test/helpers/temporal';

/** Path of the baseline workflow, bundled on its own. */
export const baselineWorkflowsPath = require.resolve('./workflows/baseline');

/** An HTTP API listening on a port. */
export interface ListeningApi {
  app: FastifyInstance;
  /** `http://127.0.0.1:<port>` */
  url: string;
}

/** The running stack the benchmarks share. */
export interface BenchEnvironment {
  client: Client;
  testEnv: TestWorkflowEnvironment;
  namespace: string;
  /** `temporal --version` of the dev server's CLI. */
  temporalCliVersion: string;
  bundles: { product: WorkflowBundle; baseline: WorkflowBundle };
  /** Task queues polled by the product's worker and the baseline worker. */
  queues: { product: string; baseline: string };
  /** The product's activities (the same as the worker's: file tickets, logged notifications, real TCP checks). */
  activities: ReturnType<typeof createActivities>;
  /** The API over the product's task queue. */
  api: ListeningApi;
  /**
   * A second API over the product's task queue, for webhook intake (see cases/webhook-start.ts): a webhook's answer
   * now waits for the request to take the event, so its intake needs the worker.
   */
  intakeApi: ListeningApi;
  /** A task queue no worker polls. */
  unpolledQueue: string;
  tokens: ReturnType<typeof testCredentials>;
  webhookSecret: string;
  stop(): Promise<void>;
}

/**
 * A ticket system writing one JSON-lines file per ticket: the product's file adapter, without the cost of reading
 * every earlier ticket's comments on each post (which would make the benchmark slow down as it runs).
 */
function perTicketFiles(dir: string): TicketSystem {
  return {
    name: `file:${dir}/<ticket>.jsonl`,
    postComment: (ticketId, body, idempotencyKey) =>
      new FileTicketSystem(join(dir, `${ticketId}.jsonl`)).postComment(ticketId, body, idempotencyKey),
  };
}

async function listen(app: FastifyInstance): Promise<ListeningApi> {
  await app.listen({ host: '127.0.0.1', port: 0 });
  const { port } = app.server.address() as AddressInfo;
  return { app, url: `http://127.0.0.1:${port}` };
}

/** Starts the dev server, bundles both workflow sets, starts both workers and the APIs. */
export async function startBenchEnvironment(log: (line: string) => void): Promise<BenchEnvironment> {
  installQuietRuntime();
  const quiet = new DefaultLogger('WARN');
  const cli = await resolveTemporalCli({ log });
  const version = spawnSync(cli.path, ['--version'], { encoding: 'utf8' });
  const temporalCliVersion = (version.stdout || version.stderr || 'unknown').trim();
  log(`Starting the Temporal dev server (${temporalCliVersion}) and bundling the workflows ...`);
  const [testEnv, product, baseline] = await Promise.all([
    TestWorkflowEnvironment.createLocal({
      server: {
        executable: { type: 'existing-path', path: cli.path },
        ip: '127.0.0.1',
        ui: false,
        // The server settings npm start and docker-compose.yml run the product with.
        extraArgs: devServerConfigArgs(),
      },
    }),
    bundleWorkflowCode({ workflowsPath: productWorkflowsPath, ...workflowBundlerOptions, logger: quiet }),
    bundleWorkflowCode({ workflowsPath: baselineWorkflowsPath, logger: quiet }),
  ]);
  const namespace = testEnv.namespace ?? 'default';
  const workers: Worker[] = [];
  const running: Promise<void>[] = [];
  const dataDir = mkdtempSync(join(tmpdir(), 'privatelink-bench-'));
  const apis: ListeningApi[] = [];
  const stop = async () => {
    for (const w of workers) if (w.getState() === 'RUNNING') w.shutdown();
    await Promise.allSettled(running);
    await Promise.allSettled(apis.map((a) => a.app.close()));
    await testEnv.teardown();
    rmSync(dataDir, { recursive: true, force: true });
  };
  try {
    await ensureSearchAttributes(testEnv.connection, namespace);
    const suffix = randomUUID().slice(0, 8);
    const queues = { product: `bench-product-${suffix}`, baseline: `bench-baseline-${suffix}` };
    const activities = createActivities({
      tickets: perTicketFiles(dataDir),
      notifier: new WebhookNotifier(undefined, { info: () => undefined, warn: () => undefined }),
      vendorConfig: exampleVendorConfig(),
      connectivityTimeoutMs: 1_000,
    });
    const productWorker = await createEnablementWorker({
      connection: testEnv.nativeConnection,
      namespace,
      taskQueue: queues.product,
      workflowBundle: product,
      activities,
    });
    const baselineWorker = await Worker.create({
      connection: testEnv.nativeConnection,
      namespace,
      taskQueue: queues.baseline,
      workflowBundle: baseline,
    });
    for (const w of [productWorker, baselineWorker]) {
      workers.push(w);
      running.push(w.run());
    }
    const tokens = testCredentials();
    const webhookSecret = newWebhookSecret();
    const unpolledQueue = `bench-unpolled-${suffix}`;
    const build = (taskQueue: string) =>
      buildApiServer({
        requests: new EnablementClient(testEnv.client, taskQueue),
        authenticator: new Authenticator(tokens.store),
        webhooks: { tickets: [webhookSecret] },
        // These measure the API; the console's inbox index (which reads visibility every second) is measured on its
        // own on the cluster (cases/cluster-scale.ts) and would only add load to every other figure here.
        console: { index: false },
      });
    const api = await listen(build(queues.product));
    apis.push(api);
    const intakeApi = await listen(build(queues.product));
    apis.push(intakeApi);
    return {
      client: testEnv.client,
      testEnv,
      namespace,
      temporalCliVersion,
      bundles: { product, baseline },
      queues,
      activities,
      api,
      intakeApi,
      unpolledQueue,
      tokens,
      webhookSecret,
      stop,
    };
  } catch (err) {
    await stop();
    throw err;
  }
}
