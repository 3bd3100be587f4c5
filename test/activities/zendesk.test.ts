import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ApplicationFailure } from '@temporalio/common';
import { createActivities } from '../../activities';
import { HttpStatusError } from '../../activities/ports';
import { FileTicketSystem } from '../../activities/ticket-file';
import { ZendeskTicketSystem } from '../../activities/zendesk';
import { AppError } from '../../src/errors';
import { activityDepsFromEnv } from '../helpers/activities';
import { FakeZendesk } from '../helpers/fake-zendesk';

let zendesk: FakeZendesk;
let nextTicket = 100;
/** Every error message an adapter produced, checked for credentials at the end. */
const messages: string[] = [];

beforeAll(async () => {
  zendesk = await new FakeZendesk().start();
});
afterAll(async () => {
  await zendesk.stop();
});
afterEach(() => {
  expect(zendesk.violations).toEqual([]);
});

function adapter(over: { apiToken?: string; email?: string } = {}) {
  return new ZendeskTicketSystem({
    baseUrl: zendesk.url,
    email: over.email ?? zendesk.email,
    apiToken: over.apiToken ?? zendesk.apiToken,
    timeoutMs: 5_000,
  });
}

function newTicket(status = 'open'): number {
  const id = nextTicket++;
  zendesk.addTicket(id, status);
  return id;
}

async function failure(promise: Promise<unknown>): Promise<HttpStatusError> {
  const err = await promise.then(
    () => undefined,
    (e: unknown) => e,
  );
  expect(err).toBeInstanceOf(HttpStatusError);
  messages.push((err as Error).message);
  return err as HttpStatusError;
}

