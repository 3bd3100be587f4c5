import { createHmac } from 'node:crypto';
import { temporal as proto } from '@temporalio/proto';
import type { FastifyInstance } from 'fastify';
import { pino } from 'pino';
import { createActivities } from '../../activities';
import { JiraTicketSystem } from '../../activities/jira';
import { ZendeskTicketSystem } from '../../activities/zendesk';
import type { StateView } from '../../src/temporal/messages';
import { searchAttributes, workflowIdForTicket } from '../../src/temporal/names';
import { readState } from '../../src/temporal/read-state';
import { zendeskTriggerBody } from '../../src/webhooks/zendesk';
import { validIntake } from '../fixtures/requests';
import { buildTestApi } from '../helpers/api';
import { FakeJira } from '../helpers/fake-jira';
import { FakeZendesk } from '../helpers/fake-zendesk';
import { eventually, waitFor } from '../helpers/eventually';
import { startRequest } from '../helpers/requests';
import { useTemporal } from '../helpers/temporal';

/**
 * The whole loop for each ticket system: its signed webhook starts the request, the request waits for the missing
 * information, and the ticket is told exactly what is missing through the system's own REST API (local fakes that
 * speak its wire format); the customer's answer, by update webhook, completes the intake.
 */
const temporal = useTemporal('dev-server');
const ZENDESK_SECRET = 'emVuZGVzayBzaWduaW5nIHNlY3JldCBmb3IgdGVzdHM';
const JIRA_SECRET = 'jira-webhook-secret-for-tests';
let api: FastifyInstance;
let zendesk: FakeZendesk;
let jira: FakeJira;
/** What the API logged, one JSON object per line. */
const logLines: Record<string, unknown>[] = [];

beforeAll(async () => {
  const logger = pino({ level: 'info' }, { write: (line: string) => logLines.push(JSON.parse(line) as never) });
  api = buildTestApi(temporal, { webhooks: { zendesk: [ZENDESK_SECRET], jira: [JIRA_SECRET] }, logger });
  zendesk = await new FakeZendesk().start();
  jira = await new FakeJira().start();
});
afterAll(async () => {
  await api.close();
  await zendesk.stop();
  await jira.stop();
});

const incompleteDescription = [
  'Hello, please enable PrivateLink.',
  'Company: Acme',
  'Project ID: abcdef123456',
  'Environment: Pro Production',
  'Cloud: AWS',
  'Region: us-east-1',
  'Services: mysql 3306',
  'Connection type: unidirectional',
  'VPC ID: vpc-0123456789abcdef0',
].join('\n');

/** The request's state view once `done` holds for it. */
const stateWhen = (ticketId: string, done: (v: StateView) => boolean): Promise<StateView> =>
  eventually(() => readState(temporal.client.workflow.getHandle(workflowIdForTicket(ticketId))), done, {
    what: `the request for ${ticketId}`,
  });

