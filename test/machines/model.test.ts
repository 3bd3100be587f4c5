import { getShortestPaths } from '@xstate/graph';
import { type AnyMachineSnapshot, transition } from 'xstate';
import type { EnablementEvent } from '../../src/domain/events';
import { eventTypes } from '../../src/domain/events';
import type { Cloud } from '../../src/domain/formats';
import type { ConnectionType, IntakeDraft } from '../../src/domain/intake';
import { machines, statusOf, waitingOnOf } from '../../src/machines';
import { endpointIdOn } from '../fixtures/events';
import { exampleVendorConfig, validIntake } from '../fixtures/requests';

const vendor = exampleVendorConfig();
type WithoutActor<E> = E extends unknown ? Omit<E, 'actor'> : never;
const actor = 'alice@vendor.example';

/**
 * The process from the seeds, as a table: in each resting state, the events it accepts and where each leads. Events
 * not listed must be refused. `note.added` is accepted everywhere open and leads nowhere. A failure report is keyed by
 * the side it names (`/customer`, `/vendor`), or by its type alone when it names none.
 */
const process: Record<string, Record<string, string>> = {
  awaitingSubmission: { 'ticket.submitted': '(intake verdict)' },
  awaitingInformation: { 'ticket.submitted': '(intake verdict)', 'ticket.updated': '(intake verdict)' },
  allowlisting: { 'customer_access.granted': 'awaitingEndpoint' },
  awaitingEndpoint: { 'endpoint.requested': 'reviewingConnection' },
  reviewingConnection: { 'connection.approved': 'openingPorts', 'connection.rejected': 'awaitingEndpoint' },
  openingPorts: { 'ports.opened': 'verifyingConnection' },
  verifyingConnection: {
    'connection.verified': '(after forward leg)',
    'connection.failed': 'troubleshooting',
    'connection.failed/vendor': 'troubleshooting',
    'connection.failed/customer': 'customerTroubleshooting',
  },
  troubleshooting: {
    'troubleshooting.resolved': 'verifyingConnection',
    'connection.failed': 'troubleshooting',
    'connection.failed/vendor': 'troubleshooting',
    'connection.failed/customer': 'customerTroubleshooting',
  },
  customerTroubleshooting: {
    'troubleshooting.resolved': 'verifyingConnection',
    'connection.verified': '(after forward leg)',
    'connection.failed': 'troubleshooting',
    'connection.failed/vendor': 'troubleshooting',
    'connection.failed/customer': 'customerTroubleshooting',
  },
  awaitingPrincipalGrant: { 'principal.granted': 'creatingVendorEndpoint' },
  creatingVendorEndpoint: {
    'vendor_endpoint.created': 'awaitingReverseApproval',
    'vendor_endpoint.failed': 'awaitingPrincipalGrant',
  },
  awaitingReverseApproval: {
    'reverse_connection.approved': 'verifyingReverseConnection',
    'reverse_connection.rejected': 'creatingVendorEndpoint',
  },
  verifyingReverseConnection: {
    'reverse_connection.verified': 'enabled',
    'reverse_connection.failed': 'customerTroubleshootingReverse',
    'reverse_connection.failed/vendor': 'troubleshootingReverse',
    'reverse_connection.failed/customer': 'customerTroubleshootingReverse',
  },
  troubleshootingReverse: {
    'troubleshooting.resolved': 'verifyingReverseConnection',
    'reverse_connection.failed': 'customerTroubleshootingReverse',
    'reverse_connection.failed/vendor': 'troubleshootingReverse',
    'reverse_connection.failed/customer': 'customerTroubleshootingReverse',
  },
  customerTroubleshootingReverse: {
    'troubleshooting.resolved': 'verifyingReverseConnection',
    'reverse_connection.verified': 'enabled',
    'reverse_connection.failed': 'troubleshootingReverse',
    'reverse_connection.failed/vendor': 'troubleshootingReverse',
    'reverse_connection.failed/customer': 'customerTroubleshootingReverse',
  },
};
const forwardStates = [
  'allowlisting',
  'awaitingEndpoint',
  'reviewingConnection',
  'openingPorts',
  'verifyingConnection',
  'troubleshooting',
  'customerTroubleshooting',
];
const reverseStates = [
  'awaitingPrincipalGrant',
  'creatingVendorEndpoint',
  'awaitingReverseApproval',
  'verifyingReverseConnection',
  'troubleshootingReverse',
  'customerTroubleshootingReverse',
];
const expectedWaitingOn: Record<string, 'vendor' | 'customer'> = {
  awaitingSubmission: 'customer',
  awaitingInformation: 'customer',
  allowlisting: 'vendor',
  awaitingEndpoint: 'customer',
  reviewingConnection: 'vendor',
  verifyingConnection: 'customer',
  openingPorts: 'vendor',
  troubleshooting: 'vendor',
  customerTroubleshooting: 'customer',
  awaitingPrincipalGrant: 'customer',
  creatingVendorEndpoint: 'vendor',
  awaitingReverseApproval: 'customer',
  verifyingReverseConnection: 'customer',
  troubleshootingReverse: 'vendor',
  customerTroubleshootingReverse: 'customer',
};

