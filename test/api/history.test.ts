import type { FastifyInstance } from 'fastify';
import { comparePrefix, verifyExport } from '../../src/audit/chain';
import { readTimeline } from '../../src/audit/history';
import type { StateView } from '../../src/temporal/messages';
import { readState } from '../../src/temporal/read-state';
import { validIntake } from '../fixtures/requests';
import { bearer, useTestApi } from '../helpers/api';
import { eventually } from '../helpers/eventually';
import { startRequest } from '../helpers/requests';

/** `GET /api/requests/:ticketId/history`: the audit timeline as auditors export and verify it. */
const { temporal, support, nextTicket, start, send, creds, ...testApi } = useTestApi('HIST');
let api: FastifyInstance;
beforeAll(() => {
  api = testApi.api();
});

describe('audit history', () => {
  it('builds the timeline from the event history, chained, as JSON and CSV that both verify', () =>
    temporal.withWorker(async () => {
      const ticketId = nextTicket();
      await start(ticketId);
      await send(ticketId, { type: 'connection.approved' }, bearer(creds.tokens.support)); // refused by the validator
      await send(ticketId, { type: 'customer_access.granted' });
      await send(ticketId, { type: 'note.added', text: 'called the customer' }, bearer(creds.tokens.admin));
      // Wait for the effects of the last transition to be carried out.
      await eventually(
        async () =>
          (await api.inject({ method: 'GET', url: `/api/requests/${ticketId}`, headers: support })).json<StateView>(),
        (v) => v.effects.pending === 0,
        { what: "the last transition's effects" },
      );
      const res = await api.inject({
        method: 'GET',
        url: `/api/requests/${ticketId}/history`,
        headers: bearer(creds.tokens.auditor),
      });
      expect(res.statusCode).toBe(200);
      const timeline = res.json<{
        entries: { kind: string; actor: string; type: string; result: string; to: string }[];
        head: string;
      }>();
      const kinds = timeline.entries.map((e) => `${e.kind} ${e.type} ${e.result}`.trim());
      expect(kinds[0]).toBe('request.started enablementWorkflow started');
      expect(timeline.entries).toEqual(
        expect.arrayContaining([
          expect.objectContaining({
            kind: 'event',
            type: 'ticket.submitted',
            actor: creds.subjects.support,
            result: 'applied',
          }),
          expect.objectContaining({ kind: 'state.changed', to: 'allowlisting' }),
          expect.objectContaining({ kind: 'effect', type: 'ticket comment: intake_accepted', result: 'done' }),
          expect.objectContaining({ kind: 'event', type: 'customer_access.granted', result: 'applied' }),
          expect.objectContaining({ kind: 'state.changed', to: 'awaitingEndpoint', actor: creds.subjects.support }),
          expect.objectContaining({
            kind: 'event',
            type: 'note.added',
            actor: creds.subjects.admin,
            result: 'applied',
          }),
        ]),
      );
      expect(verifyExport(res.body)).toMatchObject({ ok: true, head: timeline.head });

      const csv = await api.inject({
        method: 'GET',
        url: `/api/requests/${ticketId}/history?format=csv`,
        headers: bearer(creds.tokens.auditor),
      });
      expect(csv.headers['content-type']).toMatch(/^text\/csv/);
      expect(csv.body.split('\r\n')[0]).toBe(
        'seq,ticketId,at,kind,actor,type,result,from,to,detail,runId,historyEventId,prevHash,hash',
      );
      expect(verifyExport(csv.body)).toMatchObject({ ok: true, head: timeline.head });
      const tampered = csv.body.replace(creds.subjects.admin, 'mallory@vendor.example');
      expect(verifyExport(tampered)).toMatchObject({ ok: false });
    }));
  it('shows the SLA breach, notification and ticket comment, for a ticket submitted long ago', () =>
    temporal.withWorker(async () => {
      const ticketId = nextTicket();
      const submittedAt = new Date(Date.now() - 20 * 24 * 3_600_000).toISOString();
      await start(ticketId, { ...validIntake('aws', 'unidirectional', ticketId), submittedAt });
      type Entry = { kind: string; type: string; result: string };
      const entries = await eventually(
        async () =>
          (await api.inject({ method: 'GET', url: `/api/requests/${ticketId}/history`, headers: support })).json<{
            entries: Entry[];
          }>().entries,
        (list) => list.some((e) => e.kind === 'sla' && e.type === 'ticket comment: sla_breached'),
        { what: 'the SLA breach in the history', intervalMs: 100 },
      );
      const sla = entries.filter((e) => e.kind === 'sla').map((e) => `${e.type} ${e.result}`);
      expect(sla).toEqual(
        expect.arrayContaining(['notification: sla_breached done', 'ticket comment: sla_breached done']),
      );
    }));
});

describe('the audit timeline is append-only', () => {
  it('keeps an unhandled event out of the chain, and a later export repeats every earlier entry', async () => {
    const ticketId = nextTicket();
    // No worker yet: the request is started and sent an event that nothing handles.
    const handle = await startRequest(temporal.client, ticketId, { taskQueue: temporal.taskQueue });
    await handle.signal('enablementEvent', { type: 'customer_access.granted', actor: 'alice@vendor.example' });
    const before = await readTimeline(temporal.client, ticketId);
    expect(before.entries.map((e) => e.kind)).toEqual(['request.started']);
    expect(before.pending).toEqual([expect.objectContaining({ type: 'customer_access.granted', via: 'signal' })]);

    await temporal.withWorker(async () => {
      await eventually(
        () => readState(handle),
        (v) => v.state === 'awaitingEndpoint',
        { what: 'the signalled event to be handled' },
      );
    });
    const after = await readTimeline(temporal.client, ticketId);
    expect(after.pending).toEqual([]);
    expect(after.entries.slice(0, before.entries.length)).toEqual(before.entries);
    expect(after.entries).toEqual(
      expect.arrayContaining([
        expect.objectContaining({ kind: 'event', type: 'customer_access.granted', actor: 'alice@vendor.example' }),
      ]),
    );
    expect(comparePrefix(before.entries, after.entries)).toMatchObject({ ok: true });
    expect(comparePrefix(after.entries.slice(1), after.entries)).toMatchObject({ ok: false });
    await handle.terminate('test over');
  });
});
