import { WorkflowUpdateFailedError, type WorkflowHandle } from '@temporalio/client';
import type { IntakeDraft } from '../../src/domain/intake';
import {
  applyEnablementEventUpdate,
  enablementEventSignal,
  type EnablementEventInput,
  type EventOutcome,
} from '../../src/temporal/messages';
import { workflowIdForTicket } from '../../src/temporal/names';
import { failureTypes } from '../../src/temporal/failures';
import { readState } from '../../src/temporal/read-state';
import { enablementWorkflow } from '../../workflows';
import { bidirectionalLoopEvents, forwardLegEvents, onCloud, reverseLegEvents } from '../fixtures/events';
import { validIntake } from '../fixtures/requests';
import { useTemporal } from '../helpers/temporal';
import { startRequest } from '../helpers/requests';
import { waitFor } from '../helpers/eventually';

const temporal = useTemporal('dev-server');
const actor = 'alice@vendor.example';
let ticketSeq = 0;
const nextTicket = () => `WF-${Date.now().toString(36)}-${++ticketSeq}`;

/** Starts a request with its intake, or empty (waiting for `ticket.submitted`) without one. */
const start = (ticketId: string, intake?: IntakeDraft) =>
  startRequest(temporal.client, ticketId, { intake: intake ?? null, taskQueue: temporal.taskQueue });
const send = (handle: WorkflowHandle, event: Omit<EnablementEventInput, 'actor'> & { actor?: string }) =>
  handle.executeUpdate(applyEnablementEventUpdate, { args: [{ actor, ...event } as EnablementEventInput] });
const historyLength = async (handle: WorkflowHandle) => (await handle.fetchHistory()).events?.length ?? 0;

const forward = forwardLegEvents;
const reverse = reverseLegEvents;

