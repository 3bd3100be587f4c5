/**
 * `npm run cluster`: the compose stack's Temporal cluster without Docker — PostgreSQL from Debian, the Temporal server
 * and its SQL tool built from the Go module proxy at the version docker-compose.yml pins, the same deploy/temporal/*.sh
 * jobs (password, schemas, namespace and search attributes) — then two workers and the API on it. `--split` runs the
 * server's frontend, history, matching and worker services as four processes. Ctrl-C stops everything, in order.
 *
 * Its settings come from docker-compose.yml ({@link readComposeTemporal}); only hosts and container paths differ.
 */
import { type ChildProcess, spawn, spawnSync } from 'node:child_process';
import { createWriteStream, existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { resolveTemporalCli } from '../../src/temporal/binaries';
import { probeNetwork } from '../../src/temporal/binaries/steps';
import { resolveTemporalServer } from '../../src/temporal/binaries/temporal-server';
import { parse as parseYaml, stringify as stringifyYaml } from 'yaml';
import { nativeArchivalEnv, nativeSchemaEnv, nativeServerEnv, readComposeTemporal } from './compose';
import { ensurePostgres, type PostgresOptions, startPostgres, stopPostgres } from './postgres';

const repoRoot = resolve(__dirname, '..', '..');

/**
 * How each service of docker-compose.yml runs here (a test keeps this list equal to the compose file's services, so a
 * service added there has to be given its native counterpart, or a reason it has none).
 */
export const composeServicesNatively: Readonly<Record<string, string>> = {
  'postgres-password': 'deploy/temporal/postgres-password.sh, into CLUSTER_DIR/secrets',
  'temporal-archive': 'the archive folder CLUSTER_DIR/archive (owned by whoever runs the cluster)',
  postgresql: "Debian's PostgreSQL, data in CLUSTER_DIR/postgres",
  'temporal-schema': 'deploy/temporal/setup-schema.sh with temporal-sql-tool',
  temporal: 'temporal-server from its configuration template (one process, or four with --split)',
  'temporal-namespace': 'deploy/temporal/setup-namespace.sh with the temporal CLI',
  'temporal-ui': 'none: the Temporal UI is not started; run the temporalio/ui release against the frontend if needed',
  worker: 'src/worker.ts, two processes',
  api: 'src/api-main.ts on PORT',
};

/** The four services of the Temporal server, in the order a split cluster starts them. */
export const temporalServices = ['history', 'matching', 'frontend', 'worker'] as const;

/** A process of the server: one service of a split cluster, or `all` of them in one. */
export type ServerProcess = (typeof temporalServices)[number] | 'all';

export interface ClusterOptions {
  /** Where the cluster keeps PostgreSQL's data, the generated password and the logs (default `.data/cluster`). */
  dir?: string;
  postgresPort?: number;
  /** Four server processes instead of one. */
  split?: boolean;
  /** Added to every Temporal port (default 0: 7233 and the rest, as compose); at most 25524 (see MAX_SERVER_PORT). */
  portOffset?: number;
  /** How many product workers (`npm run worker`); default 2. */
  workers?: number;
  /** Start the product's API (`npm run api`) on this port; none when undefined. */
  apiPort?: number;
  /**
   * Called as soon as there is something to stop, with the function that stops what has started so far: a Ctrl-C
   * while the cluster starts stops it too.
   */
  onStoppable?: (stop: () => Promise<void>) => void;
  /** Settings for the product's processes (AUTH_TOKENS_FILE, VENDOR_CONFIG ...), over this process' environment. */
  productEnv?: NodeJS.ProcessEnv;
  /** The namespace retention of a new namespace (TEMPORAL_NAMESPACE_RETENTION; default setup-namespace.sh's 90 days). */
  retention?: string;
  /**
   * Dynamic config keys over deploy/temporal/dynamicconfig.yaml, in its format (`{ key: [{ value }] }`); the merged
   * file is written into the cluster's folder. Tests use it to archive a closed run at once.
   */
  dynamicConfig?: Record<string, unknown>;
  log?: (line: string) => void;
}

export interface RunningCluster {
  /** The Temporal frontend (`127.0.0.1:7233`). */
  address: string;
  version: string;
  postgres: PostgresOptions;
  /** The server's processes, by service (`all` for one process). */
  servers: Map<string, ChildProcess>;
  workers: ChildProcess[];
  api: ChildProcess | undefined;
  logDir: string;
  /** The filestore archive: `history/` and `visibility/` (the namespace's archival URIs). */
  archiveDir: string;
  /** Stops one server process (SIGTERM; a service of a split cluster, or `all`), as an operator restarting it would. */
  stopServer(name: ServerProcess): Promise<void>;
  /** Starts a stopped server process again with the same settings; resolves once it listens. */
  startServer(name: ServerProcess): Promise<void>;
  /** Stops the API, the workers, the server's services and PostgreSQL, each waited for. */
  stop(): Promise<void>;
}

/** The job script running now, if any: a stop (Ctrl-C) ends it rather than waiting for it. */
let runningJob: ChildProcess | undefined;

/** Runs a deploy/temporal job script with `env` over ours; throws with its output when it fails. */
async function runJob(script: string, env: NodeJS.ProcessEnv, log: (line: string) => void): Promise<void> {
  const child = spawn('/bin/sh', [join(repoRoot, 'deploy', 'temporal', script)], {
    env: { ...process.env, ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
    // Its own process group, so that a stop ends the script and the CLI it runs together.
    detached: true,
  });
  runningJob = child;
  let output = '';
  child.stdout?.on('data', (chunk: Buffer) => (output += chunk.toString('utf8')));
  child.stderr?.on('data', (chunk: Buffer) => (output += chunk.toString('utf8')));
  const status = await new Promise<number | null>((done) => {
    child.once('error', (err) => {
      output += `could not run /bin/sh: ${err.message}\n`;
      done(null);
    });
    child.once('close', (code) => done(code));
  });
  runningJob = undefined;
  const lines = output.split('\n').filter(Boolean);
  // The tools' own debug and info lines only when the job failed; the scripts' sentences always.
  const quiet = (line: string) => /"logging-call-at"|^time=\S+ level=/.test(line);
  for (const line of lines) if (status !== 0 || !quiet(line)) log(`  ${script}: ${line}`);
  if (status !== 0) throw new Error(`deploy/temporal/${script} failed (exit ${status ?? 'none'})`);
}

/** The server module's schema folder in Go's module cache (downloaded if missing): setup-schema.sh's TEMPORAL_SCHEMA_DIR. */
function schemaDir(version: string): string {
  const scratch = mkdtempSync(join(tmpdir(), 'cluster-go-'));
  try {
    const result = spawnSync('go', ['mod', 'download', '-json', `go.temporal.io/server@v${version}`], {
      cwd: scratch,
      encoding: 'utf8',
      env: { ...process.env, GOFLAGS: '-modcacherw' },
    });
    if (result.status !== 0)
      throw new Error(`go mod download go.temporal.io/server@v${version} failed: ${result.stderr}`);
    const dir = (JSON.parse(result.stdout) as { Dir?: string }).Dir;
    if (!dir || !existsSync(join(dir, 'schema')))
      throw new Error(`no schema folder in go.temporal.io/server@v${version}`);
    return join(dir, 'schema');
  } finally {
    rmSync(scratch, { recursive: true, force: true });
  }
}

/** Resolves once a TCP connection to 127.0.0.1:`port` opens, or rejects after `timeoutMs`. */
export async function waitForPort(port: number, timeoutMs: number, what: string, child?: ChildProcess): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    if (child && (child.exitCode !== null || child.pid === undefined)) {
      throw new Error(
        `${what} ${child.pid === undefined ? 'did not start' : `exited (${child.exitCode})`} before it listened`,
      );
    }
    const open = await probeNetwork({ host: '127.0.0.1', port, timeoutMs: 1_000 }).then(
      () => true,
      () => false,
    );
    if (open) return;
    if (Date.now() > deadline)
      throw new Error(`${what} did not listen on 127.0.0.1:${port} within ${timeoutMs / 1000} s`);
    await new Promise((r) => setTimeout(r, 250));
  }
}

