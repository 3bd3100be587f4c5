import { chmodSync, writeFileSync } from 'node:fs';
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

/** Version of `io.temporal:temporal-test-server` fetched from Maven Central (`TEMPORAL_TEST_SERVER_VERSION` overrides). */
export const TEST_SERVER_MAVEN_VERSION = '1.38.0';
const TEST_SERVER_MAIN_CLASS = 'io.temporal.testserver.TestServer';

function testServerVersion(env: NodeJS.ProcessEnv): string {
  return env.TEMPORAL_TEST_SERVER_VERSION || TEST_SERVER_MAVEN_VERSION;
}

/** Where the Maven step puts the launcher script, and where the cache step looks for it. */
export function cachedTestServerPath(cacheDir: string, version = TEST_SERVER_MAVEN_VERSION): string {
  return join(cacheDir, 'temporal-test-server', version, 'temporal-test-server');
}

function pom(version: string): string {
  return `<?xml version="1.0" encoding="UTF-8"?>
<!-- Written by privatelink-enablement to fetch the Temporal time-skipping test server and its runtime dependencies. -->
<project xmlns="http://maven.apache.org/POM/4.0.0">
  <modelVersion>4.0.0</modelVersion>
  <groupId>local.privatelink-enablement</groupId>
  <artifactId>temporal-test-server-fetch</artifactId>
  <version>1</version>
  <packaging>pom</packaging>
  <dependencies>
    <dependency>
      <groupId>io.temporal</groupId>
      <artifactId>temporal-test-server</artifactId>
      <version>${version}</version>
    </dependency>
  </dependencies>
</project>
`;
}

/**
 * The launcher the SDK's `existing-path` executable option runs as `<launcher> <port> --enable-time-skipping`.
 * The classpath is the launcher's own folder, so the cache can be moved as a whole.
 */
function launcher(version: string): string {
  return `#!/bin/sh
# Temporal time-skipping test server io.temporal:temporal-test-server:${version}, fetched from Maven Central.
# Usage: temporal-test-server <port> [--enable-time-skipping]
here=$(CDPATH= cd -- "$(dirname -- "$0")" && pwd)
if [ -n "$JAVA_HOME" ]; then java="$JAVA_HOME/bin/java"; else java=java; fi
exec "$java" $TEMPORAL_TEST_SERVER_JAVA_OPTS -cp "$here/lib/*" ${TEST_SERVER_MAIN_CLASS} "$@"
`;
}

/** Step: fetch the test server with Maven into the cache and write its launcher. */
const mavenStep: ResolutionStep = {
  name: 'Maven (io.temporal:temporal-test-server)',
  async run(ctx) {
    const mvn = findOnPath('mvn', ctx.env);
    if (!mvn) throw new StepSkipped('`mvn` is not on PATH (install Java 17+ and Maven)');
    if (!ctx.env.JAVA_HOME && !findOnPath('java', ctx.env))
      throw new StepSkipped('`java` is not on PATH (install Java 17+)');
    const version = testServerVersion(ctx.env);
    const target = cachedTestServerPath(ctx.cacheDir, version);
    ctx.log(`Fetching the Temporal test server ${version} with Maven into ${dirname(target)} ...`);
    await buildIntoCache(target, async (scratchDir) => {
      writeFileSync(join(scratchDir, 'pom.xml'), pom(version));
      await runBuild(
        mvn,
        [
          '-B',
          '-q',
          '-Dstyle.color=never',
          // Fail in seconds, not minutes, when the repository cannot be reached.
          '-Dmaven.wagon.http.retryHandler.count=1',
          '-Dmaven.wagon.rto=60000',
          'dependency:copy-dependencies',
          '-DincludeScope=runtime',
          `-DoutputDirectory=${join(scratchDir, 'lib')}`,
        ],
        { cwd: scratchDir, env: ctx.env },
      );
      const script = join(scratchDir, 'temporal-test-server');
      writeFileSync(script, launcher(version));
      chmodSync(script, 0o755);
    });
    ctx.log(`Fetched the Temporal test server: ${target}`);
    return target;
  },
};

const MANUAL_HELP = [
  'Provide it by hand, then run the command again:',
  '  - install Java 17+ and Maven and let this step fetch it, or',
  "  - download the Temporal test server for your platform (the SDK's `temporal-test-server`),",
  '  then set TEMPORAL_TEST_SERVER_PATH=/path/to/temporal-test-server.',
].join('\n');

/**
 * Finds the time-skipping test server: `TEMPORAL_TEST_SERVER_PATH`, then an earlier fetch in the cache, then the
 * SDK's download, then Maven into the cache.
 */
export function resolveTestServer(opts: ResolveOptions = {}): Promise<ResolvedBinary> {
  const ctx = resolveContext(opts);
  const steps: ResolutionStep[] = [
    envPathStep('TEMPORAL_TEST_SERVER_PATH'),
    cachedStep((c) => cachedTestServerPath(c.cacheDir, testServerVersion(c.env))),
    sdkDownloadStep('test-server'),
    mavenStep,
  ];
  return resolveBinary('the Temporal time-skipping test server', steps, ctx, MANUAL_HELP);
}
