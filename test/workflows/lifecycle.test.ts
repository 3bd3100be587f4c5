/**
 * The connection's record on a real Temporal server (docs/lifecycle.md): every change kind walked to its end on both
 * clouds and connection types through the product's update, with a rejected step, a cancelled change and a refused
 * second change; the comments on the change ticket, the search attributes of open changes, and the audit entries
 * carrying the change ticket.
 */
import { WorkflowUpdateFailedError, type WorkflowHandle } from '@temporalio/client';
import type { Cloud } from '../../src/domain/formats';
import type { ConnectionType } from '../../src/domain/intake';
import { failureTypes } from '../../src/temporal/failures';
import {
  applyEnablementEventUpdate,
  enablementEventSignal,
  type EnablementEventInput,
  type EventOutcome,
} from '../../src/temporal/messages';
import { searchAttributes } from '../../src/temporal/names';
import { readState } from '../../src/temporal/read-state';
import { changeRequested, changeScripts, otherAccount, otherService } from '../fixtures/changes';
import { forwardLegEvents, onCloud, reverseLegEvents, type TestEvent } from '../fixtures/events';
import { validIntake } from '../fixtures/requests';
import { eventually, waitFor } from '../helpers/eventually';
import { startRequest } from '../helpers/requests';
import { useTemporal } from '../helpers/temporal';

const temporal = useTemporal('dev-server');
const actor = 'alice@vendor.example';
let seq = 0;
const nextTicket = () => `LC-${Date.now().toString(36)}-${++seq}`;
const send = (handle: WorkflowHandle, event: TestEvent, by = actor) =>
  handle.executeUpdate(applyEnablementEventUpdate, { args: [{ actor: by, ...event } as EnablementEventInput] });

/** A request of `cloud` and `type` started and walked to enabled. */
async function enabledRequest(cloud: Cloud, type: ConnectionType) {
  const ticketId = nextTicket();
  const handle = await startRequest(temporal.client, ticketId, {
    intake: validIntake(cloud, type, ticketId),
    taskQueue: temporal.taskQueue,
  });
  for (const event of onCloud(cloud, [...forwardLegEvents, ...(type === 'bidirectional' ? reverseLegEvents : [])])) {
    await send(handle, event);
  }
  // The enablement's SLA shows as met, stopped at enablement, however fast the request was enabled (even before its
  // calendar's windows had arrived).
  const view = await eventually(
    () => readState(handle),
    (v) => v.sla?.stoppedAt != null,
    { what: "the enablement's SLA to show as stopped" },
  );
  expect(view.sla).toMatchObject({ breached: false, stoppedAt: view.connection!.since });
  return { ticketId, handle };
}

const cases = (['aws', 'azure'] as const).flatMap((cloud) =>
  (['unidirectional', 'bidirectional'] as const).flatMap((type) =>
    changeScripts(cloud, type).map((script) => [cloud, type, script.kind, script] as const),
  ),
);

