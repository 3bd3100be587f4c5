import { type ChildProcess, spawn } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readFileSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { builtinModules } from 'node:module';
import { join, relative } from 'node:path';
import type { DevServer } from '../../src/temporal/dev-server';
import { validIntake } from '../fixtures/requests';
import { bearer, testCredentials } from '../helpers/api';
import { freePort, repoRoot } from '../helpers/processes';
import { waitFor } from '../helpers/eventually';
import { startCluster } from '../helpers/temporal';

/**
 * What the container image runs, without Docker: `npm run build`'s compiler settings into a fresh folder, then the
 * compiled entry points with plain `node` — no tsx, no TypeScript — against a real Temporal server, as the Dockerfile's
 * commands `node dist/src/worker.js` and `node dist/src/api-main.js` do. The folder is inside the repository (under the
 * git-ignored .data/) so that `require` finds node_modules, as it does in the image's /app.
 */
describe('the compiled build the image runs', () => {
  mkdirSync(join(repoRoot, '.data'), { recursive: true });
  const outDir = mkdtempSync(join(repoRoot, '.data', 'build-test-'));
  const scratch = join(outDir, '.scratch');
  const creds = testCredentials();
  const tokensFile = join(scratch, 'tokens.json');
  const running: { child: ChildProcess; output: () => string; exited: Promise<number | string> }[] = [];
  let cluster: DevServer | undefined;

  beforeAll(async () => {
    mkdirSync(scratch, { recursive: true });
    writeFileSync(tokensFile, JSON.stringify(creds.file));
    const compile = run(join(repoRoot, 'node_modules', 'typescript', 'bin', 'tsc'), [
      '-p',
      'tsconfig.build.json',
      '--outDir',
      outDir,
    ]);
    const startingCluster = startCluster(join(scratch, 'cluster')).then((c) => (cluster = c));
    const [compiled] = await Promise.all([compile.exited, startingCluster]);
    if (compiled !== 0) throw new Error(`tsc -p tsconfig.build.json failed:\n${compile.output()}`);
  }, 180_000);

  afterAll(async () => {
    for (const proc of running) if (proc.child.exitCode === null) proc.child.kill('SIGKILL');
    await Promise.all(running.map((p) => p.exited));
    await cluster?.stop();
    rmSync(outDir, { recursive: true, force: true });
  }, 60_000);

  /** Runs a file with plain node from the repository root, as the image runs from /app. */
  function run(file: string, args: string[], env: NodeJS.ProcessEnv = process.env) {
    const child = spawn(process.execPath, [file, ...args], { cwd: repoRoot, env, stdio: ['ignore', 'pipe', 'pipe'] });
    let output = '';
    child.stdout.on('data', (chunk: Buffer) => (output += chunk.toString()));
    child.stderr.on('data', (chunk: Buffer) => (output += chunk.toString()));
    const exited = new Promise<number | string>((resolve) =>
      child.once('exit', (code, signal) => resolve(code ?? signal ?? 'unknown')),
    );
    const proc = { child, output: () => output, exited };
    running.push(proc);
    return proc;
  }

  it('compiles the entry points, and they import nothing outside the production dependencies', () => {
    for (const entry of ['src/worker.js', 'src/api-main.js', 'workflows/index.js', 'src/cli/index.js']) {
      expect([entry, existsSync(join(outDir, entry))]).toEqual([entry, true]);
    }
    // The image installs `npm ci --omit=dev`: a compiled require of a devDependency would crash there only.
    const { dependencies } = JSON.parse(readFileSync(join(repoRoot, 'package.json'), 'utf8')) as {
      dependencies: Record<string, string>;
    };
    const jsFiles = (dir: string): string[] =>
      readdirSync(dir, { withFileTypes: true }).flatMap((e) =>
        e.isDirectory()
          ? e.name.startsWith('.')
            ? []
            : jsFiles(join(dir, e.name))
          : e.name.endsWith('.js')
            ? [join(dir, e.name)]
            : [],
      );
    const outside = new Set<string>();
    const seen = new Set<string>();
    for (const file of jsFiles(outDir)) {
      for (const [, specifier] of readFileSync(file, 'utf8').matchAll(/\brequire\("([^"]+)"\)/g)) {
        if (specifier!.startsWith('.')) continue;
        const bare = specifier!.replace(/^node:/, '');
        const name = bare.startsWith('@') ? bare.split('/').slice(0, 2).join('/') : bare.split('/')[0]!;
        seen.add(name);
        if (!builtinModules.includes(name) && !(name in dependencies))
          outside.add(`${name} (${relative(outDir, file)})`);
      }
    }
    expect([...seen]).toEqual(expect.arrayContaining(['@temporalio/worker', 'fastify', 'zod', 'fs']));
    expect([...outside]).toEqual([]);
  });

  it('runs the compiled worker and API with plain node: healthy, ready, a request through both, SIGTERM stops them', async () => {
    const [healthPort, metricsPort, apiPort] = [await freePort(), await freePort(), await freePort()];
    const dataDir = join(scratch, 'data');
    const env: NodeJS.ProcessEnv = {
      ...process.env,
      NODE_ENV: 'production',
      TEMPORAL_ADDRESS: cluster!.address,
      LOG_LEVEL: 'warn',
      DATA_DIR: dataDir,
    };
    const worker = run(join(outDir, 'src', 'worker.js'), [], {
      ...env,
      HEALTH_PORT: String(healthPort),
      METRICS_ADDRESS: `127.0.0.1:${metricsPort}`,
    });
    const api = run(join(outDir, 'src', 'api-main.js'), [], {
      ...env,
      PORT: String(apiPort),
      HOST: '127.0.0.1',
      AUTH_TOKENS_FILE: tokensFile,
    });
    const answers = (url: string, proc: typeof worker) => async () => {
      if (proc.child.exitCode !== null) throw new Error(`exited early:\n${proc.output()}`);
      return fetch(url).then(
        (r) => r.ok,
        () => false,
      );
    };
    await Promise.all([
      waitFor(answers(`http://127.0.0.1:${healthPort}/healthz`, worker), 90_000, 'the worker’s /healthz'),
      waitFor(answers(`http://127.0.0.1:${apiPort}/readyz`, api), 90_000, 'the API’s /readyz'),
    ]);
    expect((await fetch(`http://127.0.0.1:${apiPort}/healthz`)).status).toBe(200);

    const started = await fetch(`http://127.0.0.1:${apiPort}/api/requests`, {
      method: 'POST',
      headers: { ...bearer(creds.tokens.support), 'content-type': 'application/json' },
      body: JSON.stringify(validIntake('aws', 'unidirectional', 'BUILD-1')),
    });
    // The start is an update the worker answers: a 201 means the two compiled processes meet through Temporal.
    expect(started.status).toBe(201);
    expect(await started.json()).toMatchObject({ ticketId: 'BUILD-1', status: 'in_progress' });
    // And the worker's activities ran: the request's first ticket comment is in the ticket file.
    const comments = join(dataDir, 'ticket-comments.jsonl');
    await waitFor(
      () => existsSync(comments) && readFileSync(comments, 'utf8').includes('BUILD-1'),
      30_000,
      'a ticket comment from the compiled worker',
    );
    const metrics = await fetch(`http://127.0.0.1:${metricsPort}/metrics`);
    expect(metrics.status).toBe(200);
    expect(await metrics.text()).toMatch(/^temporal_/m);

    worker.child.kill('SIGTERM');
    api.child.kill('SIGTERM');
    expect(await worker.exited).toBe(0);
    expect(await api.exited).toBe(0);
  }, 180_000);
});
