/** Turning a report into text: the table printed and put in the README, and the README's Benchmarks section. */
import { spawnSync } from 'node:child_process';
import { basename, dirname } from 'node:path';
import type { HistorySize } from './history-size';
import type { BenchReport, BenchmarkResult } from './result';

const START = '<!-- bench:start -->';
const END = '<!-- bench:end -->';

function figure(value: number, unit: string): string {
  if (!Number.isFinite(value)) return `n/a ${unit}`;
  const digits = Math.abs(value) >= 100 ? 0 : Math.abs(value) >= 10 ? 1 : 2;
  return `${value.toFixed(digits)} ${unit}`;
}

function target(r: BenchmarkResult): string {
  if (!r.target) return '—';
  return `${r.target.kind === 'min' ? '≥' : '≤'} ${r.target.ratio}×`;
}

function verdict(r: BenchmarkResult): string {
  return r.pass === null ? 'reported' : r.pass ? 'pass' : '**FAIL**';
}

function kib(bytes: number): string {
  return `${(bytes / 1024).toFixed(1)} KiB`;
}

/** The results as a Markdown table (it reads as plain text too). */
export function resultsTable(report: BenchReport): string {
  const rows = report.results.map(
    (r) =>
      `| ${r.title} | ${r.baselineIs}: ${figure(r.baseline.value, r.baseline.unit)} | ${figure(r.product.value, r.product.unit)} | ${r.ratio.toFixed(2)}× | ${target(r)} | ${verdict(r)} |`,
  );
  return [
    '| benchmark | baseline | product | ratio | target | result |',
    '| --- | --- | --- | --- | --- | --- |',
    ...rows,
  ].join('\n');
}

function historyRow(name: string, h: HistorySize | undefined): string | undefined {
  if (!h) return undefined;
  const updates = h.updateResults.count
    ? `${h.updateResults.count} × avg ${kib(h.updateResults.bytes / h.updateResults.count)} (max ${kib(h.updateResults.maxBytes)})`
    : '—';
  return `| ${name} | ${h.events} | ${kib(h.bytes)} | ${updates} | ${h.memoUpserts.count} / ${kib(h.memoUpserts.bytes)} | ${h.searchAttributeUpserts.count} / ${kib(h.searchAttributeUpserts.bytes)} | ${kib(h.inputBytes)} |`;
}

/** History sizes of a full run and of the long histories, product against baseline. */
export function historyTable(report: BenchReport): string {
  const h = report.histories;
  const rows = [
    historyRow('full run, product', h.fullRunProduct),
    historyRow('full run, baseline', h.fullRunBaseline),
    historyRow('long history, product', h.longHistoryProduct),
    historyRow('long history, baseline', h.longHistoryBaseline),
  ].filter((r): r is string => r !== undefined);
  return [
    '| history | events | size | update results | memo upserts | search attribute upserts | input |',
    '| --- | --- | --- | --- | --- | --- | --- |',
    ...rows,
  ].join('\n');
}

/** One line on where and how the numbers were taken. */
export function machineLine(report: BenchReport): string {
  const m = report.machine;
  return (
    `${report.date}, ${report.mode} run of ${report.durationSeconds} s on ${m.cores} × ${m.cpuModel}, ` +
    `${Math.round(m.memoryBytes / 2 ** 30)} GiB, Node ${m.node}, ${m.temporalCli.split('\n')[0]}; ` +
    `load average ${m.loadAverage.start} → ${m.loadAverage.end}; ` +
    `bundles: product ${kib(report.bundles.productBytes)}, baseline ${kib(report.bundles.baselineBytes)}`
  );
}

/** Markdown formatted by the repository's Prettier, as if it were the file at `path` (in a child: Prettier is ESM). */
function prettierFormat(text: string, path: string): string {
  const bin = require.resolve('prettier/bin/prettier.cjs');
  const run = spawnSync(process.execPath, [bin, '--stdin-filepath', basename(path)], {
    cwd: dirname(path),
    input: text,
    encoding: 'utf8',
  });
  if (run.status !== 0) throw new Error(`prettier failed: ${run.stderr}`);
  return run.stdout;
}

/** The generated part of the README's Benchmarks section. */
export function readmeBlock(report: BenchReport): string {
  return [
    START,
    `Measured ${machineLine(report)} (\`bench/results/${report.date}.json\`).`,
    '',
    resultsTable(report),
    '',
    historyTable(report),
    END,
  ].join('\n');
}

const SECTION_INTRO = `## Benchmarks

\`npm run bench\` starts a Temporal dev server, the product's worker and the HTTP API on a port, and measures each
figure against a baseline taken in the same run on the same server, so only ratios are reported (never absolute
times): the empty workflow in \`bench/workflows/baseline.ts\` (an update handler that does nothing), the raw Temporal
client, and a plain \`node:http\` server. Targets: at least 0.7 of the baseline's throughput, at most 1.5 times its p50
latency (and replay time); heap and p99 are reported only. A full run takes about three minutes and writes
\`bench/results/<date>.json\` (machine, raw numbers, ratios, pass/fail) and the table below;
\`npm run bench -- --quick\` is a smoke run under a minute that writes nothing. Other work on the machine moves every
figure: compare ratios from the same run, and rerun before trusting a small difference.

`;

/**
 * The README with its Benchmarks section's table replaced (between the bench markers), or, when the README has no
 * such section yet, with the section added right before `## Development`. Nothing else in the file changes.
 */
export function updateReadme(readme: string, report: BenchReport, readmePath: string): string {
  // Formatted as Prettier formats the README (CI checks it); only this block, never the rest of the file.
  const format = (text: string) => prettierFormat(text, readmePath);
  const block = format(readmeBlock(report)).trimEnd();
  const start = readme.indexOf(START);
  const end = readme.indexOf(END);
  if (start !== -1 && end > start) return readme.slice(0, start) + block + readme.slice(end + END.length);
  const anchor = readme.indexOf('\n## Development\n');
  if (anchor === -1) throw new Error('README.md has no "## Development" section to put the Benchmarks section before');
  const intro = format(SECTION_INTRO);
  return `${readme.slice(0, anchor + 1)}${intro}\n${block}\n\n${readme.slice(anchor + 1)}`;
}