/** A vendor endpoint's DNS name in each cloud's format (the machine refuses others). */
const endpointDns: Record<Cloud, string> = {
  aws: 'vpce-0a1b2c3d4e5f67890-x1y2z3w4.vpce-svc-0123456789abcdef0.us-east-1.vpce.amazonaws.com',
  azure: 'vendor-pe.privatelink.acme.example',
  alibaba: 'ep-gw8boxlbu8ddlgm4abcd.epsrv-bp1customerservice01.eu-central-1.privatelink.aliyuncs.com',
};

/** Another valid account than the sample intake's: a ticket update that changes the intake. */
const otherAccount: Record<Cloud, string> = {
  aws: '210987654321',
  azure: '11111111-2222-3333-4444-555555555555',
  alibaba: '6543210987654321',
};

/** One sample of every event type (plus intake variants), valid for the given request. */
function sampleEvents(cloud: Cloud, type: ConnectionType, declared: boolean, autoAccept: boolean): EnablementEvent[] {
  const base = validIntake(cloud, type);
  const intake: IntakeDraft = {
    ...base,
    vendorPrincipalAccessGranted: declared,
    ...(autoAccept ? { alibaba: { ...(base.alibaba as object), autoAcceptConnections: true } } : {}),
  };
  const { customerAccount: _dropped, ...incomplete } = intake;
  const e = (event: WithoutActor<EnablementEvent>) => ({ actor, ...event });
  return [
    e({ type: 'ticket.submitted', intake }),
    e({ type: 'ticket.submitted', intake: incomplete }),
    e({ type: 'ticket.submitted', intake: { ...intake, environment: 'integration' } }),
    e({ type: 'ticket.updated', intake: { customerAccount: intake.customerAccount } }),
    e({ type: 'ticket.updated', intake: { customerAccount: otherAccount[cloud] } }),
    e({ type: 'customer_access.granted' }),
    e({ type: 'endpoint.requested', endpointId: endpointIdOn(cloud, 'vpce-07f552b9497008761') }),
    e({ type: 'connection.approved' }),
    e({ type: 'connection.rejected', reason: 'wrong account' }),
    e({ type: 'ports.opened' }),
    e({ type: 'connection.verified' }),
    e({ type: 'connection.failed', details: 'Connection timed out' }),
    e({ type: 'connection.failed', details: 'Connection timed out', failingSide: 'vendor' }),
    e({ type: 'connection.failed', details: 'Connection timed out', failingSide: 'customer' }),
    e({ type: 'troubleshooting.resolved' }),
    e({ type: 'principal.granted' }),
    e({
      type: 'vendor_endpoint.created',
      endpointId: endpointIdOn(cloud, 'vpce-063c51c5620a37baf'),
      endpointDns: endpointDns[cloud],
    }),
    e({ type: 'vendor_endpoint.failed', reason: 'access denied' }),
    e({ type: 'reverse_connection.approved' }),
    e({ type: 'reverse_connection.rejected', reason: 'unknown endpoint' }),
    e({ type: 'reverse_connection.verified' }),
    e({ type: 'reverse_connection.failed', details: 'refused' }),
    e({ type: 'reverse_connection.failed', details: 'refused', failingSide: 'vendor' }),
    e({ type: 'reverse_connection.failed', details: 'refused', failingSide: 'customer' }),
    e({ type: 'request.cancelled', reason: 'customer withdrew' }),
    e({ type: 'note.added', text: 'called the customer' }),
    e({ type: 'request.assigned', assignee: 'sam@vendor.example' }),
    // The lifecycle's events: no enablement state takes them (the connection's record does, once enabled).
    e({ type: 'change.requested', changeTicketId: 'T-2001', change: { kind: 'remove' } }),
    e({ type: 'change.cancelled', reason: 'opened by mistake' }),
    e({ type: 'customer_access.revoked' }),
    e({ type: 'connection.removed' }),
    e({ type: 'vendor_endpoint.deleted' }),
  ];
}

/** The process table's key of a sample event: its type, and the side a failure report names. */
const keyOf = (event: EnablementEvent) =>
  'failingSide' in event && event.failingSide ? `${event.type}/${event.failingSide}` : event.type;

const variants = [
  ['aws', 'unidirectional', false, false],
  ['azure', 'unidirectional', false, false],
  ['alibaba', 'unidirectional', false, false],
  ['aws', 'bidirectional', false, false],
  ['aws', 'bidirectional', true, false],
  ['azure', 'bidirectional', false, false],
  ['azure', 'bidirectional', true, false],
  ['alibaba', 'bidirectional', false, false],
  ['alibaba', 'bidirectional', true, true],
  ['aws', 'reverse', false, false],
  ['aws', 'reverse', true, false],
  ['azure', 'reverse', false, false],
  ['alibaba', 'reverse', false, false],
  ['alibaba', 'reverse', true, true],
] as const;

