/**
 * `plctl change` and `plctl connections` against a running API and Temporal dev server (docs/plctl.md): a change opened
 * on an enabled connection, the 409 naming the open change, a 422, troubleshooting answered, the generic event command
 * cancelling a change, and the inventory as a table, as JSON and page by page.
 */
import { execFile } from 'node:child_process';
import { join } from 'node:path';
import { promisify } from 'node:util';
import type { EventOutcome } from '../../src/temporal/messages';
import type { ConnectionPage } from '../../src/temporal/visibility';
import { otherAccount, otherService } from '../fixtures/changes';
import { forwardLegEvents } from '../fixtures/events';
import { validIntake } from '../fixtures/requests';
import { useTestApi } from '../helpers/api';
import { eventually } from '../helpers/eventually';
import { repoRoot } from '../helpers/processes';

const run = promisify(execFile);
const { temporal, creds, nextTicket, start, send, ...testApi } = useTestApi('CLICH');
let url: string;
beforeAll(async () => {
  url = await testApi.api().listen({ port: 0, host: '127.0.0.1' });
});

function plctl(args: string[], token: string = creds.tokens.support) {
  return run(process.execPath, [join(repoRoot, 'bin', 'plctl.js'), ...args], {
    cwd: repoRoot,
    env: { ...process.env, PLCTL_URL: url, PLCTL_TOKEN: token },
  });
}
const json = async <T>(args: string[], token?: string): Promise<T> =>
  JSON.parse((await plctl([...args, '--json'], token)).stdout) as T;

/** A unidirectional AWS connection of its own company, started and enabled through the API. */
async function enabledConnection(company: string): Promise<string> {
  const ticketId = nextTicket();
  const intake = {
    ...validIntake('aws', 'unidirectional', ticketId),
    company,
    subject: `PrivateLink support for ${company}`,
  };
  expect((await start(ticketId, intake)).statusCode).toBe(201);
  for (const event of forwardLegEvents) {
    const res = await send(ticketId, event);
    expect({ type: event.type, status: res.statusCode }).toEqual({ type: event.type, status: 200 });
  }
  return ticketId;
}

/** The inventory's rows for a company, once visibility shows `n` connections and `done` holds for the page. */
const inventoryOf = (company: string, n: number, done: (page: ConnectionPage) => boolean = () => true) =>
  eventually(
    () => json<ConnectionPage>(['connections', '--company', company], creds.tokens.auditor),
    (page) => page.connections.length === n && done(page),
    { timeoutMs: 20_000, intervalMs: 200, what: `the inventory to show ${n} connection(s) of ${company}` },
  );

