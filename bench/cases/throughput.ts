/**
 * Throughput of full bidirectional runs: start a request with its intake, send the 22 events of the run script with
 * the raw client's update, and wait until the workflow has ended (every effect carried out: comments, notifications,
 * connectivity checks). The baseline is the empty workflow receiving the same number of updates and ending on the
 * last. Runs are concurrent; batches of both kinds alternate so drift in the machine's load hits both.
 */
import { applyEnablementEventUpdate } from '../../src/temporal/messages';
import type { BenchEnvironment } from '../environment';
import { measureHistory, type HistorySize } from '../history-size';
import { compare, THROUGHPUT_TARGET, type BenchmarkResult, type BenchSizes } from '../result';
import { pool, round, since } from '../stats';
import { baselineUpdate } from '../workflows/baseline';
import { benchTicket, runScript, startBaseline, startProduct, withActor } from './common';

/** Runs completed and the time they took, per kind; plus the history of one run of each. */
export interface ThroughputSamples {
  product: { runs: number; ms: number; batches: number[] };
  baseline: { runs: number; ms: number; batches: number[] };
  histories: { product: HistorySize; baseline: HistorySize };
}

/** Runs the batches. The first round is a warm-up (half size, not counted) unless there is only one. */
export async function sampleThroughput(
  env: BenchEnvironment,
  sizes: BenchSizes,
  only?: 'product' | 'baseline',
): Promise<ThroughputSamples> {
  const out: ThroughputSamples = {
    product: { runs: 0, ms: 0, batches: [] },
    baseline: { runs: 0, ms: 0, batches: [] },
    histories: undefined as never,
  };
  const productRun = async (id: string) => {
    const handle = await startProduct(env.client, env.queues.product, id);
    for (const event of runScript) await handle.executeUpdate(applyEnablementEventUpdate, { args: [withActor(event)] });
    await handle.result();
    return handle;
  };
  const baselineRun = async (id: string) => {
    const handle = await startBaseline(env.client, env.queues.baseline, id, { updates: runScript.length });
    for (const event of runScript) await handle.executeUpdate(baselineUpdate, { args: [withActor(event)] });
    await handle.result();
    return handle;
  };
  const warmup = sizes.throughputRounds > 1;
  for (let r = 0; r < sizes.throughputRounds + (warmup ? 1 : 0); r++) {
    const counted = !warmup || r > 0;
    const runs = counted ? sizes.throughputRunsPerRound : Math.max(1, Math.ceil(sizes.throughputRunsPerRound / 2));
    for (const [kind, run] of [
      ['product', productRun],
      ['baseline', baselineRun],
    ] as const) {
      if (only && kind !== only) continue;
      const started = performance.now();
      const handles = await pool(runs, sizes.throughputConcurrency, (i) =>
        run(benchTicket(`TP-${kind}`, r * 1000 + i)),
      );
      const ms = since(started);
      if (!counted) continue;
      out[kind].runs += runs;
      out[kind].ms += ms;
      out[kind].batches.push(round((runs * 1000) / ms));
      if (!out.histories) out.histories = { product: undefined as never, baseline: undefined as never };
      out.histories[kind] ??= await measureHistory(handles[0]!);
    }
  }
  return out;
}

/** The runs/second comparison. */
export function throughputResult(s: ThroughputSamples, sizes: BenchSizes): BenchmarkResult {
  const side = (k: 'product' | 'baseline') => ({
    value: (s[k].runs * 1000) / s[k].ms,
    unit: 'runs/s',
    raw: {
      runs: s[k].runs,
      ms: round(s[k].ms),
      runsPerSecondPerBatch: s[k].batches,
      historyBytes: s.histories[k].bytes,
      historyEvents: s.histories[k].events,
    },
  });
  return compare(
    {
      id: 'run-throughput',
      title: `Full bidirectional runs (${runScript.length} events), ${sizes.throughputConcurrency} concurrent`,
      baselineIs: `empty workflow receiving ${runScript.length} updates`,
      baseline: side('baseline'),
      product: side('product'),
      note: 'a product run includes its effects (ticket comments to files, logged notifications, TCP checks on 127.0.0.1)',
    },
    THROUGHPUT_TARGET,
  );
}
