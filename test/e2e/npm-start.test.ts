import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { createServer, type Server } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Client, Connection } from '@temporalio/client';
import { readPidFile } from '../../src/temporal/dev-server';
import { allSearchAttributeKeys } from '../../src/temporal/names';
import { validIntake } from '../fixtures/requests';
import { newWebhookSecret, signStandard, testCredentials } from '../helpers/api';
import { freePort, isAlive, type RunningProcess, runEntry, waitForProductStart } from '../helpers/processes';
import { startRequest } from '../helpers/requests';
import { eventually } from '../helpers/eventually';

/**
 * `npm start` as a user runs it: the real dev server, worker and API in child processes, on free ports and a
 * temporary data folder.
 */
describe('npm start (the embedded stack)', () => {
  const dataDir = mkdtempSync(join(tmpdir(), 'embedded-'));
  const pidFile = join(dataDir, 'temporal-dev-server.pid');
  const creds = testCredentials();
  const tokensFile = join(dataDir, 'tokens.json');
  writeFileSync(tokensFile, JSON.stringify(creds.file.filter((t) => t.role === 'support')));
  const secret = newWebhookSecret();
  let ports: { api: number; temporal: number; ui: number };
  let running: RunningProcess | undefined;

  beforeAll(async () => {
    ports = { api: await freePort(), temporal: await freePort(), ui: await freePort() };
  });
  afterEach(async () => {
    if (running?.child.exitCode === null) {
      running.child.kill('SIGTERM');
      await running.exited;
    }
  });
  afterAll(() => rmSync(dataDir, { recursive: true, force: true }));

  const env = (): NodeJS.ProcessEnv => ({
    ...process.env,
    TEMPORAL_ADDRESS: '',
    DATA_DIR: dataDir,
    PORT: String(ports.api),
    TEMPORAL_DEV_PORT: String(ports.temporal),
    TEMPORAL_UI_PORT: String(ports.ui),
    LOG_LEVEL: 'warn',
    AUTH_TOKENS_FILE: tokensFile,
    TICKET_WEBHOOK_SECRET: secret,
  });

  async function start(): Promise<RunningProcess> {
    running = runEntry('src/main.ts', env());
    const proc = running;
    await waitForProductStart(proc);
    return proc;
  }

  const devServerPid = () => readPidFile(pidFile)!.server;

  async function withClient<T>(fn: (client: Client, connection: Connection) => Promise<T>): Promise<T> {
    const connection = await Connection.connect({ address: `127.0.0.1:${ports.temporal}` });
    try {
      return await fn(new Client({ connection }), connection);
    } finally {
      await connection.close();
    }
  }

  it('brings up the dev server, UI, search attributes and API, and prints where they are', async () => {
    const proc = await start();
    expect(proc.output()).toContain(`HTTP API        http://127.0.0.1:${ports.api}`);
    expect(proc.output()).toContain(`Temporal UI     http://127.0.0.1:${ports.ui}`);

    const health = await fetch(`http://127.0.0.1:${ports.api}/healthz`);
    expect(health.status).toBe(200);
    expect(await health.json()).toEqual({ status: 'ok' });
    expect((await fetch(`http://127.0.0.1:${ports.api}/readyz`)).status).toBe(200);
    const ui = await fetch(`http://127.0.0.1:${ports.ui}/`);
    expect(ui.status).toBe(200);

    await withClient(async (client, connection) => {
      const { customAttributes } = await connection.operatorService.listSearchAttributes({ namespace: 'default' });
      expect(Object.keys(customAttributes ?? {})).toEqual(
        expect.arrayContaining(allSearchAttributeKeys.map((k) => k.name)),
      );
      // A workflow on a queue no worker polls: it stays open, so the next start must still see it.
      await startRequest(client, 'E2E-PERSIST', { intake: null, taskQueue: 'e2e-persistence-probe' });
    });
  });

  it('serves the API with the configured tokens and webhook secret: a request started over HTTP runs on its worker', async () => {
    if (!running || running.child.exitCode !== null) await start();
    expect(running!.output()).toContain('Access          1 bearer token(s)');
    const api = `http://127.0.0.1:${ports.api}`;
    expect((await fetch(`${api}/api/requests`)).status).toBe(401);
    const started = await fetch(`${api}/api/requests`, {
      method: 'POST',
      headers: { authorization: `Bearer ${creds.tokens.support}`, 'content-type': 'application/json' },
      body: JSON.stringify(validIntake('aws', 'unidirectional', 'E2E-API-1')),
    });
    expect(started.status).toBe(201);
    expect(await started.json()).toMatchObject({ state: 'allowlisting', event: { actor: creds.subjects.support } });

    const body = JSON.stringify({ type: 'ticket.created', data: validIntake('aws', 'unidirectional', 'E2E-HOOK-1') });
    const hook = await fetch(`${api}/webhooks/tickets`, {
      method: 'POST',
      headers: signStandard(body, [secret]),
      body,
    });
    expect(hook.status).toBe(202);
    const state = await eventually(
      async () => {
        const res = await fetch(`${api}/api/requests/E2E-HOOK-1`, {
          headers: { authorization: `Bearer ${creds.tokens.support}` },
        });
        return res.ok ? ((await res.json()) as { state: string }).state : '';
      },
      (s) => s === 'allowlisting',
      { intervalMs: 100, what: 'the webhook-started request to reach allowlisting' },
    );
    expect(state).toBe('allowlisting');
    // Secrets are never logged.
    expect(running!.output()).not.toContain(creds.tokens.support);
    expect(running!.output()).not.toContain(secret.slice(6));
  });

  it('stops everything on SIGTERM, leaving no server process behind', async () => {
    const proc = running && running.child.exitCode === null ? running : await start();
    const serverPid = devServerPid();
    expect(isAlive(serverPid)).toBe(true);
    proc.child.kill('SIGTERM');
    expect(await proc.exited).toBe(0);
    expect(proc.output()).toContain('Stopped.');
    expect(isAlive(serverPid)).toBe(false);
    expect(existsSync(pidFile)).toBe(false);
  });

  it('keeps the state of the previous run', async () => {
    await start();
    await withClient(async (client) => {
      const description = await client.workflow.getHandle('privatelink-E2E-PERSIST').describe();
      expect(description.status.name).toBe('RUNNING');
      expect(description.type).toBe('enablementWorkflow');
    });
  });

  it('refuses a second start on the same data folder while the first runs, touching nothing of it', async () => {
    const first = running && running.child.exitCode === null ? running : await start();
    const serverPid = devServerPid();
    const second = runEntry('src/main.ts', env());
    expect(await second.exited).toBe(1);
    const said = second.output();
    expect(said).toContain(`Another npm start (pid ${first.child.pid}) is running on the data folder ${dataDir}`);
    expect(said).toContain(`HTTP API http://127.0.0.1:${ports.api}`);
    expect(said).toContain(`Temporal 127.0.0.1:${ports.temporal}`);
    expect(said).toContain(`Temporal UI http://127.0.0.1:${ports.ui}`);
    expect(said).not.toContain('Stopping a Temporal dev server');
    // The first instance is untouched: same server, still ready, still its pid file.
    expect(isAlive(serverPid)).toBe(true);
    expect(devServerPid()).toBe(serverPid);
    expect(first.child.exitCode).toBeNull();
    expect((await fetch(`http://127.0.0.1:${ports.api}/readyz`)).status).toBe(200);

    // Another data folder on the same ports fails on the API port, before any server starts.
    const elsewhere = mkdtempSync(join(tmpdir(), 'embedded-2-'));
    try {
      const third = runEntry('src/main.ts', { ...env(), DATA_DIR: elsewhere });
      expect(await third.exited).toBe(1);
      expect(third.output()).toContain(`127.0.0.1:${ports.api} is already in use (another npm start or API process?)`);
      expect(existsSync(join(elsewhere, 'temporal-dev-server.pid'))).toBe(false);
    } finally {
      rmSync(elsewhere, { recursive: true, force: true });
    }
    expect((await fetch(`http://127.0.0.1:${ports.api}/readyz`)).status).toBe(200);
  });

  it('stops a dev server left behind by a killed run before starting its own', async () => {
    const proc = running && running.child.exitCode === null ? running : await start();
    const orphan = devServerPid();
    // Kill the product process itself (tsx's child), as the OOM killer would: its server is orphaned.
    const productPid = Number(readFileSync(`/proc/${orphan}/stat`, 'utf8').split(') ')[1]?.split(' ')[1]);
    process.kill(productPid, 'SIGKILL');
    await proc.exited;
    expect(isAlive(orphan)).toBe(true);

    const next = await start();
    expect(next.output()).toContain(`Stopping a Temporal dev server left running by an earlier start (pid ${orphan})`);
    expect(isAlive(orphan)).toBe(false);
    await withClient(async (client) => {
      expect((await client.workflow.getHandle('privatelink-E2E-PERSIST').describe()).status.name).toBe('RUNNING');
    });
  });

  it('explains what to do when the Temporal port is taken, and exits non-zero', async () => {
    if (running?.child.exitCode === null) {
      running.child.kill('SIGTERM');
      await running.exited;
    }
    const squatter: Server = createServer();
    await new Promise<void>((r) => squatter.listen(ports.temporal, '127.0.0.1', () => r()));
    try {
      running = runEntry('src/main.ts', env());
      expect(await running.exited).toBe(1);
      expect(running.output()).toContain(
        `127.0.0.1:${ports.temporal} is already in use (another Temporal server?). Set TEMPORAL_DEV_PORT to another port`,
      );
    } finally {
      await new Promise((r) => squatter.close(r));
    }
  });
});
