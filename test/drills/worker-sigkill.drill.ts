import { join } from 'node:path';
import { WorkflowUpdateFailedError, type WorkflowHandle } from '@temporalio/client';
import {
  applyEnablementEventUpdate,
  enablementEventSignal,
  type EnablementEventInput,
  type StateView,
} from '../../src/temporal/messages';
import { failureTypes } from '../../src/temporal/failures';
import { EVENT_SIGNAL, searchAttributes, workflowIdForTicket } from '../../src/temporal/names';
import { readState } from '../../src/temporal/read-state';
import {
  auditFromHistory,
  type DrillServer,
  distinctNotifications,
  readTicketFile,
  startWorkerProcess,
  useDrillStack,
  waitForCount,
  type WorkerProcess,
} from '../helpers/drill-stack';
import { repoRoot } from '../helpers/processes';
import { startRequest } from '../helpers/requests';
import { waitFor } from '../helpers/eventually';

/**
 * Drill (issue 7): the worker process dies by SIGKILL while 100 requests are being driven through their steps. A new
 * worker process takes over; every request must be enabled and then removed by a change ticket (a request's workflow
 * ends only then), with each step applied exactly once and every comment and notification sent exactly once.
 */

const REQUESTS = 100;
/** Applied steps (over all requests) after which the worker is killed: well into the run, far from its end. */
const KILL_AFTER = 250;
const actor = 'drill@vendor.example';
/** An event as the drill sends it, before the actor is added. */
type Step = { type: string; eventId: string } & Record<string, unknown>;

/**
 * Each request's steps. The notes are the steps only the eventId guards: a note is allowed in every state, so a note
 * applied twice would show. For odd requests the notes go by signal (fire-and-forget, as automation sends them), and
 * each is delivered twice, as automation redelivers.
 */
const script = (ticketId: string): Step[] =>
  [
    { type: 'note.added', text: 'picked up by the drill' },
    { type: 'customer_access.granted' },
    { type: 'endpoint.requested', endpointId: 'vpce-009e50bb1962b12be' },
    { type: 'connection.approved' },
    { type: 'ports.opened' },
    { type: 'connection.failed', details: 'Connection timed out' },
    { type: 'troubleshooting.resolved' },
    { type: 'note.added', text: 'fixed the security group' },
    { type: 'connection.verified' },
    { type: 'change.requested', changeTicketId: changeTicketOf(ticketId), change: { kind: 'remove' } },
    { type: 'customer_access.revoked' },
    { type: 'connection.removed' },
  ].map((event, n) => ({ ...event, eventId: `${ticketId}/step-${n}` }));

/** The change ticket that removes a request's connection. */
const changeTicketOf = (ticketId: string) => `${ticketId}-RM`;
/** Steps per request, its two notes included. */
const STEPS = 12;

/** The states a request passes through, in order, as the PrivateLinkState search attribute must show them. */
const statePath = [
  'allowlisting',
  'awaitingEndpoint',
  'reviewingConnection',
  'openingPorts',
  'verifyingConnection',
  'troubleshooting',
  'verifyingConnection',
  'active',
  'removed',
];
/** The comments on the request's own ticket, then on the change ticket. */
const expectedComments = [
  'intake_accepted',
  'create_endpoint',
  'connection_approved',
  'ports_opened',
  'troubleshooting_started',
  'verify_again',
  'enabled',
];
const expectedChangeComments = ['change_received', 'change_done'];
const expectedNotifications = [
  'action_required',
  'action_required',
  'action_required',
  'verification_failed',
  'enabled',
];
const expectedChangeNotifications = ['action_required', 'action_required', 'change_done'];

