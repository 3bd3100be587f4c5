/**
 * What a process that runs the worker reads (`npm run worker`, and `npm start` with the API besides): the runtime
 * settings, the vendor configuration file and the activities' settings, as readers for {@link readAll}.
 */
import { activitySettingsFromEnv } from './activities';
import type { Env } from './env';
import { runtimeConfigFromEnv } from './runtime';
import { readVendorConfigFile, vendorConfigPathFromEnv } from './vendor-config-file';

/** The worker's settings readers, each run by `readAll` so that every problem is listed at once. */
export function workerSettingsReaders(env: Env) {
  return {
    runtime: () => runtimeConfigFromEnv(env),
    vendor: () => readVendorConfigFile(vendorConfigPathFromEnv(env)),
    activities: () => activitySettingsFromEnv(env),
  };
}