describe('changes to an enabled connection, on a real server', () => {
  it.each(cases)('%s %s: %s walked to its end', async (cloud, type, kind, script) => {
    await temporal.withWorker(async () => {
      const { ticketId, handle } = await enabledRequest(cloud, type);
      const changeTicketId = `${ticketId}-C`;
      const opened = await send(handle, changeRequested(changeTicketId, script.change));
      expect(opened).toMatchObject({
        status: 'enabled',
        state: 'active',
        change: { ticketId: changeTicketId, kind, requestedBy: actor },
        event: { type: 'change.requested', changeTicketId, result: 'applied' },
      });
      expect(opened.waitingOn).toBe(opened.change!.waitingOn);
      // An open change is found by its search attributes.
      await waitFor(
        async () => {
          const query = `WorkflowId = "${handle.workflowId}" AND PrivateLinkChangeKind IS NOT NULL AND PrivateLinkChangeKind = "${kind}" AND PrivateLinkChangeTicket = "${changeTicketId}" AND PrivateLinkChangeSlaBreached = false`;
          for await (const wf of temporal.client.workflow.list({ query }))
            if (wf.workflowId === handle.workflowId) return true;
          return false;
        },
        15_000,
        'the open change to be visible by its search attributes',
      );
      let last: EventOutcome = opened;
      for (const event of script.events) {
        last = await send(handle, event);
        expect(last.event.changeTicketId).toBe(changeTicketId);
      }
      expect(last).toMatchObject({ state: script.ends, change: null });
      if (script.ends === 'removed') {
        expect(await handle.result()).toMatchObject({ ticketId, status: 'removed', state: 'removed' });
      } else {
        expect(last.allowedEvents).toEqual(['change.requested', 'request.assigned', 'note.added']);
        expect((await handle.describe()).status.name).toBe('RUNNING');
      }
      // The change's comments went to its own ticket, opening with what will happen and ending with the result.
      await waitFor(
        async () => (await readState(handle)).effects.pending === 0,
        15_000,
        'the change effects to go out',
      );
      const comments = temporal.activities.tickets.comments(changeTicketId).map((c) => c.body);
      expect(comments[0]).toContain(`the PrivateLink connection enabled on ticket ${ticketId}`);
      expect(comments.at(-1)).toMatch(script.ends === 'removed' ? /is removed/ : /Your change is done/);
      expect(
        temporal.activities.tickets
          .comments(ticketId)
          .map((c) => c.body)
          .join('\n'),
      ).not.toContain('Your change is done');
      // The change's search attributes are gone with it.
      await waitFor(
        async () => {
          const attributes = (await handle.describe()).typedSearchAttributes;
          return (
            attributes.get(searchAttributes.changeKind) === undefined &&
            attributes.get(searchAttributes.changeTicket) === undefined
          );
        },
        15_000,
        'the change search attributes to be removed',
      );
    });
  });

  it('takes a rejected step and a failed test within a change, and refuses a second change naming the open one', async () => {
    await temporal.withWorker(async () => {
      const { ticketId, handle } = await enabledRequest('aws', 'unidirectional');
      await send(
        handle,
        changeRequested(`${ticketId}-C1`, { kind: 'change_account', customerAccount: otherAccount('aws') }),
      );
      await send(handle, { type: 'customer_access.granted' });
      await send(handle, { type: 'endpoint.requested', endpointId: 'vpce-0aaaaaaaaaaaaaaa1' });
      const rejected = await send(handle, { type: 'connection.rejected', reason: 'endpoint in the old account' });
      expect(rejected.change).toMatchObject({ state: 'awaitingNewEndpoint', waitingOn: 'customer' });

      // A second change while this one is open: refused, naming it, with the failure type the API answers 409 for.
      const second = send(handle, changeRequested(`${ticketId}-C2`, { kind: 'remove' }));
      await expect(second).rejects.toBeInstanceOf(WorkflowUpdateFailedError);
      await expect(second).rejects.toMatchObject({
        cause: {
          type: failureTypes.changeInProgress,
          message: `Change ${ticketId}-C1 (change_account) is open on this connection, in state awaitingNewEndpoint: one change at a time. Finish it or cancel it (change.cancelled) first.`,
        },
      });
      // By signal (a ticket system's), the refusal is answered on the second change's ticket.
      await handle.signal(enablementEventSignal, {
        actor: 'zendesk',
        ...changeRequested(`${ticketId}-C2`, { kind: 'remove' }),
      } as EnablementEventInput);
      await waitFor(
        () => temporal.activities.tickets.comments(`${ticketId}-C2`).length > 0,
        15_000,
        'the refused change to be answered on its ticket',
      );
      expect(temporal.activities.tickets.comments(`${ticketId}-C2`)[0]!.body).toContain(
        `We cannot take this change to the PrivateLink connection of ticket ${ticketId}`,
      );

      await send(handle, { type: 'endpoint.requested', endpointId: 'vpce-0aaaaaaaaaaaaaaa2' });
      await send(handle, { type: 'connection.approved' });
      const failed = await send(handle, { type: 'connection.failed', details: 'telnet: timed out' });
      expect(failed.change).toMatchObject({ state: 'troubleshooting', waitingOn: 'vendor' });
      expect(failed.waitingOn).toBe('vendor');
      await send(handle, { type: 'troubleshooting.resolved' });
      await send(handle, { type: 'connection.verified' });
      const done = await send(handle, { type: 'customer_access.revoked' });
      expect(done.connection!.accounts.map((a) => a.account)).toEqual([otherAccount('aws')]);
      expect(done.connection!.customerAccount).toBe(otherAccount('aws'));
    });
  });

  it('cancels a change without effect on the connection, then takes the next one', async () => {
    await temporal.withWorker(async () => {
      const { ticketId, handle } = await enabledRequest('azure', 'bidirectional');
      const before = (await readState(handle)).connection;
      await send(
        handle,
        changeRequested(`${ticketId}-C1`, { kind: 'add_service', customerServiceName: otherService('azure') }),
      );
      await send(handle, { type: 'principal.granted' });
      const cancelled = await send(handle, { type: 'change.cancelled', reason: 'customer postponed it' });
      expect(cancelled).toMatchObject({ state: 'active', change: null, waitingOn: 'none', connection: before });
      expect(cancelled.event).toMatchObject({ type: 'change.cancelled', changeTicketId: `${ticketId}-C1` });
      const next = await send(handle, changeRequested(`${ticketId}-C2`, { kind: 'remove' }));
      expect(next.change).toMatchObject({ ticketId: `${ticketId}-C2`, state: 'revokingAccess' });
    });
  });

  it('answers a troubleshooting ticket with the Limitations reason, opening no change', async () => {
    await temporal.withWorker(async () => {
      const { ticketId, handle } = await enabledRequest('aws', 'unidirectional');
      const answered = await send(
        handle,
        changeRequested(`${ticketId}-T`, { kind: 'troubleshoot', details: 'timeouts' }),
      );
      expect(answered).toMatchObject({
        change: null,
        state: 'active',
        event: { result: 'applied', changeTicketId: `${ticketId}-T` },
      });
      await waitFor(() => temporal.activities.tickets.comments(`${ticketId}-T`).length === 1, 15_000, 'the answer');
      expect(temporal.activities.tickets.comments(`${ticketId}-T`)[0]!.body).toContain(
        'Troubleshooting a connection after it is enabled is not covered by our support',
      );
    });
  });
});
