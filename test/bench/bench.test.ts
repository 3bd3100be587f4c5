import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { type BenchReport } from '../../bench/result';
import { readmeBlock, resultsTable, updateReadme } from '../../bench/report';
import { runBench, tinySizes } from '../../bench/run';

/**
 * Runs every benchmark once with tiny sizes against a real dev server, so `npm run bench` cannot silently rot. The
 * ratios of such a run mean nothing; only that each was measured, and that the report and README table are built.
 */
describe('npm run bench', () => {
  let report: BenchReport;

  beforeAll(async () => {
    report = await runBench({ sizes: tinySizes, mode: 'custom', log: () => undefined });
  }, 120_000);

  it('measures every benchmark against its baseline with finite, positive figures', () => {
    expect(report.results.map((r) => r.id)).toEqual([
      'event-latency-p50',
      'event-latency-p99',
      'run-throughput',
      'webhook-start-rate',
      'api-route-cost',
      'worker-heap-per-workflow',
      'replay-long-history',
    ]);
    for (const r of report.results) {
      expect({
        id: r.id,
        baseline: Number.isFinite(r.baseline.value),
        product: Number.isFinite(r.product.value),
      }).toEqual({ id: r.id, baseline: true, product: true });
      expect(Number.isFinite(r.ratio)).toBe(true);
      if (r.id !== 'worker-heap-per-workflow') expect(r.ratio).toBeGreaterThan(0);
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
    // A product run records each update's result; the baseline's are near empty.
    expect(report.histories.fullRunProduct!.updateResults.count).toBe(tinySizes.throughputRunsPerRound * 18);
    expect(report.bundles.productBytes).toBeGreaterThan(report.bundles.baselineBytes);
    expect(JSON.parse(JSON.stringify(report))).toEqual(report);
  });

  it('puts the table in the README between the markers, before ## Development, and replaces it there next time', () => {
    const readme = readFileSync(join(__dirname, '../../README.md'), 'utf8');
    const path = join(__dirname, '../../README.md');
    const withoutSection = readme.replace(/## Benchmarks\n[\s\S]*?<!-- bench:end -->\n\n/, '');
    const once = updateReadme(withoutSection, report, path);
    expect(once.indexOf('## Benchmarks')).toBeLessThan(once.indexOf('## Development'));
    expect(once.split('\n## Development')[0]).toContain(resultsTable(report).split('\n')[0]!.slice(0, 10));
    const twice = updateReadme(once, report, path);
    expect(twice).toBe(once);
    expect(once.replace(/\n## Benchmarks\n[\s\S]*?<!-- bench:end -->\n/, '')).toBe(withoutSection);
    expect(readmeBlock(report)).toContain('<!-- bench:start -->');
  });
});
