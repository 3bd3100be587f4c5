import { ApplicationFailure } from '@temporalio/common';
import { createActivities } from '../../activities';
import { adfDocument, JiraTicketSystem } from '../../activities/jira';
import { HttpStatusError } from '../../activities/ports';
import { AppError } from '../../src/errors';
import { activityDepsFromEnv } from '../helpers/activities';
import { FakeJira } from '../helpers/fake-jira';

let jira: FakeJira;
let nextIssue = 1;
/** Every error message an adapter produced, checked for credentials at the end. */
const messages: string[] = [];

beforeAll(async () => {
  jira = await new FakeJira().start();
});
afterAll(async () => {
  await jira.stop();
});
afterEach(() => {
  expect(jira.violations).toEqual([]);
});

function adapter(over: { apiToken?: string } = {}) {
  return new JiraTicketSystem({
    baseUrl: jira.url,
    email: jira.email,
    apiToken: over.apiToken ?? jira.apiToken,
    timeoutMs: 5_000,
  });
}

function newIssue(): string {
  const key = `PL-${nextIssue++}`;
  jira.addIssue(key);
  return key;
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

describe('the Jira ticket system', () => {
  it('posts the comment as ADF paragraphs, ending with its reference line', async () => {
    const key = newIssue();
    const body = 'Your account can now connect.\n\nService name: com.amazonaws.vpce.x\nRegion: us-east-1';
    const result = await adapter().postComment(key, body, 'privatelink-PL-1/1');
    const [comment] = jira.comments(key);
    expect(comment?.author.accountId).toBe(jira.accountId);
    expect(comment?.body).toEqual({
      type: 'doc',
      version: 1,
      content: [
        { type: 'paragraph', content: [{ type: 'text', text: 'Your account can now connect.' }] },
        {
          type: 'paragraph',
          content: [
            { type: 'text', text: 'Service name: com.amazonaws.vpce.x' },
            { type: 'hardBreak' },
            { type: 'text', text: 'Region: us-east-1' },
          ],
        },
        { type: 'paragraph', content: [{ type: 'text', text: '[ref: privatelink-PL-1/1]' }] },
      ],
    });
    expect(result).toEqual({ commentId: comment?.id, duplicate: false });
    expect(jira.requests.filter((r) => r.method === 'POST').at(-1)?.path).toBe(`/rest/api/3/issue/${key}/comment`);
  });

  it('turns any text into ADF that Jira accepts (no empty text nodes)', () => {
    expect(adfDocument('a\n\n\n\nb\n\nc\n \nd').content).toHaveLength(4);
    expect(JSON.stringify(adfDocument('line\n\n'))).not.toContain('"text":""');
  });

  it('posts once per idempotency key, even when the first answer was lost', async () => {
    const key = newIssue();
    const tickets = adapter();
    jira.failNext('POST', { status: 504, afterCommit: true });
    const lost = await failure(tickets.postComment(key, 'Approved', 'privatelink-PL-2/4'));
    expect(lost.permanent).toBe(false);
    const retry = await tickets.postComment(key, 'Approved', 'privatelink-PL-2/4');
    expect(retry).toEqual({ commentId: jira.comments(key)[0]?.id, duplicate: true });
    expect(jira.commentTexts(key)).toEqual(['Approved\n\n[ref: privatelink-PL-2/4]']);
  });

  it('finds its earlier comment beyond the first page, and ignores customers quoting the reference', async () => {
    const key = newIssue();
    const tickets = adapter();
    const first = await tickets.postComment(key, 'Accepted', 'privatelink-PL-3/1');
    for (let i = 0; i < 150; i++) jira.addComment(key, `customer reply ${i}`);
    jira.addComment(key, 'quoting: [ref: privatelink-PL-3/2]');
    jira.addComment(key, '[ref: privatelink-PL-3/2]');
    expect(await tickets.postComment(key, 'Accepted', 'privatelink-PL-3/1')).toEqual({
      commentId: first.commentId,
      duplicate: true,
    });
    expect((await tickets.postComment(key, 'Next', 'privatelink-PL-3/2')).duplicate).toBe(false);
    expect(jira.comments(key)).toHaveLength(154);
  });

  it('refuses permanently on wrong credentials or an unknown issue, in Jira’s words', async () => {
    const unauthorized = await failure(adapter({ apiToken: 'wrong-token' }).postComment(newIssue(), 'x', 'k'));
    expect(unauthorized).toMatchObject({ status: 401, permanent: true });
    expect(unauthorized.message).toMatch(/Client must be authenticated/);
    expect(unauthorized.message).not.toContain('wrong-token');

    const missing = await failure(adapter().postComment('PL-9999', 'x', 'k'));
    expect(missing).toMatchObject({ status: 404, permanent: true });
    expect(missing.message).toMatch(/Issue does not exist or you do not have permission to see it/);
  });

  it('reports rate limits with the wait Jira asks for, and server errors, as retryable', async () => {
    const key = newIssue();
    jira.failNext('POST', { status: 429, retryAfter: '12' });
    const limited = await failure(adapter().postComment(key, 'x', 'k-429'));
    expect(limited).toMatchObject({ status: 429, permanent: false });
    expect(limited.message).toMatch(/retry after 12 s/);

    jira.failNext('GET', 500);
    const broken = await failure(adapter().postComment(key, 'x', 'k-500'));
    expect(broken).toMatchObject({ status: 500, permanent: false });
    expect(jira.comments(key)).toEqual([]);
  });

  it('refuses permanently a ticket id that is not an issue key', async () => {
    const err = await adapter()
      .postComment('t-1001', 'x', 'k')
      .catch((e: unknown) => e);
    expect(err).toBeInstanceOf(ApplicationFailure);
    expect(err).toMatchObject({ nonRetryable: true, message: expect.stringMatching(/issue keys such as PL-42/) });
  });

  it('never puts a credential in an error message', () => {
    expect(messages.length).toBeGreaterThanOrEqual(5);
    for (const message of messages) {
      expect(message).not.toContain(jira.apiToken);
      expect(message).not.toContain(jira.basicCredentials);
      expect(message).not.toContain(jira.email);
    }
  });
});

describe('activityDepsFromEnv with TICKET_SYSTEM=jira', () => {
  it('posts the activities’ comments to Jira', async () => {
    const deps = activityDepsFromEnv({
      TICKET_SYSTEM: 'jira',
      JIRA_BASE_URL: jira.url,
      JIRA_EMAIL: jira.email,
      JIRA_API_TOKEN: jira.apiToken,
    });
    expect(deps.tickets.name).toBe(`jira:${jira.url}`);
    const key = newIssue();
    await createActivities(deps).postTicketComment({
      ticketId: key,
      comment: {
        template: 'intake_incomplete',
        data: { company: 'Acme', ticketId: key, problems: ['region: is missing'] },
      },
      idempotencyKey: `privatelink-${key}/1`,
      startedBy: 'ticket-system:jira',
    });
    expect(jira.commentTexts(key)).toEqual([
      expect.stringMatching(
        /^Thank you for your PrivateLink request for Acme[\s\S]*- region: is missing[\s\S]*\[ref: privatelink-PL-\d+\/1\]$/,
      ),
    ]);
  });

  it('lists every missing Jira setting at once', () => {
    let err: unknown;
    try {
      activityDepsFromEnv({ TICKET_SYSTEM: 'jira', JIRA_BASE_URL: 'https://acme.atlassian.net/jira/your-work' });
    } catch (e) {
      err = e;
    }
    expect(err).toBeInstanceOf(AppError);
    expect((err as AppError).problems).toEqual([
      expect.stringMatching(
        /^JIRA_BASE_URL must be the site address alone, without a path, e.g. https:\/\/acme.atlassian.net/,
      ),
      expect.stringMatching(/^JIRA_EMAIL is required with TICKET_SYSTEM=jira/),
      'JIRA_API_TOKEN is required with TICKET_SYSTEM=jira',
    ]);
    expect((err as AppError).message).toMatch(/^The activity settings are invalid:\n {2}- JIRA_BASE_URL/);
  });
});
