import { readTimeline } from '../../src/audit/history';
import { readState } from '../../src/temporal/read-state';
import { applyEnablementEventUpdate } from '../../src/temporal/messages';
import { validIntake } from '../fixtures/requests';
import { waitFor } from '../helpers/eventually';
import { startRequest } from '../helpers/requests';
import { useTemporal } from '../helpers/temporal';

// Retry backoff runs on server timers: the time-skipping server lets a day of backoff pass in seconds.
const temporal = useTemporal('time-skipping');

const forTicket = (ticketId: string) =>
  temporal.activities.notifications.received.filter((r) => (r.body as { ticketId?: string }).ticketId === ticketId);

const start = (ticketId: string, submittedAt?: string) =>
  startRequest(temporal.client, ticketId, {
    intake: { ...validIntake('aws', 'unidirectional', ticketId), ...(submittedAt ? { submittedAt } : {}) },
    taskQueue: temporal.taskQueue,
  });

/** Each `PrivateLinkAttention` the request set, in order (`null`: unset), the same value twice in a row once. */
async function attentionOf(handle: Awaited<ReturnType<typeof start>>): Promise<(string[] | null)[]> {
  const { events } = await handle.fetchHistory();
  const values = (events ?? []).flatMap((e) => {
    const fields = e.upsertWorkflowSearchAttributesEventAttributes?.searchAttributes?.indexedFields ?? {};
    if (!('PrivateLinkAttention' in fields)) return [];
    const data = fields.PrivateLinkAttention?.data;
    return [data?.length ? (JSON.parse(Buffer.from(data).toString('utf8')) as string[] | null) : null];
  });
  return values.filter((v, i) => i === 0 || JSON.stringify(v) !== JSON.stringify(values[i - 1]));
}

