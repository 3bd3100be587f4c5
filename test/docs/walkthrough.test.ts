import { type ChildProcess, execFileSync, spawn } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync, statSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { environmentVariableNames } from '../../src/config/variables';
import { newWebhookSecret } from '../helpers/api';
import { readPidFile } from '../../src/temporal/dev-server';
import { freePort, isAlive, repoRoot } from '../helpers/processes';
import { waitFor } from '../helpers/eventually';
import { readDoc, section } from './markdown';

/**
 * The README's "First request in five minutes", run for real: its shell lines, as written, against `npm start`, so a
 * drift between the README and the product fails here. Then its "Signing a ticket webhook" sender, against the same
 * engine. The only rewrites, each so that this test can run beside the others on one machine:
 *
 * 1. `npm start` gets `PORT` and `TEMPORAL_DEV_PORT` (free ports), `TEMPORAL_UI=false` and `DATA_DIR` (a temporary
 *    folder) in its environment, plus `TICKET_WEBHOOK_SECRET` for the signing recipe; the README's
 *    `http://127.0.0.1:3000` becomes the free port.
 * 2. The lines run in a temporary folder that links to the repository's tracked files and `node_modules`, as a fresh
 *    clone would have them, so `npm run` works there and the files the walkthrough writes stay out of the repository.
 * 3. The walkthrough's first terminal is one bash with `set -euo pipefail` in front (a failing line fails the test);
 *    at the point where the README switches to the second terminal, a line waits until `npm start` is up.
 * 4. The environment of both terminals has none of the product's variables but those that locate the Temporal
 *    binaries (so nothing is built again).
 */
