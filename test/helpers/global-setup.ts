import { resolveTemporalCli, resolveTestServer } from '../../src/temporal/binaries';

/**
 * Runs once before all test files: finds (on a fresh machine, builds) the Temporal binaries and hands their paths to
 * the test processes through the same variables a user would set, so no test file pays for a build.
 */
export default async function globalSetup(): Promise<void> {
  const log = (line: string) => process.stderr.write(`[temporal binaries] ${line}\n`);
  const cli = await resolveTemporalCli({ log });
  const testServer = await resolveTestServer({ log });
  process.env.TEMPORAL_CLI_PATH = cli.path;
  process.env.TEMPORAL_TEST_SERVER_PATH = testServer.path;
}
