import { Connection } from '@temporalio/client';
import type { FastifyInstance } from 'fastify';
import { temporalReadiness } from '../../src/api/app';
import { buildApiServer } from '../../src/api/server';
import { freePort } from '../helpers/processes';
import { Authenticator } from '../../src/api/auth';
import { EnablementClient } from '../../src/temporal/enablement-client';
import { workflowIdForTicket } from '../../src/temporal/names';
import type { EventOutcome, StateView } from '../../src/temporal/messages';
import { validIntake } from '../fixtures/requests';
import { bearer, buildTestApi, newWebhookSecret, signStandard, useTestApi } from '../helpers/api';
import { eventually } from '../helpers/eventually';

const { temporal, creds, support, nextTicket, start, send, ...testApi } = useTestApi('API');
let api: FastifyInstance;
beforeAll(() => {
  api = testApi.api();
});

describe('reading a request while no worker runs', () => {
  it('answers 503 within the state timeout, not a 500 after Temporal gives up', async () => {
    const ticketId = nextTicket();
    await temporal.withWorker(async () => expect((await start(ticketId)).statusCode).toBe(201));
    // The worker has stopped: nobody can answer the state query.
    const impatient = buildApiServer({
      requests: new EnablementClient(temporal.client, temporal.taskQueue, { stateTimeoutMs: 1_500 }),
      authenticator: new Authenticator(creds.store),
    });
    try {
      const started = Date.now();
      const res = await impatient.inject({ url: `/api/requests/${ticketId}`, headers: support });
      expect(res.statusCode).toBe(503);
      expect(res.json<{ detail: string }>().detail).toContain('is a worker running?');
      expect(Date.now() - started).toBeLessThan(10_000);
    } finally {
      await impatient.close();
    }
  });
});

describe('starting a request', () => {
  it('starts from intake data, records the caller as the actor and answers the state view', () =>
    temporal.withWorker(async () => {
      const ticketId = nextTicket();
      const res = await start(ticketId);
      expect(res.statusCode).toBe(201);
      expect(res.headers.location).toBe(`/api/requests/${ticketId}`);
      const view = res.json<EventOutcome>();
      expect(view).toMatchObject({ ticketId, status: 'in_progress', state: 'allowlisting', waitingOn: 'vendor' });
      expect(view.event).toMatchObject({
        type: 'ticket.submitted',
        actor: creds.subjects.support,
        result: 'applied',
      });
    }));

  it('accepts incomplete intake: the request waits for information and lists every problem', () =>
    temporal.withWorker(async () => {
      const ticketId = nextTicket();
      const res = await start(ticketId, { ticketId, company: 'Acme' });
      expect(res.statusCode).toBe(201);
      const view = res.json<StateView>();
      expect(view.status).toBe('awaiting_information');
      expect(view.request.problems.map((p) => p.field)).toEqual(
        expect.arrayContaining(['subject', 'projectId', 'cloud', 'customerAccount', 'services']),
      );
    }));

  it('refuses a second start for the same ticket with 409, naming the current state', () =>
    temporal.withWorker(async () => {
      const ticketId = nextTicket();
      expect((await start(ticketId)).statusCode).toBe(201);
      const again = await start(ticketId);
      expect(again.statusCode).toBe(409);
      expect(again.headers['content-type']).toMatch(/^application\/problem\+json/);
      expect(again.json()).toMatchObject({ status: 409, state: 'allowlisting' });
      expect(again.json<{ detail: string }>().detail).toContain('already exists');
    }));

  it('answers 422 for a body without a usable ticket id, and starts nothing', () =>
    temporal.withWorker(async () => {
      const res = await api.inject({
        method: 'POST',
        url: '/api/requests',
        headers: support,
        payload: { ticketId: 'bad id!', company: 'Acme' },
      });
      expect(res.statusCode).toBe(422);
      expect(res.json<{ problems: string[] }>().problems[0]).toMatch(/^ticketId: must be 1 to 64/);
      const missing = await api.inject({ method: 'GET', url: '/api/requests/bad-id', headers: support });
      expect(missing.statusCode).toBe(404);
    }));
});

