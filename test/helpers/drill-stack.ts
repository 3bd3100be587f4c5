import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Client, Connection, type WorkflowHandle } from '@temporalio/client';
import { msToTs } from '@temporalio/common/lib/time';
import { temporal as proto } from '@temporalio/proto';
import { DefaultLogger, Runtime, Worker } from '@temporalio/worker';
import { resolveTemporalCli } from '../../src/temporal/binaries';
import { type DevServer, startDevServer } from '../../src/temporal/dev-server';
import type { AuditEntry, StateView } from '../../src/temporal/messages';
import { AUDIT_MEMO_KEY, WORKFLOW_TYPE } from '../../src/temporal/names';
import { readState } from '../../src/temporal/read-state';
import { ensureSearchAttributes } from '../../src/temporal/search-attributes';
import { workflowBundlerOptions, workflowsPath } from '../../src/worker';
import { allDayVendorConfig } from '../fixtures/requests';
import { freePort, runEntry, type RunningProcess } from './processes';
import { waitFor } from './eventually';
import { type ReceivedRequest, WebhookReceiver } from './webhook-receiver';

/**
 * The pieces of a reliability drill (issue 7): a real Temporal dev server on a SQLite file that survives restarts,
 * and the product's worker entry (`src/worker.ts`) as real child processes, configured the way an operator would.
 */

const { EventType } = proto.api.enums.v1;

/** A dev server owned by one drill file, restartable on the same port and database. */
export interface DrillServer {
  readonly address: string;
  readonly port: number;
  readonly dataDir: string;
  /** A client whose connection outlives server restarts (gRPC reconnects on its own). */
  readonly client: Client;
  /** A client of another namespace (one registered with `startDrillServer({ namespaces })`), on the same connection. */
  clientFor(namespace: string): Client;
  /** Stops the server (SIGTERM, as an operator or orchestrator would) and waits until it has exited. */
  stop(): Promise<void>;
  /** Starts it again on the same port with the same SQLite file. */
  start(): Promise<void>;
  /** Stops the server and closes the client, deleting the data folder. */
  teardown(): Promise<void>;
}

/**
 * Starts `temporal server start-dev` headless on a free port and a fresh SQLite file, registers the product's search
 * attributes (in each of `namespaces`), and connects a client.
 */
export async function startDrillServer(opts: { namespaces?: string[] } = {}): Promise<DrillServer> {
  const cli = await resolveTemporalCli();
  const dataDir = mkdtempSync(join(tmpdir(), 'drill-temporal-'));
  const port = await freePort();
  const quiet = () => undefined;
  const launch = () => startDevServer({ cliPath: cli.path, dataDir, port, uiPort: false, log: quiet });
  let server: DevServer | undefined = await launch();
  const connection = await Connection.connect({ address: server.address });
  for (const namespace of opts.namespaces ?? []) {
    await connection.workflowService.registerNamespace({
      namespace,
      workflowExecutionRetentionPeriod: msToTs('1 day'),
    });
  }
  for (const namespace of ['default', ...(opts.namespaces ?? [])]) {
    // A namespace registered a moment ago may not be visible to the operator service yet.
    await waitFor(
      () =>
        ensureSearchAttributes(connection, namespace).then(
          () => true,
          () => false,
        ),
      20_000,
      `search attributes in namespace ${namespace}`,
    );
  }
  const client = new Client({ connection });
  return {
    address: server.address,
    port,
    dataDir,
    client,
    clientFor: (namespace) => new Client({ connection, namespace }),
    async stop() {
      await server?.stop();
      server = undefined;
    },
    async start() {
      server ??= await launch();
    },
    async teardown() {
      await connection.close().catch(() => undefined);
      await server?.stop();
      server = undefined;
      rmSync(dataDir, { recursive: true, force: true });
    },
  };
}

/** A product process started by a drill, and when it is ready for work. */
export interface ProductProcess extends RunningProcess {
  /** Resolves once the process serves (the worker polls its task queue; the API answers /readyz). */
  ready: Promise<void>;
}

/** The worker entry, kept for the drills' wording. */
export type WorkerProcess = ProductProcess;

