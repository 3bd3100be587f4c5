import { Connection } from '@temporalio/client';
import { NativeConnection } from '@temporalio/worker';
import { pino } from 'pino';
import { createActivities } from '../activities';
import { activityDeps } from '../activities/deps';
import { buildProductApi } from './api/app';
import { apiSecurity } from './api/security';
import { apiSettingsFromEnv } from './config/api';
import type { TemporalConnectionConfig } from './config/temporal-connection';
import { readAll } from './config/env';
import { workerSettingsReaders } from './config/worker';
import { AppError } from './errors';
import { resolveTemporalCli } from './temporal/binaries';
import { assertPortFree, checkDataFolder, type DevServer, startDevServer } from './temporal/dev-server';
import { TASK_QUEUE } from './temporal/names';
import { installTemporalRuntime } from './temporal/runtime';
import { ensureSearchAttributes } from './temporal/search-attributes';
import { createEnablementWorker } from './worker';

/** A second copy of the same signal within this long is the same Ctrl-C (see `onSignal`). */
const REPEAT_WINDOW_MS = 1_000;

/**
 * `npm start`: the whole product in one command. Without `TEMPORAL_ADDRESS` it starts the Temporal dev server (SQLite
 * under DATA_DIR, UI on), registers the search attributes, then runs the worker and the HTTP API. SIGINT/SIGTERM stop
 * everything in reverse order; a second signal forces exit (the dev server is still killed).
 */
async function main(): Promise<void> {
  // Every setting is read here, once, and checked before anything starts: bad ones stop start-up, all listed.
  const env = process.env;
  const {
    runtime: config,
    vendor,
    api,
    activities: activitySettings,
  } = readAll({ ...workerSettingsReaders(env), api: () => apiSettingsFromEnv(env) });
  const external = config.temporal;
  const security = apiSecurity(api);
  const logger = pino({ level: config.logLevel });
  const deps = activityDeps(activitySettings, vendor.config, logger.child({ component: 'activities' }));
  const say = (line: string) => process.stdout.write(`${line}\n`);
  // We order the shutdown ourselves (API, worker, then server) instead of the SDK stopping the worker on a signal.
  installTemporalRuntime({ logger, metricsAddress: config.metricsAddress, shutdownSignals: [] });

  const cleanups: (() => Promise<void>)[] = [];
  const cleanup = async () => {
    for (const fn of cleanups.splice(0).reverse()) {
      try {
        await fn();
      } catch (err) {
        logger.error({ err }, 'error during shutdown');
      }
    }
  };
  let stopping: Promise<void> | undefined;
  let firstSignal: { signal: NodeJS.Signals; at: number } | undefined;
  const onSignal = (signal: NodeJS.Signals) => {
    if (stopping) {
      // One Ctrl-C under `npm start` arrives twice: from the terminal, and forwarded by npm a moment later. Only a
      // signal that comes later than that is a person asking to exit at once.
      if (firstSignal?.signal === signal && Date.now() - firstSignal.at < REPEAT_WINDOW_MS) return;
      say(`${signal} again: exiting now.`);
      process.exit(130);
    }
    firstSignal = { signal, at: Date.now() };
    say(`${signal} received: stopping ...`);
    stopping = cleanup().then(() => {
      say('Stopped.');
      process.exit(0);
    });
  };
  process.on('SIGINT', onSignal);
  process.on('SIGTERM', onSignal);

  try {
    // Before anything starts: a second start must fail here, touching nothing of a running one.
    const apiUrl = `http://${config.host}:${config.port}`;
    if (!external) await checkDataFolder(config.dataDir, say);
    await assertPortFree(
      config.host,
      config.port,
      'PORT',
      `(another npm start or API process?). Use that one, stop it first, or set PORT to another port.`,
    );
    let temporal: TemporalConnectionConfig;
    let devServer: DevServer | undefined;
    if (external) {
      temporal = external;
      say(`Using the Temporal cluster at ${external.address} (namespace ${external.namespace}).`);
    } else {
      const cli = await resolveTemporalCli({ log: say });
      devServer = await startDevServer({
        cliPath: cli.path,
        dataDir: config.dataDir,
        port: config.devServerPort,
        uiPort: config.uiPort,
        uiWriteActions: config.uiWriteActions,
        apiUrl,
        log: say,
      });
      cleanups.push(devServer.stop);
      temporal = { address: devServer.address, namespace: devServer.namespace };
    }

    const client = await Connection.connect(temporal);
    cleanups.push(() => client.close());
    const added = await ensureSearchAttributes(client, temporal.namespace);
    if (added.length) say(`Registered search attributes: ${added.join(', ')}`);

    const nativeConnection = await NativeConnection.connect(temporal);
    cleanups.push(() => nativeConnection.close());
    const activities = createActivities(deps);
    const worker = await createEnablementWorker({
      connection: nativeConnection,
      namespace: temporal.namespace,
      activities,
      maxCachedWorkflows: config.maxCachedWorkflows,
    });
    const running = worker.run();
    cleanups.push(async () => {
      if (worker.getState() === 'RUNNING') worker.shutdown();
      await running;
    });
    running.catch((err: unknown) => {
      logger.fatal({ err }, 'worker failed');
      if (!stopping) stopping = cleanup().then(() => process.exit(1));
    });

    const api = buildProductApi({
      connection: client,
      namespace: temporal.namespace,
      logger,
      security,
      slaPolicy: vendor.config.sla,
      ...(devServer?.uiUrl ? { temporalUiUrl: devServer.uiUrl } : {}),
    });
    await api.listen({ port: config.port, host: config.host });
    cleanups.push(() => api.close());

    say('');
    say('PrivateLink enablement engine is running.');
    say(`  Staff console   ${apiUrl}/console  (sign in with a token from AUTH_TOKENS_FILE)`);
    say(`  HTTP API        ${apiUrl}  (health: /healthz, /readyz; docs: /openapi.json; metrics: /metrics)`);
    if (config.metricsAddress) say(`  Worker metrics  http://${config.metricsAddress}/metrics`);
    say(`  Access          ${security.summary.join('; ')}`);
    say(`  Temporal        ${temporal.address}  namespace ${temporal.namespace}, task queue ${TASK_QUEUE}`);
    if (devServer?.uiUrl) {
      say(
        `  Temporal UI     ${devServer.uiUrl}${devServer.uiReadOnly ? '  (read-only: TEMPORAL_UI_WRITE_ACTIONS)' : ''}`,
      );
    }
    if (devServer) say(`  Data            ${devServer.dbFile}  (server log: ${devServer.logFile})`);
    say(
      `  Vendor config   ${vendor.path}  (${vendor.config.vendor.name}, ${vendor.config.projects.length} project environments)`,
    );
    say('Press Ctrl-C to stop.');
  } catch (err) {
    await cleanup();
    throw err;
  }
}

main().catch((err: unknown) => {
  process.stderr.write(
    `${err instanceof AppError ? err.message : err instanceof Error ? (err.stack ?? err.message) : String(err)}\n`,
  );
  process.exit(1);
});