describe('recording steps', () => {
  it('applies an allowed event through the update and records the authenticated subject', () =>
    temporal.withWorker(async () => {
      const ticketId = nextTicket();
      await start(ticketId);
      const res = await send(ticketId, { type: 'customer_access.granted', comment: 'allowlisted' });
      expect(res.statusCode).toBe(200);
      const view = res.json<EventOutcome>();
      expect(view.state).toBe('awaitingEndpoint');
      // The answer carries this event's audit entry, not the whole trail (GET has that).
      expect(view).not.toHaveProperty('events');
      expect(view.event).toMatchObject({
        type: 'customer_access.granted',
        actor: creds.subjects.support,
        comment: 'allowlisted',
      });
    }));

  it('answers 409 with the state and the allowed events for an event not allowed now, and changes nothing', () =>
    temporal.withWorker(async () => {
      const ticketId = nextTicket();
      await start(ticketId);
      const res = await send(ticketId, { type: 'connection.approved' });
      expect(res.statusCode).toBe(409);
      const problem = res.json<{ detail: string; state: string; allowedEvents: string[] }>();
      expect(problem.state).toBe('allowlisting');
      expect(problem.allowedEvents).toEqual(expect.arrayContaining(['customer_access.granted', 'request.cancelled']));
      expect(problem.detail).toContain('allowlisting');
      const view = (
        await api.inject({ method: 'GET', url: `/api/requests/${ticketId}`, headers: support })
      ).json<StateView>();
      expect(view.state).toBe('allowlisting');
      expect(view.events).toHaveLength(1);
    }));

  it('answers 422 for an invalid payload, an unknown type, or an actor in the body', () =>
    temporal.withWorker(async () => {
      const ticketId = nextTicket();
      await start(ticketId);
      const missingReason = await send(ticketId, { type: 'request.cancelled' });
      expect(missingReason.statusCode).toBe(422);
      expect(missingReason.json<{ problems: string[] }>().problems).toEqual([expect.stringMatching(/^reason: /)]);
      const unknown = await send(ticketId, { type: 'connection.teleported' });
      expect(unknown.statusCode).toBe(422);
      expect(unknown.json<{ problems: string[] }>().problems[0]).toContain('customer_access.granted');
      const extra = await send(ticketId, { type: 'connection.approved', colour: 'blue' });
      expect(extra.statusCode).toBe(422);
      expect(extra.json<{ problems: string[] }>().problems).toEqual(['colour: is not a field of connection.approved']);
      const actor = await send(ticketId, { type: 'note.added', text: 'hi', actor: 'someone-else' });
      expect(actor.statusCode).toBe(422);
      expect(actor.json<{ detail: string }>().detail).toContain(creds.subjects.support);
    }));

  it('answers 404 for an unknown ticket', async () => {
    const res = await send('NOPE-1', { type: 'connection.approved' });
    expect(res.statusCode).toBe(404);
    expect(res.json<{ detail: string }>().detail).toBe('No request for ticket NOPE-1.');
  });

  it('answers 400 for malformed JSON and 413 for a body over the limit', async () => {
    const malformed = await api.inject({
      method: 'POST',
      url: '/api/requests/T-1/events',
      headers: { ...support, 'content-type': 'application/json' },
      payload: '{"type": "note.added",',
    });
    expect(malformed.statusCode).toBe(400);
    expect(malformed.json<{ detail: string }>().detail).toMatch(/not valid JSON/);
    const huge = await send('T-1', { type: 'note.added', text: 'x'.repeat(70 * 1024) });
    expect(huge.statusCode).toBe(413);
    expect(huge.headers['content-type']).toMatch(/^application\/problem\+json/);
  });
});

describe('a request that has ended', () => {
  it('refuses further events with 409, a second start with 409, and a re-delivered ticket.created is acknowledged without a new request', () =>
    temporal.withWorker(async () => {
      const ticketId = nextTicket();
      await start(ticketId);
      expect((await send(ticketId, { type: 'request.cancelled', reason: 'customer withdrew' })).statusCode).toBe(200);
      await temporal.client.workflow.getHandle(workflowIdForTicket(ticketId)).result();

      const event = await send(ticketId, { type: 'note.added', text: 'late note' });
      expect(event.statusCode).toBe(409);
      expect(event.json<{ detail: string }>().detail).toContain('has ended (cancelled)');
      const again = await start(ticketId);
      expect(again.statusCode).toBe(409);
      expect(again.json<{ detail: string }>().detail).toContain('has ended (cancelled)');

      const secret = newWebhookSecret();
      const hooks = buildTestApi(temporal, { webhooks: { tickets: [secret] } });
      const body = JSON.stringify({ type: 'ticket.created', data: validIntake('aws', 'unidirectional', ticketId) });
      const res = await hooks.inject({
        method: 'POST',
        url: '/webhooks/tickets',
        headers: signStandard(body, [secret]),
        payload: body,
      });
      await hooks.close();
      expect(res.statusCode).toBe(200);
      expect(res.json()).toMatchObject({ accepted: false });
      const count = await temporal.client.workflow.count(`WorkflowId = "${workflowIdForTicket(ticketId)}"`);
      expect(count.count).toBe(1);
      const { status } = await temporal.client.workflow.getHandle(workflowIdForTicket(ticketId)).describe();
      expect(status.name).toBe('COMPLETED');
    }));
});

