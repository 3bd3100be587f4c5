import { applyEnablementEventUpdate, enablementEventSignal, type StateView } from '../../src/temporal/messages';
import { workflowIdForTicket } from '../../src/temporal/names';
import { enablementWorkflow } from '../../workflows';
import { validIntake } from '../fixtures/requests';
import { useTemporal } from '../helpers/temporal';

// The server suggests continue-as-new after 40 history events instead of thousands.
const temporal = useTemporal('dev-server', {
  devServerArgs: ['--dynamic-config-value', 'limit.historyCount.suggestContinueAsNew=40'],
});

describe('a long request', () => {
  it('continues as new when Temporal suggests it, keeping its state, audit trail and dedupe memory', async () => {
    await temporal.withWorker(async () => {
      const ticketId = 'LONG-1';
      const handle = await temporal.client.workflow.start(enablementWorkflow, {
        workflowId: workflowIdForTicket(ticketId),
        taskQueue: temporal.taskQueue,
        args: [{ ticketId, intake: validIntake('aws', 'unidirectional', ticketId) }],
      });
      const firstRunId = handle.firstExecutionRunId;
      const send = (event: object) =>
        handle.executeUpdate(applyEnablementEventUpdate, {
          args: [{ actor: 'alice@vendor.example', ...event } as never],
        });
      await send({ type: 'customer_access.granted', eventId: 'grant-1' });
      let last: StateView | undefined;
      for (let i = 1; i <= 30; i++) last = await send({ type: 'note.added', text: `follow-up ${i}` });
      const { runId } = await handle.describe();
      expect(runId).not.toBe(firstRunId);

      // Same request: every earlier event is still in its trail; a replayed eventId is still a duplicate.
      await handle.signal(enablementEventSignal, {
        type: 'customer_access.granted',
        actor: 'zendesk',
        eventId: 'grant-1',
      });
      const view = await send({ type: 'endpoint.requested', endpointId: 'vpce-1' });
      expect(view.state).toBe('reviewingConnection');
      expect(view.events.slice(0, 31).map((e) => e.type)).toEqual(last!.events.slice(0, 31).map((e) => e.type));
      expect(view.events.filter((e) => e.eventId === 'grant-1').map((e) => e.result)).toEqual(['applied', 'duplicate']);
      expect(view.events.map((e) => e.seq)).toEqual(view.events.map((_, i) => i + 1));

      await send({ type: 'connection.approved' });
      await send({ type: 'connection.verified' });
      expect(await handle.result()).toMatchObject({ status: 'enabled', events: 35 });
      // The ticket got each comment once across runs (idempotency keys continue their sequence).
      const keys = temporal.activities.tickets.comments(ticketId).map((c) => c.idempotencyKey);
      expect(new Set(keys).size).toBe(keys.length);
    });
  });
});
