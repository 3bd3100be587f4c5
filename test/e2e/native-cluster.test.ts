import { execFile } from 'node:child_process';
import { chmodSync, existsSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { Client, Connection } from '@temporalio/client';
import { temporal } from '@temporalio/proto';
import { type RunningCluster, startCluster as startNativeCluster } from '../../scripts/cluster';
import { startPostgres, stopPostgres } from '../../scripts/cluster/postgres';
import type { TimelineExport } from '../../src/audit/chain';
import { readPublicKeyPem, verifySignedExport } from '../../src/audit/signing';
import { isNotFound } from '../../src/temporal/errors';
import { TASK_QUEUE, workflowIdForTicket } from '../../src/temporal/names';
import type { RequestPage } from '../../src/temporal/visibility';
import { forwardLegEvents, stepsToEnabled, type TestEvent } from '../fixtures/events';
import { validIntake } from '../fixtures/requests';
import { bearer, testCredentials } from '../helpers/api';
import { eventually } from '../helpers/eventually';
import { freePort, repoRoot } from '../helpers/processes';
import { testSigningKey } from '../audit/product-api';

const run = promisify(execFile);

/** Every file under `dir` (none when it does not exist). */
const filesUnder = (dir: string): string[] =>
  existsSync(dir) ? readdirSync(dir, { recursive: true, encoding: 'utf8' }).map((f) => join(dir, f)) : [];

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
  const key = testSigningKey();
  const signingKeyFile = join(scratch, 'audit-signing.pem');
  writeFileSync(signingKeyFile, key.privateKeyPem, { mode: 0o600 });
  const publicKeyFile = join(scratch, 'audit.pub.pem');
  writeFileSync(publicKeyFile, key.publicKeyPem);
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
      // The shortest retention Temporal allows, and a closed run archived at once rather than after 5 minutes.
      retention: '1h',
      dynamicConfig: { 'history.archivalProcessorArchiveDelay': [{ value: '1s' }] },
      productEnv: {
        AUTH_TOKENS_FILE: tokensFile,
        AUDIT_SIGNING_KEY_FILE: signingKeyFile,
        DATA_DIR: join(scratch, 'data'),
        LOG_LEVEL: 'warn',
      },
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

  it('walks every path to enabled with two workers: three clouds, unidirectional, bidirectional and reverse', async () => {
    const runId = Date.now().toString(36);
    const paths = (['aws', 'azure', 'alibaba'] as const).flatMap((cloud) =>
      (['unidirectional', 'bidirectional', 'reverse'] as const).map((type) => ({
        cloud,
        type,
        ticketId: `NC-${runId}-${cloud}-${type}`,
      })),
    );
    const outcomes = await Promise.all(
      paths.map(async ({ cloud, type, ticketId }) => {
        const started = await call('POST', '/api/requests', validIntake(cloud, type, ticketId));
        const answers = [started.status];
        for (const event of stepsToEnabled(cloud, type)) {
          answers.push((await call('POST', `/api/requests/${ticketId}/events`, event)).status);
        }
        const { status, state, waitingOn } = (await call('GET', `/api/requests/${ticketId}`)).body;
        return { path: `${cloud} ${type}`, answers: [...new Set(answers)], status, state, waitingOn };
      }),
    );
    expect(outcomes).toEqual(
      paths.map(({ cloud, type }) => ({
        path: `${cloud} ${type}`,
        // 201 for the start, 200 for every step.
        answers: [201, 200],
        status: 'enabled',
        state: 'active',
        waitingOn: 'none',
      })),
    );
  }, 180_000);

  const plctl = (args: string[], token = creds.tokens.auditor) =>
    run(process.execPath, [join(repoRoot, 'bin', 'plctl.js'), ...args], {
      cwd: repoRoot,
      env: { ...process.env, PLCTL_URL: base, PLCTL_TOKEN: token },
    });

  /** What a person signed in to the console sees at `path`: its text, tags removed. */
  async function consoleText(path: string): Promise<string> {
    const form = await fetch(`${base}/console/sign-in`);
    const cookie = form.headers
      .getSetCookie()
      .map((c) => c.split(';')[0])
      .join('; ');
    const csrf = /name="_csrf" value="([^"]+)"/.exec(await form.text())?.[1] ?? '';
    const signedIn = await fetch(`${base}/console/sign-in`, {
      method: 'POST',
      redirect: 'manual',
      headers: { cookie, 'content-type': 'application/x-www-form-urlencoded' },
      body: new URLSearchParams({ _csrf: csrf, token: creds.tokens.auditor, next: '/console' }).toString(),
    });
    const session = signedIn.headers
      .getSetCookie()
      .map((c) => c.split(';')[0])
      .find((c) => c?.startsWith('plconsole='));
    expect(session).toBeDefined();
    const page = await fetch(`${base}${path}`, { headers: { cookie: session! } });
    expect(page.status).toBe(200);
    return (await page.text()).replace(/<[^>]+>/g, ' ').replace(/\s+/g, ' ');
  }

  it("serves a closed request's signed history from the archive once Temporal has deleted the run", async () => {
    const ticketId = `NC-${Date.now().toString(36)}-archived`;
    const workflowId = workflowIdForTicket(ticketId);
    expect((await call('POST', '/api/requests', validIntake('aws', 'unidirectional', ticketId))).status).toBe(201);
    expect((await call('POST', `/api/requests/${ticketId}/events`, forwardLegEvents[0])).status).toBe(200);
    const cancelled = await call('POST', `/api/requests/${ticketId}/events`, {
      type: 'request.cancelled',
      reason: 'the customer chose another region',
    });
    expect(cancelled.status).toBe(200);

    const saved = join(scratch, `${ticketId}.history.json`);
    let before: TimelineExport;
    const connection = await Connection.connect({ address: cluster!.address });
    try {
      const client = new Client({ connection });
      const handle = client.workflow.getHandle(workflowId);
      const closed = await eventually(
        () => handle.describe(),
        (d) => d.status.name !== 'RUNNING',
        { what: 'the request to end', timeoutMs: 30_000 },
      );
      // The export an auditor saved while the request was still in Temporal's primary store.
      await plctl(['history', ticketId, '--output', saved]);
      before = JSON.parse(readFileSync(saved, 'utf8')) as TimelineExport;
      expect(before).toMatchObject({ archived: false, signature: { keyId: key.keyId } });
      expect(before.entries.map((e) => e.type)).toContain('request.cancelled');

      // Archived (history and visibility record) once closed, then deleted as the retention would.
      await eventually(
        async () => ({
          listed: await client.workflowService.listArchivedWorkflowExecutions({
            namespace: 'default',
            query: `WorkflowId = '${workflowId}'`,
            pageSize: 10,
          }),
          historyFiles: filesUnder(join(cluster!.archiveDir, 'history')).filter((f) => f.endsWith('.history')),
        }),
        (a) => a.listed.executions.some((e) => e.execution?.runId === closed.runId) && a.historyFiles.length > 0,
        { what: 'the closed run in the archive', timeoutMs: 60_000 },
      );
      await client.workflowService.deleteWorkflowExecution({
        namespace: 'default',
        workflowExecution: { workflowId, runId: closed.runId },
      });
      await eventually(
        () =>
          handle.describe().then(
            () => false,
            (err: unknown) => isNotFound(err),
          ),
        (gone) => gone,
        { what: 'the run to be gone from the primary store', timeoutMs: 60_000 },
      );
    } finally {
      await connection.close();
    }

    // The API: the same entries and head, read from the archive, signed and verifying.
    const res = await fetch(`${base}/api/requests/${ticketId}/history`, { headers: bearer(creds.tokens.auditor) });
    expect(res.status).toBe(200);
    const text = await res.text();
    const after = JSON.parse(text) as TimelineExport;
    expect(after.archived).toBe(true);
    expect({ head: after.head, entries: after.entries }).toEqual({ head: before.head, entries: before.entries });
    const check = verifySignedExport(text, { publicKey: readPublicKeyPem(key.publicKeyPem) });
    expect(check.chain.ok).toBe(true);
    expect(check.signature).toMatchObject({ status: 'verified', keyId: key.keyId });

    // plctl: the table says where it was read from; the export saved earlier is identical to it.
    expect((await plctl(['history', ticketId])).stdout).toContain("read from Temporal's archive");
    expect((await plctl(['history', ticketId, '--verify', saved, '--public-key', publicKeyFile])).stdout).toMatch(
      /OK: identical to the live history/,
    );
    // The console's history tab, checked as it shows it.
    const page = await consoleText(`/console/requests/${ticketId}/history`);
    expect(page).toContain(`Chain verified: ${before.entries.length} entries`);
    expect(page).toContain('signature verified');
    expect(page).toContain("Read from Temporal's archive");
    // The request itself is no longer there to act on.
    expect((await call('GET', `/api/requests/${ticketId}`)).status).toBe(404);
  }, 180_000);

  it('reports not-ready while PostgreSQL is down, and recovers without help: a step sent meanwhile is applied once', async () => {
    const ticketId = `NC-${Date.now().toString(36)}-pg`;
    expect((await call('POST', '/api/requests', validIntake('aws', 'unidirectional', ticketId))).status).toBe(201);
    const readiness = async () => {
      const res = await fetch(`${base}/readyz`);
      return { status: res.status, body: (await res.json()) as { detail?: string } };
    };
    expect((await readiness()).status).toBe(200);
    const steps: TestEvent[] = forwardLegEvents.map((event, n) => ({ ...event, eventId: `${ticketId}/step-${n}` }));

    stopPostgres(cluster!.postgres);
    let sentDuringOutage: number;
    try {
      const down = await eventually(readiness, (r) => r.status === 503, {
        what: '/readyz to report not ready',
        timeoutMs: 30_000,
      });
      expect(down.body.detail).toMatch(/^Not ready: Temporal is not reachable, or cannot read its database/);
      // The API process and the workers stay up; a step sent now is not confirmed (its outcome is unknown).
      sentDuringOutage = (await call('POST', `/api/requests/${ticketId}/events`, steps[0])).status;
      expect(sentDuringOutage).toBeGreaterThanOrEqual(500);
    } finally {
      startPostgres(cluster!.postgres);
    }
    await eventually(readiness, (r) => r.status === 200, { what: '/readyz to report ready again', timeoutMs: 90_000 });
    expect([...cluster!.workers, cluster!.api!].every((p) => p.exitCode === null && p.signalCode === null)).toBe(true);

    // Sent again with the same eventId, as the docs tell a client to: applied once, then the rest of the leg.
    for (const step of steps) {
      const res = await eventually(
        () => call('POST', `/api/requests/${ticketId}/events`, step),
        (r) => r.status === 200,
        { what: `${String(step.type)} to be accepted after the outage`, timeoutMs: 60_000 },
      );
      expect(['applied', 'duplicate']).toContain((res.body.event as { result: string }).result);
    }
    const view = (await call('GET', `/api/requests/${ticketId}`)).body as {
      status: string;
      events: { type: string; result: string }[];
    };
    expect(view.status).toBe('enabled');
    expect(view.events.filter((e) => e.type === steps[0]!.type && e.result === 'applied')).toHaveLength(1);
  }, 300_000);

  it('stops the API, the workers, the four services and PostgreSQL', async () => {
    const running = cluster!;
    await running.stop();
    const processes = [...running.servers.values(), ...running.workers, running.api!];
    expect(processes.map((p) => p.exitCode !== null || p.signalCode !== null)).toEqual(processes.map(() => true));
    expect(existsSync(join(running.postgres.dataDir, 'data', 'postmaster.pid'))).toBe(false);
  }, 120_000);
});
