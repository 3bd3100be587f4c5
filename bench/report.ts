/** Turning a report into text: the tables printed, and the generated block of `bench/README.md`'s latest results. */
import { spawnSync } from 'node:child_process';
import { basename, dirname } from 'node:path';
import { costTable } from './cost';
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
  const a = h.actions;
  const actions = `${a.total}: ${a.starts} start, ${a.signals + a.updates} signals/updates, ${a.activities} activities, ${a.timers} timers, ${a.searchAttributeUpserts + a.memoUpserts} upserts`;
  return `| ${name} | ${h.events} | ${kib(h.bytes)} | ${actions} | ${updates} | ${h.memoUpserts.count} / ${kib(h.memoUpserts.bytes)} | ${h.searchAttributeUpserts.count} / ${kib(h.searchAttributeUpserts.bytes)} | ${kib(h.inputBytes)} |`;
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
    '| history | events | size | Temporal actions | update results | memo upserts | search attribute upserts | input |',
    '| --- | --- | --- | --- | --- | --- | --- | --- |',
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

/** The generated part of `bench/README.md`: where and when, and the tables, between the bench markers. */
export function readmeBlock(report: BenchReport): string {
  return [
    START,
    `Measured ${machineLine(report)} (\`bench/results/${report.date}.json\`).`,
    '',
    resultsTable(report),
    '',
    historyTable(report),
    ...(report.costs ? ['', costTable(report.costs)] : []),
    END,
  ].join('\n');
}

/** The heading the generated block goes under. */
const RESULTS_HEADING = '## Latest results';

/**
 * `bench/README.md` with its results replaced (between the bench markers), or, when the file has no such block yet,
 * with the block put under `## Latest results` (the heading added at the end when missing). Nothing else changes:
 * the findings around it are written by people.
 */
export function updateReadme(readme: string, report: BenchReport, readmePath: string): string {
  // Formatted as Prettier formats the file (CI checks it); only this block, never the rest of the file.
  const block = prettierFormat(readmeBlock(report), readmePath).trimEnd();
  const start = readme.indexOf(START);
  const end = readme.indexOf(END);
  if (start !== -1 && end > start) return readme.slice(0, start) + block + readme.slice(end + END.length);
  const heading = readme.indexOf(`\n${RESULTS_HEADING}\n`);
  if (heading === -1) return `${readme.trimEnd()}\n\n${RESULTS_HEADING}\n\n${block}\n`;
  const after = heading + RESULTS_HEADING.length + 2;
  return `${readme.slice(0, after)}\n${block}\n${readme.slice(after)}`;
}
