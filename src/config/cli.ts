/** `plctl`'s settings from the environment: where the API is, its token, and the vendor configuration file. */
import { type Env, setting } from './env';
import { vendorConfigPathFromEnv } from './vendor-config-file';

/** Where the API is and how to authenticate. */
export interface ApiTarget {
  url: string;
  token?: string;
}

/** What `plctl` reads from the environment. */
export interface CliConfig {
  /** `PLCTL_URL` (default http://127.0.0.1:3000) and `PLCTL_TOKEN`. */
  api: ApiTarget;
  /** The vendor configuration whose calendar `plctl sla deadline` uses by default (`VENDOR_CONFIG`). */
  vendorConfigPath: string;
}

/** Reads `plctl`'s settings; none of them can be invalid (a bad URL shows when the API is called). */
export function cliConfigFromEnv(env: Env): CliConfig {
  const token = setting(env, 'PLCTL_TOKEN');
  return {
    api: {
      url: (setting(env, 'PLCTL_URL') ?? 'http://127.0.0.1:3000').replace(/\/+$/, ''),
      ...(token ? { token } : {}),
    },
    vendorConfigPath: vendorConfigPathFromEnv(env),
  };
}
