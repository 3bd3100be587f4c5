import { randomUUID } from 'node:crypto';
import { chmodSync, mkdirSync, mkdtempSync, readdirSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Client, Connection } from '@temporalio/client';
import { resolveTemporalCli } from '../../src/temporal/binaries';
import { DEV_SERVER_RETENTION_DAYS, startDevServer } from '../../src/temporal/dev-server';
import { eventually } from '../helpers/eventually';
import { freePort } from '../helpers/processes';
import { useTemporal } from '../helpers/temporal';
import { allSearchAttributeKeys } from '../../src/temporal/names';
import { approvedByQuery, approveSignal, waitForApprovalWorkflow } from './fixtures/harness-workflows';

const temporal = useTemporal('dev-server', { workflowsPath: require.resolve('./fixtures/harness-workflows') });

describe('the dev server harness', () => {
  it('runs a workflow that receives a signal and answers queries before and after it', async () => {
    const result = await temporal.withWorker(async () => {
      const handle = await temporal.client.workflow.start(waitForApprovalWorkflow, {
        taskQueue: temporal.taskQueue,
        workflowId: `approval-${temporal.taskQueue}`,
      });
      expect(await handle.query(approvedByQuery)).toBeNull();
      await handle.signal(approveSignal, 'alice@vendor.example');
      await handle.signal(approveSignal, 'mallory@vendor.example');
      expect(await handle.query(approvedByQuery)).toBe('alice@vendor.example');
      return handle.result();
    });
    expect(result).toBe('approved by alice@vendor.example');
  });

  it("registers the product's search attributes, so visibility queries on them are accepted", async () => {
    const { customAttributes } = await temporal.env.connection.operatorService.listSearchAttributes({
      namespace: 'default',
    });
    expect(Object.keys(customAttributes ?? {})).toEqual(
      expect.arrayContaining(allSearchAttributeKeys.map((k) => k.name)),
    );
    const found = [];
    for await (const wf of temporal.client.workflow.list({
      query: 'PrivateLinkSlaBreached = true AND PrivateLinkStatus = "in_progress"',
    })) {
      found.push(wf);
    }
    expect(found).toEqual([]);
  });
});

/** `npm start`'s dev server on `dataDir`, headless, on a free port. */
async function startHeadless(dataDir: string) {
  const cli = await resolveTemporalCli();
  return startDevServer({ cliPath: cli.path, dataDir, port: await freePort(), uiPort: false, log: () => undefined });
}

describe('the embedded data folder', () => {
  it('is readable by its owner only, with every file in it, even when it existed before', async () => {
    const dataDir = join(mkdtempSync(join(tmpdir(), 'devdata-')), 'data');
    // An earlier run's folder and log, made with the usual umask (group and others may read).
    mkdirSync(dataDir, { mode: 0o755 });
    chmodSync(dataDir, 0o755);
    writeFileSync(join(dataDir, 'temporal-dev-server.log'), 'earlier run\n', { mode: 0o644 });
    const server = await startHeadless(dataDir);
    try {
      const modes = () =>
        Object.fromEntries(
          [dataDir, ...readdirSync(dataDir).map((f) => join(dataDir, f))].map((p) => [
            p.slice(dataDir.length) || '/',
            (statSync(p).mode & 0o777).toString(8),
          ]),
        );
      expect(modes()).toMatchObject({
        '/': '700',
        '/temporal.sqlite': '600',
        '/temporal-dev-server.log': '600',
        '/temporal-dev-server.pid': '600',
      });
      expect(Object.values(modes()).filter((mode) => !['700', '600'].includes(mode))).toEqual([]);
    } finally {
      await server.stop();
    }
  });

  it("keeps a closed request 90 days, as the compose stack's namespace, not the dev server's own 24 hours", async () => {
    const dataDir = join(mkdtempSync(join(tmpdir(), 'devdata-')), 'data');
    const retentionDays = async () => {
      const server = await startHeadless(dataDir);
      const connection = await Connection.connect({ address: server.address });
      try {
        const { config } = await connection.workflowService.describeNamespace({ namespace: 'default' });
        return Number(config?.workflowExecutionRetentionTtl?.seconds) / 86_400;
      } finally {
        await connection.close();
        await server.stop();
      }
    };
    expect(DEV_SERVER_RETENTION_DAYS).toBe(90);
    // A new data folder, then the same folder again (its namespace already exists).
    expect([await retentionDays(), await retentionDays()]).toEqual([90, 90]);
  });
});

