/**
 * The settings every server process reads (`npm start`, `npm run worker`, `npm run api`): where the API listens, the
 * embedded dev server, logging and metrics, the worker's cache, the Temporal cluster to use, and the vendor
 * configuration file. Read once at the entry point and passed down.
 */
import { resolve } from 'node:path';
import { z } from 'zod';
import { AppError } from '../errors';
import type { Env } from './env';
import { connectionConfigFromEnv, type TemporalConnectionConfig } from './temporal-connection';
import { vendorConfigPathFromEnv } from './vendor-config-file';

const port = (fallback: number) => z.coerce.number().int().min(1).max(65535).default(fallback);

const schema = z.object({
  PORT: port(3000),
  HOST: z.string().min(1).default('127.0.0.1'),
  DATA_DIR: z.string().min(1).default('.data'),
  TEMPORAL_DEV_PORT: port(7233),
  TEMPORAL_UI_PORT: port(8233),
  TEMPORAL_UI: z.enum(['true', 'false']).default('true'),
  TEMPORAL_UI_WRITE_ACTIONS: z.enum(['true', 'false']).default('false'),
  LOG_LEVEL: z.enum(['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent']).default('info'),
  // The SDK's exporter binds a socket address, so an IP literal, not a host name.
  METRICS_ADDRESS: z
    .string()
    .regex(/^(\d{1,3}(\.\d{1,3}){3}|\[[0-9a-fA-F:.]+\]):\d{1,5}$/, {
      error: 'must be <IP>:<port>, e.g. 0.0.0.0:9464 or 127.0.0.1:9464',
    })
    .optional(),
  HEALTH_PORT: z.coerce.number().int().min(1).max(65535).optional(),
  WORKER_MAX_CACHED_WORKFLOWS: z.coerce
    .number({ error: 'must be a whole number' })
    .int({ error: 'must be a whole number' })
    .min(0)
    .optional(),
});

/** Settings of `npm start` (the embedded stack), `npm run worker` and `npm run api`, from the environment. */
export interface RuntimeConfig {
  /** Port and interface of the HTTP API. */
  port: number;
  host: string;
  /** Folder for the embedded server's SQLite file and logs. */
  dataDir: string;
  devServerPort: number;
  /** Port of the Temporal UI, or `false` when `TEMPORAL_UI=false`. */
  uiPort: number | false;
  /** Let the embedded UI terminate, signal, reset... workflows (`TEMPORAL_UI_WRITE_ACTIONS=true`); read-only if not. */
  uiWriteActions: boolean;
  logLevel: z.infer<typeof schema>['LOG_LEVEL'];
  /** Where the worker's Temporal SDK metrics are served for Prometheus (`/metrics`); off when unset. */
  metricsAddress?: string;
  /** Port of the standalone worker's own `/healthz` (on `host`); off when unset. */
  healthPort?: number;
  /** Workflows the worker keeps in memory between tasks (the SDK's default when unset; 0 replays every task). */
  maxCachedWorkflows?: number;
  /** The Temporal cluster named by `TEMPORAL_ADDRESS`; unset, `npm start` runs its own dev server. */
  temporal?: TemporalConnectionConfig;
  /** The vendor configuration file (`VENDOR_CONFIG`, else the repository's example). */
  vendorConfigPath: string;
}

/** Reads and validates the runtime settings; every invalid variable is reported at once. */
export function runtimeConfigFromEnv(env: Env): RuntimeConfig {
  // Empty values count as unset, as in most shells' `VAR= npm start`.
  const present = Object.fromEntries(
    Object.keys(schema.shape).flatMap((name) => (env[name] ? [[name, env[name]] as const] : [])),
  );
  const parsed = schema.safeParse(present);
  const problems = parsed.success
    ? []
    : parsed.error.issues.map((i) => `${i.path.join('.')}: ${i.message} (got "${env[String(i.path[0])]}")`);
  let temporal: TemporalConnectionConfig | undefined;
  try {
    temporal = connectionConfigFromEnv(env);
  } catch (err) {
    if (!(err instanceof AppError)) throw err;
    problems.push(...err.problems);
  }
  if (!parsed.success || problems.length) throw new AppError('invalid_config', 'Invalid environment:', problems);
  const c = parsed.data;
  return {
    port: c.PORT,
    host: c.HOST,
    dataDir: resolve(c.DATA_DIR),
    devServerPort: c.TEMPORAL_DEV_PORT,
    uiPort: c.TEMPORAL_UI === 'false' ? false : c.TEMPORAL_UI_PORT,
    uiWriteActions: c.TEMPORAL_UI_WRITE_ACTIONS === 'true',
    logLevel: c.LOG_LEVEL,
    ...(c.METRICS_ADDRESS !== undefined ? { metricsAddress: c.METRICS_ADDRESS } : {}),
    ...(c.HEALTH_PORT !== undefined ? { healthPort: c.HEALTH_PORT } : {}),
    ...(c.WORKER_MAX_CACHED_WORKFLOWS !== undefined ? { maxCachedWorkflows: c.WORKER_MAX_CACHED_WORKFLOWS } : {}),
    ...(temporal ? { temporal } : {}),
    vendorConfigPath: vendorConfigPathFromEnv(env),
  };
}