describe('a request stopped from outside', () => {
  it('says so when read: an operator terminated it, and the state it shows is the one it had then', () =>
    temporal.withWorker(async () => {
      const ticketId = nextTicket();
      await start(ticketId);
      const handle = temporal.client.workflow.getHandle(workflowIdForTicket(ticketId));
      await handle.terminate('operator stopped it');
      const res = await testApi.api().inject({ method: 'GET', url: `/api/requests/${ticketId}`, headers: support });
      expect(res.statusCode).toBe(200);
      expect(res.json<StateView>()).toMatchObject({
        status: 'in_progress',
        state: 'allowlisting',
        stopped: { how: 'terminated', at: expect.stringMatching(/^\d{4}-\d\d-\d\dT/) },
      });
    }));
});

describe('roles', () => {
  const matrix: [keyof typeof creds.tokens, string, object, number][] = [
    ['auditor', 'GET', {}, 200],
    ['auditor', 'POST', { type: 'note.added', text: 'x' }, 403],
    ['automation', 'POST', { type: 'ticket.updated', intake: { region: 'us-east-1' } }, 409],
    ['automation', 'POST', { type: 'customer_access.granted' }, 403],
    ['support', 'POST', { type: 'customer_access.granted' }, 200],
    ['admin', 'POST', { type: 'customer_access.granted' }, 200],
  ];
  it.each(matrix)('%s %s %j -> %s', (role, method, payload, status) =>
    temporal.withWorker(async () => {
      const ticketId = nextTicket();
      await start(ticketId);
      const res =
        method === 'GET'
          ? await api.inject({ method: 'GET', url: `/api/requests/${ticketId}`, headers: bearer(creds.tokens[role]) })
          : await send(ticketId, payload, bearer(creds.tokens[role]));
      expect(res.statusCode).toBe(status);
      if (status === 403) expect(res.json<{ detail: string }>().detail).toContain(`role ${role}`);
    }),
  );

  it('only support, automation and admin may start requests', async () => {
    const res = await api.inject({
      method: 'POST',
      url: '/api/requests',
      headers: bearer(creds.tokens.auditor),
      payload: validIntake('aws', 'unidirectional', nextTicket()),
    });
    expect(res.statusCode).toBe(403);
  });

  it('answers 401 with WWW-Authenticate for a missing or wrong token, before reading the body', async () => {
    for (const headers of [{}, bearer('not-a-token'), { authorization: 'Basic abc' }]) {
      const res = await api.inject({ method: 'POST', url: '/api/requests', headers, payload: '{not json' });
      expect(res.statusCode).toBe(401);
      expect(res.headers['www-authenticate']).toBe('Bearer');
      expect(JSON.stringify(res.json())).not.toContain('not-a-token');
    }
  });
});

