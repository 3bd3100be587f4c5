import { readTimeline } from '../../src/audit/history';
import { verifyExport } from '../../src/audit/chain';
import { applyEnablementEventUpdate, enablementEventSignal, type StateView } from '../../src/temporal/messages';
import { readState } from '../../src/temporal/read-state';
import { eventually } from '../helpers/eventually';
import { startRequest } from '../helpers/requests';
import { useTemporal } from '../helpers/temporal';

// The server suggests continue-as-new after 40 history events instead of thousands.
const temporal = useTemporal('dev-server', {
  devServerArgs: ['--dynamic-config-value', 'limit.historyCount.suggestContinueAsNew=40'],
});

describe('a long request', () => {
  it('continues as new when Temporal suggests it, keeping its state, recent events, numbering and dedupe memory', async () => {
    await temporal.withWorker(async () => {
      const ticketId = 'LONG-1';
      const handle = await startRequest(temporal.client, ticketId, { taskQueue: temporal.taskQueue });
      const firstRunId = handle.firstExecutionRunId;
      const send = (event: object) =>
        handle.executeUpdate(applyEnablementEventUpdate, {
          args: [{ actor: 'alice@vendor.example', ...event } as never],
        });
      await send({ type: 'customer_access.granted', eventId: 'grant-1' });
      // The SLA clock as the first run knows it (it starts once the business windows are fetched).
      const before = await eventually(
        () => readState(handle),
        (view) => view.sla !== null,
        { what: 'the SLA clock of the first run' },
      );
      for (let i = 1; i <= 30; i++) await send({ type: 'note.added', text: `follow-up ${i}` });
      const last: StateView = await readState(handle);
      const { runId } = await handle.describe();
      expect(runId).not.toBe(firstRunId);

      // Same request: its recent events carry over; a replayed eventId is still a repeat, counted and not listed.
      await handle.signal(enablementEventSignal, {
        type: 'customer_access.granted',
        actor: 'alice@vendor.example',
        eventId: 'grant-1',
      });
      expect((await send({ type: 'endpoint.requested', endpointId: 'vpce-016024d7f43e757c2' })).state).toBe(
        'reviewingConnection',
      );
      const view = await readState(handle);
      expect(view.events.slice(0, 31).map((e) => e.type)).toEqual(last.events.slice(0, 31).map((e) => e.type));
      expect(view.events.filter((e) => e.eventId === 'grant-1').map((e) => e.result)).toEqual(['applied']);
      expect(view.eventCount).toEqual({ total: 32, repeats: 1, notes: 30 });
      expect(view.events.map((e) => e.seq)).toEqual(view.events.map((_, i) => i + 1));
      // The SLA clock carries over: same start and deadline, not a clock restarted by the new run.
      expect(view.sla).toMatchObject({ startedAt: before.sla!.startedAt, deadline: before.sla!.deadline });

      await send({ type: 'connection.approved' });
      await send({ type: 'ports.opened' });
      const enabled = await send({ type: 'connection.verified' });
      expect(enabled).toMatchObject({ status: 'enabled', state: 'active' });

      // The connection's record lives on: a change of account with notes enough to continue as new while it is open.
      await send({
        type: 'change.requested',
        changeTicketId: 'LONG-1-C1',
        change: { kind: 'change_account', customerAccount: '210987654321' },
      });
      await send({ type: 'customer_access.granted' });
      const runDuringChange = (await handle.describe()).runId;
      for (let i = 1; i <= 25; i++) await send({ type: 'note.added', text: `change follow-up ${i}` });
      expect((await handle.describe()).runId).not.toBe(runDuringChange);
      const resumed = await readState(handle);
      expect(resumed.change).toMatchObject({
        ticketId: 'LONG-1-C1',
        state: 'awaitingNewEndpoint',
        waitingOn: 'customer',
      });
      expect(resumed.change!.sla).toMatchObject({ startedAt: expect.any(String) });
      await send({ type: 'endpoint.requested', endpointId: 'vpce-0aaaaaaaaaaaaaaa1' });
      await send({ type: 'connection.approved' });
      await send({ type: 'connection.verified' });
      const moved = await send({ type: 'customer_access.revoked' });
      expect(moved.connection).toMatchObject({
        customerAccount: '210987654321',
        accounts: [{ account: '210987654321' }],
      });
      await send({ type: 'change.requested', changeTicketId: 'LONG-1-C2', change: { kind: 'remove' } });
      await send({ type: 'customer_access.revoked' });
      await send({ type: 'connection.removed' });
      expect(await handle.result()).toMatchObject({ status: 'removed', events: 35 + 2 + 25 + 4 + 3 });
      // The ticket got each comment once across runs (idempotency keys continue their sequence).
      const keys = temporal.activities.tickets.comments(ticketId).map((c) => c.idempotencyKey);
      expect(new Set(keys).size).toBe(keys.length);

      // The audit timeline reads every run's history as one story: the enablement, the change with its ticket on
      // each of its events, the removal; one start and one end.
      const timeline = await readTimeline(temporal.client, ticketId);
      const events = timeline.entries.filter((e) => e.kind === 'event');
      expect(events.slice(0, 35).map((e) => `${e.type} ${e.result}`)).toEqual(
        [...view.events.slice(0, 31), { type: 'customer_access.granted', result: 'duplicate' }, view.events[31]!]
          .map((e) => `${e.type} ${e.result}`)
          .concat(['connection.approved applied', 'ports.opened applied']),
      );
      const afterEnablement = events.slice(36);
      expect(afterEnablement.filter((e) => e.type !== 'note.added').map((e) => `${e.type} ${e.detail}`)).toEqual([
        'change.requested change ticket: LONG-1-C1',
        'customer_access.granted change ticket: LONG-1-C1',
        'endpoint.requested change ticket: LONG-1-C1',
        'connection.approved change ticket: LONG-1-C1',
        'connection.verified change ticket: LONG-1-C1',
        'customer_access.revoked change ticket: LONG-1-C1',
        'change.requested change ticket: LONG-1-C2',
        'customer_access.revoked change ticket: LONG-1-C2',
        'connection.removed change ticket: LONG-1-C2',
      ]);
      expect(
        timeline.entries
          .filter((e) => e.kind === 'state.changed')
          .map((e) => e.to)
          .slice(-2),
      ).toEqual(['active', 'removed']);
      expect(new Set(timeline.entries.map((e) => e.runId)).size).toBeGreaterThan(2);
      expect(timeline.entries.filter((e) => e.kind === 'run.continued').length).toBeGreaterThan(1);
      expect(timeline.entries.filter((e) => e.kind === 'request.started')).toHaveLength(1);
      expect(timeline.entries.at(-1)).toMatchObject({ kind: 'request.ended', type: 'removed', to: 'removed' });
      expect(verifyExport(JSON.stringify(timeline))).toMatchObject({ ok: true, entries: timeline.entries.length });
    });
  });

  it('carries a bounded state through continue-as-new however many events arrive (never the whole audit trail)', async () => {
    await temporal.withWorker(async () => {
      const ticketId = 'LONG-2';
      const handle = await startRequest(temporal.client, ticketId, { taskQueue: temporal.taskQueue });
      const note = (i: number) =>
        handle.executeUpdate(applyEnablementEventUpdate, {
          args: [
            { type: 'note.added', actor: 'bot@vendor.example', text: 'n'.repeat(4000), comment: `c${i}`.repeat(500) },
          ],
        });
      // Replays by signal and notes with long comments: each run's input must not grow with them.
      for (let i = 1; i <= 90; i++) {
        await note(i);
        await handle.signal(enablementEventSignal, {
          type: 'note.added',
          actor: 'bot@vendor.example',
          text: 'n'.repeat(4000),
          comment: `c${i}`.repeat(500),
          eventId: 'replayed-note',
        });
      }
      const view = await readState(handle);
      expect(view.eventCount).toEqual({ total: 91, repeats: 89, notes: 91 });
      const inputBytes: number[] = [];
      for await (const run of temporal.client.workflow.list({ query: `WorkflowId = "${handle.workflowId}"` })) {
        const history = await temporal.client.workflow.getHandle(handle.workflowId, run.runId).fetchHistory();
        const input = history.events?.[0]?.workflowExecutionStartedEventAttributes?.input?.payloads?.[0]?.data;
        inputBytes.push(input?.length ?? 0);
      }
      expect(inputBytes.length).toBeGreaterThan(3);
      // The largest run input is bounded by the recent events (50, each with its comment) and the dedupe keys, not by
      // the 180 events received: well under Temporal's 2 MB payload limit, and it stops growing once the recent list is
      // full (the largest input is close to the typical one, where a carried trail would be twice it).
      expect(Math.max(...inputBytes)).toBeLessThan(400_000);
      const sorted = [...inputBytes].sort((a, b) => a - b);
      expect(sorted.at(-1)!).toBeLessThan(1.25 * sorted[Math.floor(sorted.length / 2)]!);
    });
  });
});