describe('the embedded Temporal UI', () => {
  /** A dev server with its UI on a free port, a workflow that waits forever (no worker), and a way to read it. */
  async function withUi(
    uiWriteActions: boolean,
    fn: (ui: string, workflowId: string, status: () => Promise<string>) => Promise<void>,
  ) {
    const dataDir = mkdtempSync(join(tmpdir(), 'devui-'));
    const cli = await resolveTemporalCli();
    const server = await startDevServer({
      cliPath: cli.path,
      dataDir,
      port: await freePort(),
      uiPort: await freePort(),
      uiWriteActions,
      log: () => undefined,
    });
    const connection = await Connection.connect({ address: server.address });
    try {
      const client = new Client({ connection });
      const workflowId = `ui-${randomUUID()}`;
      await client.workflow.start('nobodyRunsThis', { taskQueue: `ui-${randomUUID()}`, workflowId });
      const status = async () => (await client.workflow.getHandle(workflowId).describe()).status.name;
      // The UI answers a little after the server.
      await eventually(
        () =>
          fetch(`${server.uiUrl}/api/v1/settings`).then(
            (r) => r.status,
            () => 0,
          ),
        (code) => code === 200,
        { what: 'the Temporal UI to answer', timeoutMs: 20_000, intervalMs: 200 },
      );
      await fn(server.uiUrl!, workflowId, status);
    } finally {
      await connection.close();
      await server.stop();
    }
  }
  // The Temporal UI server skips its CSRF check for API clients that send an Authorization header.
  const terminate = (ui: string, workflowId: string) =>
    fetch(`${ui}/api/v1/namespaces/default/workflows/${workflowId}/terminate`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', authorization: 'Bearer anyone' },
      body: JSON.stringify({ reason: 'from the UI' }),
    });

  it('is read-only by default: it says so, and refuses to terminate a workflow', () =>
    withUi(false, async (ui, workflowId, status) => {
      const settings = (await (await fetch(`${ui}/api/v1/settings`)).json()) as { DisableWriteActions?: boolean };
      expect(settings.DisableWriteActions).toBe(true);
      const listed = await fetch(
        `${ui}/api/v1/namespaces/default/workflows?query=${encodeURIComponent(`WorkflowId="${workflowId}"`)}`,
      );
      expect(listed.status).toBe(200);
      for (const path of [
        `/api/v1/namespaces/default/workflows/${workflowId}/terminate`,
        `/api/v1/namespaces/default/workflows/${workflowId}/query/x/../../terminate`,
      ]) {
        const res = await fetch(`${ui}${path}`, {
          method: 'POST',
          headers: { authorization: 'Bearer anyone' },
          body: '{}',
        });
        expect(res.status).toBe(405);
        expect(((await res.json()) as { message: string }).message).toMatch(
          /^Write actions are disabled on this Temporal UI/,
        );
      }
      const signal = await fetch(`${ui}/api/v1/namespaces/default/workflows/${workflowId}/signal/anything`, {
        method: 'POST',
        headers: { authorization: 'Bearer anyone' },
        body: '{}',
      });
      expect(signal.status).toBe(405);
      expect(await status()).toBe('RUNNING');
    }));

  it('allows write actions with TEMPORAL_UI_WRITE_ACTIONS=true', () =>
    withUi(true, async (ui, workflowId, status) => {
      const settings = (await (await fetch(`${ui}/api/v1/settings`)).json()) as { DisableWriteActions?: boolean };
      expect(settings.DisableWriteActions).toBe(false);
      expect((await terminate(ui, workflowId)).status).toBe(200);
      expect(await status()).toBe('TERMINATED');
    }));
});
