import { resolve } from 'node:path';
import { z } from 'zod';
import { AppError } from './errors';

const port = (fallback: number) => z.coerce.number().int().min(1).max(65535).default(fallback);

const schema = z.object({
  PORT: port(3000),
  HOST: z.string().min(1).default('127.0.0.1'),
  DATA_DIR: z.string().min(1).default('.data'),
  TEMPORAL_DEV_PORT: port(7233),
  TEMPORAL_UI_PORT: port(8233),
  TEMPORAL_UI: z.enum(['true', 'false']).default('true'),
  LOG_LEVEL: z.enum(['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent']).default('info'),
});

/** Settings of `npm start` (the embedded stack), from the environment. */
export interface RuntimeConfig {
  /** Port and interface of the HTTP API. */
  port: number;
  host: string;
  /** Folder for the embedded server's SQLite file and logs. */
  dataDir: string;
  devServerPort: number;
  /** Port of the Temporal UI, or `false` when `TEMPORAL_UI=false`. */
  uiPort: number | false;
  logLevel: z.infer<typeof schema>['LOG_LEVEL'];
}

/** Reads and validates the runtime settings; every invalid variable is reported at once. */
export function runtimeConfigFromEnv(env: NodeJS.ProcessEnv = process.env): RuntimeConfig {
  // Empty values count as unset, as in most shells' `VAR= npm start`.
  const present = Object.fromEntries(Object.entries(env).filter(([, v]) => v !== undefined && v !== ''));
  const parsed = schema.safeParse(present);
  if (!parsed.success) {
    throw new AppError(
      'invalid_config',
      'Invalid environment:',
      parsed.error.issues.map((i) => `${i.path.join('.')}: ${i.message} (got "${env[String(i.path[0])]}")`),
    );
  }
  const c = parsed.data;
  return {
    port: c.PORT,
    host: c.HOST,
    dataDir: resolve(c.DATA_DIR),
    devServerPort: c.TEMPORAL_DEV_PORT,
    uiPort: c.TEMPORAL_UI === 'false' ? false : c.TEMPORAL_UI_PORT,
    logLevel: c.LOG_LEVEL,
  };
}
