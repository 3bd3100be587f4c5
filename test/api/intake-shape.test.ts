import type { FastifyInstance } from 'fastify';
import type { StateView } from '../../src/temporal/messages';
import { validIntake } from '../fixtures/requests';
import { buildTestApi, newWebhookSecret, signStandard, useTestApi } from '../helpers/api';
import { eventually } from '../helpers/eventually';

/** One intake shape on every way in (issue 16, items 2 and 3), and comments in the ticket's words. */
const { temporal, creds, support, nextTicket, start, send } = useTestApi('SHAPE');
const secret = newWebhookSecret();
let hooks: FastifyInstance;
beforeAll(() => {
  hooks = buildTestApi(temporal, { store: creds.store, webhooks: { tickets: [secret] } });
});
afterAll(() => hooks.close());

const read = async (ticketId: string) =>
  (await hooks.inject({ url: `/api/requests/${ticketId}`, headers: support })).json<StateView>();
/** A signed `/webhooks/tickets` delivery. */
const deliver = (type: string, data: object) => {
  const body = JSON.stringify({ type, data });
  return hooks.inject({
    method: 'POST',
    url: '/webhooks/tickets',
    headers: signStandard(body, [secret]),
    payload: body,
  });
};
const commentsOf = (ticketId: string) => temporal.activities.tickets.comments(ticketId).map((c) => c.body);

describe('the short service form "mysql 3306"', () => {
  it('starts a request from POST /api/requests, as it does from a ticket', () =>
    temporal.withWorker(async () => {
      const ticketId = nextTicket();
      const res = await start(ticketId, {
        ...validIntake('aws', 'unidirectional', ticketId),
        services: ['mysql 3306', { name: 'sftp', port: 2222 }],
      });
      expect(res.statusCode).toBe(201);
      expect(res.json<StateView>()).toMatchObject({ status: 'in_progress', state: 'allowlisting' });
      expect((await read(ticketId)).request.intake?.services).toEqual([
        { name: 'mysql', port: 3306 },
        { name: 'sftp', port: 2222 },
      ]);
    }));

  it('starts a request from /webhooks/tickets', () =>
    temporal.withWorker(async () => {
      const ticketId = nextTicket();
      const res = await deliver('ticket.created', {
        ...validIntake('aws', 'unidirectional', ticketId),
        services: ['mysql 3306'],
      });
      expect(res.statusCode).toBe(202);
      expect(res.json()).toMatchObject({ accepted: true, state: 'allowlisting' });
    }));
});