describe('plctl change', () => {
  it('opens a change on an enabled connection; a second one is refused naming the open one; change.cancelled ends it', () =>
    temporal.withWorker(async () => {
      const company = `CliChange-${Date.now().toString(36)}`;
      const ticketId = await enabledConnection(company);
      const account = otherAccount('aws');

      const opened = await plctl([
        'change',
        ticketId,
        'change-account',
        '--ticket',
        `${ticketId}-C1`,
        '--account',
        account,
        '--submitted',
        '2026-11-02T15:00:00Z',
        '--comment',
        'asked on the change ticket',
      ]);
      expect(opened.stdout).toMatch(new RegExp(`^Change ${ticketId}-C1 opened: .*${account}`));
      expect(opened.stdout).toContain(`Ticket        ${ticketId}  (${company})`);
      expect(opened.stdout).toMatch(new RegExp(`Change        ${ticketId}-C1: .*; in \\w+, waiting on vendor`));
      expect(opened.stdout).toMatch(/can connect 123456789012 since .* UTC, approved by support@vendor\.example/);

      // Listed with its own SLA, found by its ticket: submitted on 2 November, so due five business days later.
      const listed = await eventually(
        async () => (await plctl(['list', '--find', `${ticketId}-C1`])).stdout,
        (out) => / yes$/m.test(out),
        { intervalMs: 200, what: `plctl list to show the change on ${ticketId}` },
      );
      expect(listed).toMatch(
        new RegExp(
          `${ticketId}\\s+${company}\\s+aws .* ${ticketId}-C1 \\(change_account\\)\\s+2026-11-09 \\d\\d:\\d\\d\\s+yes$`,
          'm',
        ),
      );

      // The change as the API recorded it: its ticket, its kind, when the change ticket was submitted, the comment.
      const status = await json<EventOutcome & { events: EventOutcome['event'][] }>(['status', ticketId]);
      expect(status.change).toMatchObject({
        ticketId: `${ticketId}-C1`,
        kind: 'change_account',
        submittedAt: '2026-11-02T15:00:00Z',
        requestedBy: creds.subjects.support,
      });
      expect(status.events.at(-1)).toMatchObject({
        type: 'change.requested',
        comment: 'asked on the change ticket',
        changeTicketId: `${ticketId}-C1`,
      });

      // One change at a time: the refusal names the open change, and says how to see it and cancel it.
      const second = plctl(['change', ticketId, 'remove', '--ticket', `${ticketId}-C2`]);
      await expect(second).rejects.toMatchObject({
        code: 1,
        stderr: expect.stringContaining(
          `Change ${ticketId}-C1 (change_account) is open on this connection, in state `,
        ) as unknown,
      });
      const { stderr } = (await second.catch((err: unknown) => err)) as { stderr: string };
      expect(stderr).toContain('one change at a time');
      expect(stderr).toContain(`see it: plctl status ${ticketId}`);
      expect(stderr).toContain(`cancel it: plctl event ${ticketId} change.cancelled --reason "<why>"`);
      expect(stderr).toMatch(/allowed now: .*change\.cancelled/);
      // With --json the error carries the open change, for scripts.
      const asJson = (await plctl(['change', ticketId, 'remove', '--ticket', `${ticketId}-C2`, '--json']).catch(
        (err: unknown) => err,
      )) as { code: number; stderr: string };
      expect(asJson.code).toBe(1);
      expect(JSON.parse(asJson.stderr)).toMatchObject({
        error: {
          code: 'conflict',
          openChange: { ticketId: `${ticketId}-C1`, kind: 'change_account', state: status.change!.state },
        },
      });

      // The generic event command cancels it; the connection is back to taking changes.
      const cancelled = await plctl(['event', ticketId, 'change.cancelled', '--reason', 'opened by mistake']);
      expect(cancelled.stdout).toContain('change.cancelled applied.');
      expect(cancelled.stdout).toContain('Status        enabled, in active, waiting on none');
      expect(cancelled.stdout).not.toMatch(/^Change {8}/m);
      expect(cancelled.stdout).toContain('Allowed now   change.requested, request.assigned, note.added');
    }));

  it('add_service sends the ports given; troubleshoot is answered, not opened; an invalid change is the API 422', () =>
    temporal.withWorker(async () => {
      const ticketId = await enabledConnection(`CliAdd-${Date.now().toString(36)}`);

      // 422: the API judges the values; each problem on its own line, naming the field.
      await expect(
        plctl([
          'change',
          ticketId,
          'add_service',
          '--ticket',
          `${ticketId}-C0`,
          '--service',
          otherService('aws'),
          '--services',
          'redis 70000',
        ]),
      ).rejects.toMatchObject({
        code: 1,
        stderr: expect.stringMatching(/\n {2}- change\.services\[0\]\.port: must be 1 to 65535\n/) as unknown,
      });

      const answered = await plctl([
        'change',
        ticketId,
        'troubleshoot',
        '--ticket',
        `${ticketId}-C1`,
        '--details',
        'timeouts since Monday',
      ]);
      expect(answered.stdout).toMatch(
        new RegExp(`^Answered on ${ticketId}-C1: troubleshooting an enabled connection is outside support`),
      );
      expect(answered.stdout).toContain('Status        enabled, in active, waiting on none');

      const added = await json<EventOutcome>([
        'change',
        ticketId,
        'add-service',
        '--ticket',
        `${ticketId}-C2`,
        '--service',
        otherService('aws'),
        '--services',
        'redis 6379, https 443',
        '--services',
        'postgres:5432',
        '--event-id',
        `${ticketId}-add`,
      ]);
      expect(added.change).toMatchObject({ ticketId: `${ticketId}-C2`, kind: 'add_service', waitingOn: 'customer' });
      expect(added.event).toMatchObject({ type: 'change.requested', eventId: `${ticketId}-add`, result: 'applied' });
      const history = await json<{ entries: { type: string; payload?: { change?: string } }[] }>(['history', ticketId]);
      const sent = history.entries.filter((e) => e.type === 'change.requested').at(-1)?.payload?.change;
      expect(JSON.parse(sent ?? 'null')).toEqual({
        kind: 'add_service',
        customerServiceName: otherService('aws'),
        services: [
          { name: 'redis', port: 6379 },
          { name: 'https', port: 443 },
          { name: 'postgres', port: 5432 },
        ],
      });
      // The same event id again changes nothing.
      const again = await plctl([
        'change',
        ticketId,
        'add_service',
        '--ticket',
        `${ticketId}-C2`,
        '--service',
        otherService('aws'),
        '--services',
        'redis 6379, https 443, postgres 5432',
        '--event-id',
        `${ticketId}-add`,
      ]);
      expect(again.stdout).toMatch(/^change\.requested was already recorded \(event \d+\); nothing changed\./);
    }));

  it('refuses a missing or stray flag with the usage, before calling the API', async () => {
    // Nothing listens at this address: a call would say "Cannot reach the API".
    const offline = (...args: string[]) =>
      run(process.execPath, [join(repoRoot, 'bin', 'plctl.js'), 'change', 'T-1001', ...args], {
        cwd: repoRoot,
        env: { ...process.env, PLCTL_URL: 'http://127.0.0.1:9', PLCTL_TOKEN: 'x' },
      });
    const cases: [string[], string][] = [
      [
        ['change_account', '--ticket', 'T-2001'],
        'A change of kind change_account needs --account <id>.\nUsage: plctl change <ticketId> change_account --ticket <changeTicketId> --account <id>',
      ],
      [
        ['remove'],
        'A change of kind remove needs --ticket <changeTicketId>.\nUsage: plctl change <ticketId> remove --ticket <changeTicketId>',
      ],
      [['add-service', '--ticket', 'T-2001'], 'A change of kind add_service needs --service <name>.'],
      [['remove_service', '--ticket', 'T-2001', '--service', ' '], 'A change of kind remove_service needs --service'],
      [['remove', '--ticket', 'T-2001', '--account', '210987654321'], 'A change of kind remove takes no --account.'],
      [
        ['remove_service', '--ticket', 'T-2001', '--service', 'svc', '--services', 'redis 6379'],
        'A change of kind remove_service takes no --services.',
      ],
      [
        ['add_service', '--ticket', 'T-2001', '--service', 'svc', '--services', 'redis'],
        '--services: "redis" is not a service name and a port',
      ],
      [['rename', '--ticket', 'T-2001'], 'Unknown kind of change "rename"; did you mean remove? Kinds: remove, '],
      [['split', '--ticket', 'T-2001'], 'Unknown kind of change "split". Kinds: remove, change_account, '],
      [['chnage-account', '--ticket', 'T-2001'], 'did you mean change_account?'],
    ];
    for (const [args, message] of cases) {
      const err = (await offline(...args).catch((e: unknown) => e)) as { code?: number; stderr?: string };
      expect({ args, code: err.code, stderr: err.stderr }).toEqual({
        args,
        code: 1,
        stderr: expect.stringContaining(message) as unknown,
      });
      expect(err.stderr).not.toContain('Cannot reach the API');
    }
    // With --json, the usage error is JSON too.
    const err = (await offline('change_account', '--ticket', 'T-2001', '--json').catch((e: unknown) => e)) as {
      stderr: string;
    };
    expect(JSON.parse(err.stderr)).toEqual({
      error: { code: 'bad_request', message: 'A change of kind change_account needs --account <id>.', problems: [] },
    });
  });
});

