import { execFile } from 'node:child_process';
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import type { FastifyInstance } from 'fastify';
import { chain, type TimelineExport } from '../../src/audit/chain';
import type { EventOutcome } from '../../src/temporal/messages';
import { validIntake } from '../fixtures/requests';
import { buildTestApi, testCredentials } from '../helpers/api';
import { repoRoot } from '../helpers/processes';
import { eventually } from '../helpers/eventually';
import { useTemporal } from '../helpers/temporal';

const run = promisify(execFile);
const temporal = useTemporal('dev-server');
const creds = testCredentials();
const dir = mkdtempSync(join(tmpdir(), 'plctl-'));
let api: FastifyInstance;
let url: string;

beforeAll(async () => {
  api = buildTestApi(temporal, { store: creds.store });
  url = await api.listen({ port: 0, host: '127.0.0.1' });
});
afterAll(() => api.close());

function plctl(args: string[], token: string | undefined = creds.tokens.support) {
  return run(process.execPath, [join(repoRoot, 'bin', 'plctl.js'), ...args], {
    cwd: repoRoot,
    env: { ...process.env, PLCTL_URL: url, PLCTL_TOKEN: token ?? '' },
  });
}
const json = async <T>(args: string[], token?: string): Promise<T> =>
  JSON.parse((await plctl([...args, '--json'], token)).stdout) as T;

const ticket = (() => {
  let n = 0;
  return () => `CLI-${Date.now().toString(36)}-${++n}`;
})();