describe.each(variants)(
  'the %s %s machine (principal access declared at intake: %s; service accepts by itself: %s)',
  (cloud, type, declared, autoAccept) => {
    const machine = machines[type];
    const events = sampleEvents(cloud, type, declared, autoAccept);
    /** Where each event leads: the process, except that a service that accepts by itself skips the acceptance. */
    const processHere: Record<string, Record<string, string>> = autoAccept
      ? {
          ...process,
          creatingVendorEndpoint: {
            ...process.creatingVendorEndpoint!,
            'vendor_endpoint.created': 'verifyingReverseConnection',
          },
        }
      : process;
    let reached = new Map<string, ReturnType<typeof getShortestPaths>[number]>();
    beforeAll(() => {
      const paths = getShortestPaths(machine, {
        input: { ticketId: 'T-1001', vendor },
        events,
        // Loops (rejections, failed checks) change only counters and ids: one snapshot per state is the model.
        serializeState: (snapshot) => String((snapshot as AnyMachineSnapshot).value),
      });
      reached = new Map(paths.map((p) => [String(p.state.value), p]));
    });
    const resting = Object.keys(machine.root.states).filter((s) => s !== 'validatingIntake');

    it('reaches every state of its path', () => {
      const expected = [
        'awaitingSubmission',
        'awaitingInformation',
        ...(type !== 'reverse' ? forwardStates : []),
        ...(type !== 'unidirectional' ? reverseStates : []),
        'enabled',
        'rejected',
        'cancelled',
      ];
      // A service that accepts by itself never waits for the customer's acceptance (the state exists, unreached).
      const reachable = autoAccept ? expected.filter((s) => s !== 'awaitingReverseApproval') : expected;
      expect([...reached.keys()].sort()).toEqual(reachable.sort());
      expect(resting.sort()).toEqual(expected.sort());
    });

    it('reaches enabled by the steps of the seeds, shortest first', () => {
      const steps = reached
        .get('enabled')!
        .steps.map((s) => (s.event as { type: string }).type)
        .filter((t) => t !== 'xstate.init');
      const forward = [
        'ticket.submitted',
        'customer_access.granted',
        'endpoint.requested',
        'connection.approved',
        'ports.opened',
        'connection.verified',
      ];
      const reverse = [
        ...(declared ? [] : ['principal.granted']),
        'vendor_endpoint.created',
        ...(autoAccept ? [] : ['reverse_connection.approved']),
        'reverse_connection.verified',
      ];
      expect(steps).toEqual(
        type === 'unidirectional'
          ? forward
          : type === 'reverse'
            ? ['ticket.submitted', ...reverse]
            : [...forward, ...reverse],
      );
    });

    it('accepts exactly the events of the process in each state, and moves where the process says', () => {
      for (const [state, path] of reached) {
        const snapshot = path.state as AnyMachineSnapshot;
        if (snapshot.status !== 'active') {
          for (const event of events)
            expect({ state, event: event.type, can: snapshot.can(event) }).toMatchObject({ can: false });
          continue;
        }
        const table = processHere[state]!;
        for (const event of events) {
          // After acceptance, an update that names another account than the accepted one is taken (staff and customer
          // are told; no transition); one that changes nothing is refused.
          const accepted = (snapshot.context as { intake?: { customerAccount: string } }).intake;
          const lateChange =
            event.type === 'ticket.updated' &&
            !snapshot.hasTag('intake') &&
            accepted !== undefined &&
            event.intake.customerAccount !== accepted.customerAccount;
          const expected =
            event.type === 'note.added' || event.type === 'request.cancelled' || keyOf(event) in table || lateChange;
          expect({ state, event: keyOf(event), can: snapshot.can(event) }).toEqual({
            state,
            event: keyOf(event),
            can: expected,
          });
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
    });

    it('tags every open state with who it waits on, and derives the status', () => {
      for (const [state, path] of reached) {
        const snapshot = path.state as AnyMachineSnapshot;
        const tags = [...snapshot.tags].filter((t) => t === 'vendor' || t === 'customer');
        if (snapshot.status === 'done') {
          expect({ state, tags, waitingOn: waitingOnOf(snapshot), status: statusOf(snapshot) }).toEqual({
            state,
            tags: [],
            waitingOn: 'none',
            status: state,
          });
        } else {
          expect({ state, tags, waitingOn: waitingOnOf(snapshot) }).toEqual({
            state,
            tags: [expectedWaitingOn[state]],
            waitingOn: expectedWaitingOn[state],
          });
          expect(statusOf(snapshot)).toBe(
            state.startsWith('awaiting') && snapshot.hasTag('intake') ? 'awaiting_information' : 'in_progress',
          );
        }
      }
      // The transient verdict state is tagged too (the vendor's system is working).
      expect(machine.root.states.validatingIntake!.tags).toEqual(['vendor', 'intake']);
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

    it('refuses every event once the request has ended', () => {
      for (const end of ['enabled', 'rejected', 'cancelled']) {
        const snapshot = reached.get(end)!.state as AnyMachineSnapshot;
        expect(eventTypes.filter((t) => snapshot.can(events.find((e) => e.type === t)!))).toEqual([]);
      }
    });
  },
);
