import { execFileSync } from 'node:child_process';
import { chmodSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { delimiter, dirname, join } from 'node:path';
import { TestWorkflowEnvironment } from '@temporalio/testing';
import {
  BinaryConfigError,
  BinaryNotFoundError,
  resolveTemporalCli,
  resolveTestServer,
  TEMPORAL_CLI_VERSION,
} from '../../src/temporal/binaries';
import { isExecutableFile } from '../../src/temporal/binaries/steps';

/** A closed loopback port: the SDK-download probe fails at once, as on a machine without internet. */
const offline = { host: '127.0.0.1', port: 1, timeoutMs: 2_000 };
const quiet = () => undefined;

let scratch: string;
beforeEach(() => {
  scratch = mkdtempSync(join(tmpdir(), 'binaries-'));
});
afterEach(() => rmSync(scratch, { recursive: true, force: true }));

function executable(path: string): string {
  mkdirSync(dirname(path), { recursive: true });
  writeFileSync(path, '#!/bin/sh\necho fake\n');
  chmodSync(path, 0o755);
  return path;
}

/** An environment with nothing to find: no binaries on PATH, no go, no Maven. */
function bareEnv(extra: NodeJS.ProcessEnv = {}): NodeJS.ProcessEnv {
  const emptyBin = join(scratch, 'empty-bin');
  mkdirSync(emptyBin, { recursive: true });
  return { PATH: emptyBin, HOME: scratch, ...extra };
}

describe('resolving the Temporal CLI', () => {
  it('uses TEMPORAL_CLI_PATH before anything else', async () => {
    const explicit = executable(join(scratch, 'explicit', 'temporal'));
    executable(join(scratch, 'bin', 'temporal'));
    const env = bareEnv({ TEMPORAL_CLI_PATH: explicit, PATH: join(scratch, 'bin') });
    await expect(resolveTemporalCli({ env, cacheDir: scratch, log: quiet, downloadProbe: offline })).resolves.toEqual({
      path: explicit,
      source: 'TEMPORAL_CLI_PATH',
    });
  });

  it('refuses a TEMPORAL_CLI_PATH that is not executable instead of silently using another binary', async () => {
    executable(join(scratch, 'bin', 'temporal'));
    const env = bareEnv({ TEMPORAL_CLI_PATH: join(scratch, 'missing'), PATH: join(scratch, 'bin') });
    const attempt = resolveTemporalCli({ env, cacheDir: scratch, log: quiet, downloadProbe: offline });
    await expect(attempt).rejects.toThrow(BinaryConfigError);
    await expect(attempt).rejects.toThrow(/TEMPORAL_CLI_PATH=.*missing is not an executable file/);
  });

  it('finds `temporal` on PATH, then a cached build', async () => {
    const onPath = executable(join(scratch, 'bin', 'temporal'));
    await expect(
      resolveTemporalCli({ env: bareEnv({ PATH: join(scratch, 'bin') }), cacheDir: scratch, log: quiet }),
    ).resolves.toEqual({ path: onPath, source: '`temporal` on PATH' });

    const cached = executable(join(scratch, 'cache', 'temporal-cli', TEMPORAL_CLI_VERSION, 'temporal'));
    await expect(
      resolveTemporalCli({ env: bareEnv(), cacheDir: join(scratch, 'cache'), log: quiet, downloadProbe: offline }),
    ).resolves.toEqual({ path: cached, source: 'cache' });
  });

  it('reports every step it tried and how to provide the binary by hand when nothing works', async () => {
    const attempt = resolveTemporalCli({ env: bareEnv(), cacheDir: scratch, log: quiet, downloadProbe: offline });
    await expect(attempt).rejects.toThrow(BinaryNotFoundError);
    const message = await attempt.catch((err: Error) => err.message);
    expect(message).toContain('1. TEMPORAL_CLI_PATH: not set');
    expect(message).toContain('2. `temporal` on PATH: not found');
    expect(message).toMatch(/3\. cache: nothing at .*temporal-cli\/v1\.5\.1\/temporal/);
    expect(message).toMatch(/4\. the SDK's download: cannot reach 127\.0\.0\.1:1 \(ECONNREFUSED\)/);
    expect(message).toContain('5. go install github.com/temporalio/cli/cmd/temporal@v1.5.1: `go` is not on PATH');
    expect(message).toContain('set TEMPORAL_CLI_PATH=/path/to/temporal');
  });

  it('skips the SDK download when told to', async () => {
    const message = await resolveTemporalCli({
      env: bareEnv({ TEMPORAL_SKIP_DOWNLOAD: '1' }),
      cacheDir: scratch,
      log: quiet,
    }).catch((err: Error) => err.message);
    expect(message).toContain("the SDK's download: skipped (TEMPORAL_SKIP_DOWNLOAD=1)");
  });

  it('builds the CLI with go install into an empty cache, stamped with its release version', async () => {
    const logged: string[] = [];
    const env = { ...process.env, TEMPORAL_CLI_PATH: '', PATH: withoutTemporal(process.env.PATH) };
    const resolved = await resolveTemporalCli({
      env,
      cacheDir: scratch,
      log: (l) => logged.push(l),
      downloadProbe: offline,
    });
    expect(resolved.source).toBe(`go install github.com/temporalio/cli/cmd/temporal@${TEMPORAL_CLI_VERSION}`);
    expect(resolved.path).toBe(join(scratch, 'temporal-cli', TEMPORAL_CLI_VERSION, 'temporal'));
    expect(execFileSync(resolved.path, ['--version'], { encoding: 'utf8' })).toContain('temporal version 1.5.1');
    expect(logged.join('\n')).toMatch(/Building the Temporal CLI v1\.5\.1 with Go .* into /);
    // A second resolution reuses the build.
    await expect(resolveTemporalCli({ env, cacheDir: scratch, log: quiet, downloadProbe: offline })).resolves.toEqual({
      path: resolved.path,
      source: 'cache',
    });
  }, 600_000);
});

describe('resolving the time-skipping test server', () => {
  it('reports every step it tried when nothing works', async () => {
    const message = await resolveTestServer({
      env: bareEnv(),
      cacheDir: scratch,
      log: quiet,
      downloadProbe: offline,
    }).catch((err: Error) => err.message);
    expect(message).toContain('Could not find or build the Temporal time-skipping test server. Tried:');
    expect(message).toContain('1. TEMPORAL_TEST_SERVER_PATH: not set');
    expect(message).toMatch(/2\. cache: nothing at /);
    expect(message).toMatch(/3\. the SDK's download: cannot reach/);
    expect(message).toContain('4. Maven (io.temporal:temporal-test-server): `mvn` is not on PATH');
    expect(message).toContain('TEMPORAL_TEST_SERVER_PATH=/path/to/temporal-test-server');
  });

  it('fetches the test server with Maven into an empty cache and the SDK runs it with time skipping', async () => {
    const env = { ...process.env, TEMPORAL_TEST_SERVER_PATH: '' };
    const resolved = await resolveTestServer({ env, cacheDir: scratch, log: quiet, downloadProbe: offline });
    expect(resolved.source).toBe('Maven (io.temporal:temporal-test-server)');
    const testEnv = await TestWorkflowEnvironment.createTimeSkipping({
      server: { executable: { type: 'existing-path', path: resolved.path } },
    });
    try {
      expect(testEnv.supportsTimeSkipping).toBe(true);
      const before = await testEnv.currentTimeMs();
      await testEnv.sleep('1 hour');
      expect((await testEnv.currentTimeMs()) - before).toBeGreaterThanOrEqual(3_600_000);
    } finally {
      await testEnv.teardown();
    }
  }, 300_000);
});

/** PATH minus any folder holding a `temporal` binary, so the go step is reached even where one is installed. */
function withoutTemporal(path = ''): string {
  return path
    .split(delimiter)
    .filter((dir) => !isExecutableFile(join(dir, 'temporal')))
    .join(delimiter);
}