describe('plctl against a running API', () => {
  it('start, event, status, list and history work end to end, as tables and as JSON', () =>
    temporal.withWorker(async () => {
      const ticketId = ticket();
      const intakeFile = join(dir, `${ticketId}.json`);
      writeFileSync(intakeFile, JSON.stringify(validIntake('aws', 'unidirectional', ticketId)));

      const started = await plctl(['start', intakeFile]);
      expect(started.stdout).toContain(`Ticket        ${ticketId}`);
      expect(started.stdout).toContain('Status        in_progress, in allowlisting, waiting on vendor');

      const granted = await json<EventOutcome>([
        'event',
        ticketId,
        'customer_access.granted',
        '--comment',
        'done in console',
      ]);
      expect(granted.state).toBe('awaitingEndpoint');
      expect(granted.event).toMatchObject({ actor: creds.subjects.support, comment: 'done in console' });

      const requested = await plctl(['event', ticketId, 'endpoint.requested', '--endpoint-id', 'vpce-0abc']);
      expect(requested.stdout).toContain('endpoint.requested applied.');
      expect(requested.stdout).toMatch(/Status\s+in_progress, in reviewingConnection, waiting on vendor/);

      const status = await plctl(['status', ticketId], creds.tokens.auditor);
      expect(status.stdout).toContain('Allowed now   connection.approved, connection.rejected');

      const listed = await eventually(
        async () =>
          (await plctl(['list', '--status', 'in_progress', '--waiting-on', 'vendor'], creds.tokens.auditor)).stdout,
        (out) => out.includes(ticketId),
        { intervalMs: 200, what: `plctl list to show ${ticketId}` },
      );
      expect(listed.split('\n')[0]).toMatch(/^TICKET\s+COMPANY\s+CLOUD\s+TYPE\s+STATUS\s+STATE\s+WAITING ON/);
      expect(listed).toMatch(
        new RegExp(`${ticketId}\\s+Acme\\s+aws\\s+unidirectional\\s+in_progress\\s+reviewingConnection\\s+vendor`),
      );

      const history = await plctl(['history', ticketId], creds.tokens.auditor);
      expect(history.stdout).toMatch(/event\s+support@vendor\.example\s+endpoint\.requested\s+applied/);

      // Saved exports verify; an edited one does not.
      const jsonFile = join(dir, `${ticketId}.history.json`);
      const csvFile = join(dir, `${ticketId}.history.csv`);
      await plctl(['history', ticketId, '--output', jsonFile], creds.tokens.auditor);
      writeFileSync(csvFile, (await plctl(['history', ticketId, '--csv'], creds.tokens.auditor)).stdout);
      for (const file of [jsonFile, csvFile]) {
        expect((await plctl(['history', '--verify', file], undefined)).stdout).toMatch(
          new RegExp(`^OK: \\d+ entries for ticket ${ticketId}, chain intact`),
        );
      }
      // Against the live history: a full export matches; one cut short still chains, but is caught there.
      expect((await plctl(['history', ticketId, '--verify', csvFile], creds.tokens.auditor)).stdout).toMatch(
        /OK: identical to the first \d+ of \d+ entries of the live history/,
      );
      const rows = readFileSync(csvFile, 'utf8').trimEnd().split('\r\n');
      const cut = join(dir, `${ticketId}.cut.csv`);
      writeFileSync(cut, `${rows.slice(0, -1).join('\r\n')}\r\n`);
      expect((await plctl(['history', '--verify', cut])).stdout).toMatch(/^OK/);
      const rewritten = join(dir, `${ticketId}.rewritten.json`);
      const doc = JSON.parse(readFileSync(jsonFile, 'utf8')) as TimelineExport;
      doc.entries[1]!.actor = 'mallory@vendor.example';
      const rechained = chain(
        ticketId,
        doc.entries.map(({ seq: _s, ticketId: _t, prevHash: _p, hash: _h, ...e }) => e),
      );
      writeFileSync(rewritten, JSON.stringify({ entries: rechained }));
      expect((await plctl(['history', '--verify', rewritten])).stdout).toMatch(/^OK/);
      await expect(plctl(['history', ticketId, '--verify', rewritten], creds.tokens.auditor)).rejects.toMatchObject({
        code: 3,
        stdout: expect.stringContaining('entry 2 differs from the live history') as unknown,
      });

      const edited = join(dir, `${ticketId}.edited.csv`);
      writeFileSync(edited, readFileSync(csvFile, 'utf8').replace('done in console', 'done by someone else'));
      await expect(plctl(['history', '--verify', edited])).rejects.toMatchObject({
        code: 3,
        stdout: expect.stringContaining('hash does not match its content') as unknown,
      });
    }));

  it("exits non-zero with the API's message: not allowed now, invalid, unknown ticket, wrong role, no token", () =>
    temporal.withWorker(async () => {
      const ticketId = ticket();
      const intakeFile = join(dir, `${ticketId}.json`);
      writeFileSync(intakeFile, JSON.stringify(validIntake('aws', 'unidirectional', ticketId)));
      await plctl(['start', intakeFile]);

      await expect(plctl(['event', ticketId, 'connection.approved'])).rejects.toMatchObject({
        code: 1,
        stderr: expect.stringMatching(/allowlisting[\s\S]*allowed now: .*customer_access\.granted/) as unknown,
      });
      await expect(plctl(['event', ticketId, 'request.cancelled'])).rejects.toMatchObject({
        stderr: expect.stringContaining('reason: ') as unknown,
      });
      await expect(plctl(['status', 'NOPE-404'])).rejects.toMatchObject({
        stderr: expect.stringContaining('No request for ticket NOPE-404.') as unknown,
      });
      await expect(plctl(['event', ticketId, 'note.added', '--text', 'x'], creds.tokens.auditor)).rejects.toMatchObject(
        {
          stderr: expect.stringContaining('role auditor') as unknown,
        },
      );
      await expect(plctl(['status', ticketId], '')).rejects.toMatchObject({
        stderr: expect.stringContaining('Set PLCTL_TOKEN') as unknown,
      });
      await expect(plctl(['event', ticketId, 'connection.teleported'])).rejects.toMatchObject({
        stderr: expect.stringContaining('Unknown event type "connection.teleported"') as unknown,
      });
    }));

  it('sends field values as typed, and prints errors as JSON with --json', () =>
    temporal.withWorker(async () => {
      const ticketId = ticket();
      const intakeFile = join(dir, `${ticketId}.json`);
      writeFileSync(intakeFile, JSON.stringify(validIntake('aws', 'unidirectional', ticketId)));
      await plctl(['start', intakeFile]);
      const view = await json<EventOutcome>(['event', ticketId, 'note.added', '--text', '@alice [P1] true']);
      expect(view.event).toMatchObject({ type: 'note.added', result: 'applied' });
      const history = await json<{ entries: { type: string; detail: string }[] }>(['history', ticketId]);
      expect(history.entries.find((e) => e.type === 'note.added')).toBeDefined();

      await expect(plctl(['event', ticketId, 'connection.approved', '--json'])).rejects.toMatchObject({
        code: 1,
        stderr: expect.stringMatching(/^\{"error":\{"code":"conflict","message":".*allowlisting/) as unknown,
      });
    }));

  it('says how to reach the API when nothing listens at PLCTL_URL', async () => {
    await expect(
      run(process.execPath, [join(repoRoot, 'bin', 'plctl.js'), 'status', 'T-1'], {
        cwd: repoRoot,
        env: { ...process.env, PLCTL_URL: 'http://127.0.0.1:9', PLCTL_TOKEN: 'x' },
      }),
    ).rejects.toMatchObject({
      code: 1,
      stderr: expect.stringContaining('Cannot reach the API at http://127.0.0.1:9') as unknown,
    });
  });

  it('token new prints a token whose hash is the tokens-file entry', async () => {
    const { token, entry } = await json<{
      token: string;
      entry: { subject: string; role: string; tokenSha256: string };
    }>(['token', 'new', '--subject', 'bob@vendor.example', '--role', 'auditor']);
    const { createHash } = await import('node:crypto');
    expect(entry).toEqual({
      subject: 'bob@vendor.example',
      role: 'auditor',
      tokenSha256: createHash('sha256').update(token).digest('hex'),
    });
  });
});
