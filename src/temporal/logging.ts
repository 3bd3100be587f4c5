import { DefaultLogger, type LogLevel } from '@temporalio/worker';
import type { Logger as PinoLogger } from 'pino';

const toPino = { TRACE: 'trace', DEBUG: 'debug', INFO: 'info', WARN: 'warn', ERROR: 'error' } as const;

/**
 * A Temporal SDK logger that writes through pino, so `npm start` emits one JSON log stream. At the default `info`
 * level the SDK is kept to warnings and errors: its info lines are mostly the workflow bundler's build report.
 */
export function temporalLoggerFor(logger: PinoLogger): DefaultLogger {
  const level: LogLevel = logger.isLevelEnabled('debug') ? 'DEBUG' : 'WARN';
  const child = logger.child({ component: 'temporal' });
  return new DefaultLogger(level, ({ level: entryLevel, message, meta }) => {
    child[toPino[entryLevel]](meta ?? {}, message);
  });
}
