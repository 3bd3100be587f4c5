import { type ChildProcess, spawn } from 'node:child_process';
import { createWriteStream, existsSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { type AddressInfo, createServer } from 'node:net';
import { join, resolve } from 'node:path';
import { Connection } from '@temporalio/client';
import { msToTs } from '@temporalio/common/lib/time';
import { AppError } from '../errors';
import { type ReadOnlyUiProxy, startReadOnlyUiProxy } from './ui-proxy';
import { ensurePrivateDir, ensurePrivateFile, PRIVATE_FILE_MODE, restrictFile } from '../paths';

/** Settings of the embedded dev server (`temporal server start-dev`). */
export interface DevServerOptions {
  /** Path of the Temporal CLI (see `resolveTemporalCli`). */
  cliPath: string;
  /** Folder holding the SQLite file, the server's log and its pid file; state survives restarts. */
  dataDir: string;
  ip?: string;
  port?: number;
  /** Port of the Temporal UI; `false` runs headless. */
  uiPort?: number | false;
  /**
   * Let the UI terminate, cancel, signal, reset and update workflows (`TEMPORAL_UI_WRITE_ACTIONS=true`). Off by
   * default: the UI is served read-only (src/temporal/ui-proxy.ts).
   */
  uiWriteActions?: boolean;
  namespace?: string;
  /**
   * How long a closed request stays in the dev server (its namespace retention), in days. The dev server creates its
   * namespace with 24 hours, too short for an audit trail, so it is set at every start; default
   * {@link DEV_SERVER_RETENTION_DAYS}, as the compose stack's namespace. The dev server has no archive.
   */
  retentionDays?: number;
  /** How long to wait for the server to answer before giving up. */
  readyTimeoutMs?: number;
  /** Where this process serves its HTTP API, for the message a second start on the same data folder prints. */
  apiUrl?: string;
  log?: (line: string) => void;
}

/** A running dev server owned by this process. */
export interface DevServer {
  address: string;
  namespace: string;
  uiUrl?: string;
  /** True when the UI refuses write actions (the default). */
  uiReadOnly?: boolean;
  pid: number;
  dbFile: string;
  logFile: string;
  /** Stops the server (SIGTERM, then SIGKILL after a grace period) and waits until it has exited. */
  stop: () => Promise<void>;
}

const PID_FILE = 'temporal-dev-server.pid';

/** The dev server namespace's retention: 90 days, the default retention of the compose stack's namespace job. */
export const DEV_SERVER_RETENTION_DAYS = 90;

/**
 * Server settings the product runs with (`temporal server start-dev --dynamic-config-value`; docker-compose.yml sets
 * the same in deploy/temporal/dynamicconfig.yaml). Eager activity execution hands an activity the workflow task just
 * scheduled straight back to the worker that scheduled it, instead of through the task queue: every effect (comment,
 * notification, check) skips one dispatch, measured at about 45 ms each on the dev server, so a full request's effects
 * finish about five times sooner (bench/README.md). Off by default in Temporal's server.
 */
export const DEV_SERVER_DYNAMIC_CONFIG: readonly string[] = ['system.enableActivityEagerExecution=true'];

/** {@link DEV_SERVER_DYNAMIC_CONFIG} as `temporal server start-dev` flags. */
export function devServerConfigArgs(): string[] {
  return DEV_SERVER_DYNAMIC_CONFIG.flatMap((setting) => ['--dynamic-config-value', setting]);
}

/**
 * What the pid file in the data folder says: the server's pid, the pid of the process that started it and owns it,
 * and where they serve. A start that finds the owner alive leaves everything alone; one that finds only the server
 * (its owner died) stops it.
 */
export interface DevServerPidFile {
  server: number;
  owner: number;
  temporal: string;
  ui?: string;
  api?: string;
}

/**
 * Starts `temporal server start-dev` with a SQLite file under `dataDir`, waits until its namespace answers, and
 * returns a handle to stop it. The server runs in its own process group so a Ctrl-C reaches this process first and
 * shutdown happens in order (worker, then server). If another live process already runs a server on this data
 * folder, nothing is touched and the start fails with who and where; if that process died and left its server
 * behind, the server is stopped first.
 */
export async function startDevServer(opts: DevServerOptions): Promise<DevServer> {
  for (let attempt = 1; ; attempt++) {
    try {
      return await startDevServerOnce(opts);
    } catch (err) {
      // The server's other ports (its UI behind our proxy, its internal services) are picked as free and bound a
      // moment later; another process may take one in between. That is no reason to give up: try again, a few times.
      if (!(err instanceof PortRaceError)) throw err;
      if (attempt >= PORT_RACE_ATTEMPTS) throw err.cause;
      (opts.log ?? ((line: string) => process.stderr.write(`${line}\n`)))(
        `The Temporal dev server lost port ${err.port} to another process while starting; starting it again.`,
      );
    }
  }
}

/** How many times a start that lost one of its own ports to another process is tried. */
const PORT_RACE_ATTEMPTS = 3;

/** A start that failed because a port picked for the server (not one the user configured) was taken meanwhile. */
class PortRaceError extends Error {
  constructor(
    readonly port: number,
    override readonly cause: AppError,
  ) {
    super(cause.message);
  }
}

/** The port another process took from this run of the server, if its log says so and it is not a configured one. */
function lostPort(logFile: string, from: number, configured: readonly (number | false)[]): number | undefined {
  if (!existsSync(logFile)) return undefined;
  const text = readFileSync(logFile).subarray(from).toString('utf8');
  const match = /listen tcp [^\s"]*:(\d+): bind: address already in use/.exec(text);
  const port = match ? Number(match[1]) : undefined;
  return port !== undefined && !configured.includes(port) ? port : undefined;
}

async function startDevServerOnce(opts: DevServerOptions): Promise<DevServer> {
  const ip = opts.ip ?? '127.0.0.1';
  const port = opts.port ?? 7233;
  const uiPort = opts.uiPort ?? port + 1000;
  const namespace = opts.namespace ?? 'default';
  const log = opts.log ?? ((line: string) => process.stderr.write(`${line}\n`));
  const dataDir = resolve(opts.dataDir);
  // Workflow histories hold customer data: the folder and its files are the owner's only.
  ensurePrivateDir(dataDir);
  const dbFile = join(dataDir, 'temporal.sqlite');
  const logFile = join(dataDir, 'temporal-dev-server.log');
  const pidFile = join(dataDir, PID_FILE);
  ensurePrivateFile(logFile);
  narrowDatabaseFiles(dbFile);

  await checkDataFolder(dataDir, log);
  await assertPortFree(ip, port, 'TEMPORAL_DEV_PORT');
  if (uiPort !== false) await assertPortFree(ip, uiPort, 'TEMPORAL_UI_PORT');
  // Read-only (the default): the server's own UI on a private loopback port, and the proxy on the UI's port.
  const readOnly = uiPort !== false && !opts.uiWriteActions;
  const serverUiPort = readOnly ? await freeLoopbackPort() : uiPort;

  const args = ['server', 'start-dev', '--ip', ip, '--port', String(port), '--db-filename', dbFile];
  if (serverUiPort === false) args.push('--headless');
  else args.push('--ui-port', String(serverUiPort), ...(readOnly ? ['--ui-ip', '127.0.0.1'] : []));
  if (namespace !== 'default') args.push('--namespace', namespace);
  args.push(...devServerConfigArgs());
  args.push('--log-format', 'json', '--log-level', 'warn');

  // The log is kept across runs; remember where this run's part begins.
  const logStart = existsSync(logFile) ? statSync(logFile).size : 0;
  const out = createWriteStream(logFile, { flags: 'a', mode: PRIVATE_FILE_MODE });
  // A log line that cannot be written (the disk is full, or it came after the end) must not take this process down.
  out.on('error', () => undefined);
  const child = spawn(opts.cliPath, args, { detached: true, stdio: ['ignore', 'pipe', 'pipe'] });
  child.stdout?.pipe(out);
  child.stderr?.pipe(out);
  const pid = child.pid;
  if (pid === undefined) {
    const err = await new Promise<Error>((r) => child.once('error', r));
    throw new AppError('unavailable', `Could not start the Temporal dev server (${opts.cliPath}): ${err.message}`);
  }
  const address = `${ip}:${port}`;
  const uiUrl = uiPort === false ? undefined : `http://${ip}:${uiPort}`;
  const record: DevServerPidFile = {
    server: pid,
    owner: process.pid,
    temporal: address,
    ...(uiUrl ? { ui: uiUrl } : {}),
    ...(opts.apiUrl ? { api: opts.apiUrl } : {}),
  };
  writeFileSync(pidFile, `${JSON.stringify(record)}\n`, { mode: PRIVATE_FILE_MODE });
  const exited = new Promise<void>((r) => child.once('exit', () => r()));
  // After 'exit' its output may still be on its way through the pipes into the log: 'close' says it has all arrived.
  const closed = new Promise<void>((r) => child.once('close', () => r()));
  // Last resort if this process exits without calling stop(): never leave the server behind.
  const killOnExit = () => killGroup(child, 'SIGKILL');
  process.once('exit', killOnExit);

  let proxy: ReadOnlyUiProxy | undefined;
  const stop = async () => {
    process.removeListener('exit', killOnExit);
    await proxy?.close();
    if (child.exitCode === null && child.signalCode === null) {
      killGroup(child, 'SIGTERM');
      const timer = setTimeout(() => killGroup(child, 'SIGKILL'), 10_000);
      await exited;
      clearTimeout(timer);
    }
    // The log ends once the server's output has arrived (a grandchild holding a pipe open gets two seconds).
    await Promise.race([closed, new Promise((r) => setTimeout(r, 2_000).unref())]);
    out.end();
    if (readPidFile(pidFile)?.server === pid) rmSync(pidFile);
  };

  try {
    if (readOnly) proxy = await startReadOnlyUiProxy({ ip, port: uiPort, upstreamPort: serverUiPort as number });
    await waitUntilReady(
      address,
      namespace,
      opts.retentionDays ?? DEV_SERVER_RETENTION_DAYS,
      child,
      opts.readyTimeoutMs ?? 60_000,
    );
    // A new database is created by the server under its umask; SQLite gives later journal files the database's mode.
    narrowDatabaseFiles(dbFile);
  } catch (err) {
    await stop();
    const failure = new AppError(
      'unavailable',
      `The Temporal dev server did not become ready: ${(err as Error).message}${explainFromLog(logFile, logStart)}`,
    );
    const lost = lostPort(logFile, logStart, [port, uiPort]);
    throw lost === undefined ? failure : new PortRaceError(lost, failure);
  }
  return {
    address,
    namespace,
    uiUrl,
    ...(uiPort === false ? {} : { uiReadOnly: readOnly }),
    pid,
    dbFile,
    logFile,
    stop,
  };
}

/** The SQLite file and its journal files, where they exist, made the owner's only. */
function narrowDatabaseFiles(dbFile: string): void {
  for (const file of [dbFile, `${dbFile}-wal`, `${dbFile}-shm`, `${dbFile}-journal`]) restrictFile(file);
}

function killGroup(child: ChildProcess, signal: NodeJS.Signals): void {
  if (child.pid === undefined || child.exitCode !== null || child.signalCode !== null) return;
  signalGroup(child.pid, signal);
}

/** Signals the process group led by `pid` (the server and anything it started), or the process alone if it leads none. */
function signalGroup(pid: number, signal: NodeJS.Signals): void {
  try {
    process.kill(-pid, signal);
  } catch {
    try {
      process.kill(pid, signal);
    } catch {
      // Already gone.
    }
  }
}

/** True while a process with this pid exists. */
export function isAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
}

/** The pid file's record, or undefined when there is none or it cannot be read. */
export function readPidFile(pidFile: string): DevServerPidFile | undefined {
  if (!existsSync(pidFile)) return undefined;
  try {
    const parsed: unknown = JSON.parse(readFileSync(pidFile, 'utf8'));
    if (typeof parsed === 'number') return { server: parsed, owner: 0, temporal: '' };
    const record = parsed as Partial<DevServerPidFile> | null;
    if (!Number.isInteger(record?.server) || !Number.isInteger(record?.owner)) return undefined;
    return record as DevServerPidFile;
  } catch {
    return undefined;
  }
}

/** The command line of a live process (Linux), or undefined. */
function commandLine(pid: number): string | undefined {
  if (!Number.isInteger(pid) || pid <= 0 || !isAlive(pid)) return undefined;
  try {
    return readFileSync(`/proc/${pid}/cmdline`, 'utf8').replace(/\0/g, ' ');
  } catch {
    return undefined;
  }
}

/**
 * Before a start on `dataDir`: if the process that owns the server recorded there is alive, fails with who and where
 * (touching nothing); if it is gone but its server is still running (e.g. after a SIGKILL), stops that server.
 * `startDevServer` does this first; `npm start` does it before anything else, so it is also the first thing it says.
 */
export async function checkDataFolder(dataDir: string, log: (line: string) => void): Promise<void> {
  const pidFile = join(resolve(dataDir), PID_FILE);
  const record = readPidFile(pidFile);
  if (!record) {
    if (existsSync(pidFile)) rmSync(pidFile);
    return;
  }
  if (record.owner !== process.pid && commandLine(record.owner)?.includes('node')) {
    const where = [
      record.api && `HTTP API ${record.api}`,
      record.temporal && `Temporal ${record.temporal}`,
      record.ui && `Temporal UI ${record.ui}`,
    ].filter(Boolean);
    throw new AppError(
      'conflict',
      `Another npm start (pid ${record.owner}) is running on the data folder ${resolve(dataDir)}${where.length ? `: ${where.join(', ')}` : ''}. ` +
        `Nothing was touched. Use that one, stop it first (Ctrl-C in its terminal, or kill ${record.owner}), or start this one with its own DATA_DIR, PORT, TEMPORAL_DEV_PORT and TEMPORAL_UI_PORT.`,
    );
  }
  rmSync(pidFile);
  const pid = record.server;
  const cmdline = commandLine(pid);
  if (!cmdline?.includes('start-dev')) return; // Gone, not ours to inspect, or the pid was reused by another program.
  log(`Stopping a Temporal dev server left running by an earlier start (pid ${pid}) ...`);
  signalGroup(pid, 'SIGTERM');
  for (let waited = 0; isAlive(pid) && waited < 10_000; waited += 100) await sleep(100);
  if (isAlive(pid)) signalGroup(pid, 'SIGKILL');
  for (let waited = 0; isAlive(pid) && waited < 5_000; waited += 100) await sleep(100);
}

/** A port nothing listens on at 127.0.0.1 now (for the UI behind the read-only proxy). */
function freeLoopbackPort(): Promise<number> {
  return new Promise((resolvePort, reject) => {
    const server = createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const { port } = server.address() as AddressInfo;
      server.close(() => resolvePort(port));
    });
  });
}

