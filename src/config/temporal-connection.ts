import { readFileSync } from 'node:fs';
import type { TLSConfig } from '@temporalio/client';
import { AppError } from '../errors';
import type { Env } from './env';

/** How to reach an existing Temporal cluster; accepted by both the client's and the worker's `connect`. */
export interface TemporalConnectionConfig {
  address: string;
  namespace: string;
  /** TLS settings; `undefined` means plaintext. */
  tls?: TLSConfig;
  /** Temporal Cloud API key (sent as a bearer token; implies TLS). */
  apiKey?: string;
}

/**
 * Reads the connection to an existing cluster from the environment, using the variable names of Temporal's own
 * environment configuration: `TEMPORAL_ADDRESS`, `TEMPORAL_NAMESPACE`, `TEMPORAL_API_KEY`, `TEMPORAL_TLS`,
 * `TEMPORAL_TLS_CLIENT_CERT_PATH`, `TEMPORAL_TLS_CLIENT_KEY_PATH`, `TEMPORAL_TLS_SERVER_CA_CERT_PATH`,
 * `TEMPORAL_TLS_SERVER_NAME`. Returns `undefined` when `TEMPORAL_ADDRESS` is not set (the embedded dev server is
 * used then). Every problem is reported at once.
 */
export function connectionConfigFromEnv(env: Env): TemporalConnectionConfig | undefined {
  const address = env.TEMPORAL_ADDRESS?.trim();
  if (!address) return undefined;
  const problems: string[] = [];
  if (!/^[^\s:/]+:\d{1,5}$/.test(address) && !/^\[[0-9a-fA-F:]+\]:\d{1,5}$/.test(address)) {
    problems.push(`TEMPORAL_ADDRESS must be host:port (e.g. my-namespace.a1b2c.tmprl.cloud:7233), got "${address}"`);
  }
  const readPem = (variable: string): Buffer | undefined => {
    const path = env[variable];
    if (!path) return undefined;
    try {
      return readFileSync(path);
    } catch (err) {
      problems.push(`${variable}=${path} cannot be read (${(err as NodeJS.ErrnoException).code ?? String(err)})`);
      return undefined;
    }
  };
  const crt = readPem('TEMPORAL_TLS_CLIENT_CERT_PATH');
  const key = readPem('TEMPORAL_TLS_CLIENT_KEY_PATH');
  const ca = readPem('TEMPORAL_TLS_SERVER_CA_CERT_PATH');
  if (Boolean(env.TEMPORAL_TLS_CLIENT_CERT_PATH) !== Boolean(env.TEMPORAL_TLS_CLIENT_KEY_PATH)) {
    problems.push('TEMPORAL_TLS_CLIENT_CERT_PATH and TEMPORAL_TLS_CLIENT_KEY_PATH must be set together (mTLS)');
  }
  const tlsFlag = env.TEMPORAL_TLS?.trim().toLowerCase();
  if (tlsFlag !== undefined && tlsFlag !== '' && !['true', 'false', '1', '0'].includes(tlsFlag)) {
    problems.push(`TEMPORAL_TLS must be true or false, got "${env.TEMPORAL_TLS}"`);
  }
  const apiKey = env.TEMPORAL_API_KEY || undefined;
  if (problems.length) throw new AppError('invalid_config', 'The Temporal connection settings are invalid:', problems);

  const wantsTls =
    tlsFlag === 'true' || tlsFlag === '1' || Boolean(crt || ca || apiKey || env.TEMPORAL_TLS_SERVER_NAME);
  const tlsDisabled = tlsFlag === 'false' || tlsFlag === '0';
  let tls: TLSConfig | undefined;
  if (wantsTls && !tlsDisabled) {
    tls = {};
    if (crt && key) tls.clientCertPair = { crt, key };
    if (ca) tls.serverRootCACertificate = ca;
    if (env.TEMPORAL_TLS_SERVER_NAME) tls.serverNameOverride = env.TEMPORAL_TLS_SERVER_NAME;
  }
  return { address, namespace: env.TEMPORAL_NAMESPACE?.trim() || 'default', tls, apiKey };
}