/** Starts a long-running process with its output in `logFile`. */
function launch(file: string, args: string[], env: NodeJS.ProcessEnv, logFile: string): ChildProcess {
  const out = createWriteStream(logFile, { flags: 'a' });
  const child = spawn(file, args, { env, stdio: ['ignore', 'pipe', 'pipe'] });
  child.stdout?.pipe(out);
  child.stderr?.pipe(out);
  // A program that cannot start (missing, not executable) says so in its log; the wait for its port then fails.
  child.once('error', (err) => out.write(`could not start ${file}: ${err.message}\n`));
  return child;
}

/** Stops a process with SIGTERM, then SIGKILL after `graceMs`; resolves once it exited. */
async function stopProcess(child: ChildProcess | undefined, graceMs = 20_000): Promise<void> {
  // Never started (no pid), or already ended: nothing to stop.
  if (!child || child.pid === undefined || child.exitCode !== null || child.signalCode !== null) return;
  const exited = new Promise<void>((done) => child.once('exit', () => done()));
  child.kill('SIGTERM');
  const timer = setTimeout(() => child.kill('SIGKILL'), graceMs);
  await exited;
  clearTimeout(timer);
}

/**
 * Each service's gRPC and membership ports: the configuration template's defaults, as compose uses them (the
 * template reads them from `<SERVICE>_GRPC_PORT` and `<SERVICE>_MEMBERSHIP_PORT`).
 */
