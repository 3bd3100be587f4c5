import { chmodSync, mkdirSync, mkdtempSync, readdirSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { resolveTemporalCli } from '../../src/temporal/binaries';
import { startDevServer } from '../../src/temporal/dev-server';
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

describe('the embedded data folder', () => {
  it('is readable by its owner only, with every file in it, even when it existed before', async () => {
    const dataDir = join(mkdtempSync(join(tmpdir(), 'devdata-')), 'data');
    // An earlier run's folder and log, made with the usual umask (group and others may read).
    mkdirSync(dataDir, { mode: 0o755 });
    chmodSync(dataDir, 0o755);
    writeFileSync(join(dataDir, 'temporal-dev-server.log'), 'earlier run\n', { mode: 0o644 });
    const cli = await resolveTemporalCli();
    const server = await startDevServer({
      cliPath: cli.path,
      dataDir,
      port: await freePort(),
      uiPort: false,
      log: () => undefined,
    });
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
});
