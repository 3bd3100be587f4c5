/**
 * The four change machines (docs/lifecycle.md), model-based with @xstate/graph: every state reachable, the shortest
 * path to each end by the steps the lifecycle names, exactly the events of the process accepted in each state (every
 * other refused), who each state waits on, and no time or I/O inside.
 */
import { getShortestPaths } from '@xstate/graph';
import { type AnyMachineSnapshot, transition } from 'xstate';
import { checkEvent, eventTypes } from '../../src/domain/events';
import type { Cloud } from '../../src/domain/formats';
import type { ConnectionType } from '../../src/domain/intake';
import { startRequest } from '../../src/machines';
import { changeMachines } from '../../src/machines/changes/host';
import type { ChangeEvent, ChangeInput, OpenableChangeKind } from '../../src/machines/changes/setup';
import { applyRequestEvent, connectionOf, requestOf, type RequestState } from '../../src/machines/request';
import { changeScripts } from '../fixtures/changes';
import { endpointDnsOn, forwardLegEvents, onCloud, reverseLegEvents, type TestEvent } from '../fixtures/events';
import { exampleVendorConfig, validIntake } from '../fixtures/requests';

const vendor = exampleVendorConfig();
const at = '2026-11-10T10:00:00.000Z';

/** Each change's process as a table: in each open state, the events it accepts and where each leads. */
const processes: Record<OpenableChangeKind, Record<string, Record<string, string>>> = {
  remove: {
    revokingAccess: { 'customer_access.revoked': 'removingConnection', 'change.cancelled': 'cancelled' },
    removingConnection: {
      'connection.removed': '(removed, or deletingVendorEndpoints)',
      'change.cancelled': 'cancelled',
    },
    deletingVendorEndpoints: { 'vendor_endpoint.deleted': 'removed', 'change.cancelled': 'cancelled' },
  },
  change_account: {
    allowlistingNewAccount: { 'customer_access.granted': 'awaitingNewEndpoint', 'change.cancelled': 'cancelled' },
    awaitingNewEndpoint: { 'endpoint.requested': 'approvingNewConnection', 'change.cancelled': 'cancelled' },
    approvingNewConnection: {
      'connection.approved': 'verifyingNewConnection',
      'connection.rejected': 'awaitingNewEndpoint',
      'change.cancelled': 'cancelled',
    },
    verifyingNewConnection: {
      'connection.verified': 'revokingOldAccount',
      'connection.failed': 'troubleshooting',
      'connection.failed/customer': 'customerTroubleshooting',
      'change.cancelled': 'cancelled',
    },
    troubleshooting: {
      'troubleshooting.resolved': 'verifyingNewConnection',
      'connection.failed': 'troubleshooting',
      'connection.failed/customer': 'customerTroubleshooting',
      'change.cancelled': 'cancelled',
    },
    customerTroubleshooting: {
      'troubleshooting.resolved': 'verifyingNewConnection',
      'connection.verified': 'revokingOldAccount',
      'connection.failed': 'troubleshooting',
      'connection.failed/customer': 'customerTroubleshooting',
      'change.cancelled': 'cancelled',
    },
    revokingOldAccount: { 'customer_access.revoked': 'done', 'change.cancelled': 'cancelled' },
  },
  add_service: {
    awaitingPrincipalGrant: { 'principal.granted': 'creatingVendorEndpoint', 'change.cancelled': 'cancelled' },
    creatingVendorEndpoint: {
      'vendor_endpoint.created': 'awaitingReverseApproval',
      'vendor_endpoint.failed': 'awaitingPrincipalGrant',
      'change.cancelled': 'cancelled',
    },
    awaitingReverseApproval: {
      'reverse_connection.approved': 'verifyingReverseConnection',
      'reverse_connection.rejected': 'creatingVendorEndpoint',
      'change.cancelled': 'cancelled',
    },
    verifyingReverseConnection: {
      'reverse_connection.verified': 'done',
      'reverse_connection.failed': 'customerTroubleshooting',
      'reverse_connection.failed/vendor': 'troubleshooting',
      'change.cancelled': 'cancelled',
    },
    troubleshooting: {
      'troubleshooting.resolved': 'verifyingReverseConnection',
      'reverse_connection.failed': 'customerTroubleshooting',
      'reverse_connection.failed/vendor': 'troubleshooting',
      'change.cancelled': 'cancelled',
    },
    customerTroubleshooting: {
      'troubleshooting.resolved': 'verifyingReverseConnection',
      'reverse_connection.verified': 'done',
      'reverse_connection.failed': 'customerTroubleshooting',
      'reverse_connection.failed/vendor': 'troubleshooting',
      'change.cancelled': 'cancelled',
    },
  },
  remove_service: {
    deletingVendorEndpoint: { 'vendor_endpoint.deleted': 'done', 'change.cancelled': 'cancelled' },
  },
};

