/** The shape of a benchmark run's results (what `bench/results/<date>.json` holds), and how a ratio is judged. */
import type { CostReport } from './cost';
import type { HistorySize } from './history-size';

/** One side of a comparison: the figure, its unit, and the raw numbers behind it. */
export interface Measurement {
  value: number;
  unit: string;
  raw: Record<string, number | number[] | string>;
}

/** A target on the ratio product / baseline. */
export interface Target {
  /** `min`: the product must reach at least `ratio` of the baseline (throughput); `max`: at most (latency, cost). */
  kind: 'min' | 'max';
  ratio: number;
}

/** Throughput: at least 0.7 of the baseline. */
export const THROUGHPUT_TARGET: Target = { kind: 'min', ratio: 0.7 };
/** Latency (p50) and time costs: at most 1.5 times the baseline. */
export const LATENCY_TARGET: Target = { kind: 'max', ratio: 1.5 };

/** One benchmark: product against baseline, measured in the same run on the same server. */
export interface BenchmarkResult {
  id: string;
  title: string;
  /** What the baseline is. */
  baselineIs: string;
  baseline: Measurement;
  product: Measurement;
  /** product.value / baseline.value */
  ratio: number;
  target: Target | null;
  /** Whether the ratio meets the target; null when the figure has no target (reported only). */
  pass: boolean | null;
  note?: string;
}

/** Builds a result, computing the ratio and judging it against the target. */
export function compare(
  fields: Omit<BenchmarkResult, 'ratio' | 'pass' | 'target'>,
  target: Target | null,
): BenchmarkResult {
  const ratio = fields.product.value / fields.baseline.value;
  const pass =
    target === null || !Number.isFinite(ratio)
      ? null
      : target.kind === 'min'
        ? ratio >= target.ratio
        : ratio <= target.ratio;
  return { ...fields, ratio, target, pass };
}

/** How many samples each benchmark takes. */
export interface BenchSizes {
  /** Rounds of the latency benchmark; the first is a warm-up and not counted. */
  latencyRounds: number;
  /** Events per latency round (a prefix of the bidirectional script with every loop). */
  latencyEvents: number;
  throughputRounds: number;
  throughputRunsPerRound: number;
  throughputConcurrency: number;
  webhookRounds: number;
  webhookStartsPerRound: number;
  webhookConcurrency: number;
  /** Seconds of each timed autocannon run; `httpRounds` runs per side, after a warm-up run of `httpWarmupSeconds`. */
  httpSeconds: number;
  httpRounds: number;
  /** 0 for no warm-up. */
  httpWarmupSeconds: number;
  httpConnections: number;
  heapWorkflows: number;
  replayEvents: number;
  /** Timed replays of each history (after one untimed). */
  replayRepeats: number;
  /**
   * The scale benchmarks on a Temporal cluster (cases/cluster-scale.ts): open requests (and as many empty workflows),
   * 0 to skip them; starts of each kind in the warm-up round that estimates the burst's instant; how many requests are
   * sent at a time; timed pages of each list (after one untimed); the small workflow cache measured per worker.
   */
  scaleRequests: number;
  scaleWarmup: number;
  scaleConcurrency: number;
  scaleRounds: number;
  scaleSmallCache: number;
  /** Measure the cost per request (bench/cost.ts, on a time-skipping server of its own). */
  costPerRequest: boolean;
}

/** The machine the numbers come from. */
export interface MachineInfo {
  cpuModel: string;
  cores: number;
  memoryBytes: number;
  node: string;
  platform: string;
  temporalCli: string;
  /** 1-minute load average at the start and the end: other work on the machine skews every figure. */
  loadAverage: { start: number; end: number };
}

/** Everything a run measured. */
export interface BenchReport {
  /** YYYY-MM-DD */
  date: string;
  mode: 'full' | 'quick' | 'custom';
  sizes: BenchSizes;
  machine: MachineInfo;
  durationSeconds: number;
  results: BenchmarkResult[];
  /** History sizes of one full run and of the long histories replayed, product and baseline. */
  histories: Record<string, HistorySize>;
  /** Size of each workflow bundle (code the worker loads into every workflow context). */
  bundles: { productBytes: number; baselineBytes: number };
  /** Temporal actions and history bytes per request against the hand-written workflow, when measured. */
  costs?: CostReport;
}