describe('Zendesk', () => {
  const number = 700000 + Math.floor(Math.random() * 99999);
  const ticketId = `ZD-${number}`;

  function signed(body: object, opts: { secret?: string; at?: Date } = {}) {
    const raw = JSON.stringify(body);
    const timestamp = (opts.at ?? new Date()).toISOString();
    return {
      payload: raw,
      headers: {
        'content-type': 'application/json',
        'x-zendesk-webhook-signature': createHmac('sha256', opts.secret ?? ZENDESK_SECRET)
          .update(timestamp + raw)
          .digest('base64'),
        'x-zendesk-webhook-signature-timestamp': timestamp,
        'x-zendesk-webhook-invocation-id': `inv-${Math.random()}`,
      },
    };
  }

  /** A body as the trigger template in docs/webhooks.md renders it (placeholders filled in by Zendesk). */
  function rendered(event: 'created' | 'updated', fields: Record<string, string>) {
    let text = zendeskTriggerBody({ event });
    for (const [placeholder, value] of Object.entries(fields)) {
      text = text.replace(`{{${placeholder}}}`, JSON.stringify(value).slice(1, -1));
    }
    return JSON.parse(text) as object;
  }

  it('a created ticket with missing data waits for information, and the ticket is told what is missing', () =>
    temporal.withWorker(
      async () => {
        zendesk.addTicket(number);
        const created = rendered('created', {
          'ticket.id': String(number),
          'ticket.title': 'PrivateLink support for Acme',
          'ticket.description': incompleteDescription,
          'ticket.latest_public_comment': '',
          'ticket.created_at_with_timestamp': '2026-11-02T15:00:00Z',
          'ticket.updated_at_with_timestamp': '2026-11-02T15:00:00Z',
        });
        const res = await api.inject({ method: 'POST', url: '/webhooks/zendesk', ...signed(created) });
        expect(res.statusCode).toBe(202);
        expect(res.json()).toMatchObject({ ticketId, event: 'ticket.submitted' });

        const waiting = await stateWhen(ticketId, (v) => v.status === 'awaiting_information');
        expect(waiting.request.problems.map((p) => p.field)).toEqual(['customerAccount']);
        // A key that is no intake field is ignored, and named in the log for the operator.
        expect(logLines).toContainEqual(
          expect.objectContaining({ source: 'zendesk', ticketId, unknownKeys: ['VPC ID'] }),
        );
        await waitFor(() => zendesk.comments(number).length > 0, 10_000, 'the Zendesk comment');
        const [comment] = zendesk.comments(number);
        expect(comment!.public).toBe(true);
        expect(comment!.body).toContain('AWS account: is missing: your 12-digit AWS account id');
        expect(comment!.body).not.toContain('customerAccount');
        expect(zendesk.violations).toEqual([]);

        // The customer answers in a public comment; the update trigger forwards it.
        const updated = rendered('updated', {
          'ticket.id': String(number),
          'ticket.title': 'PrivateLink support for Acme',
          'ticket.description': incompleteDescription,
          'ticket.latest_public_comment': 'AWS account: 123456789012',
          'ticket.created_at_with_timestamp': '2026-11-02T15:00:00Z',
          'ticket.updated_at_with_timestamp': '2026-11-02T16:00:00Z',
        });
        expect((await api.inject({ method: 'POST', url: '/webhooks/zendesk', ...signed(updated) })).statusCode).toBe(
          202,
        );
        const accepted = await stateWhen(ticketId, (v) => v.status === 'in_progress');
        expect(accepted.state).toBe('allowlisting');
        expect(accepted.events.map((e) => `${e.type} ${e.actor} ${e.result}`)).toEqual([
          'ticket.submitted ticket-system:zendesk applied',
          'ticket.updated ticket-system:zendesk applied',
        ]);
        // Zendesk redelivers the same body, signed again under a new invocation id (which it does not sign): the
        // body's hash names the update, so it is a repeat and changes nothing.
        const again = await api.inject({ method: 'POST', url: '/webhooks/zendesk', ...signed(updated) });
        expect([again.statusCode, again.json()]).toEqual([
          200,
          expect.objectContaining({ accepted: false, duplicate: true, event: 'ticket.updated' }),
        ]);
        expect((await readState(temporal.client.workflow.getHandle(workflowIdForTicket(ticketId)))).eventCount).toEqual(
          expect.objectContaining({ total: 2 }),
        );
      },
      {
        activities: createActivities({
          ...temporal.activities.deps,
          tickets: new ZendeskTicketSystem({ baseUrl: zendesk.url, email: zendesk.email, apiToken: zendesk.apiToken }),
        }),
      },
    ));

  it('refuses a bad signature (tampered, stale, wrong secret) with 401', async () => {
    const body = rendered('created', { 'ticket.id': '1', 'ticket.title': 'PrivateLink support for X' });
    const good = signed(body);
    const cases = [
      { ...good, payload: good.payload.replace('support', 'supp0rt') },
      signed(body, { at: new Date(Date.now() - 10 * 60_000) }),
      signed(body, { secret: 'c29tZSBvdGhlciBzZWNyZXQ' }),
    ];
    for (const c of cases) {
      const res = await api.inject({ method: 'POST', url: '/webhooks/zendesk', ...c });
      expect(res.statusCode).toBe(401);
    }
  });

  it('a 3,000-character company from a ticket makes a problem the ticket is told about, never a terminated request', () =>
    temporal.withWorker(
      async () => {
        const n = number + 1;
        zendesk.addTicket(n);
        const company = 'A'.repeat(3000);
        const created = rendered('created', {
          'ticket.id': String(n),
          'ticket.title': `PrivateLink support for ${company}`,
          'ticket.description': incompleteDescription.replace('Company: Acme', `Company: ${company}`),
          'ticket.latest_public_comment': 'AWS account: 123456789012',
          'ticket.created_at_with_timestamp': '2026-11-02T15:00:00Z',
          'ticket.updated_at_with_timestamp': '2026-11-02T15:00:00Z',
        });
        const res = await api.inject({ method: 'POST', url: '/webhooks/zendesk', ...signed(created) });
        expect(res.statusCode).toBe(202);
        const waiting = await stateWhen(`ZD-${n}`, (v) => v.status === 'awaiting_information');
        expect(waiting.request.problems).toContainEqual(
          expect.objectContaining({ field: 'company', message: 'is 3,000 bytes long; it may be at most 200 bytes' }),
        );
        await waitFor(() => zendesk.comments(n).length > 0, 10_000, 'the Zendesk comment');
        const told = zendesk.comments(n)[0]!.body;
        expect(told).toContain('Company: is 3,000 bytes long; it may be at most 200 bytes');
        // The comment does not echo the over-long value back to the customer.
        expect(told).not.toContain(company.slice(0, 300));
        const handle = temporal.client.workflow.getHandle(workflowIdForTicket(`ZD-${n}`));
        expect((await handle.describe()).status.name).toBe('RUNNING');
        const history = await handle.fetchHistory();
        expect(
          (history.events ?? []).filter(
            (e) => e.eventType === proto.api.enums.v1.EventType.EVENT_TYPE_WORKFLOW_TASK_FAILED,
          ),
        ).toEqual([]);
        // The company search attribute holds what Temporal takes (2,048 bytes at most), cut, not refused.
        const [listed] = await eventually(
          async () => {
            const found = [];
            for await (const w of temporal.client.workflow.list({
              query: `WorkflowId = "${workflowIdForTicket(`ZD-${n}`)}"`,
            }))
              found.push(w);
            return found;
          },
          (found) => found.length === 1 && found[0]!.searchAttributes[searchAttributes.company.name] !== undefined,
        );
        const listedCompany = listed!.searchAttributes[searchAttributes.company.name]![0] as string;
        expect(Buffer.byteLength(listedCompany)).toBeLessThanOrEqual(256);
        expect(listedCompany.startsWith('AAAA')).toBe(true);
      },
      {
        activities: createActivities({
          ...temporal.activities.deps,
          tickets: new ZendeskTicketSystem({ baseUrl: zendesk.url, email: zendesk.email, apiToken: zendesk.apiToken }),
        }),
      },
    ));

  it('comments only on tickets whose request Zendesk started: an API caller naming another ticket number gets none posted', () =>
    temporal.withWorker(
      async () => {
        const n = number + 2;
        zendesk.addTicket(n);
        // As POST /api/requests starts it: the caller is the request's starter, not Zendesk.
        const handle = await startRequest(temporal.client, `ZD-${n}`, {
          taskQueue: temporal.taskQueue,
          actor: 'support@vendor.example',
          intake: { ...validIntake('aws', 'unidirectional', `ZD-${n}`), region: undefined },
        });
        const view = await stateWhen(`ZD-${n}`, (v) => v.effects.done.some((e) => e.type === 'postTicketComment'));
        const comment = view.effects.done.find((e) => e.type === 'postTicketComment')!;
        expect(comment).toMatchObject({ status: 'failed' });
        expect(comment.detail).toContain('not by the zendesk webhook');
        expect(zendesk.comments(n)).toEqual([]);
        expect((await handle.describe()).status.name).toBe('RUNNING');
      },
      {
        activities: createActivities({
          ...temporal.activities.deps,
          tickets: new ZendeskTicketSystem({ baseUrl: zendesk.url, email: zendesk.email, apiToken: zendesk.apiToken }),
        }),
      },
    ));

  it('acknowledges and ignores a ticket that is not about PrivateLink', async () => {
    const body = rendered('created', {
      'ticket.id': '2',
      'ticket.title': 'Password reset',
      'ticket.description': 'help',
    });
    const res = await api.inject({ method: 'POST', url: '/webhooks/zendesk', ...signed(body) });
    expect(res.statusCode).toBe(200);
    expect(res.json()).toMatchObject({ accepted: false });
  });
});