/** Fails with what to do when `ip:port` cannot be listened on (`variable` names the setting that moves it). */
export function assertPortFree(
  ip: string,
  port: number,
  variable: string,
  advice = `(another Temporal server?). Set ${variable} to another port, or set TEMPORAL_ADDRESS to use the server that is running.`,
): Promise<void> {
  return new Promise((resolvePort, reject) => {
    const server = createServer();
    server.once('error', (err: NodeJS.ErrnoException) => {
      reject(
        new AppError(
          'unavailable',
          err.code === 'EADDRINUSE'
            ? `${ip}:${port} is already in use ${advice}`
            : `Cannot listen on ${ip}:${port}: ${err.message}`,
        ),
      );
    });
    server.listen(port, ip, () => server.close(() => resolvePort()));
  });
}

/** Waits until the server answers for `namespace`, then sets its retention to `retentionDays`. */
async function waitUntilReady(
  address: string,
  namespace: string,
  retentionDays: number,
  child: ChildProcess,
  timeoutMs: number,
) {
  const deadline = Date.now() + timeoutMs;
  let lastError = 'no answer yet';
  while (Date.now() < deadline) {
    if (child.exitCode !== null || child.signalCode !== null) {
      throw new Error(`the server exited (${child.signalCode ?? `code ${child.exitCode}`})`);
    }
    let connection: Connection | undefined;
    try {
      connection = await Connection.connect({ address, connectTimeout: 1_000 });
      const described = await connection.workflowService.describeNamespace({ namespace });
      const retentionSeconds = retentionDays * 24 * 3600;
      if (Number(described.config?.workflowExecutionRetentionTtl?.seconds ?? 0) !== retentionSeconds) {
        await connection.workflowService.updateNamespace({
          namespace,
          config: { workflowExecutionRetentionTtl: msToTs(`${retentionDays} days`) },
        });
      }
      return;
    } catch (err) {
      lastError = (err as Error).message;
      await sleep(250);
    } finally {
      await connection?.close();
    }
  }
  throw new Error(`no answer from ${address} within ${timeoutMs} ms (${lastError})`);
}

function sleep(ms: number): Promise<void> {
  return new Promise((r) => setTimeout(r, ms));
}

/**
 * The lines of the server's log that say why it failed: the first panic/fatal/error lines (a Go stack trace's tail
 * says nothing), or else the last lines.
 */
function explainFromLog(logFile: string, from: number): string {
  if (!existsSync(logFile)) return '';
  const lines = readFileSync(logFile).subarray(from).toString('utf8').trim().split('\n');
  const causes = lines.filter((line) => /panic|fatal|"level":"error"|error:/i.test(line)).slice(0, 5);
  const shown = (causes.length ? causes : lines.slice(-5)).map((line) => line.slice(0, 500));
  return `\nFrom the server log (${logFile}):\n  ${shown.join('\n  ')}`;
}
