import type { BatchableEffect } from '../../activities';
import { startTestActivities, type TestActivities } from '../helpers/activities';

let t: TestActivities & { stop(): Promise<void> };
beforeAll(async () => {
  t = await startTestActivities();
});
afterAll(() => t.stop());

const comment = (ticketId: string): BatchableEffect => ({
  type: 'postTicketComment',
  params: { template: 'cancelled', data: { ticketId, company: 'Acme', reason: 'test' } },
});
const notification = (kind: 'cancelled' | 'enabled'): BatchableEffect => ({
  type: 'notify',
  params: { kind, message: `request ${kind}` },
});
const batch = (ticketId: string, effects: BatchableEffect[]) => ({
  ticketId,
  effects: effects.map((effect, i) => ({ seq: i + 1, idempotencyKey: `privatelink-${ticketId}/${i + 1}`, effect })),
});
const kindsSentFor = (ticketId: string) =>
  t.notifications.received
    .filter((r) => (r.body as { ticketId?: string }).ticketId === ticketId)
    .map((r) => `${(r.body as { kind: string }).kind} ${String(r.headers['idempotency-key'])}`);

describe('carrying out a batch of effects', () => {
  it('carries them out in order, each with its own key, and a 4xx is that effect’s outcome only', async () => {
    t.notifications.failNext('B-1', 422);
    const result = await t.activities.carryOutEffects(
      batch('B-1', [notification('cancelled'), comment('B-1'), notification('enabled')]),
    );
    expect(result.stopped).toBeUndefined();
    expect(result.outcomes.map((o) => `${o.seq} ${o.status}`)).toEqual(['1 failed', '2 done', '3 done']);
    expect(result.outcomes[0]!.detail).toContain('answered 422');
    expect(result.outcomes[1]).toMatchObject({ commentId: expect.any(String), duplicate: false });
    expect(kindsSentFor('B-1')).toEqual(['cancelled privatelink-B-1/1', 'enabled privatelink-B-1/3']);
    expect(t.tickets.comments('B-1').map((c) => c.idempotencyKey)).toEqual(['privatelink-B-1/2']);
  });

  it('stops at a failure that may pass, so nothing after it goes out first', async () => {
    t.notifications.failNext('B-2', 503);
    const result = await t.activities.carryOutEffects(batch('B-2', [notification('cancelled'), comment('B-2')]));
    expect(result.outcomes).toEqual([]);
    expect(result.stopped).toMatchObject({ seq: 1, detail: expect.stringContaining('answered 503') });
    expect(t.tickets.comments('B-2')).toEqual([]);
  });

  it('posts a comment once when a lost worker’s batch is carried out again', async () => {
    const effects = batch('B-3', [comment('B-3'), notification('enabled')]);
    const first = await t.activities.carryOutEffects(effects);
    const again = await t.activities.carryOutEffects(effects);
    expect(again.outcomes[0]).toEqual({ ...first.outcomes[0], duplicate: true, at: expect.any(String) });
    expect(t.tickets.comments('B-3')).toHaveLength(1);
    // The notification goes out again with the same key, for the receiver to drop.
    expect(kindsSentFor('B-3')).toEqual(['enabled privatelink-B-3/2', 'enabled privatelink-B-3/2']);
  });
});