describe('Jira', () => {
  const key = `PL${Math.floor(Math.random() * 1000)}-${Math.floor(Math.random() * 100000) + 1}`;

  function signed(body: object, secret = JIRA_SECRET) {
    const raw = JSON.stringify(body);
    return {
      payload: raw,
      headers: {
        'content-type': 'application/json',
        'x-hub-signature': `sha256=${createHmac('sha256', secret).update(raw).digest('hex')}`,
        'x-atlassian-webhook-identifier': `${Math.floor(Math.random() * 1e9)}`,
      },
    };
  }

  const issue = (webhookEvent: string, description: string, extra: object = {}) => ({
    timestamp: Date.now(),
    webhookEvent,
    issue_event_type_name: webhookEvent === 'jira:issue_created' ? 'issue_created' : 'issue_generic',
    user: { accountId: '557058:customer', displayName: 'Jane' },
    issue: {
      id: '10042',
      key,
      fields: {
        summary: 'PrivateLink support for Acme',
        description,
        created: '2026-11-02T10:00:00.000-0500',
        updated: '2026-11-02T10:00:00.000-0500',
      },
    },
    ...extra,
  });

  it('issue_created with missing data waits for information and comments on the issue; issue_updated completes it', () =>
    temporal.withWorker(
      async () => {
        jira.addIssue(key);
        const res = await api.inject({
          method: 'POST',
          url: '/webhooks/jira',
          ...signed(issue('jira:issue_created', incompleteDescription)),
        });
        expect(res.statusCode).toBe(202);
        const waiting = await stateWhen(key, (v) => v.status === 'awaiting_information');
        expect(waiting.request.problems.map((p) => p.field)).toEqual(['customerAccount']);
        await waitFor(() => jira.commentTexts(key).length > 0, 10_000, 'the Jira comment');
        expect(jira.commentTexts(key)[0]).toContain('AWS account: is missing: your 12-digit AWS account id');
        expect(jira.violations).toEqual([]);

        const comment = {
          comment: {
            id: '10100',
            author: { accountId: '557058:customer' },
            body: 'AWS account: 123456789012',
          },
        };
        const update = await api.inject({
          method: 'POST',
          url: '/webhooks/jira',
          ...signed(issue('jira:issue_updated', incompleteDescription, comment)),
        });
        expect(update.statusCode).toBe(202);
        const accepted = await stateWhen(key, (v) => v.status === 'in_progress');
        expect(accepted.state).toBe('allowlisting');
      },
      {
        activities: createActivities({
          ...temporal.activities.deps,
          tickets: new JiraTicketSystem({ baseUrl: jira.url, email: jira.email, apiToken: jira.apiToken }),
        }),
      },
    ));

  it('a captured issue_updated replayed 300 times (Jira signs no timestamp) applies once and grows no history', () =>
    temporal.withWorker(async () => {
      const replayedKey = `${key.split('-')[0]}-${Number(key.split('-')[1]) + 1}`;
      const body = (event: string, description: string) => ({
        ...issue(event, description),
        issue: { ...issue(event, description).issue, key: replayedKey },
      });
      expect(
        (
          await api.inject({
            method: 'POST',
            url: '/webhooks/jira',
            ...signed(body('jira:issue_created', incompleteDescription)),
          })
        ).statusCode,
      ).toBe(202);
      await stateWhen(replayedKey, (v) => v.status === 'awaiting_information');
      const captured = signed({
        ...body('jira:issue_updated', incompleteDescription),
        comment: { id: '10200', author: { accountId: '557058:customer' }, body: 'AWS account: 123456789012' },
      });
      const first = await api.inject({ method: 'POST', url: '/webhooks/jira', ...captured });
      expect(first.json()).toMatchObject({ accepted: true, state: 'allowlisting' });
      const handle = temporal.client.workflow.getHandle(workflowIdForTicket(replayedKey));
      const length = async () => (await handle.fetchHistory()).events?.length ?? 0;
      await stateWhen(replayedKey, (v) => v.effects.pending === 0);
      const before = await length();
      for (let i = 0; i < 300; i++) {
        // Each replay carries a fresh delivery id (Jira's identifier header is not signed).
        const replay = {
          ...captured,
          headers: { ...captured.headers, 'x-atlassian-webhook-identifier': `replay-${i}` },
        };
        const res = await api.inject({ method: 'POST', url: '/webhooks/jira', ...replay });
        expect(res.statusCode).toBe(200);
        expect(res.json()).toMatchObject({ accepted: false, duplicate: true });
      }
      expect(await length()).toBe(before);
      const view = await readState(handle);
      expect(view.events.map((e) => `${e.type} ${e.result}`)).toEqual([
        'ticket.submitted applied',
        'ticket.updated applied',
      ]);
      expect((await handle.describe()).status.name).toBe('RUNNING');
    }));

  it('refuses a tampered body or a wrong secret with 401, and acknowledges other Jira events', async () => {
    const good = signed(issue('jira:issue_created', incompleteDescription));
    const tampered = { ...good, payload: good.payload.replace('Acme', 'Acmf') };
    expect((await api.inject({ method: 'POST', url: '/webhooks/jira', ...tampered })).statusCode).toBe(401);
    const wrong = signed(issue('jira:issue_created', incompleteDescription), 'not-the-secret');
    expect((await api.inject({ method: 'POST', url: '/webhooks/jira', ...wrong })).statusCode).toBe(401);
    const other = signed({ webhookEvent: 'jira:issue_deleted', issue: { key } });
    const res = await api.inject({ method: 'POST', url: '/webhooks/jira', ...other });
    expect(res.statusCode).toBe(200);
    expect(res.json()).toMatchObject({ accepted: false });
  });
});
