import { workflowIdForTicket } from '../../src/temporal/names';
import { readState } from '../../src/temporal/read-state';
import { applyEnablementEventUpdate } from '../../src/temporal/messages';
import { enablementWorkflow } from '../../workflows';
import { validIntake } from '../fixtures/requests';
import { waitFor } from '../helpers/processes';
import { useTemporal } from '../helpers/temporal';

// Retry backoff runs on server timers: the time-skipping server lets a day of backoff pass in seconds.
const temporal = useTemporal('time-skipping');

const forTicket = (ticketId: string) =>
  temporal.activities.notifications.received.filter((r) => (r.body as { ticketId?: string }).ticketId === ticketId);

function start(ticketId: string) {
  return temporal.client.workflow.start(enablementWorkflow, {
    workflowId: workflowIdForTicket(ticketId),
    taskQueue: temporal.taskQueue,
    args: [{ ticketId, intake: validIntake('aws', 'unidirectional', ticketId) }],
  });
}

describe('effects against an outside system that fails', () => {
  it('retries a notification through three 503s with backoff and delivers it once, with one idempotency key', async () => {
    await temporal.withWorker(async () => {
      temporal.activities.notifications.failNext('RETRY-1', 503, 503, 503);
      const handle = await start('RETRY-1');
      // Skip past the backoff (2 s, 4 s, 8 s) instead of waiting for it.
      await temporal.env.sleep('1 minute');
      await waitFor(
        async () => (await readState(handle)).effects.done.some((e) => e.type === 'notify'),
        60_000,
        'the notification',
      );
      const attempts = forTicket('RETRY-1');
      expect(attempts).toHaveLength(4);
      expect(new Set(attempts.map((a) => a.headers['idempotency-key']))).toEqual(new Set(['privatelink-RETRY-1/2']));
      const view = await readState(handle);
      expect(view.effects.done.find((e) => e.type === 'notify')).toMatchObject({
        what: 'action_required',
        status: 'done',
      });
      await handle.executeUpdate(applyEnablementEventUpdate, {
        args: [{ type: 'request.cancelled', actor: 'test', reason: 'done' }],
      });
      await handle.result();
    });
  });

  it('does not retry a 400, records the failure, and the request goes on', async () => {
    await temporal.withWorker(async () => {
      temporal.activities.notifications.failNext('REFUSED-1', 400);
      const handle = await start('REFUSED-1');
      await waitFor(
        async () => (await readState(handle)).effects.done.some((e) => e.type === 'notify'),
        60_000,
        'the notification',
      );
      expect(forTicket('REFUSED-1')).toHaveLength(1);
      const failed = (await readState(handle)).effects.done.find((e) => e.type === 'notify');
      expect(failed).toMatchObject({ status: 'failed', detail: expect.stringContaining('answered 400') });
      const view = await handle.executeUpdate(applyEnablementEventUpdate, {
        args: [{ type: 'customer_access.granted', actor: 'test' }],
      });
      expect(view.state).toBe('awaitingEndpoint');
      await handle.executeUpdate(applyEnablementEventUpdate, {
        args: [{ type: 'request.cancelled', actor: 'test', reason: 'done' }],
      });
      expect(await handle.result()).toMatchObject({ status: 'cancelled' });
    });
  });
});