describe('listing', () => {
  it('filters on the search attributes and pages with nextPageToken', () =>
    temporal.withWorker(async () => {
      const company = `Listco${Date.now().toString(36)}`;
      const ids = [nextTicket(), nextTicket(), nextTicket()];
      for (const id of ids) {
        await start(id, {
          ...validIntake('aws', 'unidirectional', id),
          company,
          subject: `PrivateLink support for ${company}`,
        });
      }
      await send(ids[0]!, { type: 'customer_access.granted' });
      const list = async (query: string) =>
        (
          await api.inject({ method: 'GET', url: `/api/requests?${query}`, headers: bearer(creds.tokens.auditor) })
        ).json<{
          requests: { ticketId: string; state: string }[];
          nextPageToken: string | null;
        }>();
      const waiting = await eventually(
        async () => (await list(`company=${company}&waitingOn=customer`)).requests.map((r) => r.ticketId),
        (ids) => ids.length === 1,
        { what: 'visibility to list the request waiting on the customer', intervalMs: 100 },
      );
      expect(waiting).toEqual([ids[0]]);
      const first = await list(`company=${company}&pageSize=2`);
      expect(first.requests).toHaveLength(2);
      expect(first.nextPageToken).toEqual(expect.any(String));
      const second = await list(`company=${company}&pageSize=2&pageToken=${first.nextPageToken}`);
      expect([...first.requests, ...second.requests].map((r) => r.ticketId).sort()).toEqual([...ids].sort());

      // A ticket submitted long ago is breached at once: breached=true lists it alone, breached=false the others.
      const late = nextTicket();
      await start(late, {
        ...validIntake('aws', 'unidirectional', late),
        company,
        subject: `PrivateLink support for ${company}`,
        submittedAt: '2026-01-05T14:00:00Z',
      });
      const breached = await eventually(
        async () => (await list(`company=${company}&breached=true`)).requests.map((r) => r.ticketId),
        (found) => found.length > 0,
        { what: 'visibility to list the breached request', intervalMs: 100 },
      );
      expect(breached).toEqual([late]);
      expect((await list(`company=${company}&breached=false`)).requests.map((r) => r.ticketId).sort()).toEqual(
        [...ids].sort(),
      );
    }));

  it('assigns a request (409 to a claim that lost the race) and lists by assignee, empty for nobody', () =>
    temporal.withWorker(async () => {
      const company = `Assignco${Date.now().toString(36)}`;
      const [mine, free] = [nextTicket(), nextTicket()];
      for (const id of [mine, free]) await start(id, { ...validIntake('aws', 'unidirectional', id), company });
      const claimed = await send(mine, { type: 'request.assigned', assignee: creds.subjects.support, expected: null });
      expect(claimed.statusCode).toBe(200);
      expect(claimed.json<EventOutcome>()).toMatchObject({ assignee: creds.subjects.support, state: 'allowlisting' });
      const late = await send(
        mine,
        { type: 'request.assigned', assignee: creds.subjects.admin, expected: null },
        bearer(creds.tokens.admin),
      );
      expect(late.statusCode).toBe(409);
      expect(late.json<{ detail: string }>().detail).toContain(`assigned to ${creds.subjects.support} now`);
      const list = async (query: string) =>
        (await api.inject({ method: 'GET', url: `/api/requests?company=${company}&${query}`, headers: support })).json<{
          requests: { ticketId: string; assignee: string | null }[];
        }>().requests;
      const assigned = await eventually(
        () => list(`assignee=${encodeURIComponent(creds.subjects.support)}`),
        (rows) => rows.length > 0,
        { what: 'visibility to list the assigned request', intervalMs: 100 },
      );
      expect(assigned).toEqual([expect.objectContaining({ ticketId: mine, assignee: creds.subjects.support })]);
      expect((await list('assignee=')).map((r) => r.ticketId)).toEqual([free]);
    }));

  it('answers 400 for an unknown filter value, naming the allowed ones', async () => {
    const res = await api.inject({ method: 'GET', url: '/api/requests?status=done', headers: support });
    expect(res.statusCode).toBe(400);
    expect(res.json<{ problems: string[] }>().problems[0]).toContain('awaiting_information');
  });
});

describe('more malformed input', () => {
  it('answers 400 quickly for a made-up or altered pageToken, and for a body that is not an object', async () => {
    for (const token of ['AAAA', Buffer.from('{"q":"x","t":"AAAA"}').toString('base64url')]) {
      const res = await api.inject({ method: 'GET', url: `/api/requests?pageToken=${token}`, headers: support });
      expect(res.statusCode).toBe(400);
      expect(res.json<{ detail: string }>().detail).toMatch(/pageToken/);
    }
    for (const payload of ['null', '42', '[]']) {
      const res = await api.inject({
        method: 'POST',
        url: '/api/requests',
        headers: { ...support, 'content-type': 'application/json' },
        payload,
      });
      expect(res.statusCode).toBe(400);
      expect(res.json<{ detail: string }>().detail).toBe('The body must be a JSON object.');
    }
  });
});

describe('readiness', () => {
  it('/readyz answers 200 while Temporal is reachable and a 503 problem when it is not', async () => {
    // The probes the routes made: the client retries an unreachable server in the background until its deadline, and
    // a retry that fires after its connection closed throws ("Channel has been shut down"); so each is let finish.
    const probes: Promise<unknown>[] = [];
    const probe = (connection: Connection) => {
      const check = temporalReadiness(connection, temporal.env.namespace ?? 'default');
      return () => {
        const attempt = check();
        probes.push(attempt.catch(() => undefined));
        return attempt;
      };
    };
    const up = buildApiServer({ ready: probe(temporal.env.connection) });
    expect((await up.inject({ method: 'GET', url: '/readyz' })).statusCode).toBe(200);
    const dead = Connection.lazy({ address: `127.0.0.1:${await freePort()}` });
    const down = buildApiServer({ ready: probe(dead) });
    const res = await down.inject({ method: 'GET', url: '/readyz' });
    expect(res.statusCode).toBe(503);
    expect(res.json<{ detail: string }>().detail).toMatch(/^Not ready: Temporal is not reachable, or cannot read/);
    await Promise.all(probes);
    await Promise.all([up.close(), down.close(), dead.close()]);
  });
});