const templatePorts: Record<(typeof temporalServices)[number], { grpc: number; membership: number }> = {
  frontend: { grpc: 7233, membership: 6933 },
  history: { grpc: 7234, membership: 6934 },
  matching: { grpc: 7235, membership: 6935 },
  worker: { grpc: 7239, membership: 6939 },
};

/** The frontend's HTTP port in the configuration template (`FRONTEND_HTTP_PORT`), the highest of its ports. */
const FRONTEND_HTTP_PORT = 7243;

/**
 * The highest port a service may have: the server keeps its members' ports in PostgreSQL as `smallint`
 * (`cluster_membership`), and one above it stops the service at start ("value … is out of range for type smallint").
 */
const MAX_SERVER_PORT = 32_767;

/** The port that shows a service is up: its gRPC port; the worker service serves none, only its membership port. */
const readyPort = (service: (typeof temporalServices)[number]) =>
  service === 'worker' ? templatePorts.worker.membership : templatePorts[service].grpc;

/**
 * The configuration template's port variables moved by `offset` (tests run a cluster beside other servers): each
 * service's gRPC and membership port, and the frontend's HTTP port. None for offset 0 (compose's ports).
 */
function portEnv(offset: number): Record<string, string> {
  if (!offset) return {};
  const ports: [string, number][] = [
    ...temporalServices.flatMap((service): [string, number][] => [
      [`${service.toUpperCase()}_GRPC_PORT`, templatePorts[service].grpc],
      [`${service.toUpperCase()}_MEMBERSHIP_PORT`, templatePorts[service].membership],
    ]),
    ['FRONTEND_HTTP_PORT', FRONTEND_HTTP_PORT],
  ];
  return Object.fromEntries(ports.map(([name, port]) => [name, String(port + offset)]));
}

/** Writes deploy/temporal/dynamicconfig.yaml with `extra` over it into `dir`; returns the file's path. */
function writeDynamicConfig(dir: string, extra: Record<string, unknown>): string {
  const base = (parseYaml(readFileSync(join(repoRoot, 'deploy', 'temporal', 'dynamicconfig.yaml'), 'utf8')) ??
    {}) as Record<string, unknown>;
  const file = join(dir, 'dynamicconfig.yaml');
  writeFileSync(file, stringifyYaml({ ...base, ...extra }));
  return file;
}

