/**
 * The stock Temporal UI reads like the business: each request's summary and details at start, its current details,
 * and a summary on each activity and timer (Temporal's user metadata), on a real dev server with the real worker.
 */
import type { temporal as proto } from '@temporalio/proto';
import { workflowMetadataQuery } from '@temporalio/workflow';
import { workflowIdForTicket } from '../../src/temporal/names';
import { currentDetails, effectSummary, plain, startDetails, startSummary } from '../../src/temporal/user-metadata';
import { validIntake } from '../fixtures/requests';
import { buildTestApi, newWebhookSecret, signStandard, useTestApi } from '../helpers/api';
import { waitFor } from '../helpers/eventually';

const { temporal, creds, nextTicket, start, send, ...testApi } = useTestApi('UI');
beforeAll(() => {
  testApi.api();
});

/** A user-metadata payload as the UI decodes it (JSON text). */
const text = (payload: proto.api.common.v1.IPayload | null | undefined) =>
  payload?.data ? (JSON.parse(Buffer.from(payload.data).toString('utf8')) as string) : undefined;

const summariesOf = async (ticketId: string) => {
  const history = await temporal.client.workflow.getHandle(workflowIdForTicket(ticketId)).fetchHistory();
  return {
    activities: (history.events ?? [])
      .filter((e) => e.activityTaskScheduledEventAttributes)
      .map((e) => text(e.userMetadata?.summary)),
    timers: (history.events ?? [])
      .filter((e) => e.timerStartedEventAttributes)
      .map((e) => text(e.userMetadata?.summary)),
  };
};

