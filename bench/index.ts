/**
 * `npm run bench`: every benchmark of issue 7, each a ratio against a baseline measured in the same run on the same
 * server. Prints the table; a full run also writes `bench/results/<date>.json` and the results in bench/README.md.
 *
 *   npm run bench                  full run (about five minutes on the dev server, then about three quarters of an
 *                                  hour for the scale benchmarks on a native cluster)
 *   npm run bench -- --quick       smoke run of every path, writes nothing unless --out is given
 *   npm run bench -- --no-scale    without the scale benchmarks (no cluster)
 *   npm run bench -- --out f.json  also write the JSON report to f.json
 *   npm run bench -- --no-readme   do not touch bench/README.md
 */
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { costTable } from './cost';
import { historyTable, machineLine, resultsTable, updateReadme } from './report';
import { fullSizes, quickSizes, runBench } from './run';

const repoRoot = join(__dirname, '..');

function option(args: string[], name: string): string | undefined {
  const i = args.indexOf(name);
  return i === -1 ? undefined : args[i + 1];
}

async function main(args: string[]): Promise<number> {
  const quick = args.includes('--quick');
  const sizes = quick ? quickSizes : fullSizes;
  const noScale = args.includes('--no-scale');
  const report = await runBench({
    sizes: noScale ? { ...sizes, scaleRequests: 0 } : sizes,
    mode: quick ? 'quick' : noScale ? 'custom' : 'full',
  });
  const costs = report.costs ? `${costTable(report.costs)}\n\n` : '';
  process.stdout.write(`\n${machineLine(report)}\n\n${resultsTable(report)}\n\n${historyTable(report)}\n\n${costs}`);

  const outputs = [
    option(args, '--out'),
    quick ? undefined : join(repoRoot, 'bench', 'results', `${report.date}.json`),
  ];
  for (const file of outputs.filter((f): f is string => f !== undefined)) {
    mkdirSync(dirname(file), { recursive: true });
    writeFileSync(file, `${JSON.stringify(report, null, 2)}\n`);
    process.stdout.write(`Wrote ${file}\n`);
  }
  if (!quick && !args.includes('--no-readme')) {
    // Read right before writing: the findings in bench/README.md are edited by people; only the results block is ours.
    const readmePath = join(repoRoot, 'bench', 'README.md');
    const updated = updateReadme(readFileSync(readmePath, 'utf8'), report, readmePath);
    writeFileSync(readmePath, updated);
    process.stdout.write(`Updated the latest results in ${readmePath}\n`);
  }
  const failed = report.results.filter((r) => r.pass === false);
  if (failed.length) process.stdout.write(`Below target: ${failed.map((r) => r.id).join(', ')}\n`);
  return 0;
}

main(process.argv.slice(2)).then(
  (code) => process.exit(code),
  (err: unknown) => {
    process.stderr.write(`${err instanceof Error ? (err.stack ?? err.message) : String(err)}\n`);
    process.exit(1);
  },
);