/** Runs one of the product's entry points as one real process (see `runEntry`), and tells when it is ready. */
function spawnEntry(
  entry: string,
  env: NodeJS.ProcessEnv,
  isReady: (output: string) => Promise<boolean>,
  readyWithinMs = 90_000,
) {
  const proc = runEntry(entry, { ...process.env, LOG_LEVEL: 'warn', ...env });
  const ready = waitFor(
    () => {
      if (proc.child.exitCode !== null || proc.child.signalCode !== null) {
        throw new Error(`${entry} exited before it was ready:\n${proc.output()}`);
      }
      return isReady(proc.output());
    },
    readyWithinMs,
    `${entry} to be ready`,
  );
  // A drill that fails before awaiting `ready` must not also report an unhandled rejection.
  ready.catch(() => undefined);
  return { ...proc, ready };
}

/**
 * Runs the product's worker entry (`src/worker.ts`, i.e. `npm run worker`) as a real process, or another worker entry
 * that says "Worker polling task queue" when it polls (the benchmark's baseline worker).
 */
export function startWorkerProcess(
  env: NodeJS.ProcessEnv,
  entry = 'src/worker.ts',
  readyWithinMs = 90_000,
): WorkerProcess {
  return spawnEntry(
    entry,
    env,
    (output) => Promise.resolve(output.includes('Worker polling task queue')),
    readyWithinMs,
  );
}

/** Runs the product's API entry (`src/api-main.ts`, i.e. `npm run api`) as a real process on `port`. */
export function startApiProcess(port: number, env: NodeJS.ProcessEnv): ProductProcess {
  return spawnEntry('src/api-main.ts', { ...env, PORT: String(port) }, () =>
    fetch(`http://127.0.0.1:${port}/readyz`).then(
      (r) => r.ok,
      () => false,
    ),
  );
}

/** Kills a product process if it still runs (SIGKILL: the drill is over, a graceful drain would only cost time). */
export async function killProcess(proc: ProductProcess | undefined): Promise<void> {
  if (!proc || proc.child.exitCode !== null || proc.child.signalCode !== null) return;
  proc.child.kill('SIGKILL');
  await proc.exited;
}

/** What a drill file runs against: its dev server, a notification receiver and a temp folder for its files. */
export interface DrillStack {
  readonly server: DrillServer;
  readonly receiver: WebhookReceiver;
  readonly dir: string;
  /** Kills this product process when the file ends (if it still runs); returns it. */
  track<P extends ProductProcess>(proc: P): P;
}

/**
 * Starts the drill's stack in `beforeAll` and tears it down in `afterAll`: the processes it tracked (SIGKILLed), the
 * server, the receiver and the temp folder (named `<tmpPrefix>…`).
 */
export function useDrillStack(opts: {
  tmpPrefix: string;
  namespaces?: string[];
  /** The Temporal server to drill on; default a dev server ({@link startDrillServer}). */
  startServer?: () => Promise<DrillServer>;
}): DrillStack {
  let server: DrillServer | undefined;
  let receiver: WebhookReceiver | undefined;
  let dir: string | undefined;
  const processes: ProductProcess[] = [];
  const started = <T>(value: T | undefined, what: string): T => {
    if (value === undefined) throw new Error(`The drill's ${what} is not started yet (use it inside a test)`);
    return value;
  };
  beforeAll(async () => {
    [server, receiver] = await Promise.all([
      opts.startServer ? opts.startServer() : startDrillServer({ namespaces: opts.namespaces }),
      new WebhookReceiver().start(),
    ]);
    dir = mkdtempSync(join(tmpdir(), opts.tmpPrefix));
    // A native cluster takes longer to start (and is built on a machine's first run).
  }, 40 * 60_000);
  afterAll(async () => {
    for (const p of processes) await killProcess(p);
    await server?.teardown();
    await receiver?.stop();
    if (dir) rmSync(dir, { recursive: true, force: true });
  }, 120_000);
  return {
    get server() {
      return started(server, 'server');
    },
    get receiver() {
      return started(receiver, 'notification receiver');
    },
    get dir() {
      return started(dir, 'temp folder');
    },
    track(proc) {
      processes.push(proc);
      return proc;
    },
  };
}

/**
 * Writes a vendor configuration file (VENDOR_CONFIG) based on the repository's example, with this SLA policy: a
 * 24/7 UTC calendar, so business time is wall time and deadlines can be put a few seconds away.
 */
export function writeVendorConfig(dir: string, sla: { hours: number; warnAtPercent: number[] }): string {
  const config = allDayVendorConfig(sla);
  const path = join(dir, 'vendor.json');
  writeFileSync(path, JSON.stringify(config, null, 2));
  return path;
}