/** Starts the whole cluster; see the module comment. */
export async function startCluster(opts: ClusterOptions = {}): Promise<RunningCluster> {
  const log = opts.log ?? ((line: string) => process.stderr.write(`${line}\n`));
  const dir = resolve(opts.dir ?? join(repoRoot, '.data', 'cluster'));
  const logDir = join(dir, 'logs');
  const secrets = join(dir, 'secrets');
  const archiveDir = join(dir, 'archive');
  mkdirSync(logDir, { recursive: true });
  mkdirSync(secrets, { recursive: true });
  mkdirSync(archiveDir, { recursive: true, mode: 0o750 });

  const compose = readComposeTemporal(repoRoot);
  const offset = opts.portOffset ?? 0;
  if (!Number.isInteger(offset) || offset < 0 || FRONTEND_HTTP_PORT + offset > MAX_SERVER_PORT) {
    throw new Error(
      `the port offset must be a whole number from 0 to ${MAX_SERVER_PORT - FRONTEND_HTTP_PORT} (got ${offset}): ` +
        `the server stores its services' ports as a SQL smallint, so none may be above ${MAX_SERVER_PORT}`,
    );
  }
  const places = { root: repoRoot, postgresPort: opts.postgresPort ?? 5432 };
  const pg = ensurePostgres(log);
  const binaries = await resolveTemporalServer(compose.version, { log });
  const cli = await resolveTemporalCli({ log });
  log(
    `Temporal server ${compose.version} (${binaries.source}); PostgreSQL ${pg.major} (compose: ${compose.postgresMajor})`,
  );

  // The compose stack's one-shot jobs, in its order, with the same scripts.
  await runJob('postgres-password.sh', { STACK_SECRETS_DIR: secrets }, log);
  const postgres: PostgresOptions = {
    bin: pg.bin,
    dataDir: join(dir, 'postgres'),
    port: places.postgresPort,
    user: compose.postgresUser,
    passwordFile: join(secrets, 'postgres-password'),
    log,
  };
  const servers = new Map<string, ChildProcess>();
  const workers: ChildProcess[] = [];
  let startServer: (name: ServerProcess) => Promise<void> = () => Promise.reject(new Error('not started yet'));
  let api: ChildProcess | undefined;
  let stopped: Promise<void> | undefined;
  const stop = () =>
    (stopped ??= (async () => {
      // A job script (and the CLI it runs) ends at once: what it was doing is done again on the next start.
      if (runningJob?.pid !== undefined) {
        try {
          process.kill(-runningJob.pid, 'SIGTERM');
        } catch {
          // Already gone.
        }
      }
      await stopProcess(api);
      await Promise.all(workers.map((w) => stopProcess(w)));
      for (const service of [...temporalServices].reverse()) await stopProcess(servers.get(service));
      await stopProcess(servers.get('all'));
      stopPostgres(postgres);
    })());
  opts.onStoppable?.(stop);
  /** Between steps: nothing more starts once a stop was asked for. */
  const going = () => {
    if (stopped) throw new Error('Stopped while starting');
  };
  try {
    startPostgres(postgres);
    going();
    const path = `${dirname(binaries.sqlTool)}:${dirname(cli.path)}:${process.env.PATH ?? ''}`;
    await runJob(
      'setup-schema.sh',
      {
        ...nativeSchemaEnv(compose, places),
        STACK_SECRETS_DIR: secrets,
        TEMPORAL_SCHEMA_DIR: schemaDir(compose.version),
        PATH: path,
      },
      log,
    );
    const serverEnv: NodeJS.ProcessEnv = {
      ...process.env,
      ...nativeServerEnv(compose, places),
      ...(opts.dynamicConfig ? { DYNAMIC_CONFIG_FILE_PATH: writeDynamicConfig(dir, opts.dynamicConfig) } : {}),
      ...portEnv(offset),
      POSTGRES_PWD: readFileSync(postgres.passwordFile, 'utf8').trim(),
    };
    // The configuration template is chosen only when no config folder or environment is named.
    for (const name of ['TEMPORAL_CONFIG_DIR', 'TEMPORAL_ENVIRONMENT', 'TEMPORAL_ROOT']) delete serverEnv[name];
    startServer = async (name) => {
      const running = servers.get(name);
      if (running && running.exitCode === null && running.signalCode === null) {
        throw new Error(`the Temporal ${name} process is running`);
      }
      const child = launch(
        binaries.server,
        ['--allow-no-auth', 'start', ...(name === 'all' ? [] : ['--service', name])],
        serverEnv,
        join(logDir, name === 'all' ? 'temporal-server.log' : `temporal-${name}.log`),
      );
      servers.set(name, child);
      const port = name === 'all' ? templatePorts.frontend.grpc : readyPort(name);
      await waitForPort(
        port + offset,
        120_000,
        name === 'all' ? 'the Temporal server' : `the Temporal ${name} service`,
        child,
      );
    };
    for (const name of opts.split ? temporalServices : (['all'] as const)) {
      going();
      log(
        name === 'all'
          ? 'Starting the Temporal server (all four services in one process) ...'
          : `Starting the Temporal ${name} service ...`,
      );
      await startServer(name);
    }
    const address = `127.0.0.1:${templatePorts.frontend.grpc + offset}`;
    const productEnv: NodeJS.ProcessEnv = { ...process.env, ...opts.productEnv, TEMPORAL_ADDRESS: address };
    going();
    await runJob(
      'setup-namespace.sh',
      {
        ...productEnv,
        ...nativeArchivalEnv(compose, archiveDir),
        ...(opts.retention ? { TEMPORAL_NAMESPACE_RETENTION: opts.retention } : {}),
        PATH: path,
      },
      log,
    );

    const node = process.execPath;
    going();
    for (let i = 0; i < (opts.workers ?? 2); i++) {
      workers.push(
        launch(
          node,
          ['--import', 'tsx', join(repoRoot, 'src', 'worker.ts')],
          productEnv,
          join(logDir, `worker-${i + 1}.log`),
        ),
      );
    }
    if (opts.apiPort !== undefined) {
      going();
      api = launch(
        node,
        ['--import', 'tsx', join(repoRoot, 'src', 'api-main.ts')],
        { ...productEnv, PORT: String(opts.apiPort) },
        join(logDir, 'api.log'),
      );
      await waitForPort(opts.apiPort, 60_000, 'the API', api);
    }
    return {
      address,
      version: compose.version,
      postgres,
      servers,
      workers,
      api,
      logDir,
      archiveDir,
      stopServer: (name) => stopProcess(servers.get(name)),
      startServer,
      stop,
    };
  } catch (err) {
    await stop();
    throw err instanceof Error ? new Error(`${err.message} (the logs: ${logDir})`, { cause: err }) : err;
  }
}

