import { type ChildProcess, spawn } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { createServer } from 'node:net';
import { join } from 'node:path';
import { waitFor } from './eventually';

/** Repository root, for spawning the product's entry points as a user would. */
export const repoRoot = join(__dirname, '..', '..');

/** The kernel's ephemeral port range: what `bind(0)` hands out, to this process and to every server we start. */
function ephemeralRange(): [number, number] {
  try {
    const [low, high] = readFileSync('/proc/sys/net/ipv4/ip_local_port_range', 'utf8').trim().split(/\s+/).map(Number);
    if (low && high) return [low, high];
  } catch {
    // Not Linux: assume the IANA range.
  }
  return [49152, 65535];
}

function canListen(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const server = createServer();
    server.once('error', () => resolve(false));
    server.listen(port, '127.0.0.1', () => server.close(() => resolve(true)));
  });
}

/**
 * A free TCP port on loopback, below the ephemeral range. A port from `listen(0)` is released at once and may be handed
 * to another server's "free port" (the Temporal dev server picks several that way) before our process binds it again,
 * e.g. across a restart; the kernel never hands out ports outside the ephemeral range, so these stay ours.
 */
export async function freePort(): Promise<number> {
  const [low] = ephemeralRange();
  const floor = 20_000;
  const span = Math.max(1, Math.min(low, 65_536) - floor);
  for (let attempt = 0; attempt < 200; attempt++) {
    const port = floor + Math.floor(Math.random() * span);
    if (!usedPorts.has(port) && (await canListen(port))) {
      usedPorts.add(port);
      return port;
    }
  }
  throw new Error('no free port found below the ephemeral range');
}
const usedPorts = new Set<number>();

export { isAlive } from '../../src/temporal/dev-server';

/** A product process started by a test, with its combined output captured. */
export interface RunningProcess {
  child: ChildProcess;
  output(): string;
  /** Resolves with the exit code (or signal name) once the process has exited. */
  exited: Promise<number | string>;
}

/**
 * Runs a TypeScript entry point of the product as its npm script does (`node --import tsx <entry>`, see
 * package.json): one process, so a signal sent to the child reaches the product itself.
 */
export function runEntry(entry: string, env: NodeJS.ProcessEnv): RunningProcess {
  return capture(
    spawn(process.execPath, ['--import', 'tsx', entry], { cwd: repoRoot, env, stdio: ['ignore', 'pipe', 'pipe'] }),
  );
}

/**
 * Runs one of the product's npm scripts exactly as a user or a process manager does (`npm run <script>`), in a
 * process group of its own so {@link killGroup} can clean up whatever npm started, even a process npm lost track of.
 */
export function runNpmScript(script: string, env: NodeJS.ProcessEnv): RunningProcess {
  const npm = process.platform === 'win32' ? 'npm.cmd' : 'npm';
  return capture(
    spawn(npm, ['run', '--silent', script], { cwd: repoRoot, env, stdio: ['ignore', 'pipe', 'pipe'], detached: true }),
  );
}

/** SIGKILLs the process group of a {@link runNpmScript} process (npm, its shell if any, and the product). */
export function killGroup(proc: RunningProcess): void {
  try {
    if (proc.child.pid !== undefined) process.kill(-proc.child.pid, 'SIGKILL');
  } catch {
    // The group is gone already.
  }
}

function capture(child: ChildProcess): RunningProcess {
  let output = '';
  child.stdout?.on('data', (chunk: Buffer) => (output += chunk.toString()));
  child.stderr?.on('data', (chunk: Buffer) => (output += chunk.toString()));
  const exited = new Promise<number | string>((resolve) =>
    child.once('exit', (code, signal) => resolve(code ?? signal ?? 'unknown')),
  );
  return { child, output: () => output, exited };
}

/**
 * Waits until `npm start` (src/main.ts) says it is up ("Press Ctrl-C to stop."), at most two minutes; fails at once,
 * with its output, if it exits first.
 */
export async function waitForProductStart(proc: RunningProcess): Promise<void> {
  await waitFor(
    () => {
      if (proc.child.exitCode !== null) throw new Error(`npm start exited early:\n${proc.output()}`);
      return proc.output().includes('Press Ctrl-C to stop.');
    },
    120_000,
    'npm start to come up',
  );
}