/** Whom each open state of each change waits on. */
const customerStates = new Set([
  'awaitingNewEndpoint',
  'verifyingNewConnection',
  'customerTroubleshooting',
  'awaitingPrincipalGrant',
  'awaitingReverseApproval',
  'verifyingReverseConnection',
]);

/** The steps that end each change, shortest first, as docs/lifecycle.md lists them. */
const shortest: Record<OpenableChangeKind, Record<string, string[]>> = {
  remove: {
    removed: ['customer_access.revoked', 'connection.removed'],
    cancelled: ['change.cancelled'],
  },
  change_account: {
    done: [
      'customer_access.granted',
      'endpoint.requested',
      'connection.approved',
      'connection.verified',
      'customer_access.revoked',
    ],
    cancelled: ['change.cancelled'],
  },
  add_service: {
    done: [
      'principal.granted',
      'vendor_endpoint.created',
      'reverse_connection.approved',
      'reverse_connection.verified',
    ],
    cancelled: ['change.cancelled'],
  },
  remove_service: { done: ['vendor_endpoint.deleted'], cancelled: ['change.cancelled'] },
};

/** An enabled connection of `cloud` and `type`, as the request host leaves it. */
function enabled(cloud: Cloud, type: ConnectionType): RequestState {
  let state = requestOf(startRequest({ ticketId: 'T-1001', vendor, intake: validIntake(cloud, type) }).snapshot);
  for (const event of onCloud(cloud, [...forwardLegEvents, ...(type === 'bidirectional' ? reverseLegEvents : [])])) {
    const check = checkEvent({ actor: 'alice', ...event });
    if (!check.ok) throw new Error(check.reason);
    const step = applyRequestEvent(state, check.event, at);
    if ('refused' in step) throw new Error(step.message);
    state = step.state;
  }
  return state;
}

/** One sample of every event type a change might get, valid for the connection (failures of both sides). */
function samples(cloud: Cloud): ChangeEvent[] {
  const raw: TestEvent[] = onCloud(cloud, [
    { type: 'customer_access.granted' },
    { type: 'endpoint.requested', endpointId: 'vpce-0aaaaaaaaaaaaaaa1' },
    { type: 'connection.approved' },
    { type: 'connection.rejected', reason: 'wrong account' },
    { type: 'connection.verified' },
    { type: 'connection.failed', details: 'timed out' },
    { type: 'connection.failed', details: 'timed out', failingSide: 'customer' },
    { type: 'troubleshooting.resolved' },
    { type: 'principal.granted' },
    { type: 'vendor_endpoint.created', endpointId: 'vpce-0bbbbbbbbbbbbbbb2', endpointDns: endpointDnsOn(cloud, 2) },
    { type: 'vendor_endpoint.failed', reason: 'access denied' },
    { type: 'reverse_connection.approved' },
    { type: 'reverse_connection.rejected', reason: 'unknown endpoint' },
    { type: 'reverse_connection.verified' },
    { type: 'reverse_connection.failed', details: 'refused' },
    { type: 'reverse_connection.failed', details: 'refused', failingSide: 'vendor' },
    { type: 'customer_access.revoked' },
    { type: 'connection.removed' },
    { type: 'vendor_endpoint.deleted' },
    { type: 'change.cancelled', reason: 'customer withdrew' },
    { type: 'ports.opened' },
    { type: 'request.cancelled', reason: 'customer withdrew' },
    { type: 'ticket.updated', intake: { company: 'Acme' } },
  ]);
  return raw.map((event) => {
    const check = checkEvent({ actor: 'alice', ...event });
    if (!check.ok) throw new Error(check.reason);
    return { ...check.event, at };
  });
}
const keyOf = (event: ChangeEvent) =>
  'failingSide' in event && event.failingSide ? `${event.type}/${event.failingSide}` : event.type;