describe('README: first request in five minutes', () => {
  const readme = readDoc('README.md');
  const walkthrough = section(readme, '## First request in five minutes');
  const blocks = [...walkthrough.matchAll(/^```sh\n([\s\S]*?)^```$/gm)].map((m) => m[1]!);
  const startBlock = blocks.findIndex((b) => /\bnpm start\b/.test(b));
  const recipe = /^```js\n([\s\S]*?)^```$/m.exec(section(readme, '## Signing a ticket webhook'))?.[1] ?? '';

  const work = mkdtempSync(join(tmpdir(), 'walkthrough-'));
  const dataDir = mkdtempSync(join(tmpdir(), 'walkthrough-data-'));
  const sync = mkdtempSync(join(tmpdir(), 'walkthrough-sync-'));
  const secret = newWebhookSecret();
  const running: ChildProcess[] = [];
  const output = { terminal1: '', engine: '' };

  /** A shell environment without the product's settings, as a new user's would be. */
  const cleanEnv = (): NodeJS.ProcessEnv => {
    const env = { ...process.env };
    const keep = new Set(['TEMPORAL_CLI_PATH', 'TEMPORAL_TEST_SERVER_PATH', 'PRIVATELINK_CACHE_DIR', 'XDG_CACHE_HOME']);
    for (const name of environmentVariableNames) if (!keep.has(name)) delete env[name];
    return env;
  };

  /** Runs bash in the work folder, in a process group of its own (so everything it started can be stopped). */
  const bash = (script: string, env: NodeJS.ProcessEnv, into: 'terminal1' | 'engine') => {
    const child = spawn('bash', ['-c', script], { cwd: work, env, stdio: ['ignore', 'pipe', 'pipe'], detached: true });
    running.push(child);
    child.stdout.on('data', (chunk: Buffer) => (output[into] += chunk.toString()));
    child.stderr.on('data', (chunk: Buffer) => (output[into] += chunk.toString()));
    const exited = new Promise<number | string>((resolve) =>
      child.once('exit', (code, signal) => resolve(code ?? signal ?? 'unknown')),
    );
    return { child, exited };
  };

  /** Signals a process group (SIGINT is what Ctrl-C sends to a terminal's foreground group), SIGKILL after 30 s. */
  const stopGroup = async (child: ChildProcess, signal: NodeJS.Signals = 'SIGTERM') => {
    if (child.pid === undefined || child.exitCode !== null || child.signalCode !== null) return;
    try {
      process.kill(-child.pid, signal);
      await waitFor(() => child.exitCode !== null || child.signalCode !== null, 30_000, 'npm start to stop');
    } catch {
      try {
        process.kill(-child.pid, 'SIGKILL');
      } catch {
        // Gone already.
      }
    }
  };

  afterAll(async () => {
    for (const child of running) await stopGroup(child);
    const pid = readPidFile(join(dataDir, 'temporal-dev-server.pid'))?.server;
    if (pid && isAlive(pid)) process.kill(pid, 'SIGKILL');
    for (const dir of [work, dataDir, sync]) rmSync(dir, { recursive: true, force: true });
  });

  it('has the shape this test runs: first-terminal blocks around one npm start line, and a signing recipe', () => {
    expect(blocks.length).toBeGreaterThanOrEqual(4);
    expect(startBlock).toBeGreaterThan(0);
    expect(blocks[startBlock]!.trim().split('\n')).toHaveLength(1);
    expect(blocks.filter((b) => /\bnpm start\b/.test(b))).toHaveLength(1);
    expect(walkthrough).toContain('http://127.0.0.1:3000');
    expect(recipe).toContain('http://127.0.0.1:3000/webhooks/tickets');
  });

  it('takes a unidirectional request from intake to enabled, and its saved history verifies', async () => {
    const api = await freePort();
    const temporal = await freePort();
    const url = (text: string) => text.replaceAll('http://127.0.0.1:3000', `http://127.0.0.1:${api}`);

    // A fresh clone's files, linked; what the walkthrough writes must not land on a file of the repository.
    const tracked = execFileSync('git', ['ls-files'], { cwd: repoRoot, encoding: 'utf8' })
      .split('\n')
      .filter((f) => f !== '')
      .map((f) => f.split('/')[0]!);
    const written = [...blocks.join('\n').matchAll(/(?:>|-o|--write)\s+([\w.-]+)/g)].map((m) => m[1]!);
    expect(written).toEqual(expect.arrayContaining(['tokens.json', 'intake.json']));
    expect(written.filter((f) => tracked.includes(f))).toEqual([]);
    for (const name of new Set([...tracked, 'node_modules'])) symlinkSync(join(repoRoot, name), join(work, name));

    const firstTerminal = [
      'set -euo pipefail',
      ...blocks.slice(0, startBlock).map(url),
      `touch '${sync}/waiting'; until [ -e '${sync}/engine-up' ]; do sleep 0.2; done`,
      ...blocks.slice(startBlock + 1).map(url),
    ].join('\n');
    const terminal1 = bash(firstTerminal, cleanEnv(), 'terminal1');
    await waitFor(
      () => {
        if (terminal1.child.exitCode !== null) throw new Error(`the first terminal failed:\n${output.terminal1}`);
        return existsSync(join(sync, 'waiting'));
      },
      60_000,
      'the token and the tokens file',
    );

    const engine = bash(
      blocks[startBlock]!,
      {
        ...cleanEnv(),
        PORT: String(api),
        TEMPORAL_DEV_PORT: String(temporal),
        TEMPORAL_UI: 'false',
        DATA_DIR: dataDir,
        TICKET_WEBHOOK_SECRET: secret,
      },
      'engine',
    );
    await waitFor(
      () => {
        if (engine.child.exitCode !== null) throw new Error(`npm start exited early:\n${output.engine}`);
        return output.engine.includes('Press Ctrl-C to stop.');
      },
      180_000,
      'npm start to come up',
    );
    expect(output.engine).toContain('Access          1 bearer token(s)');
    writeFileSync(join(sync, 'engine-up'), '');

    const timeout = new Promise<string>((resolve) => setTimeout(() => resolve('timed out'), 120_000).unref());
    const code = await Promise.race([terminal1.exited, timeout]);
    expect({ code, output: output.terminal1 }).toEqual({ code: 0, output: output.terminal1 });

    // Each `# <state>` the README puts after a command is what that command printed, in order.
    const states = blocks
      .join('\n')
      .split('\n')
      .flatMap((line) => /\s#\s+([a-z][A-Za-z]+)\b/.exec(line)?.[1] ?? []);
    expect(states).toEqual(expect.arrayContaining(['allowlisting', 'active']));
    let from = 0;
    for (const state of states) {
      const at = output.terminal1.indexOf(`, in ${state},`, from);
      expect({ state, found: at !== -1 }).toEqual({ state, found: true });
      from = at;
    }
    expect(output.terminal1).toContain('Status        enabled, in active, waiting on none');
    expect(output.terminal1).toMatch(/^OK: \d+ entries for ticket T-1001, chain intact, head [0-9a-f]{64}$/m);
    // Files the walkthrough promises: the tokens file (hashes only, the owner's only) and the ticket comments.
    expect(statSync(join(work, 'tokens.json')).mode & 0o777).toBe(0o600);
    expect(JSON.parse(readFileSync(join(work, 'tokens.json'), 'utf8'))).toEqual([
      { subject: 'you@vendor.example', role: 'support', tokenSha256: expect.stringMatching(/^[0-9a-f]{64}$/) },
    ]);
    expect(readFileSync(join(dataDir, 'ticket-comments.jsonl'), 'utf8')).toContain('"ticketId":"T-1001"');
  }, 400_000);

  it("signs and sends a ticket webhook with the README's recipe, which starts a request", () => {
    const engine = running[1];
    expect(engine?.exitCode).toBeNull();
    const api = /HTTP API {8}http:\/\/127\.0\.0\.1:(\d+)/.exec(output.engine)?.[1];
    writeFileSync(join(work, 'send-ticket.mjs'), recipe.replaceAll('http://127.0.0.1:3000', `http://127.0.0.1:${api}`));
    const out = execFileSync(process.execPath, ['send-ticket.mjs'], {
      cwd: work,
      env: { ...process.env, TICKET_WEBHOOK_SECRET: secret },
      encoding: 'utf8',
      timeout: 30_000,
    });
    expect(out).toMatch(/^202 /);
    expect(out).toContain('accepted: true');
    expect(out).toContain("ticketId: 'T-1002'");
  }, 60_000);

  it('stops npm start at the end (Ctrl-C), leaving no server behind', async () => {
    const engine = running[1];
    expect(engine?.exitCode).toBeNull();
    const pidFile = join(dataDir, 'temporal-dev-server.pid');
    const pid = readPidFile(pidFile)!.server;
    await stopGroup(engine!, 'SIGINT');
    // Ctrl-C reaches npm and the product at once, and npm forwards it too: the product takes the two copies for one
    // and stops in order.
    expect(engine!.exitCode).toBe(0);
    expect(output.engine).toContain('SIGINT received: stopping');
    expect(output.engine).toContain('Stopped.');
    expect(output.engine).not.toContain('again: exiting now');
    await waitFor(() => !isAlive(pid), 30_000, 'the dev server to stop');
    // Nothing stale for the next start to trip over.
    expect(existsSync(pidFile)).toBe(false);
  }, 60_000);
});