describe('the enablement workflow on a real server', () => {
  it.each([
    ['aws', 'unidirectional'],
    ['azure', 'unidirectional'],
    ['aws', 'bidirectional'],
    ['azure', 'bidirectional'],
  ] as const)('runs a %s %s request to enabled through updates', async (cloud, type) => {
    await temporal.withWorker(async () => {
      const ticketId = nextTicket();
      const handle = await start(ticketId, validIntake(cloud, type, ticketId));
      const steps = onCloud(cloud, type === 'unidirectional' ? forward : [...forward, ...reverse]);
      const views: EventOutcome[] = [];
      for (const event of steps) views.push(await send(handle, event));
      expect(views.map((v) => v.state)).toEqual(
        type === 'unidirectional'
          ? ['awaitingEndpoint', 'reviewingConnection', 'openingPorts', 'verifyingConnection', 'active']
          : [
              'awaitingEndpoint',
              'reviewingConnection',
              'openingPorts',
              'verifyingConnection',
              'awaitingPrincipalGrant',
              'creatingVendorEndpoint',
              'awaitingReverseApproval',
              'verifyingReverseConnection',
              'active',
            ],
      );
      // Enabled, the request stays open as the connection's record, taking changes, assignments and notes only.
      expect(views.at(-1)).toMatchObject({
        status: 'enabled',
        waitingOn: 'none',
        allowedEvents: ['change.requested', 'request.assigned', 'note.added'],
        cloud,
        company: 'Acme',
        change: null,
        connection: { ticketId, customerAccount: validIntake(cloud, type).customerAccount, since: expect.any(String) },
      });
      expect((await handle.describe()).status.name).toBe('RUNNING');
      await waitFor(async () => (await readState(handle)).effects.pending === 0, 15_000, 'the effects to go out');

      // Every customer-facing step reached the ticket, in order, exactly once.
      const comments = temporal.activities.tickets.comments(ticketId).map((c) => c.body);
      expect(comments[0]).toContain(`Your ${type} PrivateLink request is complete and accepted`);
      expect(comments.at(-1)).toContain(`PrivateLink is enabled (${type})`);
      expect(comments.length).toBe(type === 'unidirectional' ? 5 : 8);
      expect(new Set(temporal.activities.tickets.comments(ticketId).map((c) => c.idempotencyKey)).size).toBe(
        comments.length,
      );
      // The vendor was told what to do, over the notification webhook.
      const notes = temporal.activities.notifications.received.filter(
        (r) => (r.body as { ticketId: string }).ticketId === ticketId,
      );
      expect(notes.map((n) => (n.body as { kind: string }).kind)).toContain('action_required');
      expect(notes.map((n) => (n.body as { kind: string }).kind).at(-1)).toBe('enabled');
      if (type === 'bidirectional') {
        const view = await readState(handle);
        expect(view.effects.done).toContainEqual(
          expect.objectContaining({ type: 'runConnectivityCheck', what: '127.0.0.1', status: 'done' }),
        );
      }
      // The workflow ends when a change ticket removes the connection.
      const removal = [
        { type: 'change.requested', changeTicketId: `${ticketId}-RM`, change: { kind: 'remove' } },
        { type: 'customer_access.revoked' },
        { type: 'connection.removed' },
        ...(type === 'bidirectional' ? [{ type: 'vendor_endpoint.deleted' }] : []),
      ];
      for (const event of removal) await send(handle, event);
      expect(await handle.result()).toMatchObject({
        ticketId,
        status: 'removed',
        state: 'removed',
        connectionType: type,
        cloud,
        events: steps.length + removal.length,
      });
    });
  });

  it('is found by its search attributes, as the stock temporal CLI would query them', async () => {
    await temporal.withWorker(async () => {
      const ticketId = nextTicket();
      const handle = await start(ticketId, {
        ...validIntake('azure', 'bidirectional', ticketId),
        company: 'Zeta Corp',
        subject: 'PrivateLink support for Zeta Corp',
      });
      await send(handle, forward[0]!);
      const query = `WorkflowId = "${handle.workflowId}" AND PrivateLinkStatus = "in_progress" AND PrivateLinkWaitingOn = "customer" AND PrivateLinkState = "awaitingEndpoint" AND PrivateLinkCloud = "azure" AND PrivateLinkConnectionType = "bidirectional" AND PrivateLinkCompany = "Zeta Corp" AND PrivateLinkSlaBreached = false`;
      await waitFor(
        async () => {
          for await (const wf of temporal.client.workflow.list({ query }))
            if (wf.workflowId === handle.workflowId) return true;
          return false;
        },
        15_000,
        'the request to be visible by its search attributes',
      );
      await send(handle, { type: 'request.cancelled', reason: 'test over' });
    });
  });

  it('loops through rejection, failed verification and troubleshooting', async () => {
    await temporal.withWorker(async () => {
      const ticketId = nextTicket();
      const handle = await start(ticketId, validIntake('aws', 'bidirectional', ticketId));
      const script = bidirectionalLoopEvents;
      for (const event of script) await send(handle, event);
      const last = await readState(handle);
      expect(last.status).toBe('enabled');
      expect(last.events.map((e) => `${e.from}->${e.to}`).slice(2, 4)).toEqual([
        'reviewingConnection->awaitingEndpoint',
        'awaitingEndpoint->reviewingConnection',
      ]);
      expect(
        temporal.activities.tickets
          .comments(ticketId)
          .map((c) => c.body)
          .join('\n'),
      ).toContain('wrong subscription');
    });
  });

  it('waits for information, tells the ticket what is missing, and goes on once it arrives', async () => {
    await temporal.withWorker(async () => {
      const ticketId = nextTicket();
      const { customerAccount: _omit, ...draft } = validIntake('aws', 'unidirectional', ticketId);
      const handle = await start(ticketId, draft);
      const waiting = await readState(handle);
      expect(waiting).toMatchObject({
        status: 'awaiting_information',
        waitingOn: 'customer',
        state: 'awaitingInformation',
      });
      expect(waiting.request.problems).toEqual([
        { field: 'customerAccount', kind: 'missing', message: 'is missing: your 12-digit AWS account id' },
      ]);
      await waitFor(() => temporal.activities.tickets.comments(ticketId).length === 1, 10_000, 'the comment');
      expect(temporal.activities.tickets.comments(ticketId)[0]!.body).toContain('AWS account: is missing');
      const view = await send(handle, { type: 'ticket.updated', intake: { customerAccount: '123456789012' } });
      expect(view).toMatchObject({ status: 'in_progress', state: 'allowlisting', waitingOn: 'vendor' });
      expect(view.request.intake?.customerAccount).toBe('123456789012');
      await send(handle, { type: 'request.cancelled', reason: 'test over' });
      expect(await handle.result()).toMatchObject({ status: 'cancelled' });
    });
  });

  it('starts the SLA clock now when a waiting ticket gives a submission time from the far future, and stays usable', async () => {
    await temporal.withWorker(async () => {
      const ticketId = nextTicket();
      const { customerAccount: _omit, ...draft } = validIntake('aws', 'unidirectional', ticketId);
      const before = Date.now();
      const handle = await start(ticketId, { ...draft, submittedAt: '+243780-07-20T21:00:00.000Z' });
      let deadline: string | null | undefined;
      await waitFor(
        async () => {
          deadline = (await readState(handle)).sla?.deadline;
          return typeof deadline === 'string';
        },
        10_000,
        'the SLA clock to start',
      );
      // Five business days from now: within a few weeks, not in year 243780.
      expect(Date.parse(deadline!)).toBeGreaterThan(before);
      expect(Date.parse(deadline!)).toBeLessThan(before + 30 * 24 * 3_600_000);
      // The deadline went into the search attributes, and the workflow still takes events.
      await waitFor(
        async () => (await handle.describe()).searchAttributes.PrivateLinkSlaDeadline !== undefined,
        10_000,
        'the deadline search attribute',
      );
      const waiting = await readState(handle);
      expect(waiting.request.problems.map((p) => p.field).sort()).toEqual(['customerAccount', 'submittedAt']);
      const view = await send(handle, {
        type: 'ticket.updated',
        intake: { customerAccount: '123456789012', submittedAt: new Date(before).toISOString() },
      });
      expect(view).toMatchObject({ status: 'in_progress', state: 'allowlisting' });
      await send(handle, { type: 'request.cancelled', reason: 'test over' });
      expect(await handle.result()).toMatchObject({ status: 'cancelled' });
    });
  });

  it('rejects an ineligible request and ends', async () => {
    await temporal.withWorker(async () => {
      const ticketId = nextTicket();
      const handle = await start(ticketId, {
        ...validIntake('aws', 'unidirectional', ticketId),
        environment: 'integration',
      });
      expect(await handle.result()).toMatchObject({ status: 'rejected', state: 'rejected' });
      expect(temporal.activities.tickets.comments(ticketId)[0]!.body).toContain(
        'We cannot enable PrivateLink for this request',
      );
    });
  });

  it('refuses an update the state does not allow, leaving state and history unchanged', async () => {
    await temporal.withWorker(async () => {
      const ticketId = nextTicket();
      const handle = await start(ticketId, validIntake('aws', 'unidirectional', ticketId));
      // Let the start's own effects (comment, notification) finish, so the history is at rest.
      await waitFor(async () => (await readState(handle)).effects.done.length === 2, 10_000, 'start effects');
      const before = await historyLength(handle);
      const refusals = [
        [
          { type: 'connection.approved' },
          'connection.approved is not allowed in state allowlisting. Allowed events: customer_access.granted, ticket.updated, request.cancelled, note.added.',
        ],
        [
          { type: 'connection.approve' },
          'Unknown event type "connection.approve"; did you mean connection.approved? Known types: ticket.submitted,',
        ],
        [
          { type: 'endpoint.requested' },
          "Invalid endpoint.requested event: endpointId: is required: the id of the customer's endpoint",
        ],
        [{ type: 'note.added', text: 'x', actor: '' }, 'Invalid note.added event: actor: must not be empty'],
        [{ type: 'note.added', text: 'x', colour: 'red' }, 'colour: is not a field of note.added'],
      ] as const;
      for (const [event, message] of refusals) {
        const error = await send(handle, event as never).then(
          () => undefined,
          (err: unknown) => err,
        );
        expect(error).toBeInstanceOf(WorkflowUpdateFailedError);
        expect(String((error as WorkflowUpdateFailedError).cause?.message)).toContain(message);
      }
      expect(await historyLength(handle)).toBe(before);
      const view = await readState(handle);
      expect(view.state).toBe('allowlisting');
      expect(view.events).toEqual([]);
      await send(handle, { type: 'request.cancelled', reason: 'test over' });
    });
  });

  it('applies the same eventId once, by update or by signal: a repeat is counted, never listed or applied again', async () => {
    await temporal.withWorker(async () => {
      const ticketId = nextTicket();
      const handle = await start(ticketId, validIntake('aws', 'unidirectional', ticketId));
      const first = await send(handle, { type: 'customer_access.granted', eventId: 'zd-1' });
      const settled = async () => {
        const { effects } = await readState(handle);
        return effects.pending === 0 && effects.done.some((e) => e.what === 'create_endpoint');
      };
      await waitFor(settled, 10_000, 'the service-name comment');
      const historyBefore = await historyLength(handle);
      // By update the repeat is turned away by the validator: nothing reaches the history.
      const again = await send(handle, { type: 'customer_access.granted', eventId: 'zd-1' }).catch((e: unknown) => e);
      expect(again).toBeInstanceOf(WorkflowUpdateFailedError);
      expect((again as WorkflowUpdateFailedError).cause).toMatchObject({
        type: failureTypes.duplicateEvent,
        details: [1],
      });
      expect(await historyLength(handle)).toBe(historyBefore);
      // By signal it is counted: no entry of its own in the state view, no second transition.
      await handle.signal(enablementEventSignal, { type: 'customer_access.granted', actor, eventId: 'zd-1' });
      const view = await send(handle, { type: 'note.added', text: 'checked' });
      expect(first.state).toBe('awaitingEndpoint');
      expect(first.event).toMatchObject({ eventId: 'zd-1', result: 'applied', from: 'allowlisting' });
      expect(view.state).toBe('awaitingEndpoint');
      expect(view.event).toMatchObject({ type: 'note.added', result: 'applied', seq: 2 });
      const state = await readState(handle);
      expect(state.events.filter((e) => e.eventId === 'zd-1').map((e) => e.result)).toEqual(['applied']);
      expect(state.eventCount).toEqual({ total: 2, repeats: 1, notes: 1 });
      expect(
        temporal.activities.tickets.comments(ticketId).filter((c) => c.body.includes('Service name:')),
      ).toHaveLength(1);
      await send(handle, { type: 'request.cancelled', reason: 'test over' });
    });
  });

  it("keeps each sender's eventIds apart, and refuses an eventId reused for a different event (409 material)", async () => {
    await temporal.withWorker(async () => {
      const ticketId = nextTicket();
      const handle = await start(ticketId, validIntake('aws', 'unidirectional', ticketId));
      // Automation's note with id grant-1 does not silence support's grant with the same id.
      await handle.executeUpdate(applyEnablementEventUpdate, {
        args: [{ type: 'note.added', actor: 'automation-bot', eventId: 'grant-1', text: 'fyi' }],
      });
      const grant = await send(handle, { type: 'customer_access.granted', eventId: 'grant-1' });
      expect(grant.event).toMatchObject({ result: 'applied', to: 'awaitingEndpoint' });
      // The same sender, type and id with different content is refused, naming the event it collides with.
      const reused = await handle
        .executeUpdate(applyEnablementEventUpdate, {
          args: [{ type: 'note.added', actor: 'automation-bot', eventId: 'grant-1', text: 'something else' }],
        })
        .catch((e: unknown) => e);
      expect(reused).toBeInstanceOf(WorkflowUpdateFailedError);
      expect((reused as WorkflowUpdateFailedError).cause).toMatchObject({ type: failureTypes.eventIdReused });
      expect(((reused as Error).cause as Error).message).toMatch(
        /already used by automation-bot for a different note.added event \(event 1\)/,
      );
      await send(handle, { type: 'request.cancelled', reason: 'test over' });
    });
  });

  it('records a signal it cannot apply as refused in the audit trail and carries on', async () => {
    await temporal.withWorker(async () => {
      const ticketId = nextTicket();
      const handle = await start(ticketId, validIntake('aws', 'unidirectional', ticketId));
      await handle.signal(enablementEventSignal, { type: 'connection.verified', actor: 'zendesk' });
      await handle.signal(enablementEventSignal, { type: 'bogus', actor: 'zendesk' });
      await handle.signal(enablementEventSignal, { type: 'customer_access.granted', actor: 'zendesk', eventId: 'e-2' });
      await waitFor(async () => (await readState(handle)).events.length === 3, 10_000, 'three events');
      const view = await readState(handle);
      expect(view.events.map((e) => [e.type, e.via, e.result, e.actor])).toEqual([
        ['connection.verified', 'signal', 'refused', 'zendesk'],
        ['bogus', 'signal', 'refused', 'zendesk'],
        ['customer_access.granted', 'signal', 'applied', 'zendesk'],
      ]);
      expect(view.events[0]!.reason).toContain('connection.verified is not allowed in state allowlisting');
      expect(view.state).toBe('awaitingEndpoint');
      await send(handle, { type: 'request.cancelled', reason: 'test over' });
    });
  });

  it('starts once per ticket however often signalWithStart is called, and waits for ticket.submitted when started empty', async () => {
    await temporal.withWorker(async () => {
      const ticketId = nextTicket();
      const intake = validIntake('azure', 'unidirectional', ticketId);
      const deliver = () =>
        startRequest(temporal.client, ticketId, {
          intake,
          taskQueue: temporal.taskQueue,
          via: 'signal-with-start',
          actor: 'zendesk',
        });
      const [a, b] = await Promise.all([deliver(), deliver()]);
      expect(a.firstExecutionRunId).toBe(b.firstExecutionRunId);
      const handle = temporal.client.workflow.getHandle(workflowIdForTicket(ticketId));
      await waitFor(async () => (await readState(handle)).state === 'allowlisting', 10_000, 'allowlisting');
      const view = await readState(handle);
      // The second delivery is a repeat: counted, not listed.
      expect(view.events.map((e) => e.result)).toEqual(['applied']);
      expect(view.eventCount.repeats).toBe(1);
      let runs = 0;
      for await (const _ of temporal.client.workflow.list({ query: `WorkflowId = "${workflowIdForTicket(ticketId)}"` }))
        runs++;
      expect(runs).toBe(1);
      await send(handle, { type: 'request.cancelled', reason: 'test over' });
      expect(await handle.result()).toMatchObject({ status: 'cancelled' });
    });
  });

  it('fails at once, with the rule, when started with a ticket id that cannot name a workflow', async () => {
    await temporal.withWorker(async () => {
      const handle = await temporal.client.workflow.start(enablementWorkflow, {
        workflowId: 'privatelink-T 1/2',
        taskQueue: temporal.taskQueue,
        args: [{ ticketId: 'T 1/2' }],
      });
      await expect(handle.result()).rejects.toMatchObject({
        cause: {
          message: `ticketId must be 1 to 64 letters, digits, '.', '_' or '-' (got "T 1/2")`,
          nonRetryable: true,
        },
      });
    });
  });

  it('refuses to run under a workflow id other than privatelink-<ticketId>', async () => {
    await temporal.withWorker(async () => {
      const handle = await temporal.client.workflow.start(enablementWorkflow, {
        workflowId: 'some-other-id',
        taskQueue: temporal.taskQueue,
        args: [{ ticketId: 'T-1' }],
      });
      await expect(handle.result()).rejects.toMatchObject({
        cause: { message: expect.stringContaining('must have id privatelink-T-1 (one workflow per ticket)') },
      });
    });
  });
});