/** `npm run cluster [-- --split]`: starts it, says where everything is, and stops it on Ctrl-C or SIGTERM. */
async function main(): Promise<void> {
  const split = process.argv.includes('--split');
  const apiPort = Number(process.env.PORT ?? 3000);
  let stopping = false;
  let stop: (() => Promise<void>) | undefined;
  const shutdown = () => {
    if (stopping) return;
    stopping = true;
    process.stdout.write('Stopping ...\n');
    void (stop ? stop() : Promise.resolve()).then(() => process.exit(0));
  };
  process.on('SIGINT', shutdown);
  process.on('SIGTERM', shutdown);
  const cluster = await startCluster({
    split,
    onStoppable: (s) => (stop = s),
    apiPort,
    postgresPort: Number(process.env.CLUSTER_POSTGRES_PORT ?? 5432),
    portOffset: Number(process.env.CLUSTER_PORT_OFFSET ?? 0),
    ...(process.env.CLUSTER_DIR ? { dir: process.env.CLUSTER_DIR } : {}),
  });
  process.stdout.write(
    [
      `PrivateLink enablement on a Temporal ${cluster.version} cluster (${split ? 'four service processes' : 'one server process'})`,
      `  PostgreSQL      127.0.0.1:${cluster.postgres.port}  (data: ${cluster.postgres.dataDir})`,
      `  Temporal        ${cluster.address}`,
      `  Workers         ${cluster.workers.length}`,
      `  API             http://127.0.0.1:${apiPort}`,
      `  Archive         ${cluster.archiveDir}  (closed requests' histories, read after the retention)`,
      `  Logs            ${cluster.logDir}`,
      'Press Ctrl-C to stop.',
      '',
    ].join('\n'),
  );
}

if (require.main === module) {
  main().catch((err: unknown) => {
    process.stderr.write(`${err instanceof Error ? err.message : String(err)}\n`);
    process.exit(1);
  });
}
