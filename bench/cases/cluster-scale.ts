/**
 * The product at scale on a real Temporal cluster (issue 22): `npm run cluster`'s pieces (PostgreSQL, the server at
 * the version docker-compose.yml pins, the namespace job), two worker processes of the product (`src/worker.ts`, as
 * `npm run worker`) and two of the baseline's empty workflow (`bench/baseline-worker.ts`), each measured
 * against the baseline in the same run:
 *
 * - **start rate**: `scaleRequests` requests through the signed webhook (`ticket.created`, answered once the request
 *   has taken the event), against as many empty workflows started with the raw client;
 * - **worker memory**: the resident memory the two worker processes gained holding them, with the SDK's default
 *   workflow cache and with a small one (every workflow read once, so the cache turns over), against the baseline's
 *   workers holding as many empty workflows;
 * - **lists**: `GET /api/requests`, the console's inbox and its Find at that many open requests, against visibility's
 *   own page of 50 over as many empty workflows;
 * - **SLA burst**: every one of those requests was submitted so that its warning falls due at the same instant (as a
 *   Monday 09:00 opening does for everything that arrived over a weekend): the time from that instant until every
 *   warning notification has arrived, against the empty workflows whose timer fires at one instant and posts one
 *   notification to the same receiver.
 *
 * The burst's instant is fixed when the requests are submitted (it is in their intake), so it is estimated from a
 * warm-up round's start rate with a margin; a set-up that ran past it is reported as such, not as a figure.
 */
import { chmodSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { getHeapStatistics } from 'node:v8';
import { join } from 'node:path';
import { Client, Connection } from '@temporalio/client';
import { startCluster, type RunningCluster } from '../../scripts/cluster';
import { Authenticator } from '../../src/api/auth';
import { buildApiServer } from '../../src/api/server';
import { SessionKeys } from '../../src/console/session';
import { EnablementClient } from '../../src/temporal/enablement-client';
import { enablementStateQuery } from '../../src/temporal/messages';
import { TASK_QUEUE, workflowIdForTicket } from '../../src/temporal/names';
import { listQuery } from '../../src/temporal/visibility';
import { allDayVendorConfig, validIntake } from '../../test/fixtures/requests';
import { newWebhookSecret, testCredentials } from '../../test/helpers/api';
import { waitFor } from '../../test/helpers/eventually';
import { startWorkerProcess } from '../../test/helpers/drill-stack';
import { freePort, type RunningProcess } from '../../test/helpers/processes';
import { WebhookReceiver } from '../../test/helpers/webhook-receiver';
import { compare, LATENCY_TARGET, type BenchmarkResult, type BenchSizes } from '../result';
import { median, percentile, pool, round, since } from '../stats';
import { baselineUpdates, baselineWorkflow, type BaselineInput } from '../workflows/baseline';
import { benchTicket } from './common';
import { sendFromChild } from './webhook-start';

/** Added to every Temporal port of the benchmark's cluster (the test files' clusters use 20000 to 24000). */
const PORT_OFFSET = 25_000;
/** The SLA target of the benchmark's calendar (24/7, UTC) and its one warning, at half of it. */
const SLA_HOURS = 40;
const WARN_AT = 50;
const WARNING_AFTER_MS = SLA_HOURS * 3_600_000 * (WARN_AT / 100);
/** Longest wait for anything to settle (starts, a burst), so a stuck run ends with a message. */
const WAIT_MS = 30 * 60_000;
const MIB = 2 ** 20;

/** Resident memory of the worker processes (bytes, each), before and after holding the workflows. */
export interface MemorySample {
  idle: number[];
  loaded: number[];
}

/** A burst: when the timers were due, how long until every effect had arrived (null: the set-up ran past it). */
export interface BurstSample {
  dueAt: string;
  ms: number | null;
  /** How long before the due instant the set-up was done (negative: after it). */
  setUpMarginMs: number;
}

export interface ScaleSamples {
  requests: number;
  temporal: string;
  /** The SDK's default workflow cache of a worker on this machine, and the small one measured. */
  cache: { default: number; small: number };
  starts: { webhook: { starts: number; ms: number }; baseline: { starts: number; ms: number } };
  memory: {
    defaultCache: { product: MemorySample; baseline: MemorySample };
    smallCache: { product: MemorySample; baseline: MemorySample };
    /** Reading every workflow once with the small cache (queries; most load the workflow again). */
    readAllMs: { product: number; baseline: number };
  };
  lists: {
    baselineMs: number[];
    sameFilterMs: number[];
    apiListMs: number[];
    inboxMs: number[];
    findMs: number[];
    indexReadMs: number;
  };
  burst: { product: BurstSample; baseline: BurstSample };
}

/** The SDK's default `maxCachedWorkflows` for this process' heap limit (worker-options.js, reused V8 context). */
function sdkDefaultCache(): number {
  const heapMiB = getHeapStatistics().heap_size_limit / MIB;
  return Math.max(Math.floor((Math.max(heapMiB - 200, 0) * 600) / 1024), 10);
}

function rssOf(proc: RunningProcess): number {
  const status = readFileSync(`/proc/${proc.child.pid}/status`, 'utf8');
  const kib = /^VmRSS:\s+(\d+) kB/m.exec(status)?.[1];
  if (kib === undefined) throw new Error(`no VmRSS for process ${proc.child.pid}`);
  return Number(kib) * 1024;
}

/** A worker process (the product's or the baseline's), once it polls; four bundle at once on a small machine. */
async function startWorker(entry: string, env: NodeJS.ProcessEnv): Promise<RunningProcess> {
  const proc = startWorkerProcess(env, entry, 120_000);
  await proc.ready;
  return proc;
}

async function stopProcesses(procs: RunningProcess[]): Promise<void> {
  await Promise.all(
    procs.map(async (p) => {
      if (p.child.exitCode !== null || p.child.signalCode !== null) return;
      p.child.kill('SIGTERM');
      const late = setTimeout(() => p.child.kill('SIGKILL'), 15_000);
      await p.exited;
      clearTimeout(late);
    }),
  );
}

async function timed(rounds: number, fn: () => Promise<void>): Promise<number[]> {
  await fn(); // warm-up
  const out: number[] = [];
  for (let i = 0; i < rounds; i++) {
    const t = performance.now();
    await fn();
    out.push(since(t));
  }
  return out;
}

async function ok(res: Response, what: string, reads?: string): Promise<void> {
  const body = await res.text();
  if (res.status !== 200) throw new Error(`${what} answered ${res.status}: ${body.slice(0, 300)}`);
  if (reads && !body.includes(reads)) throw new Error(`${what} does not read "${reads}"`);
}

const sleepUntil = (ms: number) => new Promise((r) => setTimeout(r, Math.max(0, ms - Date.now())));

/** Waits for `count()` to reach `n`, checking every `everyMs`; resolves with the wall time it was first seen. */
async function whenCount(
  count: () => Promise<number> | number,
  n: number,
  what: string,
  everyMs = 50,
): Promise<number> {
  const giveUp = Date.now() + WAIT_MS;
  for (;;) {
    const seen = await count();
    if (seen >= n) return Date.now();
    if (Date.now() > giveUp) throw new Error(`only ${seen} of ${n} ${what} after ${WAIT_MS / 60_000} min`);
    await new Promise((r) => setTimeout(r, everyMs));
  }
}

/**
 * When to fix the burst: after `n` more starts at `perSecond` (estimated from a warm-up: half again as long), and
 * `moreMs` of measuring, with a margin of 10 s and 10 ms per workflow, at most a minute.
 */
function burstInstant(n: number, perSecond: number, moreMs: number): number {
  const startsMs = (n / Math.max(perSecond, 0.1)) * 1000;
  return Date.now() + Math.ceil(startsMs * 1.5 + moreMs + Math.min(60_000, 10_000 + n * 10));
}

/**
 * Counts the distinct notifications (by `Idempotency-Key`, as a deduplicating receiver keeps them) whose body matches,
 * reading only what arrived since the last call: it is polled while the workers are at their busiest.
 */
function arrivals(receiver: WebhookReceiver, match: (body: Record<string, unknown>) => boolean): () => number {
  const keys = new Set<string>();
  let read = 0;
  return () => {
    for (; read < receiver.received.length; read++) {
      const r = receiver.received[read]!;
      const body = (r.body ?? {}) as Record<string, unknown>;
      if (match(body)) keys.add(String(r.headers['idempotency-key']));
    }
    return keys.size;
  };
}

/**
 * One burst: waits for its instant and times until `arrived()` counts every workflow's effect. A set-up that ran past
 * the instant (`marginMs` not positive) is not timed: its effects went out as each workflow was set up.
 */
async function timeBurst(
  n: number,
  dueAt: number,
  marginMs: number,
  arrived: () => number,
  what: string,
): Promise<BurstSample> {
  const sample = { dueAt: new Date(dueAt).toISOString(), setUpMarginMs: marginMs };
  if (marginMs <= 0) return { ...sample, ms: null };
  await sleepUntil(dueAt);
  return { ...sample, ms: (await whenCount(arrived, n, what)) - dueAt };
}

/** Runs every scale measurement on one fresh cluster; stops and removes it afterwards. */
export async function sampleScale(sizes: BenchSizes, log: (line: string) => void): Promise<ScaleSamples> {
  const n = sizes.scaleRequests;
  const concurrency = sizes.scaleConcurrency;
  const warmup = Math.min(sizes.scaleWarmup, n);
  const dir = mkdtempSync(join(tmpdir(), 'privatelink-bench-cluster-'));
  // PostgreSQL runs as the user postgres when the benchmark runs as root: it must reach its folder.
  chmodSync(dir, 0o755);
  const receiver = await new WebhookReceiver().start();
  let cluster: RunningCluster | undefined;
  let connection: Connection | undefined;
  const processes: RunningProcess[] = [];
  const burst = (dueAt: number, marginMs: number, arrived: () => number, what: string) =>
    timeBurst(n, dueAt, marginMs, arrived, what);
  let succeeded = false;
  try {
    log('  starting the cluster (PostgreSQL, the Temporal server, the namespace job) ...');
    cluster = await startCluster({
      dir: join(dir, 'cluster'),
      postgresPort: await freePort(),
      portOffset: PORT_OFFSET,
      workers: 0,
      log: () => undefined,
    });
    connection = await Connection.connect({ address: cluster.address });
    const client = new Client({ connection });
    const vendorConfig = join(dir, 'vendor.json');
    writeFileSync(vendorConfig, JSON.stringify(allDayVendorConfig({ hours: SLA_HOURS, warnAtPercent: [WARN_AT] })));
    const baselineQueue = 'bench-baseline';
    const productEnv = (cache?: number): NodeJS.ProcessEnv => ({
      TEMPORAL_ADDRESS: cluster!.address,
      VENDOR_CONFIG: vendorConfig,
      TICKET_SYSTEM: 'file',
      TICKET_LOG_FILE: join(dir, 'ticket-comments.jsonl'),
      NOTIFY_WEBHOOK_URL: receiver.url,
      ...(cache ? { WORKER_MAX_CACHED_WORKFLOWS: String(cache) } : {}),
    });
    const baselineEnv = (cache?: number): NodeJS.ProcessEnv => ({
      TEMPORAL_ADDRESS: cluster!.address,
      BASELINE_TASK_QUEUE: baselineQueue,
      BASELINE_NOTIFY_URL: receiver.url,
      ...(cache ? { WORKER_MAX_CACHED_WORKFLOWS: String(cache) } : {}),
    });
    const startWorkers = async (cache?: number) => {
      const started = await Promise.all([
        ...[1, 2].map(() => startWorker('src/worker.ts', productEnv(cache))),
        ...[1, 2].map(() => startWorker('bench/baseline-worker.ts', baselineEnv(cache))),
      ]);
      processes.push(...started);
      return { product: started.slice(0, 2), baseline: started.slice(2) };
    };
    const rss = (procs: RunningProcess[]) => procs.map(rssOf);
    log('  starting two product and two baseline worker processes ...');
    let workers = await startWorkers();
    // Let start-up garbage settle before the idle figure.
    await new Promise((r) => setTimeout(r, 3_000));
    const idle = { product: rss(workers.product), baseline: rss(workers.baseline) };

    // --- The baseline: empty workflows, started with the raw client; their timers all due at one instant. ---
    /** Starts empty workflows; resolves once the last ones have had their first workflow task (workers caught up). */
    const startBaselines = async (prefix: string, count: number, input: BaselineInput) => {
      const t = performance.now();
      const handles = await pool(count, concurrency, (i) =>
        client.workflow.start(baselineWorkflow, {
          workflowId: benchTicket(prefix, i),
          taskQueue: baselineQueue,
          args: [input],
        }),
      );
      const startMs = since(t);
      await waitFor(
        async () => {
          const last = handles.slice(-concurrency);
          const done = await Promise.all(last.map((h) => h.describe().then((d) => d.historyLength >= 4)));
          return done.every(Boolean);
        },
        WAIT_MS,
        'the workers to run the empty workflows',
      );
      return { handles, ms: startMs, processedMs: since(t) };
    };
    log(`  ${n} empty workflows (raw client, ${concurrency} at a time) ...`);
    // The raw starts outrun the workers: the burst's instant is planned from when the warm-up's had all run.
    const baselineWarm = await startBaselines('WARM-EMPTY', warmup, {});
    const baselineDue = burstInstant(n, (warmup * 1000) / baselineWarm.processedMs, 2_000 + n);
    const baselineStarts = await startBaselines('EMPTY', n, { timerAt: new Date(baselineDue).toISOString() });
    await Promise.all(baselineWarm.handles.map((h) => h.terminate('benchmark warm-up')));
    const baselineMargin = baselineDue - Date.now();
    const baselineLoaded = rss(workers.baseline);
    const baselineQuery = `WorkflowType = "baselineWorkflow" AND ExecutionStatus = "Running"`;
    const baselineMs = await timed(sizes.scaleRounds, async () => {
      await client.workflowService.listWorkflowExecutions({ namespace: 'default', query: baselineQuery, pageSize: 50 });
    });
    log('  the empty workflows’ timers ...');
    const fired = arrivals(receiver, (body) => body.kind === 'baseline_timer');
    const baselineBurst = await burst(baselineDue, baselineMargin, fired, 'timer effects');

    // --- The product: requests through the signed webhook, submitted so that their warnings fall due at once. ---
    const tokens = testCredentials();
    const webhookSecret = newWebhookSecret();
    const intakeApp = buildApiServer({
      requests: new EnablementClient(client, TASK_QUEUE),
      authenticator: new Authenticator(tokens.store),
      webhooks: { tickets: [webhookSecret] },
      console: { index: false },
    });
    await intakeApp.listen({ host: '127.0.0.1', port: 0 });
    const intakeUrl = `http://127.0.0.1:${(intakeApp.server.address() as AddressInfo).port}/webhooks/tickets`;
    const deliver = async (tickets: string[], submittedAt?: string) => {
      const deliveries = tickets.map((ticketId) => {
        const intake = { ...validIntake('aws', 'unidirectional', ticketId), ...(submittedAt ? { submittedAt } : {}) };
        return { body: JSON.stringify({ type: 'ticket.created', data: intake }) };
      });
      // Signed as they are sent: a signature is good for five minutes, and 10,000 deliveries take longer.
      return sendFromChild(intakeUrl, concurrency, deliveries, webhookSecret);
    };
    let productDue: number;
    let webhookMs: number;
    const tickets = Array.from({ length: n }, (_, i) => benchTicket('SCALE', i));
    try {
      log(`  ${n} requests through the webhook (${concurrency} at a time) ...`);
      const warmTickets = Array.from({ length: warmup }, (_, i) => benchTicket('WARM', i));
      const warmMs = await deliver(warmTickets);
      // The index read and the list measurements come between the starts and the burst.
      productDue = burstInstant(n, (warmup * 1000) / warmMs, 5_000 + n * 5);
      webhookMs = await deliver(tickets, new Date(productDue - WARNING_AFTER_MS).toISOString());
      await Promise.all(
        warmTickets.map((t) => client.workflow.getHandle(workflowIdForTicket(t)).terminate('benchmark warm-up')),
      );
    } finally {
      await intakeApp.close();
    }
    // Each request has taken its intake once visibility shows it waiting on the vendor (allowlisting next).
    const vendorQuery = `${listQuery({ waitingOn: 'vendor' })} AND WorkflowId STARTS_WITH "privatelink-SCALE-"`;
    await whenCount(
      async () => (await client.workflow.count(vendorQuery)).count,
      n,
      'requests waiting on the vendor',
      500,
    );
    const productLoaded = rss(workers.product);

    log('  lists at scale (API, console inbox, Find) ...');
    const sessions = SessionKeys.random();
    const app = buildApiServer({
      requests: new EnablementClient(client, TASK_QUEUE),
      authenticator: new Authenticator(tokens.store),
      console: { sessions, index: { pollMs: 1000 } },
    });
    await app.listen({ host: '127.0.0.1', port: 0 });
    const url = `http://127.0.0.1:${(app.server.address() as AddressInfo).port}`;
    let lists: ScaleSamples['lists'];
    try {
      const readStart = performance.now();
      const cookie = `plconsole=${sessions.open({ subject: tokens.subjects.support, role: 'support' }, 'token').cookie}`;
      // The index is ready when the inbox says how many match (visibility's answer does not).
      await whenCount(
        async () =>
          /\d+ requests? match/.test(await (await fetch(`${url}/console`, { headers: { cookie } })).text()) ? 1 : 0,
        1,
        'inbox index reads',
        20,
      );
      const indexReadMs = since(readStart);
      const sameFilter = listQuery({ waitingOn: 'vendor' });
      const sameFilterMs = await timed(sizes.scaleRounds, async () => {
        await client.workflowService.listWorkflowExecutions({ namespace: 'default', query: sameFilter, pageSize: 50 });
      });
      const inboxMs = await timed(sizes.scaleRounds, async () =>
        ok(await fetch(`${url}/console`, { headers: { cookie } }), 'the inbox', 'soonest SLA breach first'),
      );
      const part = tickets[Math.floor(n / 2)]!.slice(-10);
      const findMs = await timed(sizes.scaleRounds, async () =>
        ok(await fetch(`${url}/console?q=${encodeURIComponent(part)}`, { headers: { cookie } }), 'Find', part),
      );
      const bearer = { authorization: `Bearer ${tokens.tokens.support}` };
      const apiListMs = await timed(sizes.scaleRounds, async () =>
        ok(await fetch(`${url}/api/requests?waitingOn=vendor&pageSize=50`, { headers: bearer }), 'GET /api/requests'),
      );
      lists = { baselineMs, sameFilterMs, apiListMs, inboxMs, findMs, indexReadMs };
    } finally {
      await app.close();
    }

    log('  the SLA warnings, all due at one instant ...');
    const productMargin = productDue - Date.now();
    const ticketSet = new Set(tickets);
    const warned = arrivals(receiver, (body) => body.kind === 'sla_warning' && ticketSet.has(String(body.ticketId)));
    const productBurst = await burst(productDue, productMargin, warned, 'warning notifications');

    log(`  worker memory with a small workflow cache (${sizes.scaleSmallCache}) ...`);
    await stopProcesses([...workers.product, ...workers.baseline]);
    workers = await startWorkers(sizes.scaleSmallCache);
    await new Promise((r) => setTimeout(r, 3_000));
    const smallIdle = { product: rss(workers.product), baseline: rss(workers.baseline) };
    const readAll = async (query: (i: number) => Promise<unknown>) => {
      const t = performance.now();
      await pool(n, concurrency, query);
      return since(t);
    };
    const readProductMs = await readAll((i) =>
      client.workflow.getHandle(workflowIdForTicket(tickets[i]!)).query(enablementStateQuery),
    );
    const readBaselineMs = await readAll((i) => baselineStarts.handles[i]!.query(baselineUpdates));
    const small = { product: rss(workers.product), baseline: rss(workers.baseline) };

    succeeded = true;
    return {
      requests: n,
      temporal: cluster.version,
      cache: { default: sdkDefaultCache(), small: sizes.scaleSmallCache },
      starts: {
        webhook: { starts: n, ms: webhookMs },
        baseline: { starts: n, ms: baselineStarts.ms },
      },
      memory: {
        defaultCache: {
          product: { idle: idle.product, loaded: productLoaded },
          baseline: { idle: idle.baseline, loaded: baselineLoaded },
        },
        smallCache: {
          product: { idle: smallIdle.product, loaded: small.product },
          baseline: { idle: smallIdle.baseline, loaded: small.baseline },
        },
        readAllMs: { product: readProductMs, baseline: readBaselineMs },
      },
      lists,
      burst: { product: productBurst, baseline: baselineBurst },
    };
  } finally {
    await stopProcesses(processes);
    await connection?.close().catch(() => undefined);
    await cluster?.stop();
    await receiver.stop();
    // The cluster's logs are what explains a failed run: kept then.
    if (succeeded) rmSync(dir, { recursive: true, force: true });
    else log(`  the cluster's folder, with its logs, is kept: ${dir}`);
  }
}

const sum = (xs: number[]) => xs.reduce((a, b) => a + b, 0);

/** The scale figures as results, each a ratio against the baseline measured on the same cluster. */
export function scaleResults(s: ScaleSamples): BenchmarkResult[] {
  const on = `${s.requests} open, Temporal ${s.temporal} cluster on PostgreSQL`;
  const latency = (ms: number[]) => ({
    value: round(median(ms), 3),
    unit: 'ms',
    raw: { p50: median(ms), p99: percentile(ms, 99), samples: ms },
  });
  // What the two processes hold (what a container's memory limit sees); what they held idle is in `raw`. The gain
  // alone misleads: a collection while the workflows load can leave a process smaller than it was idle.
  const resident = (m: MemorySample) => ({
    value: round(sum(m.loaded) / MIB, 1),
    unit: 'MiB',
    raw: { idleBytes: m.idle, loadedBytes: m.loaded, gainedMiB: round((sum(m.loaded) - sum(m.idle)) / MIB, 1) },
  });
  const burst = (b: BurstSample) => ({
    value: b.ms ?? NaN,
    unit: 'ms',
    raw: { dueAt: b.dueAt, setUpMarginMs: b.setUpMarginMs },
  });
  const rate = (x: { starts: number; ms: number }) => ({
    value: round((x.starts * 1000) / x.ms, 1),
    unit: 'starts/s',
    raw: { starts: x.starts, ms: round(x.ms) },
  });
  const listBaseline = latency(s.lists.baselineMs);
  const listBaselineIs = `visibility's own page of 50 over ${s.requests} empty workflows (raw client)`;
  const results: BenchmarkResult[] = [
    compare(
      {
        id: 'scale-webhook-start',
        title: `Webhook → request start at scale (${s.requests} requests, two workers)`,
        baselineIs: `raw client start of ${s.requests} empty workflows`,
        baseline: rate(s.starts.baseline),
        product: rate(s.starts.webhook),
        note: "the webhook's answer waits for the request's first workflow task; the raw start does not",
      },
      null,
    ),
    compare(
      {
        id: 'scale-memory-default-cache',
        title: `Worker memory (resident, two workers) holding ${s.requests} workflows, default cache (${s.cache.default} per worker)`,
        baselineIs: `two workers holding ${s.requests} empty workflows`,
        baseline: resident(s.memory.defaultCache.baseline),
        product: resident(s.memory.defaultCache.product),
      },
      null,
    ),
    compare(
      {
        id: 'scale-memory-small-cache',
        title: `Worker memory (resident, two workers) after reading all ${s.requests}, cache of ${s.cache.small} per worker`,
        baselineIs: `the same for ${s.requests} empty workflows`,
        baseline: resident(s.memory.smallCache.baseline),
        product: resident(s.memory.smallCache.product),
        note: `reading every workflow once with the small cache took ${round(s.memory.readAllMs.product / 1000, 1)} s (product) and ${round(s.memory.readAllMs.baseline / 1000, 1)} s (baseline)`,
      },
      null,
    ),
    compare(
      {
        id: 'scale-api-list',
        title: `GET /api/requests?waitingOn=vendor, ${on}`,
        baselineIs: listBaselineIs,
        baseline: listBaseline,
        product: latency(s.lists.apiListMs),
        note: `visibility's page of 50 for the same filter over the requests: ${round(median(s.lists.sameFilterMs), 1)} ms p50`,
      },
      LATENCY_TARGET,
    ),
    compare(
      {
        id: 'scale-inbox-page',
        title: `Console inbox, default view (50 rows, badges), ${on}`,
        baselineIs: listBaselineIs,
        baseline: listBaseline,
        product: latency(s.lists.inboxMs),
        note: `the inbox's index read all ${s.requests} in ${round(s.lists.indexReadMs / 1000, 1)} s at start`,
      },
      LATENCY_TARGET,
    ),
    compare(
      {
        id: 'scale-inbox-find',
        title: `Console inbox, Find part of a ticket id, ${on}`,
        baselineIs: listBaselineIs,
        baseline: listBaseline,
        product: latency(s.lists.findMs),
      },
      LATENCY_TARGET,
    ),
    compare(
      {
        id: 'scale-sla-burst',
        title: `SLA burst: ${s.requests} warnings due at one instant, until every notification arrived`,
        baselineIs: `${s.requests} empty workflows whose timer fires at one instant and posts one notification`,
        baseline: burst(s.burst.baseline),
        product: burst(s.burst.product),
        ...(s.burst.product.ms === null || s.burst.baseline.ms === null
          ? { note: 'not measured: the workflows were still being set up when their timers fell due' }
          : {}),
      },
      null,
    ),
  ];
  return results;
}
