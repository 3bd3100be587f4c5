import { homedir } from 'node:os';
import { join, resolve } from 'node:path';

/**
 * The project's cache directory for Temporal binaries built or fetched on this machine.
 *
 * It lives outside the work tree (XDG cache by default) so fresh clones, `npm ci` and CI runs on the same machine
 * reuse a build that took minutes. `PRIVATELINK_CACHE_DIR` moves it.
 */
export function projectCacheDir(env: NodeJS.ProcessEnv): string {
  if (env.PRIVATELINK_CACHE_DIR) return resolve(env.PRIVATELINK_CACHE_DIR);
  const base = env.XDG_CACHE_HOME ? resolve(env.XDG_CACHE_HOME) : join(homedir(), '.cache');
  return join(base, 'privatelink-enablement');
}