/** One comment of the file ticket system (TICKET_LOG_FILE), as an operator tailing the file sees it. */
export interface TicketFileComment {
  ticketId: string;
  idempotencyKey: string;
  body: string;
}

/** The comments in a ticket file (JSON lines), read afresh: the worker process writes it. */
export function readTicketFile(path: string): TicketFileComment[] {
  let text = '';
  try {
    text = readFileSync(path, 'utf8');
  } catch {
    return [];
  }
  return text
    .split('\n')
    .filter(Boolean)
    .map((line) => JSON.parse(line) as TicketFileComment);
}

/** A notification as the receiver got it; a receiver drops repeats of an `Idempotency-Key`, so keys are what count. */
export interface ReceivedNotification {
  ticketId: string;
  kind: string;
  message: string;
  idempotencyKey: string;
}

/** The notifications a receiver got, one per idempotency key (what a deduplicating receiver would keep). */
export function distinctNotifications(received: ReceivedRequest[]): ReceivedNotification[] {
  const byKey = new Map<string, ReceivedNotification>();
  for (const r of received) {
    const body = r.body as Omit<ReceivedNotification, 'idempotencyKey'>;
    const key = String(r.headers['idempotency-key']);
    if (!byKey.has(key)) byKey.set(key, { ...body, idempotencyKey: key });
  }
  return [...byKey.values()];
}

/** The audit entries recorded in a run's event history (the memo the workflow upserts after each event). */
export async function auditFromHistory(handle: WorkflowHandle): Promise<AuditEntry[]> {
  const history = await handle.fetchHistory();
  const entries: AuditEntry[] = [];
  for (const event of history.events ?? []) {
    const field = event.workflowPropertiesModifiedEventAttributes?.upsertedMemo?.fields?.[AUDIT_MEMO_KEY];
    if (field?.data) entries.push(JSON.parse(Buffer.from(field.data).toString('utf8')) as AuditEntry);
  }
  return entries;
}

/** How many events of one type a run's history holds. */
export async function countHistoryEvents(handle: WorkflowHandle, type: proto.api.enums.v1.EventType): Promise<number> {
  const history = await handle.fetchHistory();
  return (history.events ?? []).filter((e) => e.eventType === type).length;
}

export { EventType };

/**
 * Replays each run's history with the product's workflow code, as a worker does after a cache eviction or restart;
 * returns the failures (none when every history replays).
 */
export async function replayFailures(handles: WorkflowHandle[]): Promise<string[]> {
  try {
    // The SDK logs bundling and worker states at INFO; the drill's output should show only its own lines.
    Runtime.install({ logger: new DefaultLogger('WARN') });
  } catch {
    // Already installed in this jest worker.
  }
  const histories = await Promise.all(
    handles.map(async (h) => ({ workflowId: h.workflowId, history: await h.fetchHistory() })),
  );
  const failures: string[] = [];
  for await (const result of Worker.runReplayHistories(
    { workflowsPath, bundlerOptions: workflowBundlerOptions, replayName: 'drill' },
    histories,
  )) {
    if (result.error) failures.push(`${result.workflowId}: ${result.error.message}`);
  }
  return failures;
}

/** Polls the state view until `done` holds (or `timeoutMs` passes, then throws with the last view seen). */
export async function waitForState(
  handle: WorkflowHandle,
  done: (view: StateView) => boolean,
  timeoutMs: number,
  what: string,
): Promise<StateView> {
  let last: StateView | undefined;
  await waitFor(
    async () => {
      last = await readState(handle).catch(() => last);
      return last !== undefined && done(last);
    },
    timeoutMs,
    what,
  );
  return last!;
}

/** Counts executions matching a visibility query until it equals `expected` (visibility is eventually consistent). */
export async function waitForCount(client: Client, query: string, expected: number, timeoutMs: number): Promise<void> {
  const full = `WorkflowType = "${WORKFLOW_TYPE}" AND ${query}`;
  let count = -1;
  try {
    await waitFor(
      async () => (count = (await client.workflow.count(full)).count) === expected,
      timeoutMs,
      `${expected} executions matching ${full}`,
    );
  } catch (err) {
    throw new Error(`${(err as Error).message} (last count ${count})`);
  }
}
