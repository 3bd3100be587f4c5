import { Connection } from '@temporalio/client';
import { pino } from 'pino';
import { buildProductApi } from './api/app';
import { apiSecurity } from './api/security';
import { apiSettingsFromEnv } from './config/api';
import { readAll, setting } from './config/env';
import { readVendorConfigFile } from './config/vendor-config-file';
import { runtimeConfigFromEnv } from './config/runtime';
import { AppError } from './errors';

/**
 * `npm run api`: the HTTP API alone, for deployments that run the worker separately (docker-compose.yml). It needs
 * `TEMPORAL_ADDRESS`; it starts no server and registers nothing. With `VENDOR_CONFIG` the console counts SLA badges in
 * the vendor's business hours. SIGINT/SIGTERM stop accepting connections, let
 * requests in flight finish, then close the Temporal connection.
 */
async function main(): Promise<void> {
  const env = process.env;
  // The vendor configuration is the worker's; the API reads it only when told to, for the console's SLA badges.
  const vendorPath = setting(env, 'VENDOR_CONFIG');
  const {
    runtime: settings,
    api: apiSettings,
    vendor,
  } = readAll({
    runtime: () => runtimeConfigFromEnv(env),
    api: () => apiSettingsFromEnv(env),
    vendor: () => (vendorPath ? readVendorConfigFile(vendorPath) : undefined),
  });
  const security = apiSecurity(apiSettings);
  const temporal = settings.temporal;
  if (!temporal) {
    throw new AppError(
      'invalid_config',
      'TEMPORAL_ADDRESS is not set: the API alone needs a running Temporal cluster (npm start runs an embedded one).',
    );
  }
  const logger = pino({ level: settings.logLevel });
  const connection = await Connection.connect(temporal);
  const api = buildProductApi({
    connection,
    namespace: temporal.namespace,
    logger,
    security,
    ...(vendor ? { slaPolicy: vendor.config.sla } : {}),
  });
  await api.listen({ port: settings.port, host: settings.host });
  logger.info(
    { temporal: temporal.address, namespace: temporal.namespace, access: security.summary },
    `API listening on http://${settings.host}:${settings.port} (console: /console; health: /healthz, /readyz; metrics: /metrics)${vendor ? '' : '; set VENDOR_CONFIG for business-hour SLA badges in the console'}`,
  );

  let stopping = false;
  const stop = (signal: NodeJS.Signals) => {
    if (stopping) process.exit(130);
    stopping = true;
    logger.info({ signal }, 'stopping');
    api
      .close()
      .then(() => connection.close())
      .then(
        () => process.exit(0),
        (err: unknown) => {
          logger.error({ err }, 'error during shutdown');
          process.exit(1);
        },
      );
  };
  process.on('SIGINT', stop);
  process.on('SIGTERM', stop);
}

main().catch((err: unknown) => {
  process.stderr.write(
    `${err instanceof AppError ? err.message : err instanceof Error ? (err.stack ?? err.message) : String(err)}\n`,
  );
  process.exit(1);
});
