import { spawn } from 'node:child_process';
import { accessSync, constants, mkdirSync, renameSync, rmSync, statSync } from 'node:fs';
import { connect } from 'node:net';
import { delimiter, dirname, join } from 'node:path';
import { projectCacheDir } from './cache-dir';

/** Where a resolved binary came from, for logs and for the error that lists what was tried. */
export interface ResolvedBinary {
  /** Absolute path of an executable the SDK's `existing-path` option can launch. */
  path: string;
  /** Name of the step that produced it. */
  source: string;
}

/** Shared inputs of every resolution step. */
export interface ResolveContext {
  env: NodeJS.ProcessEnv;
  cacheDir: string;
  log: (line: string) => void;
  /** Host probed before trying the SDK's download, so an unreachable network is detected in seconds. */
  downloadProbe: { host: string; port: number; timeoutMs: number };
}

/** Options shared by both resolvers; all default to the process's environment. */
export interface ResolveOptions {
  env?: NodeJS.ProcessEnv;
  cacheDir?: string;
  log?: (line: string) => void;
  downloadProbe?: ResolveContext['downloadProbe'];
}

/** Fills in defaults for a {@link ResolveContext}. */
export function resolveContext(opts: ResolveOptions = {}): ResolveContext {
  const env = opts.env ?? process.env;
  return {
    env,
    cacheDir: opts.cacheDir ?? projectCacheDir(env),
    log: opts.log ?? ((line) => process.stderr.write(`${line}\n`)),
    downloadProbe: opts.downloadProbe ?? { host: 'temporal.download', port: 443, timeoutMs: 3_000 },
  };
}

/** A step that did not apply or failed; the message says why, for the final report. */
export class StepSkipped extends Error {
  override readonly name = 'StepSkipped';
}

/** A misconfiguration the user must fix: resolution stops instead of silently trying the next step. */
export class BinaryConfigError extends Error {
  override readonly name = 'BinaryConfigError';
}

/** No step produced the binary; the message lists each step's outcome and how to provide it by hand. */
export class BinaryNotFoundError extends Error {
  override readonly name = 'BinaryNotFoundError';
}

/** One way of obtaining a binary. `run` returns its path or throws {@link StepSkipped}. */
export interface ResolutionStep {
  name: string;
  run(ctx: ResolveContext): Promise<string>;
}

/**
 * Tries each step in order and returns the first binary found. A {@link BinaryConfigError} stops at once; every
 * other failure is recorded and the next step is tried.
 */
export async function resolveBinary(
  what: string,
  steps: ResolutionStep[],
  ctx: ResolveContext,
  manualHelp: string,
): Promise<ResolvedBinary> {
  const outcomes: string[] = [];
  for (const step of steps) {
    try {
      const path = await step.run(ctx);
      return { path, source: step.name };
    } catch (err) {
      if (err instanceof BinaryConfigError) throw err;
      const reason = err instanceof Error ? err.message : String(err);
      outcomes.push(`  ${outcomes.length + 1}. ${step.name}: ${reason}`);
    }
  }
  throw new BinaryNotFoundError(`Could not find or build ${what}. Tried:\n${outcomes.join('\n')}\n${manualHelp}`);
}

/** True when `path` is a regular file this process may execute. */
export function isExecutableFile(path: string): boolean {
  try {
    if (!statSync(path).isFile()) return false;
    accessSync(path, constants.X_OK);
    return true;
  } catch {
    return false;
  }
}

/** The first executable named `name` on the `PATH` of `env`, like `command -v`. */
export function findOnPath(name: string, env: NodeJS.ProcessEnv): string | undefined {
  for (const dir of (env.PATH ?? '').split(delimiter)) {
    if (!dir) continue;
    const candidate = join(dir, name);
    if (isExecutableFile(candidate)) return candidate;
  }
  return undefined;
}

/** Step: an explicit path from an environment variable; a set-but-broken value is a config error. */
export function envPathStep(variable: string): ResolutionStep {
  return {
    name: variable,
    run: ({ env }) => {
      const value = env[variable];
      if (!value) return Promise.reject(new StepSkipped('not set'));
      if (!isExecutableFile(value)) {
        return Promise.reject(
          new BinaryConfigError(`${variable}=${value} is not an executable file. Fix the path or unset ${variable}.`),
        );
      }
      return Promise.resolve(value);
    },
  };
}

/** Step: a binary already built into the cache by an earlier run. */
export function cachedStep(path: (ctx: ResolveContext) => string): ResolutionStep {
  return {
    name: 'cache',
    run: (ctx) => {
      const file = path(ctx);
      return isExecutableFile(file) ? Promise.resolve(file) : Promise.reject(new StepSkipped(`nothing at ${file}`));
    },
  };
}

/** Resolves when a TCP connection to the probe host opens; rejects with {@link StepSkipped} within its timeout. */
export function probeNetwork({ host, port, timeoutMs }: ResolveContext['downloadProbe']): Promise<void> {
  return new Promise((resolve, reject) => {
    const socket = connect({ host, port });
    const fail = (why: string) => {
      socket.destroy();
      reject(new StepSkipped(`cannot reach ${host}:${port} (${why})`));
    };
    socket.setTimeout(timeoutMs, () => fail(`no answer in ${timeoutMs} ms`));
    socket.once('error', (err: NodeJS.ErrnoException) => fail(err.code ?? err.message));
    socket.once('connect', () => {
      socket.destroy();
      resolve();
    });
  });
}

/**
 * Runs a build command with its output on our stderr (first builds take minutes; the user should see progress).
 * Rejects with {@link StepSkipped} carrying the exit status and the last lines of output.
 */
export function runBuild(
  command: string,
  args: string[],
  opts: { cwd?: string; env: NodeJS.ProcessEnv },
): Promise<void> {
  return new Promise((resolve, reject) => {
    const child = spawn(command, args, { cwd: opts.cwd, env: opts.env, stdio: ['ignore', 'pipe', 'pipe'] });
    let tail = '';
    const relay = (chunk: Buffer) => {
      process.stderr.write(chunk);
      tail = (tail + chunk.toString()).slice(-2000);
    };
    child.stdout.on('data', relay);
    child.stderr.on('data', relay);
    child.once('error', (err) => reject(new StepSkipped(`${command} could not start: ${err.message}`)));
    child.once('close', (code, signal) => {
      if (code === 0) return resolve();
      const lastLines = tail.trim().split('\n').slice(-5).join('\n      ');
      reject(new StepSkipped(`\`${command} ${args.join(' ')}\` exited with ${signal ?? code}:\n      ${lastLines}`));
    });
  });
}

/**
 * Builds a cache folder in a scratch folder beside it and publishes it with one rename, so a concurrent or interrupted
 * run never finds half a build. `build` receives the scratch folder; the folder of `target` is what gets published.
 */
export async function buildIntoCache(target: string, build: (scratchDir: string) => Promise<void>): Promise<string> {
  const finalDir = dirname(target);
  const scratchDir = `${finalDir}.build-${process.pid}`;
  rmSync(scratchDir, { recursive: true, force: true });
  mkdirSync(scratchDir, { recursive: true });
  try {
    await build(scratchDir);
    rmSync(finalDir, { recursive: true, force: true });
    renameSync(scratchDir, finalDir);
  } finally {
    rmSync(scratchDir, { recursive: true, force: true });
  }
  return target;
}
