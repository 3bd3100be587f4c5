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
import { forwardLegEvents } from '../fixtures/events';
import { validIntake } from '../fixtures/requests';
import { bearer, buildTestApi, newWebhookSecret, signStandard, testCredentials } from '../helpers/api';
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

/**
 * Change tickets (docs/webhooks.md "Change tickets"): a ticket that names an enabled connection's ticket becomes
 * `change.requested` on that connection's request, through each of the three webhooks, once however often it is
 * delivered; it never starts a request.
 */
describe('Change tickets', () => {
  const TICKETS_SECRET = newWebhookSecret();
  const creds = testCredentials();
  let changes: FastifyInstance;
  beforeAll(() => {
    changes = buildTestApi(temporal, {
      store: creds.store,
      webhooks: { tickets: [TICKETS_SECRET], zendesk: [ZENDESK_SECRET], jira: [JIRA_SECRET] },
    });
  });
  afterAll(() => changes.close());

  let n = 0;
  const nextTicket = (prefix: string) => `${prefix}-${Date.now().toString(36)}-${++n}`;
  const support = bearer(creds.tokens.support);
  const SERVICE = 'com.amazonaws.vpce.us-east-1.vpce-svc-0fedcba9876543210';

  /** A connection enabled through the API: its request started, and the forward leg's events sent. */
  async function enabledConnection(): Promise<string> {
    const ticketId = nextTicket('CONN');
    const started = await changes.inject({
      method: 'POST',
      url: '/api/requests',
      headers: support,
      payload: validIntake('aws', 'unidirectional', ticketId),
    });
    expect(started.statusCode).toBe(201);
    for (const event of forwardLegEvents) {
      const res = await changes.inject({
        method: 'POST',
        url: `/api/requests/${ticketId}/events`,
        headers: support,
        payload: event,
      });
      expect({ type: event.type, status: res.statusCode }).toEqual({ type: event.type, status: 200 });
    }
    expect((await view(ticketId)).status).toBe('enabled');
    return ticketId;
  }

  const view = async (ticketId: string): Promise<StateView> => {
    const res = await changes.inject({ url: `/api/requests/${ticketId}`, headers: support });
    expect(res.statusCode).toBe(200);
    return res.json<StateView>();
  };

  const postTickets = (body: object, id?: string) => {
    const raw = JSON.stringify(body);
    return changes.inject({
      method: 'POST',
      url: '/webhooks/tickets',
      headers: signStandard(raw, [TICKETS_SECRET], id ? { id } : {}),
      payload: raw,
    });
  };

  const zendeskDelivery = (body: object) => {
    const raw = JSON.stringify(body);
    const timestamp = new Date().toISOString();
    return changes.inject({
      method: 'POST',
      url: '/webhooks/zendesk',
      payload: raw,
      headers: {
        'content-type': 'application/json',
        'x-zendesk-webhook-signature': createHmac('sha256', ZENDESK_SECRET)
          .update(timestamp + raw)
          .digest('base64'),
        'x-zendesk-webhook-signature-timestamp': timestamp,
        'x-zendesk-webhook-invocation-id': `inv-${Math.random()}`,
      },
    });
  };

  const jiraDelivery = (body: object) => {
    const raw = JSON.stringify(body);
    return changes.inject({
      method: 'POST',
      url: '/webhooks/jira',
      payload: raw,
      headers: {
        'content-type': 'application/json',
        'x-hub-signature': `sha256=${createHmac('sha256', JIRA_SECRET).update(raw).digest('hex')}`,
        'x-atlassian-webhook-identifier': `${Math.floor(Math.random() * 1e9)}`,
      },
    });
  };

  /** Resolves when the ticket has no workflow at all (asked of Temporal itself, not of its lagging visibility). */
  const hasNoWorkflow = (ticketId: string) =>
    expect(temporal.client.workflow.getHandle(workflowIdForTicket(ticketId)).describe()).rejects.toThrow(/not found/i);

  it('tickets webhook: opens the change once, however it is redelivered; a second change ticket is refused, naming the open one', () =>
    temporal.withWorker(async () => {
      const connection = await enabledConnection();
      const changeTicket = nextTicket('CHG');
      const body = {
        type: 'ticket.created',
        data: {
          ticketId: changeTicket,
          connectionTicketId: connection,
          change: { kind: 'change_account', customerAccount: '210987654321' },
          submittedAt: '2026-11-02T15:00:00Z',
        },
      };
      const first = await postTickets(body);
      expect([first.statusCode, first.json()]).toEqual([
        202,
        expect.objectContaining({
          accepted: true,
          ticketId: changeTicket,
          connectionTicketId: connection,
          event: 'change.requested',
          changeKind: 'change_account',
          eventId: `change.requested:${changeTicket}`,
          status: 'enabled',
        }),
      ]);
      const opened = await view(connection);
      expect(opened.change).toMatchObject({ ticketId: changeTicket, kind: 'change_account' });
      expect(opened.events.at(-1)).toMatchObject({
        type: 'change.requested',
        actor: 'ticket-system:tickets',
        eventId: `change.requested:${changeTicket}`,
        result: 'applied',
      });

      // The same delivery again, a new delivery of it, and its update with the same change: one change.
      for (const again of [
        await postTickets(body, 'msg_same'),
        await postTickets(body, 'msg_same'),
        await postTickets({ ...body, type: 'ticket.updated' }),
        // The ticket keys as structured fields say the same change.
        await postTickets({
          type: 'ticket.updated',
          data: {
            ticketId: changeTicket,
            'PrivateLink ticket': connection,
            Change: 'Change account',
            'New account': '210987654321',
            submittedAt: '2026-11-02T15:00:00Z',
          },
        }),
      ]) {
        expect([again.statusCode, again.json()]).toEqual([
          200,
          expect.objectContaining({ accepted: false, duplicate: true, event: 'change.requested' }),
        ]);
      }
      const after = await view(connection);
      expect(after.events.filter((e) => e.type === 'change.requested').map((e) => e.result)).toEqual(['applied']);
      expect(after.events.some((e) => e.type === 'ticket.updated')).toBe(false);
      expect(after.change).toMatchObject({ ticketId: changeTicket, kind: 'change_account' });

      // Another change ticket while this change is open: refused, naming the open change; nothing starts for it.
      const second = nextTicket('CHG');
      const refused = await postTickets({
        type: 'ticket.created',
        data: { ticketId: second, connectionTicketId: connection, change: 'remove' },
      });
      expect([refused.statusCode, refused.json()]).toEqual([
        200,
        expect.objectContaining({
          accepted: false,
          changeKind: 'remove',
          refused: expect.stringContaining(changeTicket),
        }),
      ]);
      await hasNoWorkflow(changeTicket);
      await hasNoWorkflow(second);
      expect((await view(connection)).change).toMatchObject({ ticketId: changeTicket });
      // The refused change ticket is told why, by the connection's request.
      await waitFor(
        () => temporal.activities.tickets.comments(second).length > 0,
        15_000,
        'the refused change ticket to be answered',
      );
      expect(temporal.activities.tickets.comments(second).map((c) => c.body)).toEqual([
        expect.stringContaining(`We cannot take this change to the PrivateLink connection of ticket ${connection}`),
      ]);
    }));

  it('tickets webhook: a change ticket naming no known connection is a 404 and starts nothing; a bad body is a 422', () =>
    temporal.withWorker(async () => {
      const unknown = nextTicket('NOSUCH');
      const changeTicket = nextTicket('CHG');
      const res = await postTickets({
        type: 'ticket.created',
        data: { ticketId: changeTicket, connectionTicketId: unknown, change: 'remove' },
      });
      expect(res.statusCode).toBe(404);
      expect(res.json<{ detail: string }>().detail).toContain(`No request for ticket ${unknown}`);
      expect(res.json<{ detail: string }>().detail).toContain('nothing was started');
      await hasNoWorkflow(unknown);
      await hasNoWorkflow(changeTicket);

      const bad = await postTickets({
        type: 'ticket.created',
        data: { ticketId: changeTicket, connectionTicketId: unknown, change: 'remove', region: 'us-east-1' },
      });
      expect(bad.statusCode).toBe(422);
      expect(bad.json<{ problems: string[] }>().problems).toEqual([
        expect.stringMatching(/^data\.region: is not a field of a change ticket/),
      ]);
    }));

  it('Zendesk: a troubleshooting ticket is answered on the change ticket and opens no change; one without a Change key is refused', () =>
    temporal.withWorker(
      async () => {
        const connection = await enabledConnection();
        const number = 800000 + Math.floor(Math.random() * 99999);
        zendesk.addTicket(number);
        const body = (description: string, id = number) => ({
          event: 'created',
          ticket: {
            id: String(id),
            title: 'Change PrivateLink configuration',
            description,
            latest_public_comment: description,
            created_at: '2026-11-03T09:30:00Z',
            updated_at: '2026-11-03T09:30:00Z',
          },
        });
        const res = await zendeskDelivery(
          body(`PrivateLink ticket: ${connection}\nChange: Troubleshooting\nOur app cannot connect since Monday.`),
        );
        expect([res.statusCode, res.json()]).toEqual([
          202,
          expect.objectContaining({
            accepted: true,
            ticketId: `ZD-${number}`,
            connectionTicketId: connection,
            changeKind: 'troubleshoot',
            note: expect.stringContaining('no change is opened'),
          }),
        ]);
        expect((await view(connection)).change).toBeNull();
        await waitFor(() => zendesk.comments(number).length > 0, 10_000, 'the answer on the change ticket');
        expect(zendesk.comments(number)[0]!.body).toContain('not covered by our support');
        // Its update (the product's own answer, or the customer's thanks) carries no change keys: nothing more.
        const update = await zendeskDelivery({
          ...body(`PrivateLink ticket: ${connection}\nChange: Troubleshooting`),
          event: 'updated',
          ticket: {
            ...body(`PrivateLink ticket: ${connection}\nChange: Troubleshooting`).ticket,
            latest_public_comment: 'Thanks anyway.',
          },
        });
        expect([update.statusCode, update.json()]).toEqual([
          200,
          { accepted: false, ignored: `the update of change ticket ZD-${number} carries no change keys` },
        ]);

        const missing = await zendeskDelivery(
          body(`PrivateLink ticket: ${connection}\nPlease change things.`, number + 1),
        );
        expect([missing.statusCode, missing.json()]).toEqual([
          200,
          expect.objectContaining({
            accepted: false,
            ticketId: `ZD-${number + 1}`,
            refused: expect.stringContaining('remove, change account, add service, remove service, troubleshooting'),
          }),
        ]);
        await hasNoWorkflow(`ZD-${number}`);
        await hasNoWorkflow(`ZD-${number + 1}`);
        const after = await view(connection);
        expect(after.change).toBeNull();
        expect(after.events.filter((e) => e.type === 'change.requested').map((e) => e.result)).toEqual(['applied']);
      },
      {
        activities: createActivities({
          ...temporal.activities.deps,
          tickets: new ZendeskTicketSystem({ baseUrl: zendesk.url, email: zendesk.email, apiToken: zendesk.apiToken }),
        }),
      },
    ));

  it('Jira: an issue asking to add a service opens the change once (created, then updated); one naming an unknown issue is a 404', () =>
    temporal.withWorker(async () => {
      const connection = await enabledConnection();
      const key = `CHG${Math.floor(Math.random() * 1000)}-${Math.floor(Math.random() * 100000) + 1}`;
      const issue = (webhookEvent: string, description: string, extra: object = {}) => ({
        webhookEvent,
        issue: {
          key,
          fields: { summary: 'Change PrivateLink configuration', description, created: '2026-11-03T10:00:00.000-0500' },
        },
        ...extra,
      });
      const description = `PrivateLink ticket: ${connection}\nChange: add service\nService name: ${SERVICE}\nServices: redis 6379`;
      const created = await jiraDelivery(issue('jira:issue_created', description));
      expect([created.statusCode, created.json()]).toEqual([
        202,
        expect.objectContaining({
          accepted: true,
          ticketId: key,
          connectionTicketId: connection,
          changeKind: 'add_service',
        }),
      ]);
      const opened = await view(connection);
      expect(opened.change).toMatchObject({ ticketId: key, kind: 'add_service' });
      // The description edited with the same change: a repeat.
      const updated = await jiraDelivery(
        issue('jira:issue_updated', description, { changelog: { items: [{ field: 'description' }] } }),
      );
      expect([updated.statusCode, updated.json()]).toEqual([
        200,
        expect.objectContaining({ accepted: false, duplicate: true, ticketId: key }),
      ]);
      expect((await view(connection)).events.filter((e) => e.type === 'change.requested').map((e) => e.result)).toEqual(
        ['applied'],
      );

      const unknownKey = `NOPE${Math.floor(Math.random() * 1000)}-1`;
      // Named in lower case, as people write it: still the issue PL-style key, which has no request.
      const lost = await jiraDelivery({
        webhookEvent: 'jira:issue_created',
        issue: {
          key: `${key}0`,
          fields: {
            summary: 'Change PrivateLink configuration',
            description: `PrivateLink ticket: ${unknownKey.toLowerCase()}\nChange: remove`,
          },
        },
      });
      expect(lost.statusCode).toBe(404);
      expect(lost.json<{ detail: string }>().detail).toContain(`No request for ticket ${unknownKey}`);
      await hasNoWorkflow(unknownKey);
      await hasNoWorkflow(`${key}0`);
    }));
});
