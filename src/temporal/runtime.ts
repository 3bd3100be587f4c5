import { Runtime } from '@temporalio/worker';
import type { Logger as PinoLogger } from 'pino';
import { temporalLoggerFor } from './logging';

/**
 * Installs the Temporal SDK runtime of this process (once, before any connection): its logs go through pino and, with
 * `metricsAddress`, its metrics (workflow and activity task latencies, schedule-to-start, sticky cache size and hits,
 * polls, failures) are served at `http://<metricsAddress>/metrics` for Prometheus, prefixed `temporal_`, durations in
 * seconds as Prometheus expects.
 *
 * @param opts.shutdownSignals signals on which the SDK stops the process' workers itself; `[]` when the caller orders
 *   the shutdown (npm start stops the API first)
 */
export function installTemporalRuntime(opts: {
  logger: PinoLogger;
  metricsAddress?: string;
  shutdownSignals?: NodeJS.Signals[];
}): Runtime {
  return Runtime.install({
    logger: temporalLoggerFor(opts.logger),
    ...(opts.shutdownSignals ? { shutdownSignals: opts.shutdownSignals } : {}),
    ...(opts.metricsAddress
      ? {
          telemetryOptions: {
            metrics: {
              metricPrefix: 'temporal_',
              prometheus: { bindAddress: opts.metricsAddress, useSecondsForDurations: true },
            },
          },
        }
      : {}),
  });
}