const variants = (['aws', 'azure'] as const).flatMap((cloud) =>
  (['unidirectional', 'bidirectional'] as const).flatMap((type) =>
    changeScripts(cloud, type).map((s) => [s.kind as OpenableChangeKind, cloud, type, s.change] as const),
  ),
);

describe.each(variants)('the %s change on a %s %s connection', (kind, cloud, type, change) => {
  const machine = changeMachines[kind];
  const events = samples(cloud);
  const connection = connectionOf(enabled(cloud, type))!;
  const input: ChangeInput = {
    ticketId: 'T-1001',
    changeTicketId: 'T-2001',
    change: change as ChangeInput['change'],
    requestedBy: 'zendesk',
    connection,
    vendor,
    environment: 'production',
  };
  let reached = new Map<string, ReturnType<typeof getShortestPaths>[number]>();
  beforeAll(() => {
    const paths = getShortestPaths(machine, {
      input,
      events,
      serializeState: (snapshot) => String((snapshot as AnyMachineSnapshot).value),
    });
    reached = new Map(paths.map((p) => [String(p.state.value), p]));
  });
  const process = processes[kind];

  it('reaches every state of the change', () => {
    const expected = Object.keys(machine.root.states).filter(
      // Only a bidirectional connection has vendor endpoints for a removal to delete.
      (s) => !(s === 'deletingVendorEndpoints' && type === 'unidirectional'),
    );
    expect([...reached.keys()].sort()).toEqual(expected.sort());
  });

  it('ends by the steps the lifecycle names, shortest first', () => {
    for (const [end, steps] of Object.entries(shortest[kind])) {
      const path = reached
        .get(end)!
        .steps.map((s) => (s.event as { type: string }).type)
        .filter((t) => t !== 'xstate.init');
      const expected =
        kind === 'remove' && end === 'removed' && type === 'bidirectional'
          ? [...steps, 'vendor_endpoint.deleted']
          : steps;
      expect({ end, path }).toEqual({ end, path: expected });
    }
  });

  it('accepts exactly the events of the process in each state, refuses every other, and moves where it says', () => {
    for (const [state, path] of reached) {
      const snapshot = path.state as AnyMachineSnapshot;
      if (snapshot.status !== 'active') {
        expect(events.filter((e) => snapshot.can(e)).map((e) => e.type)).toEqual([]);
        continue;
      }
      const table = process[state]!;
      for (const event of events) {
        // A failure report naming the default side is the same as one naming none.
        const key = keyOf(event);
        const expected = key in table;
        expect({ state, event: key, can: snapshot.can(event) }).toEqual({ state, event: key, can: expected });
      }
      for (const [key, target] of Object.entries(table)) {
        if (target.startsWith('(')) continue;
        const [next] = transition(
          machine,
          snapshot as never,
          events.find((e) => keyOf(e) === key)!,
        );
        expect({ state, key, next: String(next.value) }).toEqual({ state, key, next: target });
      }
    }
    // No event type outside the samples is accepted anywhere: the samples cover every type a change knows.
    const sampled = new Set(events.map((e) => e.type));
    for (const node of Object.values(machine.root.states)) {
      for (const type of node.ownEvents)
        expect({ type, sampled: sampled.has(type as never) }).toEqual({ type, sampled: true });
    }
    expect(eventTypes.filter((t) => !sampled.has(t))).toEqual([
      'ticket.submitted',
      'change.requested',
      'request.assigned',
      'note.added',
    ]);
  });

  it('tags every open state with who it waits on, final states with no one', () => {
    for (const node of Object.values(machine.root.states)) {
      const expected = node.type === 'final' ? [] : [customerStates.has(node.key) ? 'customer' : 'vendor'];
      expect({ state: node.key, tags: [...node.tags] }).toEqual({ state: node.key, tags: expected });
    }
  });

  it('leaves time and I/O to Temporal: no delayed transitions, no invoked actors', () => {
    for (const node of Object.values(machine.root.states)) {
      expect({ state: node.key, after: node.after, invoke: node.invoke }).toEqual({
        state: node.key,
        after: [],
        invoke: [],
      });
    }
  });
});
