/**
 * Worker heap per cached workflow: N product requests held in the worker's cache mid-process (three events in,
 * effects done, waiting on the next step) against N empty workflows that got the same three updates; the heap delta
 * after a forced GC, divided by N.
 *
 * Workflows normally run in a worker thread, whose heap this process cannot measure or collect; here each kind gets
 * its own worker with `debugMode` on, which runs the same bundle in the same reusable VM context on the main thread,
 * so `process.memoryUsage().heapUsed` after `gc()` sees exactly what the cached workflows hold.
 */
import { randomUUID } from 'node:crypto';
import { setFlagsFromString } from 'node:v8';
import { runInNewContext } from 'node:vm';
import { Worker, type WorkflowBundle } from '@temporalio/worker';
import { applyEnablementEventUpdate } from '../../src/temporal/messages';
import type { BenchEnvironment } from '../environment';
import { compare, type BenchmarkResult, type BenchSizes } from '../result';
import { pool, round } from '../stats';
import { baselineUpdate } from '../workflows/baseline';
import { benchTicket, runScript, settle, startBaseline, startProduct, withActor } from './common';

/** Events each cached workflow has had. */
const EVENTS = runScript.slice(0, 3);

/** Heap readings around filling one worker's cache. */
export interface HeapReading {
  workflows: number;
  beforeBytes: number;
  afterBytes: number;
  perWorkflowBytes: number;
}

/** A `gc()` to call: the global one under `--expose-gc`, else one switched on at run time. */
function collector(): () => void {
  const existing = (globalThis as { gc?: () => void }).gc;
  if (typeof existing === 'function') return existing;
  setFlagsFromString('--expose-gc');
  return runInNewContext('gc') as () => void;
}

async function settledHeap(gc: () => void): Promise<number> {
  for (let i = 0; i < 3; i++) {
    gc();
    await new Promise((r) => setTimeout(r, 20));
  }
  return process.memoryUsage().heapUsed;
}

async function fill(
  env: BenchEnvironment,
  bundle: WorkflowBundle,
  n: number,
  drive: (taskQueue: string, i: number) => Promise<void>,
  withActivities: boolean,
): Promise<HeapReading> {
  const gc = collector();
  const taskQueue = `bench-heap-${randomUUID().slice(0, 8)}`;
  const worker = await Worker.create({
    connection: env.testEnv.nativeConnection,
    namespace: env.namespace,
    taskQueue,
    workflowBundle: bundle,
    ...(withActivities ? { activities: env.activities } : {}),
    maxCachedWorkflows: n + 50,
    debugMode: true,
  });
  const running = worker.run();
  try {
    // Warm: the VM context, the bundle's code and the SDK's paths are loaded before the first reading.
    await pool(2, 2, (i) => drive(taskQueue, -1 - i));
    const beforeBytes = await settledHeap(gc);
    await pool(n, 8, (i) => drive(taskQueue, i));
    const afterBytes = await settledHeap(gc);
    return { workflows: n, beforeBytes, afterBytes, perWorkflowBytes: (afterBytes - beforeBytes) / n };
  } finally {
    worker.shutdown();
    await running;
  }
}

/** Fills a product worker's cache, then a baseline worker's. */
export async function sampleHeap(
  env: BenchEnvironment,
  sizes: BenchSizes,
): Promise<{ product: HeapReading; baseline: HeapReading }> {
  const product = await fill(
    env,
    env.bundles.product,
    sizes.heapWorkflows,
    async (taskQueue, i) => {
      const handle = await startProduct(env.client, taskQueue, benchTicket('HEAP', i));
      for (const event of EVENTS) await handle.executeUpdate(applyEnablementEventUpdate, { args: [withActor(event)] });
      await settle(handle);
    },
    true,
  );
  const baseline = await fill(
    env,
    env.bundles.baseline,
    sizes.heapWorkflows,
    async (taskQueue, i) => {
      const handle = await startBaseline(env.client, taskQueue, benchTicket('HEAP', i));
      for (const event of EVENTS) await handle.executeUpdate(baselineUpdate, { args: [withActor(event)] });
    },
    false,
  );
  return { product, baseline };
}

/** The bytes-per-workflow comparison (reported only: an empty workflow holds next to nothing). */
export function heapResult(s: { product: HeapReading; baseline: HeapReading }): BenchmarkResult {
  const side = (r: HeapReading) => ({
    value: r.perWorkflowBytes / 1024,
    unit: 'KiB/workflow',
    raw: {
      workflows: r.workflows,
      heapBeforeBytes: r.beforeBytes,
      heapAfterBytes: r.afterBytes,
      perWorkflowBytes: round(r.perWorkflowBytes, 0),
    },
  });
  return compare(
    {
      id: 'worker-heap-per-workflow',
      title: `Worker heap per cached workflow (${s.product.workflows} cached, ${EVENTS.length} events in)`,
      baselineIs: `empty workflow after ${EVENTS.length} updates`,
      baseline: side(s.baseline),
      product: side(s.product),
      note: 'reported only; debugMode workers so the workflows live in the measured isolate; heapUsed after gc()',
    },
    null,
  );
}
