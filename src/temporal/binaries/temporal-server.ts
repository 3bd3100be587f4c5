import { renameSync } from 'node:fs';
import { dirname, join } from 'node:path';
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

/** The Go module of the Temporal server; its `cmd/server` and `cmd/tools/sql` are the two binaries a cluster needs. */
const SERVER_MODULE = 'go.temporal.io/server';

/** The server and its SQL schema tool, built together at one version. */
export interface TemporalServerBinaries {
  /** `temporal-server` (the frontend, history, matching and worker services). */
  server: string;
  /** `temporal-sql-tool` (creates and upgrades the PostgreSQL schemas). */
  sqlTool: string;
  /** The step that found them, for the start-up report. */
  source: string;
}

/** Where the build puts the server of `version` (e.g. `1.30.1`), and where the cache step looks for it. */
export function cachedServerPath(cacheDir: string, version: string): string {
  return join(cacheDir, 'temporal-server', `v${version}`, 'temporal-server');
}

/** The SQL tool next to the server of the same version. */
const sqlToolNextTo = (server: string) => join(dirname(server), 'temporal-sql-tool');

/** Step: `go install` both binaries of `version` into the cache (version-stamped folder), via a scratch folder. */
function goInstallStep(version: string): ResolutionStep {
  const packages = [`${SERVER_MODULE}/cmd/server@v${version}`, `${SERVER_MODULE}/cmd/tools/sql@v${version}`];
  return {
    name: `go install ${packages.join(' ')}`,
    async run(ctx) {
      const go = findOnPath('go', ctx.env);
      if (!go) throw new StepSkipped('`go` is not on PATH (install Go 1.25+)');
      const target = cachedServerPath(ctx.cacheDir, version);
      ctx.log(
        `Building the Temporal server ${version} and its SQL tool with Go (first run only; takes several minutes) into ${dirname(target)} ...`,
      );
      const started = Date.now();
      await buildIntoCache(target, async (scratchDir) => {
        // As the server's own Makefile builds its release binaries: static, without the optional gRPC modules.
        await runBuild(go, ['install', '-tags', 'disable_grpc_modules', ...packages], {
          env: { ...ctx.env, GOBIN: scratchDir, CGO_ENABLED: '0', GOFLAGS: '-modcacherw -buildvcs=false' },
        });
        renameSync(join(scratchDir, 'server'), join(scratchDir, 'temporal-server'));
        renameSync(join(scratchDir, 'sql'), join(scratchDir, 'temporal-sql-tool'));
      });
      ctx.log(`Built the Temporal server in ${Math.round((Date.now() - started) / 1000)} s: ${target}`);
      return target;
    },
  };
}

const manualHelp = (version: string) =>
  [
    'Provide them by hand, then run the command again:',
    `  - install Go 1.25+ and let this step build them (or run \`CGO_ENABLED=0 GOBIN=<dir> go install -tags disable_grpc_modules ${SERVER_MODULE}/cmd/server@v${version} ${SERVER_MODULE}/cmd/tools/sql@v${version}\` and rename \`server\` and \`sql\` to \`temporal-server\` and \`temporal-sql-tool\`), or`,
    `  - take both from the temporalio/server and temporalio/admin-tools ${version} images,`,
    '  then set TEMPORAL_SERVER_PATH=/path/to/temporal-server (with temporal-sql-tool in the same folder).',
  ].join('\n');

/**
 * Finds the Temporal server and its SQL tool at `version` (the one the compose file pins): `TEMPORAL_SERVER_PATH`
 * (the SQL tool beside it), then an earlier build in the cache, then `go install` into the cache.
 */
export async function resolveTemporalServer(
  version: string,
  opts: ResolveOptions = {},
): Promise<TemporalServerBinaries> {
  if (!/^\d+\.\d+\.\d+$/.test(version)) throw new Error(`not a Temporal server version: "${version}"`);
  const ctx = resolveContext(opts);
  const steps: ResolutionStep[] = [
    envPathStep('TEMPORAL_SERVER_PATH'),
    cachedStep((c) => cachedServerPath(c.cacheDir, version)),
    goInstallStep(version),
  ];
  const found: ResolvedBinary = await resolveBinary(`the Temporal server ${version}`, steps, ctx, manualHelp(version));
  return { server: found.path, sqlTool: sqlToolNextTo(found.path), source: found.source };
}