describe('plctl connections', () => {
  it('lists the inventory for a person, as JSON, and page by page', () =>
    temporal.withWorker(async () => {
      const company = `CliInv-${Date.now().toString(36)}`;
      const first = await enabledConnection(company);
      const second = await enabledConnection(company);
      await plctl(['change', second, 'change_account', '--ticket', `${second}-C1`, '--account', otherAccount('aws')]);
      const page = await inventoryOf(company, 2, (p) => p.connections.some((c) => c.openChange));
      expect(page.connections.map((c) => c.ticketId).sort()).toEqual([first, second].sort());
      expect(page.connections.find((c) => c.ticketId === second)).toMatchObject({
        company,
        accounts: [{ account: '123456789012', approvedBy: creds.subjects.support }],
        openChange: { ticketId: `${second}-C1`, kind: 'change_account' },
      });
      expect(page.nextPageToken).toBeNull();

      const table = (await plctl(['connections', '--company', company, '--cloud', 'aws'], creds.tokens.auditor)).stdout;
      const lines = table.trimEnd().split('\n');
      expect(lines[0]).toMatch(
        /^TICKET\s+COMPANY\s+CLOUD\/REGION\s+CAN CONNECT\s+SINCE \(UTC\)\s+APPROVED BY\s+PORTS\s+WE CONNECT TO\s+OPEN CHANGE$/,
      );
      const row = lines.find((l) => l.startsWith(second))!;
      expect(row).toMatch(
        new RegExp(
          `^${second}\\s+${company}\\s+aws us-east-1\\s+123456789012\\s+\\d{4}-\\d\\d-\\d\\d \\d\\d:\\d\\d\\s+support@vendor\\.example\\s+mysql 3306, sftp 2222\\s+${second}-C1 change_account$`,
        ),
      );
      expect(lines.find((l) => l.startsWith(first))).not.toContain('change_account');

      // A filter that matches nothing says so.
      expect(
        (await plctl(['connections', '--company', company, '--region', 'eu-west-1'], creds.tokens.auditor)).stdout,
      ).toBe('No connections match.\n');

      // Page by page: the hint repeats the filters (a page token is good for its own query only); --all reads them all.
      const paged = (await plctl(['connections', '--company', company, '--page-size', '1'], creds.tokens.auditor))
        .stdout;
      const more = /^More: plctl (connections --company \S+ --page-size 1 --page-token (\S+)) {2}\(or --all\)$/m.exec(
        paged,
      );
      expect(more).not.toBeNull();
      const next = (await plctl(more![1]!.split(' '), creds.tokens.auditor)).stdout;
      const tickets = (text: string) => [first, second].filter((t) => text.includes(`${t} `));
      expect([...tickets(paged), ...tickets(next)].sort()).toEqual([first, second].sort());
      expect(tickets(paged)).toHaveLength(1);
      const all = await json<ConnectionPage>(
        ['connections', '--company', company, '--page-size', '1', '--all'],
        creds.tokens.auditor,
      );
      expect(all.connections.map((c) => c.ticketId).sort()).toEqual([first, second].sort());
      expect(all.nextPageToken).toBeNull();

      // The API's own refusal of a bad filter.
      await expect(plctl(['connections', '--cloud', 'gcp'], creds.tokens.auditor)).rejects.toMatchObject({
        code: 1,
        stderr: expect.stringContaining('must be one of aws, azure') as unknown,
      });
    }));
});
