import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Connection } from '@temporalio/client';
import { resolveTemporalCli } from '../../src/temporal/binaries';
import { type DevServer, startDevServer } from '../../src/temporal/dev-server';
import { allSearchAttributeKeys } from '../../src/temporal/names';
import { freePort, runEntry } from '../helpers/processes';
import { waitFor } from '../helpers/eventually';

/** `npm start` with TEMPORAL_ADDRESS: it uses that cluster and starts no server of its own. */
describe('npm start against an existing cluster', () => {
  const scratch = mkdtempSync(join(tmpdir(), 'external-'));
  let cluster: DevServer;

  beforeAll(async () => {
    const cli = await resolveTemporalCli();
    cluster = await startDevServer({
      cliPath: cli.path,
      dataDir: join(scratch, 'cluster'),
      port: await freePort(),
      uiPort: false,
      log: () => undefined,
    });
  }, 60_000);
  afterAll(async () => {
    await cluster?.stop();
    rmSync(scratch, { recursive: true, force: true });
  });

  it('registers the search attributes on that cluster, serves the API, and leaves the cluster running when stopped', async () => {
    const dataDir = join(scratch, 'product-data');
    const apiPort = await freePort();
    const proc = runEntry('src/main.ts', {
      ...process.env,
      TEMPORAL_ADDRESS: cluster.address,
      DATA_DIR: dataDir,
      PORT: String(apiPort),
      LOG_LEVEL: 'warn',
    });
    await waitFor(
      () => {
        if (proc.child.exitCode !== null) throw new Error(`exited early:\n${proc.output()}`);
        return proc.output().includes('Press Ctrl-C to stop.');
      },
      60_000,
      'npm start to come up',
    );
    expect(proc.output()).toContain(`Using the Temporal cluster at ${cluster.address} (namespace default).`);
    expect(proc.output()).not.toContain('Temporal UI');
    expect(existsSync(join(dataDir, 'temporal-dev-server.pid'))).toBe(false);
    expect((await fetch(`http://127.0.0.1:${apiPort}/healthz`)).status).toBe(200);

    const connection = await Connection.connect({ address: cluster.address });
    try {
      const { customAttributes } = await connection.operatorService.listSearchAttributes({ namespace: 'default' });
      expect(Object.keys(customAttributes ?? {})).toEqual(
        expect.arrayContaining(allSearchAttributeKeys.map((k) => k.name)),
      );
      proc.child.kill('SIGTERM');
      expect(await proc.exited).toBe(0);
      // The cluster is not ours to stop.
      await expect(connection.workflowService.describeNamespace({ namespace: 'default' })).resolves.toMatchObject({
        namespaceInfo: { name: 'default' },
      });
    } finally {
      await connection.close();
    }
  });

  it('refuses an invalid TEMPORAL_ADDRESS with a message saying what is expected', async () => {
    const proc = runEntry('src/main.ts', { ...process.env, TEMPORAL_ADDRESS: 'http://temporal', LOG_LEVEL: 'warn' });
    expect(await proc.exited).toBe(1);
    expect(proc.output()).toContain('TEMPORAL_ADDRESS must be host:port');
  });
});
