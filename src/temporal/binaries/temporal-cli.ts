import { dirname, join } from 'node:path';
import { sdkDownloadStep } from './sdk-download';
import {
  buildIntoCache,
  cachedStep,
  envPathStep,
  findOnPath,
  resolveBinary,
  resolveContext,
  type ResolveOptions,
  type ResolvedBinary,
  type ResolutionStep,
  runBuild,
  StepSkipped,
} from './steps';

/**
 * The Temporal CLI release built from source when nothing else is available: the newest tag whose go.mod has no
 * `replace` directive, so `go install module@version` works (it needs Go 1.25+).
 */
export const TEMPORAL_CLI_VERSION = 'v1.5.1';
const TEMPORAL_CLI_MODULE = 'github.com/temporalio/cli';

/** Where the `go install` step puts the CLI, and where the cache step looks for it. */
export function cachedCliPath(cacheDir: string): string {
  return join(cacheDir, 'temporal-cli', TEMPORAL_CLI_VERSION, 'temporal');
}

/** Step: `go install github.com/temporalio/cli/cmd/temporal@<version>` into the cache, via a temporary folder. */
const goInstallStep: ResolutionStep = {
  name: `go install ${TEMPORAL_CLI_MODULE}/cmd/temporal@${TEMPORAL_CLI_VERSION}`,
  async run(ctx) {
    const go = findOnPath('go', ctx.env);
    if (!go) throw new StepSkipped('`go` is not on PATH (install Go 1.25+)');
    const target = cachedCliPath(ctx.cacheDir);
    ctx.log(
      `Building the Temporal CLI ${TEMPORAL_CLI_VERSION} with Go (first run only; takes a few minutes) into ${dirname(target)} ...`,
    );
    const started = Date.now();
    await buildIntoCache(target, (scratchDir) =>
      runBuild(
        go,
        [
          'install',
          `-ldflags=-X ${TEMPORAL_CLI_MODULE}/temporalcli.Version=${TEMPORAL_CLI_VERSION.slice(1)}`,
          `${TEMPORAL_CLI_MODULE}/cmd/temporal@${TEMPORAL_CLI_VERSION}`,
        ],
        // A pure-Go static binary like the official releases; module cache left writable so it can be cleaned.
        { env: { ...ctx.env, GOBIN: scratchDir, CGO_ENABLED: '0', GOFLAGS: '-modcacherw' } },
      ),
    );
    ctx.log(`Built the Temporal CLI in ${Math.round((Date.now() - started) / 1000)} s: ${target}`);
    return target;
  },
};

const MANUAL_HELP = [
  'Provide it by hand, then run the command again:',
  `  - install Go 1.25+ and let this step build it (or run \`GOBIN=<dir> go install ${TEMPORAL_CLI_MODULE}/cmd/temporal@${TEMPORAL_CLI_VERSION}\`), or`,
  '  - download the Temporal CLI release for your platform and unpack it,',
  '  then set TEMPORAL_CLI_PATH=/path/to/temporal or put `temporal` on PATH.',
].join('\n');

/**
 * Finds the Temporal CLI (which runs the dev server): `TEMPORAL_CLI_PATH`, then `temporal` on PATH, then an earlier
 * build in the cache, then the SDK's download, then `go install` into the cache.
 */
export function resolveTemporalCli(opts: ResolveOptions = {}): Promise<ResolvedBinary> {
  const ctx = resolveContext(opts);
  const steps: ResolutionStep[] = [
    envPathStep('TEMPORAL_CLI_PATH'),
    {
      name: '`temporal` on PATH',
      run: ({ env }) => {
        const found = findOnPath('temporal', env);
        return found ? Promise.resolve(found) : Promise.reject(new StepSkipped('not found'));
      },
    },
    cachedStep((c) => cachedCliPath(c.cacheDir)),
    sdkDownloadStep('dev-server'),
    goInstallStep,
  ];
  return resolveBinary('the Temporal CLI (dev server)', steps, ctx, MANUAL_HELP);
}