describe('the Zendesk ticket system', () => {
  it('posts a public comment on the ticket, ending with its reference line', async () => {
    const id = newTicket();
    const result = await adapter().postComment(`ZD-${id}`, 'Your request is accepted.', 'privatelink-ZD-1/1');
    const [comment] = zendesk.comments(id);
    expect(comment).toMatchObject({
      author_id: zendesk.userId,
      public: true,
      body: 'Your request is accepted.\n\n[ref: privatelink-ZD-1/1]',
    });
    expect(result).toEqual({ commentId: String(comment!.id), duplicate: false });
    expect(zendesk.requests.filter((r) => r.method === 'PUT').at(-1)?.path).toBe(`/api/v2/tickets/${id}.json`);
  });

  it('posts once per idempotency key, even when the first answer was lost', async () => {
    const id = newTicket();
    const tickets = adapter();
    zendesk.failNext('PUT', { status: 502, afterCommit: true });
    const lost = await failure(tickets.postComment(`ZD-${id}`, 'Service name: x', 'privatelink-ZD-2/1'));
    expect(lost.permanent).toBe(false);

    const retry = await tickets.postComment(`ZD-${id}`, 'Service name: x', 'privatelink-ZD-2/1');
    const again = await tickets.postComment(`ZD-${id}`, 'Service name: x', 'privatelink-ZD-2/1');
    const other = await tickets.postComment(`ZD-${id}`, 'Next step', 'privatelink-ZD-2/2');
    const comments = zendesk.comments(id);
    expect(comments.map((c) => c.body)).toEqual([
      'Service name: x\n\n[ref: privatelink-ZD-2/1]',
      'Next step\n\n[ref: privatelink-ZD-2/2]',
    ]);
    expect(retry).toEqual({ commentId: String(comments[0]!.id), duplicate: true });
    expect(again).toEqual(retry);
    expect(other.duplicate).toBe(false);
  });

  it('finds its earlier comment beyond the first page of a long ticket', async () => {
    const id = newTicket();
    const tickets = adapter();
    const first = await tickets.postComment(`ZD-${id}`, 'Accepted', 'privatelink-ZD-3/1');
    for (let i = 0; i < 230; i++) zendesk.addComment(id, `customer message ${i}`);
    const retry = await tickets.postComment(`ZD-${id}`, 'Accepted', 'privatelink-ZD-3/1');
    expect(retry).toEqual({ commentId: first.commentId, duplicate: true });
    expect(zendesk.comments(id)).toHaveLength(231);
  });

  it('does not mistake a customer quoting the reference line for its own comment', async () => {
    const id = newTicket();
    zendesk.addComment(id, '> Accepted\n> [ref: privatelink-ZD-4/1]\nThanks!');
    zendesk.addComment(id, '[ref: privatelink-ZD-4/1]');
    const result = await adapter().postComment(`ZD-${id}`, 'Accepted', 'privatelink-ZD-4/1');
    expect(result.duplicate).toBe(false);
    expect(zendesk.comments(id)).toHaveLength(3);
  });

  it('refuses permanently when the credentials are wrong, without quoting them', async () => {
    const id = newTicket();
    const err = await failure(adapter({ apiToken: 'wrong-token' }).postComment(`ZD-${id}`, 'x', 'k-401'));
    expect(err).toMatchObject({ status: 401, permanent: true });
    expect(err.message).toMatch(/ZENDESK_EMAIL and ZENDESK_API_TOKEN/);
    expect(err.message).not.toContain('wrong-token');
    expect(zendesk.comments(id)).toEqual([]);
  });

  it('refuses permanently for a ticket Zendesk does not have, or one that is closed, in Zendesk’s words', async () => {
    const missing = await failure(adapter().postComment('ZD-999999', 'x', 'k-404'));
    expect(missing).toMatchObject({ status: 404, permanent: true });
    expect(missing.message).toMatch(/RecordNotFound; Not found \(GET \/api\/v2\/tickets\/999999\/comments\.json\)/);

    const closed = await failure(adapter().postComment(`ZD-${newTicket('closed')}`, 'x', 'k-422'));
    expect(closed).toMatchObject({ status: 422, permanent: true });
    expect(closed.message).toMatch(/status: Status: closed prevents ticket update/);
  });

  it('reports rate limits with the wait Zendesk asks for, and server errors, as retryable', async () => {
    const id = newTicket();
    zendesk.failNext('PUT', { status: 429, retryAfter: '30' });
    const limited = await failure(adapter().postComment(`ZD-${id}`, 'x', 'k-429'));
    expect(limited).toMatchObject({ status: 429, permanent: false });
    expect(limited.message).toMatch(/retry after 30 s/);

    zendesk.failNext('GET', 503);
    const unavailable = await failure(adapter().postComment(`ZD-${id}`, 'x', 'k-503'));
    expect(unavailable).toMatchObject({ status: 503, permanent: false });
    expect(unavailable.message).toMatch(/Service Unavailable/);
    expect(zendesk.comments(id)).toEqual([]);
  });

  it('refuses permanently a ticket id that is not a Zendesk ticket', async () => {
    const err = await adapter()
      .postComment('PL-42', 'x', 'k')
      .catch((e: unknown) => e);
    expect(err).toBeInstanceOf(ApplicationFailure);
    expect(err).toMatchObject({ nonRetryable: true, message: expect.stringMatching(/ZD-<ticket number>/) });
  });

  it('never puts a credential in an error message', () => {
    expect(messages.length).toBeGreaterThanOrEqual(6);
    for (const message of messages) {
      expect(message).not.toContain(zendesk.apiToken);
      expect(message).not.toContain(zendesk.basicCredentials);
      expect(message).not.toContain(zendesk.email);
    }
  });
});

