import { mkdirSync, readdirSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { isExecutableFile, probeNetwork, type ResolutionStep, StepSkipped } from './steps';

/** Which of the SDK's ephemeral servers to download. */
export type EphemeralServerKind = 'dev-server' | 'test-server';

const DEFAULT_TIMEOUT_MS = 180_000;

/**
 * Step: the Temporal SDK's own download (what `@temporalio/testing` does by default).
 *
 * The SDK downloads while starting a server, so this starts one throwaway server into the cache's download folder,
 * stops it and keeps the executable. A network probe runs first so an offline machine skips the step in seconds, and
 * `TEMPORAL_SKIP_DOWNLOAD=1` skips it outright (e.g. behind a proxy that swallows connections).
 */
export function sdkDownloadStep(kind: EphemeralServerKind): ResolutionStep {
  return {
    name: "the SDK's download",
    async run(ctx) {
      if (ctx.env.TEMPORAL_SKIP_DOWNLOAD === '1') throw new StepSkipped('skipped (TEMPORAL_SKIP_DOWNLOAD=1)');
      await probeNetwork(ctx.downloadProbe);
      const downloadDir = join(ctx.cacheDir, 'sdk-download', kind);
      mkdirSync(downloadDir, { recursive: true });
      ctx.log(`Downloading the Temporal ${kind} through the SDK into ${downloadDir} ...`);
      // Loaded lazily: it pulls in the native bridge, which most commands never need.
      const { TestWorkflowEnvironment } = await import('@temporalio/testing');
      const executable = { type: 'cached-download', downloadDir } as const;
      const timeoutMs = Number(ctx.env.TEMPORAL_DOWNLOAD_TIMEOUT_MS ?? DEFAULT_TIMEOUT_MS);
      let timer: NodeJS.Timeout | undefined;
      const timeout = new Promise<never>((_, reject) => {
        timer = setTimeout(() => reject(new StepSkipped(`no result in ${timeoutMs} ms`)), timeoutMs);
      });
      try {
        const start =
          kind === 'dev-server'
            ? TestWorkflowEnvironment.createLocal({ server: { executable } })
            : TestWorkflowEnvironment.createTimeSkipping({ server: { executable } });
        const env = await Promise.race([start, timeout]);
        await env.teardown();
      } catch (err) {
        if (err instanceof StepSkipped) throw err;
        throw new StepSkipped(String(err instanceof Error ? err.message : err).split('\n')[0]);
      } finally {
        clearTimeout(timer);
      }
      const found = newestExecutable(downloadDir);
      if (!found) throw new StepSkipped(`the SDK reported success but left no executable in ${downloadDir}`);
      return found;
    },
  };
}

/** The most recently modified executable file directly inside `dir`. */
function newestExecutable(dir: string): string | undefined {
  return readdirSync(dir)
    .map((name) => join(dir, name))
    .filter(isExecutableFile)
    .sort((a, b) => statSync(b).mtimeMs - statSync(a).mtimeMs)[0];
}