/** The activities a request scheduled to act on the outside world (not its reads of configuration), in order. */
async function activitiesOf(handle: Awaited<ReturnType<typeof start>>): Promise<string[]> {
  const { events } = await handle.fetchHistory();
  return (events ?? [])
    .flatMap((e) => e.activityTaskScheduledEventAttributes?.activityType?.name ?? [])
    .filter((name) => name !== 'loadVendorConfig' && name !== 'businessWindows');
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
      // The request's first comment and notification went out together; the batch stopped at the 503 and the
      // notification was retried alone. The comment before it was posted once, not again with the retries.
      expect(await activitiesOf(handle)).toEqual(['carryOutEffects', 'sendNotification']);
      expect(temporal.activities.tickets.comments('RETRY-1').map((c) => c.idempotencyKey)).toEqual([
        'privatelink-RETRY-1/1',
      ]);
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

  it('lists a request as retrying a notification once three tries alone failed, until it goes out', async () => {
    await temporal.withWorker(async () => {
      // The batch's try, three tries alone, the first of the later tries: the sixth attempt gets through.
      temporal.activities.notifications.failNext('RETRYING-1', 503, 503, 503, 503, 503);
      const handle = await start('RETRYING-1');
      await temporal.env.sleep('5 minutes');
      await waitFor(
        async () => (await readState(handle)).effects.done.some((e) => e.type === 'notify'),
        60_000,
        'the notification',
      );
      expect(forTicket('RETRYING-1')).toHaveLength(6);
      expect(await activitiesOf(handle)).toEqual(['carryOutEffects', 'sendNotification', 'sendNotification']);
      expect(await attentionOf(handle)).toEqual([null, ['effect_retrying'], null]);
      // The audit timeline lists the notification once, as it ended (its first tries ran out, then it went out).
      const { entries } = await readTimeline(temporal.client, 'RETRYING-1');
      expect(entries.filter((e) => e.kind === 'effect').map((e) => `${e.type} ${e.result}`)).toEqual([
        'ticket comment: intake_accepted done',
        'notification: action_required done',
      ]);
      expect((await readState(handle)).effects.done.find((e) => e.type === 'notify')).toMatchObject({ status: 'done' });
      await handle.executeUpdate(applyEnablementEventUpdate, {
        args: [{ type: 'request.cancelled', actor: 'test', reason: 'done' }],
      });
      await handle.result();
    });
  });

  it('never lists a refusal as retrying; one after the first tries ends the retrying as a failure', async () => {
    await temporal.withWorker(async () => {
      // Refused on its first try alone: a failure at once.
      temporal.activities.notifications.failNext('REFUSED-2', 503, 400);
      // Refused on a later try: retrying, then failed.
      temporal.activities.notifications.failNext('REFUSED-3', 503, 503, 503, 503, 400);
      const handles = [await start('REFUSED-2'), await start('REFUSED-3')];
      await temporal.env.sleep('5 minutes');
      for (const handle of handles) {
        await waitFor(
          async () => (await readState(handle)).effects.done.some((e) => e.type === 'notify'),
          60_000,
          'the notification',
        );
        expect((await readState(handle)).effects.done.find((e) => e.type === 'notify')).toMatchObject({
          status: 'failed',
          detail: expect.stringContaining('answered 400'),
        });
      }
      expect(await attentionOf(handles[0]!)).toEqual([null, ['effect_failed']]);
      expect(await attentionOf(handles[1]!)).toEqual([null, ['effect_retrying'], ['effect_failed']]);
      const { entries } = await readTimeline(temporal.client, 'REFUSED-3');
      expect(entries.filter((e) => e.kind === 'effect').map((e) => `${e.type} ${e.result}`)).toEqual([
        'ticket comment: intake_accepted done',
        'notification: action_required failed',
      ]);
      for (const handle of handles) {
        await handle.executeUpdate(applyEnablementEventUpdate, {
          args: [{ type: 'request.cancelled', actor: 'test', reason: 'done' }],
        });
        await handle.result();
      }
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

  it('goes on past a refused notification in a batch, keeps the order, and the audit timeline lists each effect', async () => {
    await temporal.withWorker(async () => {
      // Submitted long ago: the request is breached at once, so four effects queue up together (intake accepted:
      // comment and notification; breach: notification and comment). The breach's notification is refused.
      temporal.activities.notifications.failNext('BATCH-1', 200, 400);
      const handle = await start('BATCH-1', new Date(Date.now() - 20 * 24 * 3_600_000).toISOString());
      await waitFor(
        async () => {
          const v = await readState(handle);
          return v.effects.done.length >= 4 && v.effects.pending === 0;
        },
        60_000,
        'the four effects',
      );
      const view = await readState(handle);
      expect(view.effects.done.map((e) => `${e.seq} ${e.type} ${e.what} ${e.status}`)).toEqual([
        '1 postTicketComment intake_accepted done',
        '2 notify action_required done',
        '3 notify sla_breached failed',
        '4 postTicketComment sla_breached done',
      ]);
      expect(view.effects.done[2]!.detail).toContain('answered 400');
      // All four in one activity; not retried: a 4xx is final. The comment after it still went out, once.
      expect(await activitiesOf(handle)).toEqual(['carryOutEffects']);
      expect(forTicket('BATCH-1').map((r) => (r.body as { kind: string }).kind)).toEqual([
        'action_required',
        'sla_breached',
      ]);
      expect(temporal.activities.tickets.comments('BATCH-1').map((c) => c.idempotencyKey)).toEqual([
        'privatelink-BATCH-1/1',
        'privatelink-BATCH-1/4',
      ]);

      const { entries } = await readTimeline(temporal.client, 'BATCH-1');
      const effects = entries.filter((e) => e.kind === 'effect' || e.kind === 'sla');
      expect(effects.map((e) => `${e.kind} ${e.type} ${e.result}`)).toEqual([
        'effect ticket comment: intake_accepted done',
        'effect notification: action_required done',
        'sla notification: sla_breached failed',
        'sla ticket comment: sla_breached done',
      ]);
      expect(effects[2]!.detail).toContain('answered 400');
      expect(effects[0]!.detail).toMatch(/^comment \S+/);

      await handle.executeUpdate(applyEnablementEventUpdate, {
        args: [{ type: 'request.cancelled', actor: 'test', reason: 'done' }],
      });
      expect(await handle.result()).toMatchObject({ status: 'cancelled' });
    });
  });
});
