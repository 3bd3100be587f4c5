import type { IncomingMessage, ServerResponse } from 'node:http';
import { join } from 'node:path';
import { workflowIdForTicket } from '../../src/temporal/names';
import { commentFooter } from '../../src/ticket-systems/comment-ref';
import {
  type DrillServer,
  killProcess,
  startDrillServer,
  startWorkerProcess,
  waitForState,
  type WorkerProcess,
} from '../helpers/drill-stack';
import type { FakeFailure } from '../helpers/fake-http';
import { FakeZendesk } from '../helpers/fake-zendesk';
import { repoRoot } from '../helpers/processes';
import { startRequest } from '../helpers/requests';
import { WebhookReceiver } from '../helpers/webhook-receiver';

/**
 * Drill (issue 7): Zendesk answers 5xx to the worker's comment three times, then works. The comment is retried with
 * backoff by Temporal and lands exactly once, including when the third failure is a lost answer (Zendesk saved the
 * comment, the worker saw a 500).
 */

/** The fake Zendesk with failures scripted per ticket, so two tickets can run their scripts at the same time. */
class ScriptedZendesk extends FakeZendesk {
  private readonly scripts = new Map<number, FakeFailure[]>();

  /** Answer the next comment posts (PUT) to this ticket with these failures, in order. */
  failPostsTo(ticket: number, ...failures: FakeFailure[]): void {
    this.scripts.set(ticket, [...(this.scripts.get(ticket) ?? []), ...failures]);
  }

  protected override handle(req: IncomingMessage, raw: string, res: ServerResponse): void {
    const ticket = /^\/api\/v2\/tickets\/(\d+)\.json/.exec(req.url ?? '')?.[1];
    const failure = req.method === 'PUT' && ticket ? this.scripts.get(Number(ticket))?.shift() : undefined;
    // The base class takes the failure off its queue synchronously, for this very request.
    if (failure) this.failNext('PUT', failure);
    super.handle(req, raw, res);
  }

  /** The comment posts (PUT) the worker made to a ticket. */
  posts(ticket: number): number {
    return this.requests.filter((r) => r.method === 'PUT' && r.path === `/api/v2/tickets/${ticket}.json`).length;
  }
}

let server: DrillServer;
let zendesk: ScriptedZendesk;
let receiver: WebhookReceiver;
let worker: WorkerProcess | undefined;

beforeAll(async () => {
  [server, zendesk, receiver] = await Promise.all([
    startDrillServer(),
    new ScriptedZendesk().start(),
    new WebhookReceiver().start(),
  ]);
}, 60_000);

afterAll(async () => {
  await killProcess(worker);
  await server?.teardown();
  await zendesk?.stop();
  await receiver?.stop();
}, 30_000);

describe('drill: the ticket system answers 5xx three times, then succeeds', () => {
  it('posts exactly one comment after the retries', async () => {
    worker = startWorkerProcess({
      TEMPORAL_ADDRESS: server.address,
      VENDOR_CONFIG: join(repoRoot, 'config', 'vendor.example.json'),
      TICKET_SYSTEM: 'zendesk',
      ZENDESK_BASE_URL: zendesk.url,
      ZENDESK_EMAIL: zendesk.email,
      ZENDESK_API_TOKEN: zendesk.apiToken,
      NOTIFY_WEBHOOK_URL: receiver.url,
    });
    const base = 700_000 + Math.floor(Math.random() * 90_000);
    const tickets = {
      // Three plain outages.
      outage: { number: base, failures: [503, 502, 500].map((status) => ({ status })), posts: 4 },
      // The third "failure" saved the comment and lost the answer: the retry must find it instead of posting again.
      lostAnswer: {
        number: base + 1,
        failures: [{ status: 503 }, { status: 502 }, { status: 500, afterCommit: true }],
        posts: 3,
      },
    };
    for (const t of Object.values(tickets)) {
      zendesk.addTicket(t.number);
      zendesk.failPostsTo(t.number, ...t.failures);
    }
    await worker.ready;

    const handles = await Promise.all(
      Object.values(tickets).map((t) => {
        return startRequest(server.client, `ZD-${t.number}`, { actor: 'ticket-system:zendesk' });
      }),
    );
    // Backoff of 2, 4 and 8 s between the attempts: the comment lands some 14 s after the first try.
    const views = await Promise.all(
      handles.map((h) =>
        waitForState(
          h,
          (v) => v.effects.done.some((e) => e.type === 'postTicketComment'),
          45_000,
          `the comment on ${h.workflowId}`,
        ),
      ),
    );

    for (const [i, t] of Object.values(tickets).entries()) {
      const effect = views[i]!.effects.done.find((e) => e.type === 'postTicketComment');
      expect(effect).toMatchObject({ what: 'intake_accepted', status: 'done' });
      // The customer sees one comment, written by the API user, marked with its idempotency key.
      const comments = zendesk.comments(t.number);
      expect(comments.map((c) => c.author_id)).toEqual([zendesk.userId]);
      expect(comments[0]!.body).toContain('PrivateLink request is complete and accepted');
      expect(comments[0]!.body).toContain(commentFooter(`${workflowIdForTicket(`ZD-${t.number}`)}/1`));
      // The retries happened: each attempt posted (or, after the lost answer, found the comment and did not).
      expect({ ticket: t.number, posts: zendesk.posts(t.number) }).toEqual({ ticket: t.number, posts: t.posts });
      // The comment first went out in a batch with the request's first notification; the batch stopped at the 503 and
      // the comment was retried alone, by Temporal: scheduled once on its own, its third attempt the one that
      // completed. The notification waited for it (effects go out in order) and went out once.
      const history = await handles[i]!.fetchHistory();
      const scheduledAs = (name: string) =>
        (history.events ?? []).filter((e) => e.activityTaskScheduledEventAttributes?.activityType?.name === name);
      expect(scheduledAs('carryOutEffects')).toHaveLength(1);
      const alone = scheduledAs('postTicketComment');
      expect(alone).toHaveLength(1);
      const started = (history.events ?? []).find(
        (e) => e.activityTaskStartedEventAttributes?.scheduledEventId?.toString() === alone[0]!.eventId?.toString(),
      );
      expect(started?.activityTaskStartedEventAttributes?.attempt).toBe(3);
      const notified = receiver.received.filter((r) => (r.body as { ticketId?: string }).ticketId === `ZD-${t.number}`);
      expect(notified.map((r) => (r.body as { kind?: string }).kind)).toEqual(['action_required']);
    }
    expect(zendesk.violations).toEqual([]);
  }, 90_000);
});
