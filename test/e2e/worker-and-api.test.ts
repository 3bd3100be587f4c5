import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { DevServer } from '../../src/temporal/dev-server';
import { validIntake } from '../fixtures/requests';
import { bearer, testCredentials } from '../helpers/api';
import { startWorkerProcess } from '../helpers/drill-stack';
import { startCluster } from '../helpers/temporal';
import { freePort, killGroup, type RunningProcess, runEntry, runNpmScript } from '../helpers/processes';
import { waitFor } from '../helpers/eventually';

/**
 * The two processes of a deployment (docker-compose.yml runs them as containers): `npm run worker` and `npm run api`
 * against an existing cluster, each with its health endpoint and Prometheus metrics.
 */
describe('npm run worker and npm run api, as separate processes', () => {
  const scratch = mkdtempSync(join(tmpdir(), 'deploy-'));
  const creds = testCredentials();
  const tokensFile = join(scratch, 'tokens.json');
  writeFileSync(tokensFile, JSON.stringify(creds.file));
  let cluster: DevServer;
  const running: RunningProcess[] = [];

  beforeAll(async () => {
    cluster = await startCluster(join(scratch, 'cluster'));
  }, 60_000);
  afterAll(async () => {
    // Whatever a failed test left running, npm's children included.
    for (const proc of running) {
      killGroup(proc);
      proc.child.kill('SIGKILL');
    }
    await Promise.all(running.map((p) => p.exited));
    await cluster?.stop();
    rmSync(scratch, { recursive: true, force: true });
  });

  const baseEnv = (): NodeJS.ProcessEnv => ({
    ...process.env,
    TEMPORAL_ADDRESS: cluster.address,
    DATA_DIR: join(scratch, 'data'),
    LOG_LEVEL: 'warn',
  });
  function launch(entry: string, env: NodeJS.ProcessEnv): RunningProcess {
    const proc = runEntry(entry, env);
    running.push(proc);
    return proc;
  }
  /** `npm run <script>`, as a user or a process manager starts it. */
  function npmRun(script: string, env: NodeJS.ProcessEnv): RunningProcess {
    const proc = runNpmScript(script, env);
    running.push(proc);
    return proc;
  }
  async function untilUp(proc: RunningProcess, url: string): Promise<void> {
    await waitFor(
      async () => {
        if (proc.child.exitCode !== null) throw new Error(`exited early:\n${proc.output()}`);
        return fetch(url).then(
          (r) => r.ok,
          () => false,
        );
      },
      60_000,
      url,
    );
  }

  it('runs a request end to end, with health and metrics on each process, and both stop cleanly on SIGTERM', async () => {
    const [metricsPort, healthPort, apiPort] = [await freePort(), await freePort(), await freePort()];
    const worker = npmRun('worker', {
      ...baseEnv(),
      METRICS_ADDRESS: `127.0.0.1:${metricsPort}`,
      HEALTH_PORT: String(healthPort),
    });
    const api = npmRun('api', { ...baseEnv(), PORT: String(apiPort), AUTH_TOKENS_FILE: tokensFile });
    await Promise.all([
      untilUp(worker, `http://127.0.0.1:${healthPort}/healthz`),
      untilUp(api, `http://127.0.0.1:${apiPort}/readyz`),
    ]);
    const health = await fetch(`http://127.0.0.1:${healthPort}/healthz`);
    expect(await health.json()).toEqual({ status: 'ok', worker: 'running' });

    const base = `http://127.0.0.1:${apiPort}`;
    const started = await fetch(`${base}/api/requests`, {
      method: 'POST',
      headers: { ...bearer(creds.tokens.support), 'content-type': 'application/json' },
      body: JSON.stringify(validIntake('aws', 'unidirectional', 'SPLIT-1')),
    });
    // The update is answered by the worker process, so this proves the two processes meet through Temporal.
    expect(started.status).toBe(201);
    expect(await started.json()).toMatchObject({ ticketId: 'SPLIT-1', state: 'allowlisting' });

    const apiMetrics = await fetch(`${base}/metrics`, { headers: bearer(creds.tokens.monitor) });
    expect(apiMetrics.status).toBe(200);
    const apiText = await apiMetrics.text();
    expect(apiText).toMatch(/^http_requests_total\{method="POST",route="\/api\/requests",status_code="201"\} 1$/m);
    // The process' own metrics come along in the entry point.
    expect(apiText).toMatch(/^process_resident_memory_bytes \d+/m);
    expect(apiText).toMatch(/^nodejs_eventloop_lag_seconds /m);

    // The worker's metrics come from the Temporal SDK's runtime: task latencies, the sticky cache, pollers.
    let workerText = '';
    await waitFor(
      async () => {
        workerText = await (await fetch(`http://127.0.0.1:${metricsPort}/metrics`)).text();
        return /^temporal_workflow_task_execution_latency_count\{.*\} [1-9]/m.test(workerText);
      },
      30_000,
      'workflow task metrics on the worker',
    );
    expect(workerText).toMatch(/^temporal_sticky_cache_size\{.*\} 1$/m);
    expect(workerText).toContain('task_queue="privatelink-enablement"');

    // A process manager signals the process it started: npm. The product must get it and stop gracefully, not be
    // left running (a shell between npm and node would swallow it) nor killed (tsx's launcher SIGKILLs a child
    // that does not confirm within 30 ms, as a busy one may not).
    worker.child.kill('SIGTERM');
    api.child.kill('SIGTERM');
    expect(await worker.exited).toBe(0);
    expect(await api.exited).toBe(0);
    for (const url of [`http://127.0.0.1:${healthPort}/healthz`, `${base}/healthz`]) {
      await expect(fetch(url)).rejects.toThrow();
    }
    expect(worker.output()).not.toMatch(/error/i);
    expect(api.output()).not.toContain(creds.tokens.support);
  }, 120_000);

  it('stops cleanly when told to stop while it is still starting (bundling the workflows)', async () => {
    // Straight under node (no tsx launcher in between), so the signal reaches the worker itself at once.
    const worker = startWorkerProcess(baseEnv());
    running.push(worker);
    await waitFor(() => worker.output().includes('bundling the workflows'), 30_000, 'the worker to start up');
    worker.child.kill('SIGTERM');
    // Without care the signal finds no worker to stop yet, and the worker then polls until it is killed.
    const code = await Promise.race([
      worker.exited,
      new Promise((resolve) => setTimeout(() => resolve('still running after 30 s'), 30_000).unref()),
    ]);
    expect(code).toBe(0);
  }, 60_000);

  it('refuses bad settings before connecting, naming each one', async () => {
    const worker = launch('src/worker.ts', {
      ...baseEnv(),
      METRICS_ADDRESS: 'localhost:9464',
      WORKER_MAX_CACHED_WORKFLOWS: '-1',
    });
    expect(await worker.exited).toBe(1);
    expect(worker.output()).toMatch(/METRICS_ADDRESS: must be <IP>:<port>.*\(got "localhost:9464"\)/);
    expect(worker.output()).toMatch(/WORKER_MAX_CACHED_WORKFLOWS: .*\(got "-1"\)/);

    const api = launch('src/api-main.ts', { ...baseEnv(), TEMPORAL_ADDRESS: '' });
    expect(await api.exited).toBe(1);
    expect(api.output()).toContain('TEMPORAL_ADDRESS is not set');
  }, 60_000);
});
