/**
 * What the native cluster takes from docker-compose.yml, so the two cannot drift apart: the Temporal server version
 * (the `temporal` service's image tag, which the admin-tools images must share), and each service's environment —
 * PostgreSQL's user, the schema job's SQL_* settings, the server's configuration-template variables. Only what names a
 * host or a path inside a container is replaced by its native counterpart (see {@link nativeServerEnv}).
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { parse } from 'yaml';

interface ComposeService {
  image?: string;
  environment?: Record<string, string | number | boolean>;
  volumes?: string[];
}

/** The compose stack's Temporal settings. */
export interface ComposeTemporal {
  /** The Temporal server release (`1.30.1`). */
  version: string;
  /** PostgreSQL's major version (`16`): the native cluster uses the one Debian ships (12 or later works). */
  postgresMajor: number;
  /** The database user (POSTGRES_USER of the `postgresql` service). */
  postgresUser: string;
  /** The schema job's environment (SQL_PLUGIN, SQL_HOST, SQL_PORT, SQL_USER). */
  schemaEnv: Record<string, string>;
  /** The server's environment (DB, DB_PORT, POSTGRES_SEEDS, POSTGRES_USER, BIND_ON_IP, DYNAMIC_CONFIG_FILE_PATH). */
  serverEnv: Record<string, string>;
  /** The namespace job's archival URIs (TEMPORAL_HISTORY_ARCHIVAL_URI, TEMPORAL_VISIBILITY_ARCHIVAL_URI). */
  archivalEnv: Record<string, string>;
  /** Where the `temporal` service mounts its `temporal-archive` volume (the URIs' folder inside the container). */
  archiveMount: string;
}

const strings = (env: ComposeService['environment']): Record<string, string> =>
  Object.fromEntries(Object.entries(env ?? {}).map(([k, v]) => [k, String(v)]));

/** The tag of `image` in `repository:tag` form; throws when the service does not use that repository. */
function tagOf(service: ComposeService | undefined, repository: string, name: string): string {
  const image = service?.image ?? '';
  if (!image.startsWith(`${repository}:`)) throw new Error(`docker-compose.yml: service ${name} is not ${repository}`);
  return image.slice(repository.length + 1);
}

/** Reads the compose file of the repository at `root`. */
export function readComposeTemporal(root: string): ComposeTemporal {
  const compose = parse(readFileSync(join(root, 'docker-compose.yml'), 'utf8')) as {
    services: Record<string, ComposeService>;
  };
  const s = compose.services;
  const version = tagOf(s.temporal, 'temporalio/server', 'temporal');
  for (const name of ['temporal-schema', 'temporal-namespace', 'postgres-password']) {
    const tag = tagOf(s[name], 'temporalio/admin-tools', name);
    if (tag !== version)
      throw new Error(`docker-compose.yml: ${name} uses admin-tools ${tag}, the server is ${version}`);
  }
  const postgres = strings(s.postgresql?.environment);
  const mount = (s.temporal?.volumes ?? []).find((v) => v.startsWith('temporal-archive:'));
  if (!mount) throw new Error('docker-compose.yml: service temporal does not mount the temporal-archive volume');
  const archivalEnv = Object.fromEntries(
    Object.entries(strings(s['temporal-namespace']?.environment)).filter(([k]) => /_ARCHIVAL_URI$/.test(k)),
  );
  return {
    version,
    postgresMajor: Number.parseInt(tagOf(s.postgresql, 'postgres', 'postgresql'), 10),
    postgresUser: postgres.POSTGRES_USER ?? 'postgres',
    schemaEnv: strings(s['temporal-schema']?.environment),
    serverEnv: strings(s.temporal?.environment),
    archivalEnv,
    archiveMount: mount.split(':')[1]!,
  };
}

/** Where the native cluster listens and keeps its files. */
export interface NativePlaces {
  /** The repository (for deploy/temporal/dynamicconfig.yaml). */
  root: string;
  postgresPort: number;
}

/**
 * The server's environment natively: the compose file's, with the database at 127.0.0.1 on the native port, the
 * services bound to loopback, and the dynamic config from the repository (compose mounts the same file).
 */
export function nativeServerEnv(compose: ComposeTemporal, places: NativePlaces): Record<string, string> {
  return {
    ...compose.serverEnv,
    POSTGRES_SEEDS: '127.0.0.1',
    DB_PORT: String(places.postgresPort),
    BIND_ON_IP: '127.0.0.1',
    DYNAMIC_CONFIG_FILE_PATH: join(places.root, 'deploy', 'temporal', 'dynamicconfig.yaml'),
  };
}

/** The schema job's environment natively: the compose file's, with the database at 127.0.0.1 on the native port. */
export function nativeSchemaEnv(compose: ComposeTemporal, places: NativePlaces): Record<string, string> {
  return { ...compose.schemaEnv, SQL_HOST: '127.0.0.1', SQL_PORT: String(places.postgresPort) };
}

/**
 * The namespace job's archival URIs natively: the compose file's, with the archive volume's folder inside the
 * container replaced by `archiveDir` (`file:///var/lib/temporal-archive/history` -> `file://<archiveDir>/history`).
 */
export function nativeArchivalEnv(compose: ComposeTemporal, archiveDir: string): Record<string, string> {
  const prefix = `file://${compose.archiveMount}`;
  return Object.fromEntries(
    Object.entries(compose.archivalEnv).map(([name, uri]) => {
      if (!uri.startsWith(`${prefix}/`)) {
        throw new Error(`docker-compose.yml: ${name} (${uri}) is not in the temporal-archive volume (${prefix}/...)`);
      }
      return [name, `file://${archiveDir}${uri.slice(prefix.length)}`];
    }),
  );
}
