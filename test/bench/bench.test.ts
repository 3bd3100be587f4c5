import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { type BenchReport } from '../../bench/result';
import { readmeBlock, resultsTable, updateReadme } from '../../bench/report';
import { runBench, tinySizes } from '../../bench/run';
import { runScript } from '../../bench/cases/common';

/**
 * Runs every benchmark once with tiny sizes against a real dev server (and the scale part on a native cluster), so `npm run bench` cannot silently rot. The
 * ratios of such a run mean nothing; only that each was measured, and that the report and bench/README.md's tables are built.
 */
describe('npm run bench', () => {
  let report: BenchReport;

  beforeAll(async () => {
    report = await runBench({ sizes: tinySizes, mode: 'custom', log: () => undefined });
    // The scale part runs a native cluster, whose server is built on a machine's first run.
  }, 40 * 60_000);

  it('measures every benchmark against its baseline with finite, positive figures', () => {
    expect(report.results.map((r) => r.id)).toEqual([
      'event-latency-p50',
      'event-latency-p99',
      'run-throughput',
      'webhook-start-rate',
      'api-route-cost',
      'worker-heap-per-workflow',
      'replay-long-history',
      'scale-webhook-start',
      'scale-memory-default-cache',
      'scale-memory-small-cache',
      'scale-api-list',
      'scale-inbox-page',
      'scale-inbox-find',
      'scale-sla-burst',
    ]);
    for (const r of report.results) {
      expect({
        id: r.id,
        baseline: Number.isFinite(r.baseline.value),
        product: Number.isFinite(r.product.value),
      }).toEqual({ id: r.id, baseline: true, product: true });
      expect(Number.isFinite(r.ratio)).toBe(true);
      // Memory gained can be near zero (or below: a collection) with a handful of workflows.
      if (r.id !== 'worker-heap-per-workflow' && !r.id.startsWith('scale-memory')) expect(r.ratio).toBeGreaterThan(0);
      expect(r.pass).toBe(
        r.target === null ? null : r.target.kind === 'min' ? r.ratio >= r.target.ratio : r.ratio <= r.target.ratio,
      );
    }
    expect(report.results.filter((r) => r.target !== null).map((r) => r.id)).toEqual([
      'event-latency-p50',
      'run-throughput',
      'webhook-start-rate',
      'api-route-cost',
      'replay-long-history',
      'scale-api-list',
      'scale-inbox-page',
      'scale-inbox-find',
    ]);
  });

  it('records the machine, the history sizes and the bundles', () => {
    expect(report.machine.cores).toBeGreaterThan(0);
    expect(report.machine.node).toBe(process.version);
    expect(report.machine.temporalCli).toMatch(/\d+\.\d+\.\d+/);
    expect(report.date).toMatch(/^\d{4}-\d{2}-\d{2}$/);
    for (const name of ['fullRunProduct', 'fullRunBaseline', 'longHistoryProduct', 'longHistoryBaseline']) {
      expect(report.histories[name]!.bytes).toBeGreaterThan(0);
    }
    // A product run records each update's result (one per event of the full script); the baseline's are near empty.
    expect(report.histories.fullRunProduct!.updateResults.count).toBe(
      tinySizes.throughputRunsPerRound * runScript.length,
    );
    expect(report.bundles.productBytes).toBeGreaterThan(report.bundles.baselineBytes);
    expect(JSON.parse(JSON.stringify(report))).toEqual(report);
  });

  it('puts the tables in bench/README.md between the markers, under ## Latest results, and replaces them there next time', () => {
    const path = join(__dirname, '../../bench/README.md');
    const readme = readFileSync(path, 'utf8');
    const block = /\n<!-- bench:start -->[\s\S]*?<!-- bench:end -->\n/;
    expect(readme).toMatch(block);
    const withoutBlock = readme.replace(block, '');
    const once = updateReadme(withoutBlock, report, path);
    expect(once.indexOf('## Latest results')).toBeLessThan(once.indexOf('<!-- bench:start -->'));
    expect(once.indexOf('<!-- bench:end -->')).toBeLessThan(once.indexOf('## What was found and changed'));
    expect(once.split('<!-- bench:end -->')[0]).toContain(resultsTable(report).split('\n')[0]!.slice(0, 10));
    const twice = updateReadme(once, report, path);
    expect(twice).toBe(once);
    expect(once.replace(block, '')).toBe(withoutBlock);
    expect(readmeBlock(report)).toContain('<!-- bench:start -->');
    // Without the heading, the block goes at the end under a new one; the rest of the file is untouched.
    const headless = withoutBlock.replace('## Latest results\n', '');
    const appended = updateReadme(headless, report, path);
    expect(appended.startsWith(headless.trimEnd())).toBe(true);
    expect(appended.slice(headless.trimEnd().length)).toMatch(
      /^\n\n## Latest results\n\n<!-- bench:start -->[\s\S]*<!-- bench:end -->\n$/,
    );
    // The README no longer carries the benchmarks; it points at them.
    const rootReadme = readFileSync(join(__dirname, '../../README.md'), 'utf8');
    expect(rootReadme).not.toContain('<!-- bench:start -->');
    expect(rootReadme).toContain('(bench/README.md)');
  });
});