describe('the Temporal UI, on a real server', () => {
  it('shows a started request by ticket, company, cloud and type, and who started it', () =>
    temporal.withWorker(async () => {
      const ticketId = nextTicket();
      expect((await start(ticketId, validIntake('alibaba', 'bidirectional', ticketId))).statusCode).toBe(201);
      const description = await temporal.client.workflow.getHandle(workflowIdForTicket(ticketId)).describe();
      expect(await description.staticSummary()).toBe(`${ticketId} · Acme · Alibaba Cloud bidirectional`);
      const details = await description.staticDetails();
      expect(details).toContain(`- **Ticket**: ${ticketId}`);
      expect(details).toContain('- **Region**: eu-central-1');
      expect(details).toContain(`- **Started by**: ${plain(creds.subjects.support)}`);
    }));

  it('shows a request a ticket system started by webhook the same way, naming the ticket system as its starter', () =>
    temporal.withWorker(async () => {
      const ticketId = nextTicket();
      const secret = newWebhookSecret();
      const hooks = buildTestApi(temporal, { webhooks: { tickets: [secret] } });
      const body = JSON.stringify({ type: 'ticket.created', data: validIntake('azure', 'unidirectional', ticketId) });
      try {
        const res = await hooks.inject({
          method: 'POST',
          url: '/webhooks/tickets',
          headers: signStandard(body, [secret]),
          payload: body,
        });
        expect(res.statusCode).toBe(202);
      } finally {
        await hooks.close();
      }
      const description = await temporal.client.workflow.getHandle(workflowIdForTicket(ticketId)).describe();
      expect(await description.staticSummary()).toBe(`${ticketId} · Acme · Azure unidirectional`);
      expect(await description.staticDetails()).toContain('- **Started by**: ticket-system:tickets');
    }));

  it('keeps the current details up to date: the state, who it waits on, the next steps, the SLA', () =>
    temporal.withWorker(async () => {
      const ticketId = nextTicket();
      await start(ticketId);
      const handle = temporal.client.workflow.getHandle(workflowIdForTicket(ticketId));
      const details = async () => (await handle.query(workflowMetadataQuery)).currentDetails ?? '';
      // The SLA clock starts once its calendar's business windows are fetched (an activity), then shows.
      await waitFor(async () => (await details()).includes('**SLA**'), 15_000, 'the SLA in the current details');
      const first = await details();
      expect(first).toContain('**in progress**, waiting on **vendor** (state `allowlisting`)');
      expect(first).toContain('- **Next**: `customer_access.granted`');
      expect(first).toMatch(/- \*\*SLA\*\*: due \d{4}-\d\d-\d\dT/);

      expect((await send(ticketId, { type: 'customer_access.granted' })).statusCode).toBe(200);
      const second = await details();
      expect(second).toContain('waiting on **customer** (state `awaitingEndpoint`)');
      // The example vendor's SLA runs on while the request waits on the customer (pauseWhileWaitingOnCustomer: false).
      expect(second).toMatch(/- \*\*SLA\*\*: due \d{4}-\d\d-\d\dT.*business hours left/);
    }));

  it('names what each activity and timer does', () =>
    temporal.withWorker(async () => {
      const ticketId = nextTicket();
      await start(ticketId);
      await send(ticketId, { type: 'customer_access.granted' });
      await waitFor(
        async () => {
          const { activities, timers } = await summariesOf(ticketId);
          return activities.some((s) => s?.includes(': create endpoint')) && timers.length > 0;
        },
        15_000,
        'the comment after the grant to go out, and the SLA timer to start',
      );
      const { activities, timers } = await summariesOf(ticketId);
      expect(activities[0]).toBe('load the vendor configuration (projects, principals, endpoint services, SLA)');
      expect(activities.slice(1).join('\n')).toContain(`comment on ticket ${ticketId}: intake accepted`);
      expect(activities.slice(1).join('\n')).toContain(`comment on ticket ${ticketId}: create endpoint`);
      expect(activities.every((s) => s !== undefined && s.length > 0)).toBe(true);
      expect(timers.length).toBeGreaterThan(0);
      expect(timers.every((s) => s?.startsWith('SLA: the next warning, escalation or breach, due 20'))).toBe(true);
    }));

  it('shows what a ticket wrote as text: no link, heading, emphasis or HTML reaches the UI', () =>
    temporal.withWorker(async () => {
      const ticketId = nextTicket();
      const company = '[Pay here](https://evil.example) <img src=x> **Acme**\n# Heading';
      await start(ticketId, { ...validIntake('aws', 'unidirectional', ticketId), company });
      const handle = temporal.client.workflow.getHandle(workflowIdForTicket(ticketId));
      const description = await handle.describe();
      const summary = (await description.staticSummary())!;
      expect(summary).toBe(
        `${ticketId} · \\[Pay here\\](https://evil.example) \\<img src=x\\> \\*\\*Acme\\*\\* # Heading · AWS unidirectional`,
      );
      expect((await description.staticDetails())!.split('\n').some((line) => line.startsWith('#'))).toBe(false);
      const { currentDetails: current } = await handle.query(workflowMetadataQuery);
      // Each of Markdown's characters is escaped (preceded by a backslash), so none starts a link or a tag.
      expect(current).toContain('\\[Pay here\\](https://evil.example) \\<img src=x\\>');
      expect(current).not.toMatch(/(^|[^\\])[[<]/);
    }));
});

describe('the metadata in words', () => {
  it('a start without an intake, or with an unknown cloud, says so', () => {
    expect(startSummary('T-1', undefined)).toBe('T-1 · company not given · cloud not given unidirectional');
    expect(startSummary('T-1', { company: 'Acme', cloud: 'gcp', connectionType: 'reverse' })).toBe(
      'T-1 · Acme · gcp reverse',
    );
    expect(startSummary('T-1', { company: 'Acme', cloud: 'Aliyun' })).toBe('T-1 · Acme · Alibaba Cloud unidirectional');
    expect(startDetails('T-1', {}, 'a@b')).toContain('- **Region**: not given');
  });

  it('stays within Temporal limits whatever the ticket says', () => {
    const long = 'x'.repeat(100_000);
    expect(
      Buffer.byteLength(startSummary(long, { company: long, cloud: long, connectionType: long })),
    ).toBeLessThanOrEqual(400);
    expect(
      Buffer.byteLength(startDetails(long, { company: long, region: long, projectId: long }, long)),
    ).toBeLessThanOrEqual(20_000);
    expect(plain('a\u0000b\u2028c\r\nd')).toBe('a b c d');
    expect(plain({ not: 'text' })).toBe('');
  });

  it('names each effect as staff would say it', () => {
    expect(effectSummary('T-1', { type: 'notify', params: { kind: 'connectivity_check_failed', message: 'x' } })).toBe(
      'notify staff about T-1: connectivity check failed',
    );
    expect(
      effectSummary('T-1', {
        type: 'runConnectivityCheck',
        params: { direction: 'reverse', target: 'vpce-1.example', ports: [443, 5432] },
      }),
    ).toBe('connectivity check of vpce-1.example, port 443, 5432');
  });

  it('current details of an ended request say nothing is next', () => {
    const details = currentDetails({
      ticketId: 'T-1',
      cloud: 'azure',
      connectionType: 'unidirectional',
      assignee: null,
      company: null,
      status: 'cancelled',
      state: 'cancelled',
      waitingOn: 'none',
      allowedEvents: [],
      request: { intake: null, draft: null, problems: [{ field: 'services', kind: 'missing', message: 'm' }] },
      sla: null,
      change: null,
      connection: null,
    });
    expect(details).toBe(
      [
        '**cancelled**, waiting on **none** (state `cancelled`)',
        '- **Request**: T-1 · company not given · Azure unidirectional',
        '- **Assignee**: nobody',
        '- **Next**: nothing (the request has ended)',
        '- **Open problems**: services (missing)',
      ].join('\n'),
    );
  });
});
