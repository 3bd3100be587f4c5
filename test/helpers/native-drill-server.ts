import { chmodSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Client, Connection } from '@temporalio/client';
import { type ServerProcess, startCluster } from '../../scripts/cluster';
import type { DrillServer } from './drill-stack';
import { freePort } from './processes';

/**
 * The drills' Temporal server as the native cluster (`npm run cluster -- --split`, issue 22): PostgreSQL, the frontend,
 * history, matching and worker services as four processes, the compose stack's namespace job. No product process of
 * its own: the drill starts its workers. `stop()` and `start()` restart `restart` (the history service by default, which
 * owns the timers), while the rest of the cluster stays up.
 */
export async function startNativeDrillServer(opts: {
  /** Added to every Temporal port: each test file that runs a cluster at once needs its own. */
  portOffset: number;
  restart?: ServerProcess;
}): Promise<DrillServer> {
  const dataDir = mkdtempSync(join(tmpdir(), 'drill-cluster-'));
  // PostgreSQL runs as the user postgres when the tests run as root: it must reach its folder.
  chmodSync(dataDir, 0o755);
  const restart = opts.restart ?? 'history';
  const cluster = await startCluster({
    dir: join(dataDir, 'cluster'),
    postgresPort: await freePort(),
    split: restart !== 'all',
    portOffset: opts.portOffset,
    workers: 0,
    log: () => undefined,
  });
  const connection = await Connection.connect({ address: cluster.address });
  return {
    address: cluster.address,
    port: Number(cluster.address.split(':')[1]),
    dataDir,
    client: new Client({ connection }),
    clientFor: (namespace) => new Client({ connection, namespace }),
    stop: () => cluster.stopServer(restart),
    start: () => cluster.startServer(restart),
    async teardown() {
      await connection.close().catch(() => undefined);
      await cluster.stop();
      rmSync(dataDir, { recursive: true, force: true });
    },
  };
}
