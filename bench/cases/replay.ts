/**
 * Replay time of a long history: what a worker pays to rebuild a request after eviction or a restart. A product
 * request gets N `note.added` events (each an update with its audit record, memo and result); the empty workflow gets
 * N updates. Each history is replayed several times by one replay worker (`Worker.runReplayHistories`); the time
 * between consecutive results is one replay, and the first (which includes creating the worker) is not counted.
 */
import type { temporal } from '@temporalio/proto';
import { Worker, type WorkflowBundle } from '@temporalio/worker';
import { applyEnablementEventUpdate } from '../../src/temporal/messages';
import type { BenchEnvironment } from '../environment';
import { historySize, type HistorySize } from '../history-size';
import { compare, LATENCY_TARGET, type BenchmarkResult, type BenchSizes } from '../result';
import { median, round, since } from '../stats';
import { baselineFinish, baselineUpdate } from '../workflows/baseline';
import { benchTicket, settle, startBaseline, startProduct, withActor } from './common';

/** Replay times (ms) and the history of each kind. */
export interface ReplaySamples {
  product: { ms: number[]; history: HistorySize };
  baseline: { ms: number[]; history: HistorySize };
  events: number;
}

async function timeReplays(
  bundle: WorkflowBundle,
  workflowId: string,
  history: temporal.api.history.v1.IHistory,
  repeats: number,
): Promise<number[]> {
  const copies = Array.from({ length: repeats + 1 }, () => ({ workflowId, history }));
  const times: number[] = [];
  let last = performance.now();
  for await (const result of Worker.runReplayHistories({ workflowBundle: bundle, replayName: 'bench' }, copies)) {
    if (result.error) throw new Error(`replay of ${workflowId} failed: ${String(result.error)}`);
    times.push(since(last));
    last = performance.now();
  }
  return times.slice(1);
}

/** Builds the two long histories, then times their replays. */
export async function sampleReplay(env: BenchEnvironment, sizes: BenchSizes): Promise<ReplaySamples> {
  const n = sizes.replayEvents;
  const notes = Array.from({ length: n }, (_, i) => withActor({ type: 'note.added', text: `bench note ${i + 1}` }));

  const product = await startProduct(env.client, env.queues.product, benchTicket('REPLAY', 0));
  await settle(product);
  for (const note of notes) await product.executeUpdate(applyEnablementEventUpdate, { args: [note] });
  const productHistory = await product.fetchHistory();

  const baseline = await startBaseline(env.client, env.queues.baseline, benchTicket('REPLAY', 0));
  for (const note of notes) await baseline.executeUpdate(baselineUpdate, { args: [note] });
  const baselineHistory = await baseline.fetchHistory();
  await baseline.signal(baselineFinish);

  return {
    events: n,
    product: {
      ms: await timeReplays(env.bundles.product, product.workflowId, productHistory, sizes.replayRepeats),
      history: historySize(productHistory),
    },
    baseline: {
      ms: await timeReplays(env.bundles.baseline, baseline.workflowId, baselineHistory, sizes.replayRepeats),
      history: historySize(baselineHistory),
    },
  };
}

/** The replay-time comparison (a time cost: the latency target applies). */
export function replayResult(s: ReplaySamples): BenchmarkResult {
  const side = (k: 'product' | 'baseline') => ({
    value: median(s[k].ms),
    unit: 'ms',
    raw: {
      replaysMs: s[k].ms.map((v) => round(v)),
      historyBytes: s[k].history.bytes,
      historyEvents: s[k].history.events,
    },
  });
  return compare(
    {
      id: 'replay-long-history',
      title: `Replay of a history with ${s.events} events (note.added updates)`,
      baselineIs: `empty workflow's history with ${s.events} updates`,
      baseline: side('baseline'),
      product: side('product'),
      note: 'median of the timed replays by one replay worker',
    },
    LATENCY_TARGET,
  );
}
