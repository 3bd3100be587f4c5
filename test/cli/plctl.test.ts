import { execFile } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { repoRoot } from '../helpers/processes';

const run = promisify(execFile);
const plctl = (...args: string[]) =>
  run(process.execPath, [join(repoRoot, 'bin', 'plctl.js'), ...args], { cwd: repoRoot });

describe('plctl', () => {
  it('prints the product version', async () => {
    const { version } = JSON.parse(readFileSync(join(repoRoot, 'package.json'), 'utf8')) as { version: string };
    expect((await plctl('--version')).stdout.trim()).toBe(version);
  });

  it('binaries --json says where the Temporal CLI and test server are and where they came from', async () => {
    const { stdout } = await plctl('binaries', '--json');
    expect(JSON.parse(stdout)).toEqual({
      temporalCli: { path: process.env.TEMPORAL_CLI_PATH, source: 'TEMPORAL_CLI_PATH' },
      testServer: { path: process.env.TEMPORAL_TEST_SERVER_PATH, source: 'TEMPORAL_TEST_SERVER_PATH' },
    });
  });

  it('exits non-zero with help on an unknown command', async () => {
    await expect(plctl('frobnicate')).rejects.toMatchObject({
      code: 1,
      stderr: expect.stringContaining("unknown command 'frobnicate'") as unknown,
    });
  });
});
