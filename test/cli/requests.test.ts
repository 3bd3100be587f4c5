import { execFile } from 'node:child_process';
import { mkdtempSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import type { FastifyInstance } from 'fastify';
import { chain, type TimelineExport } from '../../src/audit/chain';
import { TokenStore } from '../../src/api/auth';
import { apiSettingsFromEnv } from '../../src/config/api';
import type { EventOutcome } from '../../src/temporal/messages';
import { buildProductTestApi, stockCli, testSigningKey } from '../audit/product-api';
import { validIntake } from '../fixtures/requests';
import { testCredentials } from '../helpers/api';
import { repoRoot } from '../helpers/processes';
import { eventually } from '../helpers/eventually';
import { useTemporal } from '../helpers/temporal';

const run = promisify(execFile);
const temporal = useTemporal('dev-server');
const creds = testCredentials();
const dir = mkdtempSync(join(tmpdir(), 'plctl-'));
const key = testSigningKey();
const publicKeyFile = join(dir, 'audit.pub.pem');
writeFileSync(publicKeyFile, key.publicKeyPem);
let api: FastifyInstance;
let url: string;

beforeAll(async () => {
  api = buildProductTestApi(temporal, { store: creds.store, auditSigning: key.signing });
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

      const requested = await plctl([
        'event',
        ticketId,
        'endpoint.requested',
        '--endpoint-id',
        'vpce-079df92ea764cdd14',
      ]);
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

      // Found by the endpoint id the customer gave (PrivateLinkIdentifiers), whole.
      const found = await eventually(
        async () => (await plctl(['list', '--find', 'vpce-079df92ea764cdd14'], creds.tokens.auditor)).stdout,
        (out) => out.includes(ticketId),
        { intervalMs: 200, what: `plctl list --find to show ${ticketId}` },
      );
      expect(found.trim().split('\n')).toHaveLength(2);

      const history = await plctl(['history', ticketId], creds.tokens.auditor);
      expect(history.stdout).toMatch(/event\s+support@vendor\.example\s+api\s+endpoint\.requested\s+applied/);
      expect(history.stdout).toMatch(/state\.changed\s+support@vendor\.example\s+worker\s+in_progress/);
      expect(history.stdout).toMatch(/endpointId: vpce-079df92ea764cdd14/);
      expect(history.stdout).toContain(`signed by key ${key.keyId}`);
      expect(history.stdout).not.toContain('NOT AUTHENTICATED');

      // Saved exports verify, their signature too; an edited one does not.
      const jsonFile = join(dir, `${ticketId}.history.json`);
      const csvFile = join(dir, `${ticketId}.history.csv`);
      await plctl(['history', ticketId, '--output', jsonFile], creds.tokens.auditor);
      const savedCsv = await plctl(['history', ticketId, '--csv', '-o', csvFile], creds.tokens.auditor);
      expect(savedCsv.stderr).toContain(`its signature to ${csvFile}.sig (key ${key.keyId})`);
      for (const file of [jsonFile, csvFile]) {
        const checked = await plctl(['history', '--verify', file, '--public-key', publicKeyFile], undefined);
        expect(checked.stdout).toMatch(new RegExp(`^OK: \\d+ entries for ticket ${ticketId}, chain intact`));
        expect(checked.stdout).toContain(`OK: signed by key ${key.keyId}, exported `);
        // Without the public key, the signature is named but not checked.
        expect((await plctl(['history', '--verify', file], undefined)).stdout).toContain(
          `NOT CHECKED: signed by key ${key.keyId}`,
        );
      }
      // A CSV piped from stdout has no room for its signature: it verifies as a chain, and fails a signature check.
      const piped = join(dir, `${ticketId}.piped.csv`);
      writeFileSync(piped, (await plctl(['history', ticketId, '--csv'], creds.tokens.auditor)).stdout);
      expect((await plctl(['history', '--verify', piped])).stdout).toMatch(/^OK[\s\S]*UNSIGNED/);
      await expect(plctl(['history', '--verify', piped, '--public-key', publicKeyFile])).rejects.toMatchObject({
        code: 3,
        stdout: expect.stringContaining('FAILED: the export is not signed') as unknown,
      });
      // The signature file of another export does not fit this one.
      const otherSig = join(dir, `${ticketId}.other.sig`);
      const sig = JSON.parse(readFileSync(`${csvFile}.sig`, 'utf8')) as { entries: number };
      writeFileSync(otherSig, JSON.stringify({ ...sig, entries: sig.entries + 1 }));
      await expect(
        plctl(['history', '--verify', csvFile, '--signature', otherSig, '--public-key', publicKeyFile]),
      ).rejects.toMatchObject({
        code: 3,
        stdout: expect.stringContaining('FAILED: the signature is for another export') as unknown,
      });
      // Against the live history: a full export matches; one cut short still chains, but is caught there.
      expect((await plctl(['history', ticketId, '--verify', csvFile], creds.tokens.auditor)).stdout).toMatch(
        /OK: identical to the live history \(\d+ entries\)/,
      );
      const rows = readFileSync(csvFile, 'utf8').trimEnd().split('\r\n');
      const cut = join(dir, `${ticketId}.cut.csv`);
      writeFileSync(cut, `${rows.slice(0, -1).join('\r\n')}\r\n`);
      expect((await plctl(['history', '--verify', cut])).stdout).toMatch(/^OK/);
      // Against the live history, an export that lacks its last entry fails, unless a prefix is asked for.
      await expect(plctl(['history', ticketId, '--verify', cut], creds.tokens.auditor)).rejects.toMatchObject({
        code: 3,
        stdout: expect.stringContaining('FAILED: the export is missing 1 later entry of the live history') as unknown,
      });
      expect((await plctl(['history', ticketId, '--verify', cut, '--prefix'], creds.tokens.auditor)).stdout).toMatch(
        /OK: identical to the first \d+ of \d+ entries of the live history \(--prefix\)/,
      );
      const rewritten = join(dir, `${ticketId}.rewritten.json`);
      const doc = JSON.parse(readFileSync(jsonFile, 'utf8')) as TimelineExport;
      doc.entries[1]!.actor = 'mallory@vendor.example';
      const rechained = chain(
        ticketId,
        doc.entries.map(({ seq: _s, ticketId: _t, prevHash: _p, hash: _h, ...e }) => e),
      );
      writeFileSync(rewritten, JSON.stringify({ entries: rechained }));
      expect((await plctl(['history', '--verify', rewritten])).stdout).toMatch(/^OK/);
      // Re-chained, it still passes an offline chain check, but has no signature of the key.
      await expect(plctl(['history', '--verify', rewritten, '--public-key', publicKeyFile])).rejects.toMatchObject({
        code: 3,
      });
      // Keeping the signature does not help: it covers the old head.
      const resigned = join(dir, `${ticketId}.resigned.json`);
      writeFileSync(resigned, JSON.stringify({ ...doc, entries: rechained, head: rechained.at(-1)!.hash }));
      await expect(plctl(['history', '--verify', resigned, '--public-key', publicKeyFile])).rejects.toMatchObject({
        code: 3,
        stdout: expect.stringContaining('FAILED: the signature does not match') as unknown,
      });
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
      await expect(plctl(['event', ticketId, 'customer_acess.granted'])).rejects.toMatchObject({
        stderr: expect.stringContaining('did you mean customer_access.granted?') as unknown,
      });
      await expect(plctl(['event', ticketId, 'connection.rejected'])).rejects.toMatchObject({
        stderr: expect.stringContaining('reason: is required') as unknown,
      });
    }));

  it('start takes the short service form, and refuses the workflow input shape before any request exists', () =>
    temporal.withWorker(async () => {
      const ticketId = ticket();
      const wrapped = join(dir, `${ticketId}-wrapped.json`);
      writeFileSync(wrapped, JSON.stringify({ ticketId, intake: validIntake('aws', 'unidirectional', ticketId) }));
      await expect(plctl(['start', wrapped])).rejects.toMatchObject({
        code: 1,
        stderr: expect.stringContaining(
          "intake: is not an intake field: send the intake's fields at the top level",
        ) as unknown,
      });
      await expect(plctl(['status', ticketId])).rejects.toMatchObject({
        stderr: expect.stringContaining(`No request for ticket ${ticketId}.`) as unknown,
      });

      const short = join(dir, `${ticketId}.json`);
      writeFileSync(
        short,
        JSON.stringify({ ...validIntake('aws', 'unidirectional', ticketId), services: ['mysql 3306'] }),
      );
      expect((await plctl(['start', short])).stdout).toContain('Status        in_progress, in allowlisting');
    }));

  it('prints what a ticket wrote without its control characters, so no terminal escape reaches the screen', () =>
    temporal.withWorker(async () => {
      const ticketId = ticket();
      const intakeFile = join(dir, `${ticketId}.json`);
      const company = 'Acme\u001b[2J\u001b]0;pwned\u0007 Corp';
      writeFileSync(
        intakeFile,
        JSON.stringify({ ...validIntake('aws', 'unidirectional', ticketId), company, subject: 'PrivateLink support' }),
      );
      const started = await plctl(['start', intakeFile]);
      await plctl(['event', ticketId, 'note.added', '--text', 'called\u001b[31m red\u009b1m']);
      const outputs = [
        started.stdout,
        (await plctl(['status', ticketId])).stdout,
        (await plctl(['history', ticketId])).stdout,
      ];
      for (const out of outputs) {
        // eslint-disable-next-line no-control-regex
        expect(out).not.toMatch(/[\u0000-\u0008\u000b-\u001f\u007f-\u009f]/);
      }
      expect(outputs[1]).toContain('Acme[2J]0;pwned Corp');
      // JSON output keeps the text exactly as written (escaped by JSON), for tools.
      expect((await json<{ company: string }>(['status', ticketId])).company).toBe(company);
    }));

  it('sends field values as typed, and prints errors as JSON with --json', () =>
    temporal.withWorker(async () => {
      const ticketId = ticket();
      const intakeFile = join(dir, `${ticketId}.json`);
      writeFileSync(intakeFile, JSON.stringify(validIntake('aws', 'unidirectional', ticketId)));
      await plctl(['start', intakeFile]);
      const view = await json<EventOutcome>(['event', ticketId, 'note.added', '--text', '@alice [P1] true']);
      expect(view.event).toMatchObject({ type: 'note.added', result: 'applied' });
      const history = await json<{ entries: { type: string; detail: string; payload: Record<string, string> }[] }>([
        'history',
        ticketId,
      ]);
      expect(history.entries.find((e) => e.type === 'note.added')?.payload).toEqual({ text: '@alice [P1] true' });

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

  it('history marks what was sent straight to Temporal as NOT AUTHENTICATED, in the table and the CSV', () =>
    temporal.withWorker(async () => {
      const ticketId = ticket();
      const intakeFile = join(dir, `${ticketId}.json`);
      writeFileSync(intakeFile, JSON.stringify(validIntake('aws', 'unidirectional', ticketId)));
      await plctl(['start', intakeFile]);
      await stockCli(temporal)(
        'workflow',
        'signal',
        '--workflow-id',
        `privatelink-${ticketId}`,
        '--name',
        'enablementEvent',
        '--input',
        JSON.stringify({ type: 'note.added', actor: creds.subjects.admin, text: 'approved by me, the admin' }),
      );
      const table = await eventually(
        async () => (await plctl(['history', ticketId], creds.tokens.auditor)).stdout,
        (out) => out.includes('note.added'),
        { what: 'the signalled note in the history' },
      );
      const row = table.split('\n').find((line) => line.includes('note.added'))!;
      expect(row).toMatch(/event\s+admin@vendor\.example\s+NOT AUTHENTICATED: \S+/);
      expect(row).not.toMatch(/NOT AUTHENTICATED: privatelink-/);
      expect(row).toContain('text: approved by me, the admin');
      expect(table).toMatch(
        /^1 entry NOT AUTHENTICATED: written into Temporal by something other than the product's API and worker/m,
      );

      const csvFile = join(dir, `${ticketId}.csv`);
      await plctl(['history', ticketId, '--csv', '-o', csvFile], creds.tokens.auditor);
      const csvRow = readFileSync(csvFile, 'utf8')
        .split('\r\n')
        .find((line) => line.includes('note.added'))!;
      expect(csvRow).toContain(',false,note.added,');
    }));

  it('audit-key new writes a private key the API can sign with, and audit-key public prints its public key', async () => {
    const keyFile = join(dir, 'signing.pem');
    const made = await plctl(['audit-key', 'new', keyFile]);
    expect(made.stdout).toMatch(/^-----BEGIN PUBLIC KEY-----\n[\s\S]+-----END PUBLIC KEY-----\n$/);
    const keyId = /key id (sha256:[0-9a-f]{64})/.exec(made.stderr)?.[1];
    expect(keyId).toMatch(/^sha256:[0-9a-f]{64}$/);
    expect(statSync(keyFile).mode & 0o077).toBe(0);
    // The API reads it as its signing key; the public key printed is the one it signs for.
    const settings = apiSettingsFromEnv({ AUDIT_SIGNING_KEY_FILE: keyFile });
    expect(settings.auditSigning?.keyId).toBe(keyId);
    expect(await json(['audit-key', 'public', keyFile])).toEqual({ keyId, publicKey: made.stdout });
    // Never overwritten.
    await expect(plctl(['audit-key', 'new', keyFile])).rejects.toMatchObject({
      code: 1,
      stderr: expect.stringContaining('EEXIST') as unknown,
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

  it('token new --write adds the entry to a tokens file, created owner-only, and prints only the token', async () => {
    const file = join(mkdtempSync(join(tmpdir(), 'tokens-')), 'tokens.json');
    const first = await plctl([
      'token',
      'new',
      '--subject',
      'you@vendor.example',
      '--role',
      'support',
      '--write',
      file,
    ]);
    const token = first.stdout.trim();
    expect(token).toMatch(/^plt_[\w-]+$/);
    expect(first.stderr).toContain(`Added you@vendor.example (support) to ${file} (1 entry)`);
    expect(statSync(file).mode & 0o777).toBe(0o600);
    const second = await plctl(['token', 'new', '--subject', 'ops@vendor.example', '--role', 'admin', '--write', file]);
    expect(second.stderr).toContain('(2 entries)');
    const entries = JSON.parse(readFileSync(file, 'utf8')) as { subject: string; tokenSha256: string }[];
    expect(entries.map((e) => e.subject)).toEqual(['you@vendor.example', 'ops@vendor.example']);
    // The file the API reads authenticates the printed token.
    const store = TokenStore.of(apiSettingsFromEnv({ AUTH_TOKENS_FILE: file }).tokens!.entries);
    expect(store.authenticate(`Bearer ${token}`)).toMatchObject({ subject: 'you@vendor.example', role: 'support' });
    // A file that is not a tokens file is left alone.
    const other = join(dir, 'not-tokens.json');
    writeFileSync(other, '{"hello": 1}');
    await expect(
      plctl(['token', 'new', '--subject', 'x@vendor.example', '--role', 'support', '--write', other]),
    ).rejects.toMatchObject({ code: 1, stderr: expect.stringContaining('is invalid') as unknown });
    expect(readFileSync(other, 'utf8')).toBe('{"hello": 1}');
  });
});