describe('a key that is no intake field at start', () => {
  it('is refused with 422 before a request exists: the workflow input shape gets a hint, a misspelling a "did you mean"', () =>
    temporal.withWorker(async () => {
      const ticketId = nextTicket();
      const wrapped = await start(ticketId, { ticketId, intake: validIntake('aws', 'unidirectional', ticketId) });
      expect(wrapped.statusCode).toBe(422);
      const problems = wrapped.json<{ problems: string[] }>().problems;
      expect(problems).toEqual([
        expect.stringMatching(/^intake: is not an intake field: send the intake's fields at the top level/),
      ]);
      expect((await hooks.inject({ url: `/api/requests/${ticketId}`, headers: support })).statusCode).toBe(404);

      const { projectId, ...rest } = validIntake('aws', 'unidirectional', ticketId);
      const misspelt = await start(ticketId, { ...rest, projectID: projectId, azure: { clusterID: 'c1' } });
      expect(misspelt.statusCode).toBe(422);
      expect(misspelt.json<{ problems: string[] }>().problems).toEqual(
        expect.arrayContaining([
          expect.stringContaining('projectID: is not an intake field; did you mean projectId?'),
          expect.stringContaining('azure.clusterID: is not an intake field; did you mean clusterId?'),
        ]),
      );
      expect((await hooks.inject({ url: `/api/requests/${ticketId}`, headers: support })).statusCode).toBe(404);

      // The same on the tickets webhook: a 422 the sender sees, and no request.
      const hook = await deliver('ticket.created', { ticketId, intake: { company: 'Acme' } });
      expect(hook.statusCode).toBe(422);
      expect(hook.json<{ problems: string[] }>().problems[0]).toContain('data.intake: is not an intake field');
      expect((await hooks.inject({ url: `/api/requests/${ticketId}`, headers: support })).statusCode).toBe(404);

      // Corrected, the same ticket starts.
      expect((await start(ticketId)).statusCode).toBe(201);
    }));

  it('sent later in a ticket.updated is a problem until an update removes it with null, as documented', () =>
    temporal.withWorker(async () => {
      const ticketId = nextTicket();
      const { services, ...rest } = validIntake('aws', 'unidirectional', ticketId);
      expect((await start(ticketId, rest)).statusCode).toBe(201);
      const wrong = await send(ticketId, { type: 'ticket.updated', intake: { servises: services } });
      expect(wrong.statusCode).toBe(200);
      expect((await read(ticketId)).request.problems.map((p) => p.field)).toEqual(['servises', 'services']);
      const fixed = await send(ticketId, { type: 'ticket.updated', intake: { servises: null, services } });
      expect(fixed.json<StateView>()).toMatchObject({ state: 'allowlisting' });
    }));
});

describe('comments to the customer', () => {
  it('name each problem with the ticket key the customer writes, never an internal field name', () =>
    temporal.withWorker(async () => {
      const ticketId = nextTicket();
      const { projectId: _dropped, ...intake } = validIntake('aws', 'unidirectional', ticketId);
      const res = await start(ticketId, { ...intake, customerAccount: '123', services: ['mysql 3306', 'web 70000'] });
      expect(res.json<StateView>().status).toBe('awaiting_information');
      await send(ticketId, { type: 'ticket.updated', intake: { projectid: 'abcdef123456' } });
      const [first, second] = await eventually(
        () => Promise.resolve(commentsOf(ticketId)),
        (c) => c.length >= 2,
        { what: 'two intake_incomplete comments' },
      );
      expect(first).toContain('  - Project ID: is missing');
      expect(first).toContain('  - AWS account: must be a 12-digit AWS account id');
      expect(first).toContain('  - Services (entry 2, port): must be a whole number from 1 to 65535');
      expect(second).toContain('  - projectid: is not a key we read; did you mean "Project ID"?');
      for (const body of [first, second]) {
        expect(body).not.toMatch(/projectId|customerAccount|services\[|is not an intake field/);
      }
    }));
});

describe('a ticket update after the intake was accepted (issue 16, item 4)', () => {
  it('is not dropped in silence: the customer is told it was received and how it is handled, staff are asked to review', () =>
    temporal.withWorker(async () => {
      const ticketId = nextTicket();
      const intake = validIntake('aws', 'unidirectional', ticketId);
      expect((await deliver('ticket.created', intake)).statusCode).toBe(202);
      const changed = await deliver('ticket.updated', {
        ...intake,
        services: ['mysql 3306', 'sftp 2222', 'http 8080'],
      });
      expect(changed.statusCode).toBe(202);
      expect(changed.json()).toMatchObject({ accepted: true, state: 'allowlisting' });

      const told = await eventually(
        () => Promise.resolve(commentsOf(ticketId)),
        (c) => c.some((body) => body.includes('We received your update')),
        { what: 'the comment about the late update' },
      );
      const comment = told.find((body) => body.includes('We received your update'))!;
      expect(comment).toContain('which changes: Services.');
      expect(comment).toContain('this change is not applied automatically');
      const notes = await eventually(
        () =>
          Promise.resolve(
            temporal.activities.notifications.received
              .map((r) => r.body as { ticketId: string; kind: string; message: string })
              .filter((n) => n.ticketId === ticketId && n.message.includes('after the request was accepted')),
          ),
        (found) => found.length === 1,
        { what: 'the notification to staff' },
      );
      expect(notes[0]).toMatchObject({ kind: 'action_required' });
      expect(notes[0]!.message).toContain('The ticket changed Services after the request was accepted');
      // The request goes on as accepted.
      const view = await read(ticketId);
      expect(view.state).toBe('allowlisting');
      expect(view.request.intake?.services).toEqual([
        { name: 'mysql', port: 3306 },
        { name: 'sftp', port: 2222 },
      ]);

      // An update that changes nothing (the same form again, a reply) reaches no one, and says why.
      const same = await deliver('ticket.updated', { ...intake, services: ['mysql 3306', 'sftp 2222'] });
      expect(same.statusCode).toBe(200);
      expect(same.json()).toMatchObject({ accepted: false });
      expect(JSON.stringify(same.json())).toContain('it changes nothing in the accepted intake');
      expect(commentsOf(ticketId).filter((body) => body.includes('We received your update'))).toHaveLength(1);
    }));
});
