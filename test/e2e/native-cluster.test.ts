import { chmodSync, existsSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Client, Connection } from '@temporalio/client';
import { temporal } from '@temporalio/proto';
import { type RunningCluster, startCluster as startNativeCluster } from '../../scripts/cluster';
import { TASK_QUEUE } from '../../src/temporal/names';
import type { RequestPage } from '../../src/temporal/visibility';
import { forwardLegEvents } from '../fixtures/events';
import { validIntake } from '../fixtures/requests';
import { bearer, testCredentials } from '../helpers/api';
import { eventually } from '../helpers/eventually';
import { freePort } from '../helpers/processes';

/**
 * `npm run cluster` (scripts/cluster): the compose stack's Temporal cluster without Docker — PostgreSQL from Debian,
 * the server and its SQL tool built from the Go module proxy at the version docker-compose.yml pins (once per machine,
 * then from the cache), the same deploy/temporal jobs, the frontend, history, matching and worker services as four
 * processes — with two product workers and the API on it.
 */
describe('npm run cluster: the compose cluster without Docker', () => {
  const scratch = mkdtempSync(join(tmpdir(), 'native-cluster-'));
  // PostgreSQL runs as the user postgres when the tests run as root: it must reach its folder.
  chmodSync(scratch, 0o755);
  const creds = testCredentials();
  const tokensFile = join(scratch, 'tokens.json');
  writeFileSync(tokensFile, JSON.stringify(creds.file));
  let cluster: RunningCluster | undefined;
  let base = '';

  beforeAll(async () => {
    const [apiPort, postgresPort] = [await freePort(), await freePort()];
    cluster = await startNativeCluster({
      dir: join(scratch, 'cluster'),
      postgresPort,
      split: true,
      // Beside the tests' own dev servers (their ports are ephemeral, above 32768).
      portOffset: 20_000,
      apiPort,
      workers: 2,
      productEnv: { AUTH_TOKENS_FILE: tokensFile, DATA_DIR: join(scratch, 'data'), LOG_LEVEL: 'warn' },
      log: () => undefined,
    });
    base = `http://127.0.0.1:${apiPort}`;
    // The first run on a machine builds the Temporal server (several minutes on two cores).
  }, 40 * 60_000);
  afterAll(async () => {
    await cluster?.stop();
    rmSync(scratch, { recursive: true, force: true });
  }, 120_000);

  const call = async (method: string, path: string, body?: unknown) => {
    const res = await fetch(`${base}${path}`, {
      method,
      headers: { ...bearer(creds.tokens.support), ...(body ? { 'content-type': 'application/json' } : {}) },
      ...(body ? { body: JSON.stringify(body) } : {}),
    });
    return { status: res.status, body: (await res.json()) as Record<string, unknown> };
  };

  it('walks a request to enabled with two workers polling, and SQL visibility lists it by the product filters', async () => {
    expect([...cluster!.servers.keys()].sort()).toEqual(['frontend', 'history', 'matching', 'worker']);
    const ticketId = `NC-${Date.now().toString(36)}`;
    expect((await call('POST', '/api/requests', validIntake('aws', 'unidirectional', ticketId))).status).toBe(201);
    for (const event of forwardLegEvents) {
      const res = await call('POST', `/api/requests/${ticketId}/events`, event);
      expect({ type: event.type, status: res.status }).toEqual({ type: event.type, status: 200 });
    }
    const state = await call('GET', `/api/requests/${ticketId}`);
    expect(state.body).toMatchObject({ status: 'enabled', state: 'active' });

    // Filters, a whole-value search and a keyword list, as the console and plctl ask PostgreSQL's visibility.
    for (const query of [
      `q=${ticketId}`,
      `status=enabled&cloud=aws&connectionType=unidirectional&q=${ticketId}`,
      'q=vpce-07f552b9497008761&breached=false',
    ]) {
      const page = await eventually(
        async () => (await call('GET', `/api/requests?${query}`)).body as unknown as RequestPage,
        (p) => p.requests.some((r) => r.ticketId === ticketId && r.status === 'enabled'),
        { what: `GET /api/requests?${query} to list ${ticketId}`, timeoutMs: 20_000 },
      );
      expect(page.requests.find((r) => r.ticketId === ticketId)).toMatchObject({ waitingOn: 'none', cloud: 'aws' });
    }

    // Pages: a second request, then one row a page, the second page by the API's signed token.
    const second = `${ticketId}-2`;
    expect((await call('POST', '/api/requests', validIntake('aws', 'unidirectional', second))).status).toBe(201);
    await eventually(
      async () => (await call('GET', '/api/requests?cloud=aws')).body as unknown as RequestPage,
      (p) => p.requests.length === 2,
      { what: 'both requests in visibility', timeoutMs: 20_000 },
    );
    const first = (await call('GET', '/api/requests?cloud=aws&pageSize=1')).body as unknown as RequestPage;
    expect(first.nextPageToken).not.toBeNull();
    const next = (await call('GET', `/api/requests?cloud=aws&pageSize=1&pageToken=${first.nextPageToken}`))
      .body as unknown as RequestPage;
    expect(next.requests).toHaveLength(1);
    // Most recently started first: the second request, then the first.
    expect([first.requests[0]!.ticketId, next.requests[0]!.ticketId]).toEqual([second, ticketId]);

    // Both workers poll the task queue.
    const connection = await Connection.connect({ address: cluster!.address });
    try {
      const client = new Client({ connection });
      const described = await client.workflowService.describeTaskQueue({
        namespace: 'default',
        taskQueue: { name: TASK_QUEUE },
        taskQueueType: temporal.api.enums.v1.TaskQueueType.TASK_QUEUE_TYPE_WORKFLOW,
      });
      expect(new Set(described.pollers.map((p) => p.identity)).size).toBeGreaterThanOrEqual(2);
    } finally {
      await connection.close();
    }
  }, 180_000);

  it('stops the API, the workers, the four services and PostgreSQL', async () => {
    const running = cluster!;
    await running.stop();
    const processes = [...running.servers.values(), ...running.workers, running.api!];
    expect(processes.map((p) => p.exitCode !== null || p.signalCode !== null)).toEqual(processes.map(() => true));
    expect(existsSync(join(running.postgres.dataDir, 'data', 'postmaster.pid'))).toBe(false);
  }, 120_000);
});
