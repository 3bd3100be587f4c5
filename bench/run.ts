/**
 * Runs every benchmark against one fresh stack and returns the report. `bench/index.ts` prints and saves it; the
 * test in `test/bench/` runs it with tiny sizes so the benchmark code cannot silently rot.
 */
import { cpus, loadavg, platform, release, totalmem } from 'node:os';
import { sampleScale, scaleResults } from './cases/cluster-scale';
import { sampleHeap, heapResult } from './cases/heap';
import { routeResult, sampleRoute } from './cases/http-route';
import { latencyResults, sampleLatency } from './cases/latency';
import { replayResult, sampleReplay } from './cases/replay';
import { sampleThroughput, throughputResult } from './cases/throughput';
import { sampleStarts, startResult } from './cases/webhook-start';
import { measureCosts } from './cost';
import { startBenchEnvironment } from './environment';
import type { BenchReport, BenchSizes, BenchmarkResult } from './result';
import { round } from './stats';

/**
 * Sizes of a full run: about five minutes on a 2-core machine on the dev server, then the scale benchmarks on a cluster
 * (starting 10,000 requests and as many empty workflows, and their SLA bursts: about three quarters of an hour).
 */
export const fullSizes: BenchSizes = {
  latencyRounds: 9,
  latencyEvents: 18,
  throughputRounds: 4,
  throughputRunsPerRound: 12,
  throughputConcurrency: 6,
  webhookRounds: 4,
  webhookStartsPerRound: 100,
  webhookConcurrency: 16,
  httpSeconds: 4,
  httpRounds: 2,
  httpWarmupSeconds: 1,
  httpConnections: 10,
  heapWorkflows: 200,
  replayEvents: 200,
  replayRepeats: 5,
  scaleRequests: 10_000,
  scaleWarmup: 200,
  scaleConcurrency: 16,
  scaleRounds: 30,
  scaleSmallCache: 100,
  costPerRequest: true,
};

/** Sizes of `npm run bench -- --quick`: a smoke run of every path, under a minute; the ratios are rough. */
export const quickSizes: BenchSizes = {
  latencyRounds: 3,
  latencyEvents: 18,
  throughputRounds: 2,
  throughputRunsPerRound: 4,
  throughputConcurrency: 4,
  webhookRounds: 2,
  webhookStartsPerRound: 30,
  webhookConcurrency: 8,
  httpSeconds: 1,
  httpRounds: 2,
  httpWarmupSeconds: 1,
  httpConnections: 10,
  heapWorkflows: 30,
  replayEvents: 50,
  replayRepeats: 3,
  scaleRequests: 300,
  scaleWarmup: 30,
  scaleConcurrency: 16,
  scaleRounds: 10,
  scaleSmallCache: 20,
  costPerRequest: true,
};

/** Sizes for the test that keeps the benchmark code working: one of everything, ratios meaningless. */
export const tinySizes: BenchSizes = {
  latencyRounds: 1,
  latencyEvents: 3,
  throughputRounds: 1,
  throughputRunsPerRound: 1,
  throughputConcurrency: 1,
  webhookRounds: 1,
  webhookStartsPerRound: 3,
  webhookConcurrency: 2,
  httpSeconds: 1,
  httpRounds: 1,
  httpWarmupSeconds: 0,
  httpConnections: 2,
  heapWorkflows: 2,
  replayEvents: 3,
  replayRepeats: 1,
  scaleRequests: 3,
  scaleWarmup: 2,
  scaleConcurrency: 2,
  scaleRounds: 1,
  scaleSmallCache: 2,
  costPerRequest: false,
};

/** Options of {@link runBench}. */
export interface RunOptions {
  sizes: BenchSizes;
  mode: BenchReport['mode'];
  /** Progress lines (stderr by default). */
  log?: (line: string) => void;
}

function today(): string {
  return new Date().toISOString().slice(0, 10);
}

/** Starts the stack, runs every benchmark in turn, stops the stack, and returns what was measured. */
export async function runBench(opts: RunOptions): Promise<BenchReport> {
  const log = opts.log ?? ((line: string) => process.stderr.write(`${line}\n`));
  const { sizes } = opts;
  const started = performance.now();
  const loadStart = loadavg()[0] ?? NaN;
  const env = await startBenchEnvironment(log);
  const results: BenchmarkResult[] = [];
  const histories: BenchReport['histories'] = {};
  try {
    const step = async <T>(name: string, fn: () => Promise<T>): Promise<T> => {
      const t = performance.now();
      log(`- ${name} ...`);
      const value = await fn();
      log(`  done in ${round((performance.now() - t) / 1000, 1)} s`);
      return value;
    };
    const latency = await step('event latency (HTTP vs raw update)', () => sampleLatency(env, sizes));
    results.push(...latencyResults(latency));
    const throughput = await step('run throughput', () => sampleThroughput(env, sizes));
    results.push(throughputResult(throughput, sizes));
    histories.fullRunProduct = throughput.histories.product;
    histories.fullRunBaseline = throughput.histories.baseline;
    const starts = await step('webhook start rate', () => sampleStarts(env, sizes));
    results.push(startResult(starts, sizes));
    const route = await step('API route cost (autocannon)', () => sampleRoute(env, sizes, latency.sampleView));
    results.push(routeResult(route, sizes));
    const heap = await step('worker heap per cached workflow', () => sampleHeap(env, sizes));
    results.push(heapResult(heap));
    const replay = await step('replay of a long history', () => sampleReplay(env, sizes));
    results.push(replayResult(replay));
    histories.longHistoryProduct = replay.product.history;
    histories.longHistoryBaseline = replay.baseline.history;
  } finally {
    await env.stop();
  }
  let costs: BenchReport['costs'];
  if (sizes.costPerRequest) {
    const t = performance.now();
    log('- cost per request (time-skipping server) ...');
    costs = await measureCosts({ log });
    log(`  done in ${round((performance.now() - t) / 1000, 1)} s`);
  }
  // On a cluster of its own, once the dev server has stopped: nothing else runs on the machine meanwhile.
  if (sizes.scaleRequests > 0) {
    const t = performance.now();
    log(`- scale on a Temporal cluster: ${sizes.scaleRequests} requests and as many empty workflows ...`);
    const scale = await sampleScale(sizes, log);
    log(`  done in ${round((performance.now() - t) / 1000, 1)} s`);
    results.push(...scaleResults(scale));
  }
  const cpu = cpus();
  return {
    date: today(),
    mode: opts.mode,
    sizes,
    machine: {
      cpuModel: cpu[0]?.model.trim() ?? 'unknown',
      cores: cpu.length,
      memoryBytes: totalmem(),
      node: process.version,
      platform: `${platform()} ${release()}`,
      temporalCli: env.temporalCliVersion,
      loadAverage: { start: round(loadStart), end: round(loadavg()[0] ?? NaN) },
    },
    durationSeconds: round((performance.now() - started) / 1000, 1),
    results,
    histories,
    bundles: { productBytes: env.bundles.product.code.length, baselineBytes: env.bundles.baseline.code.length },
    ...(costs ? { costs } : {}),
  };
}