describe('activityDepsFromEnv', () => {
  const dataDir = mkdtempSync(join(tmpdir(), 'deps-'));

  it('uses the ticket file unless told otherwise', () => {
    const deps = activityDepsFromEnv({ DATA_DIR: dataDir });
    expect(deps.tickets).toBeInstanceOf(FileTicketSystem);
    expect(deps.tickets.name).toBe(`file:${join(dataDir, 'ticket-comments.jsonl')}`);
  });

  it('with TICKET_SYSTEM=zendesk, posts the activities’ comments to Zendesk', async () => {
    const env = {
      TICKET_SYSTEM: 'zendesk',
      ZENDESK_BASE_URL: `${zendesk.url}/`,
      ZENDESK_EMAIL: zendesk.email,
      ZENDESK_API_TOKEN: zendesk.apiToken,
    };
    const deps = activityDepsFromEnv(env);
    expect(deps.tickets.name).toBe(`zendesk:${zendesk.url}`);
    const activities = createActivities(deps);
    const id = newTicket();
    const input = {
      ticketId: `ZD-${id}`,
      comment: {
        template: 'request_rejected' as const,
        data: { company: 'Acme', ticketId: `ZD-${id}`, reasons: ['environment: not eligible'] },
      },
      idempotencyKey: `privatelink-ZD-${id}/1`,
      startedBy: 'ticket-system:zendesk',
    };
    await activities.postTicketComment(input);
    await activities.postTicketComment(input);
    expect(zendesk.comments(id)).toHaveLength(1);
    expect(zendesk.comments(id)[0]?.body).toMatch(
      /We cannot enable PrivateLink for this request:\n\n {2}- environment/,
    );

    // A ticket Zendesk does not have is a permanent failure for Temporal: no retries.
    const rejected = await activities.postTicketComment({ ...input, ticketId: 'ZD-999998' }).catch((e: unknown) => e);
    expect(rejected).toBeInstanceOf(ApplicationFailure);
    expect(rejected).toMatchObject({ nonRetryable: true, type: 'OutsideSystemRejected' });
  });

  it('lists every missing or invalid Zendesk setting at once, never quoting the token', () => {
    const err = catchError(() =>
      activityDepsFromEnv({
        TICKET_SYSTEM: 'Zendesk',
        ZENDESK_BASE_URL: 'http://acme.zendesk.com',
        ZENDESK_EMAIL: 'not-an-email',
        CONNECTIVITY_TIMEOUT_MS: 'soon',
      }),
    );
    expect(err).toBeInstanceOf(AppError);
    expect(err).toMatchObject({ code: 'invalid_config' });
    expect((err as AppError).problems).toEqual([
      expect.stringMatching(/^ZENDESK_BASE_URL must be an https:\/\/ URL, e.g. https:\/\/acme.zendesk.com/),
      expect.stringMatching(/^ZENDESK_EMAIL must be an email address/),
      'ZENDESK_API_TOKEN is required with TICKET_SYSTEM=zendesk',
      expect.stringMatching(/^CONNECTIVITY_TIMEOUT_MS must be a whole number/),
    ]);

    const withSecretUrl = catchError(() =>
      activityDepsFromEnv({
        TICKET_SYSTEM: 'zendesk',
        ZENDESK_BASE_URL: 'https://bot:hunter2@acme.zendesk.com',
        ZENDESK_EMAIL: 'bot@acme.example',
        ZENDESK_API_TOKEN: 'hunter2',
      }),
    );
    expect((withSecretUrl as AppError).problems).toEqual([expect.stringMatching(/must not contain credentials/)]);
    expect((withSecretUrl as AppError).message).not.toContain('hunter2');
  });

  it('refuses an unknown ticket system, naming the choices', () => {
    const err = catchError(() => activityDepsFromEnv({ TICKET_SYSTEM: 'servicenow' }));
    expect((err as AppError).problems).toEqual(['TICKET_SYSTEM must be one of file, zendesk, jira (got "servicenow")']);
  });

  it('warns when Zendesk is configured but the ticket file is in use', () => {
    const warnings: string[] = [];
    activityDepsFromEnv(
      { DATA_DIR: dataDir, ZENDESK_BASE_URL: 'https://acme.zendesk.com' },
      {
        info: () => undefined,
        warn: (_obj, msg) => warnings.push(msg ?? ''),
      },
    );
    expect(warnings).toEqual([expect.stringMatching(/ZENDESK_BASE_URL set but TICKET_SYSTEM is file/)]);
  });
});

function catchError(fn: () => unknown): unknown {
  try {
    fn();
  } catch (err) {
    return err;
  }
  throw new Error('expected an error');
}