/** The drill, on a dev server (default) or on the server `startServer` gives (worker-sigkill.test.ts, the cluster's). */
export function defineWorkerSigkillDrill(opts: { on?: string; startServer?: () => Promise<DrillServer> } = {}): void {
  const stack = useDrillStack({
    tmpPrefix: 'drill-sigkill-',
    ...(opts.startServer ? { startServer: opts.startServer } : {}),
  });

  function worker(): WorkerProcess {
    return stack.track(
      startWorkerProcess({
        TEMPORAL_ADDRESS: stack.server.address,
        VENDOR_CONFIG: join(repoRoot, 'config', 'vendor.example.json'),
        TICKET_SYSTEM: 'file',
        TICKET_LOG_FILE: join(stack.dir, 'ticket-comments.jsonl'),
        NOTIFY_WEBHOOK_URL: stack.receiver.url,
      }),
    );
  }

  /** Progress of the drivers, to pick the moment of the kill and to report it. */
  const progress = { applied: 0, retries: 0 };
  /**
   * Sends of each ticket beyond one per step (redeliveries and retries). Each one that reached the request must be a
   * repeat, either turned away by the request's validator (counted here) or counted by the request
   * (`eventCount.repeats`, and a `duplicate` in its history). A send the client gave up on has an unknown outcome: it
   * may never have reached the request (refused before admission, or an admitted update the server dropped with the
   * dead worker's task), and then its resend is the first delivery, not a repeat. The run's history says which.
   */
  const extraSends = new Map<string, number>();
  const countExtra = (ticketId: string) => extraSends.set(ticketId, (extraSends.get(ticketId) ?? 0) + 1);
  const turnedAway = new Map<string, number>();

  /**
   * Sends one step and returns once it is confirmed. An update the client gave up on (the worker died under it) is sent
   * again with the same eventId, as the API tells its callers to; a refusal is a drill failure and is thrown.
   */
  async function sendStep(
    ticketId: string,
    handle: WorkflowHandle,
    event: EnablementEventInput,
    bySignal: boolean,
  ): Promise<void> {
    const deadline = Date.now() + 120_000;
    for (;;) {
      try {
        if (bySignal) await handle.signal(enablementEventSignal, event);
        else await handle.executeUpdate(applyEnablementEventUpdate, { args: [event] });
        progress.applied++;
        return;
      } catch (err) {
        // A resent step the request applied before the worker died is turned away as the repeat it is: done.
        if (
          err instanceof WorkflowUpdateFailedError &&
          (err.cause as { type?: string })?.type === failureTypes.duplicateEvent
        ) {
          turnedAway.set(ticketId, (turnedAway.get(ticketId) ?? 0) + 1);
          progress.applied++;
          return;
        }
        if (err instanceof WorkflowUpdateFailedError || Date.now() > deadline) throw err;
        progress.retries++;
        countExtra(ticketId);
      }
    }
  }

  async function drive(ticketId: string, index: number): Promise<void> {
    const handle = stack.server.client.workflow.getHandle(workflowIdForTicket(ticketId));
    for (const step of script(ticketId)) {
      const bySignal = step.type === 'note.added' && index % 2 === 1;
      await sendStep(ticketId, handle, { actor, ...step }, bySignal);
      if (bySignal) {
        // Automation redelivers: the same signal again, with the same eventId.
        await handle.signal(enablementEventSignal, { actor, ...step });
        countExtra(ticketId);
      }
    }
  }

  /** How many events reached the run: the updates it accepted and the event signals it received. */
  async function deliveries(handle: WorkflowHandle): Promise<number> {
    const history = await handle.fetchHistory();
    return (history.events ?? []).filter(
      (e) =>
        e.workflowExecutionUpdateAcceptedEventAttributes ||
        e.workflowExecutionSignaledEventAttributes?.signalName === EVENT_SIGNAL,
    ).length;
  }

  /** The PrivateLinkState values the run upserted, in order, with repeats in a row folded (other attributes changed). */
  async function upsertedStates(handle: WorkflowHandle): Promise<string[]> {
    const history = await handle.fetchHistory();
    const states: string[] = [];
    for (const event of history.events ?? []) {
      const field =
        event.upsertWorkflowSearchAttributesEventAttributes?.searchAttributes?.indexedFields?.[
          searchAttributes.state.name
        ];
      if (!field?.data) continue;
      const state = JSON.parse(Buffer.from(field.data).toString('utf8')) as string;
      if (states.at(-1) !== state) states.push(state);
    }
    return states;
  }

  describe(`drill: SIGKILL the worker while 100 requests are in flight${opts.on ? ` on ${opts.on}` : ''}`, () => {
    it('a new worker finishes every request; each step, comment and notification happens exactly once', async () => {
      const runId = Date.now().toString(36);
      const tickets = Array.from({ length: REQUESTS }, (_, i) => `KILL-${runId}-${i}`);
      const t0 = Date.now();
      const at = (label: string) => marks.push(`${label} ${((Date.now() - t0) / 1000).toFixed(1)} s`);
      const marks: string[] = [];
      const first = worker();
      await first.ready;
      at('first worker polling');

      const handles = await Promise.all(tickets.map((ticketId) => startRequest(stack.server.client, ticketId)));
      const drivers = Promise.all(tickets.map((ticketId, i) => drive(ticketId, i)));
      // Drivers that fail before the end are reported by `await drivers` below, not as unhandled rejections.
      drivers.catch(() => undefined);

      await waitFor(() => progress.applied >= KILL_AFTER, 90_000, `${KILL_AFTER} steps applied before the kill`);
      first.child.kill('SIGKILL');
      expect(await first.exited).toBe('SIGKILL');
      const appliedAtKill = progress.applied;
      at('killed');
      // Mid-flight: most steps were still to come when the worker died.
      expect(appliedAtKill).toBeLessThan(REQUESTS * STEPS * 0.6);

      const second = worker();
      await second.ready;
      at('second worker polling');
      await drivers;
      at('all steps confirmed');
      const results = await Promise.all(handles.map((h) => h.result()));
      at('all requests ended');
      expect(results.map((r) => r.status)).toEqual(tickets.map(() => 'removed'));

      const ticketFile = readTicketFile(join(stack.dir, 'ticket-comments.jsonl'));
      const notifications = distinctNotifications(stack.receiver.received);
      const problems: string[] = [];
      // Sends the client gave up on that never reached their request (reported, not a failure: their resend applied).
      let neverReached = 0;
      await Promise.all(
        tickets.map(async (ticketId, i) => {
          const handle = handles[i]!;
          const view: StateView = await readState(handle);
          const steps = script(ticketId);
          // Each step applied once, in order; a retried send may only be a repeat.
          const applied = view.events.filter((e) => e.result === 'applied').map((e) => e.eventId);
          if (JSON.stringify(applied) !== JSON.stringify(steps.map((s) => s.eventId))) {
            problems.push(`${ticketId}: applied ${JSON.stringify(applied)}`);
          }
          const refused = view.events.filter((e) => e.result === 'refused');
          if (refused.length) problems.push(`${ticketId}: refused ${JSON.stringify(refused)}`);
          // Every delivery beyond one per step was recognised as a repeat, and every repeat came from an extra send.
          const delivered = await deliveries(handle);
          if (delivered !== steps.length + view.eventCount.repeats) {
            problems.push(
              `${ticketId}: ${delivered} deliveries for ${steps.length} steps, ${view.eventCount.repeats} repeats`,
            );
          }
          const repeats = view.eventCount.repeats + (turnedAway.get(ticketId) ?? 0);
          const extra = extraSends.get(ticketId) ?? 0;
          if (repeats > extra) problems.push(`${ticketId}: ${repeats} repeats for ${extra} extra sends`);
          neverReached += extra - repeats;
          // The audit trail in Temporal's own history says the same: the events, and a duplicate for each repeat counted.
          const durable = await auditFromHistory(handle);
          const recorded = durable
            .filter((e) => e.result !== 'duplicate')
            .map((e) => `${e.seq} ${e.eventId} ${e.result}`);
          const queried = view.events.map((e) => `${e.seq} ${e.eventId} ${e.result}`);
          if (JSON.stringify(recorded) !== JSON.stringify(queried)) {
            problems.push(`${ticketId}: history audit ${JSON.stringify(recorded)} != query ${JSON.stringify(queried)}`);
          }
          if (durable.filter((e) => e.result === 'duplicate').length !== view.eventCount.repeats) {
            problems.push(`${ticketId}: history duplicates != eventCount.repeats ${view.eventCount.repeats}`);
          }
          const states = await upsertedStates(handle);
          if (JSON.stringify(states) !== JSON.stringify(statePath)) {
            problems.push(`${ticketId}: PrivateLinkState went ${states.join(' > ')}`);
          }
          // Effects: each carried out once, none failed, none left pending.
          const done = view.effects.done.map((e) => `${e.seq} ${e.type} ${e.what} ${e.status}`);
          if (new Set(view.effects.done.map((e) => e.seq)).size !== done.length || view.effects.pending !== 0) {
            problems.push(`${ticketId}: effects ${JSON.stringify(done)}, pending ${view.effects.pending}`);
          }
          if (view.effects.done.some((e) => e.status !== 'done')) problems.push(`${ticketId}: failed effect`);
          // What the customer and the vendor's channel actually received.
          const comments = ticketFile.filter((c) => c.ticketId === ticketId);
          const templates = view.effects.done.filter((e) => e.type === 'postTicketComment').map((e) => e.what);
          const changeComments = ticketFile.filter((c) => c.ticketId === changeTicketOf(ticketId));
          if (
            JSON.stringify(templates) !== JSON.stringify([...expectedComments, ...expectedChangeComments]) ||
            comments.length !== expectedComments.length ||
            changeComments.length !== expectedChangeComments.length ||
            new Set([...comments, ...changeComments].map((c) => c.idempotencyKey)).size !==
              comments.length + changeComments.length
          ) {
            problems.push(
              `${ticketId}: ${comments.length} + ${changeComments.length} comments in the tickets (templates ${templates.join(', ')})`,
            );
          }
          const kinds = notifications.filter((n) => n.ticketId === ticketId).map((n) => n.kind);
          const changeKinds = notifications.filter((n) => n.ticketId === changeTicketOf(ticketId)).map((n) => n.kind);
          if (
            JSON.stringify(kinds) !== JSON.stringify(expectedNotifications) ||
            JSON.stringify(changeKinds) !== JSON.stringify(expectedChangeNotifications)
          ) {
            problems.push(`${ticketId}: notifications ${kinds.join(', ')}; change ${changeKinds.join(', ')}`);
          }
        }),
      );
      expect(problems).toEqual([]);

      // Visibility agrees: every request of the drill is listed as removed, none still open.
      // (This file's server holds only the drill's requests.)
      await waitForCount(stack.server.client, 'PrivateLinkStatus = "removed"', REQUESTS, 10_000);
      await waitForCount(stack.server.client, 'ExecutionStatus = "Running"', 0, 10_000);
      process.stderr.write(
        `[drill sigkill] killed after ${appliedAtKill} of ${REQUESTS * STEPS} steps; ${progress.retries} sends retried (${neverReached} of them had not reached the request); ${marks.join(', ')}\n`,
      );
    }, 240_000);
  });
}
