/**
 * Changes after enablement at their edges: a request before enablement as the request host reports it, the answers to
 * troubleshooting and refused change tickets as staff read them, a connection with several accounts and services
 * (every list in a message), a change of one service among two, approvals among other events, cancellations at the
 * points the other tests do not reach, and a failed test's full notification.
 */
import { checkEvent } from '../../src/domain/events';
import { type Effect, startRequest } from '../../src/machines';
import {
  applyRequestEvent,
  changeSummary,
  connectionOf,
  requestAllowedEvents,
  requestOf,
  type RequestState,
  requestStateName,
  requestStatus,
  requestWaitingOn,
} from '../../src/machines/request';
import { changeRequested, otherAccount, otherService } from '../fixtures/changes';
import { endpointDnsOn, forwardLegEvents, onCloud, reverseLegEvents, type TestEvent } from '../fixtures/events';
import { exampleVendorConfig, samples, validIntake } from '../fixtures/requests';

const vendor = exampleVendorConfig();
const at = '2026-03-02T10:00:00.000Z';

function apply(state: RequestState, event: TestEvent, actor = 'alice@vendor.example') {
  const check = checkEvent({ actor, ...event });
  if (!check.ok) throw new Error(check.reason);
  return applyRequestEvent(state, check.event, at);
}
/** Applies events in order; returns the last state and every effect. */
function walk(state: RequestState, events: TestEvent[], actor?: string) {
  const effects: Effect[] = [];
  for (const event of events) {
    const step = apply(state, event, actor);
    if ('refused' in step) throw new Error(step.message);
    state = step.state;
    effects.push(...step.effects);
  }
  return { state, effects };
}
const messages = (effects: Effect[]) => effects.flatMap((e) => (e.type === 'notify' ? [e.params.message] : []));
const started = (intake = validIntake('aws', 'unidirectional')) =>
  requestOf(startRequest({ ticketId: 'T-1001', vendor, intake }).snapshot);

const SECOND_SUBSCRIPTION = '9b2c7e1a-0d3f-4e5a-8b6c-7d8e9f0a1b2c';
const QUEUE = samples.AZURE_SERVICE.replace('acme-db', 'acme-queue');
/** An Azure connection with two subscriptions allowed and two customer services reached. */
function wide(): RequestState {
  const intake = {
    ...validIntake('azure', 'bidirectional'),
    azure: {
      clusterId: 'cl-7x2k9',
      subscriptionIds: [samples.AZURE_SUBSCRIPTION, SECOND_SUBSCRIPTION],
      targetResourceIds: [samples.AZURE_SERVICE, QUEUE],
    },
  };
  return walk(started(intake), [
    ...onCloud('azure', [...forwardLegEvents, ...reverseLegEvents]),
    ...onCloud('azure', [
      { type: 'vendor_endpoint.created', endpointId: 'vpce-0e4d0e4d0000000b3', endpointDns: endpointDnsOn('azure', 3) },
    ]),
    { type: 'reverse_connection.approved' },
    { type: 'reverse_connection.verified' },
  ]).state;
}
const pe = (id: string) => onCloud('azure', [{ type: 'x', endpointId: id }])[0]!.endpointId as string;

describe('a request before enablement, as the request host reports it', () => {
  it('the enablement machine’s status, state, party and events; no connection, no change', () => {
    const state = started();
    expect({
      status: requestStatus(state),
      state: requestStateName(state),
      waitingOn: requestWaitingOn(state),
      allowed: requestAllowedEvents(state),
      connection: connectionOf(state),
      change: changeSummary(state),
    }).toEqual({
      status: 'in_progress',
      state: 'allowlisting',
      waitingOn: 'vendor',
      allowed: ['customer_access.granted', 'ticket.updated', 'request.cancelled', 'request.assigned', 'note.added'],
      connection: null,
      change: null,
    });
    expect(apply(state, changeRequested('T-2001', { kind: 'remove' }))).toEqual({
      refused: true,
      message:
        'change.requested is not allowed in state allowlisting: a change can be requested once the connection is enabled.',
    });
  });
});

describe('what staff are told when a change ticket is answered without a change', () => {
  const enabled = () => walk(started(), forwardLegEvents).state;

  it('a troubleshooting ticket', () => {
    const { effects } = walk(enabled(), [changeRequested('T-2009', { kind: 'troubleshoot' })], 'zendesk');
    expect(effects.filter((e) => e.type === 'notify')).toEqual([
      {
        type: 'notify',
        params: {
          kind: 'change_refused',
          message:
            '[T-2009, about T-1001] Troubleshooting after enablement is outside support; the ticket was answered with that reason',
        },
        to: { ticketId: 'T-2009', startedBy: 'zendesk' },
      },
    ]);
  });

  it('a refused change', () => {
    const refused = apply(
      enabled(),
      changeRequested('T-2002', { kind: 'change_account', customerAccount: '1' }),
      'jira',
    );
    expect((refused as { answer: Effect[] }).answer.filter((e) => e.type === 'notify')).toEqual([
      {
        type: 'notify',
        params: {
          kind: 'change_refused',
          message:
            '[T-2002, change of T-1001] Change refused: This change cannot be made: change.customerAccount "1" is not an AWS account id (12 digits).',
        },
        to: { ticketId: 'T-2002', startedBy: 'jira' },
      },
    ]);
  });

  it("a service in another region on AWS: the form's problem alone, without Azure's advice", () => {
    const bidirectional = walk(started(validIntake('aws', 'bidirectional')), [
      ...forwardLegEvents,
      ...reverseLegEvents,
    ]);
    const refused = apply(
      bidirectional.state,
      changeRequested('T-2001', {
        kind: 'add_service',
        customerServiceName: 'com.amazonaws.vpce.eu-west-1.vpce-svc-0fedcba9876543210',
      }),
    );
    expect((refused as { message: string }).message).toBe(
      'This change cannot be made: change.customerServiceName "com.amazonaws.vpce.eu-west-1.vpce-svc-0fedcba9876543210" is in eu-west-1, not the request\'s region us-east-1.',
    );
  });
});

describe('a connection with two accounts and two customer services', () => {
  it('each list in full: the accounts to revoke, the endpoints to delete, what is left when cancelled', () => {
    const { effects } = walk(wide(), [
      changeRequested('T-2001', { kind: 'remove' }),
      { type: 'customer_access.revoked' },
      { type: 'connection.removed' },
      { type: 'change.cancelled', reason: 'on hold' },
    ]);
    expect(messages(effects)).toEqual([
      `[T-2001, change of T-1001] Remove the PrivateLink connection of Acme: first remove ${samples.AZURE_SUBSCRIPTION}, ${SECOND_SUBSCRIPTION} from the allowed principals of our endpoint service, then record customer_access.revoked`,
      "[T-2001, change of T-1001] Access revoked. Now reject or delete the customer's endpoint connections to our endpoint service, then record connection.removed",
      `[T-2001, change of T-1001] Connection removed. Now delete our endpoints to the customer's services (${pe('vpce-063c51c5620a37baf')} to ${samples.AZURE_SERVICE}; ${pe('vpce-0e4d0e4d0000000b3')} to ${QUEUE}), recording vendor_endpoint.deleted for each`,
      `[T-2001, change of T-1001] Change cancelled: on hold. Our endpoints ${pe('vpce-063c51c5620a37baf')}, ${pe('vpce-0e4d0e4d0000000b3')} remain, as the record shows`,
    ]);
  });

  it('a change of account names every old account, and what a finished change leaves', () => {
    const { effects } = walk(wide(), [
      changeRequested('T-2001', { kind: 'remove_service', customerServiceName: QUEUE }),
      { type: 'vendor_endpoint.deleted' },
      changeRequested('T-2002', {
        kind: 'change_account',
        customerAccount: otherAccount('azure').replace('9b2c', '1b2c'),
      }),
    ]);
    expect(messages(effects)).toEqual([
      `[T-2001, change of T-1001] Delete our endpoint ${pe('vpce-0e4d0e4d0000000b3')} to the customer's service ${QUEUE}, then record vendor_endpoint.deleted`,
      `[T-2001, change of T-1001] Change done (remove_service): ${samples.AZURE_SUBSCRIPTION}, ${SECOND_SUBSCRIPTION} can connect; we reach 1 customer service(s)`,
      `[T-2002, change of T-1001] Allow the customer's new account ${otherAccount('azure').replace('9b2c', '1b2c')} on our endpoint service (the old ${samples.AZURE_SUBSCRIPTION}, ${SECOND_SUBSCRIPTION} stays allowed until the new connection is verified), then record customer_access.granted`,
    ]);
  });

  it('a service it does not reach is refused naming every one it does', () => {
    const refused = apply(
      wide(),
      changeRequested('T-2001', { kind: 'remove_service', customerServiceName: otherService('azure') }),
    );
    expect((refused as { message: string }).message).toBe(
      `This change cannot be made: the connection does not connect to "${otherService('azure')}"; it connects to ${samples.AZURE_SERVICE}, ${QUEUE}.`,
    );
  });

  it('removing one service deletes that service’s endpoint, the named one or by default, never the other’s', () => {
    const open = walk(wide(), [
      changeRequested('T-2001', { kind: 'remove_service', customerServiceName: QUEUE }),
    ]).state;
    expect(apply(open, { type: 'vendor_endpoint.deleted', endpointId: pe('vpce-063c51c5620a37baf') })).toMatchObject({
      refused: true,
      message: expect.stringContaining(`is not the vendor endpoint to ${QUEUE}`),
    });
    for (const deletion of [{}, { endpointId: pe('vpce-0e4d0e4d0000000b3') }]) {
      const done = walk(open, [{ type: 'vendor_endpoint.deleted', ...deletion }]).state;
      expect(connectionOf(done)!.reverseServices.map((r) => r.service)).toEqual([samples.AZURE_SERVICE]);
    }
  });
});

describe('who approved the reverse connection, with other events before its verification', () => {
  it('the one who recorded the acceptance, not who sent a note, a failure or the fix after it', () => {
    let { state } = walk(started(validIntake('aws', 'bidirectional')), [
      ...forwardLegEvents,
      ...reverseLegEvents.slice(0, 2),
    ]);
    state = walk(state, [{ type: 'reverse_connection.approved' }], 'carol@vendor.example').state;
    state = walk(
      state,
      [
        { type: 'note.added', text: 'customer asked about the port' },
        { type: 'reverse_connection.failed', details: 'refused', failingSide: 'vendor' },
        { type: 'troubleshooting.resolved' },
        { type: 'reverse_connection.verified' },
      ],
      'erin@vendor.example',
    ).state;
    expect(connectionOf(state)!.reverseServices.map((r) => r.approvedBy)).toEqual(['carol@vendor.example']);
  });
});

describe('cancellations and steps the walks do not reach', () => {
  const enabled = () => walk(started(), forwardLegEvents).state;
  const dns = 'vpce-0aaaaaaaaaaaaaaa1-x1y2z3w4.vpce-svc-0a1b2c3d4e5f67890.us-east-1.vpce.amazonaws.com';

  it('change_account: the test comment names the endpoint’s DNS name; a cancellation in troubleshooting keeps the new account', () => {
    const { effects } = walk(enabled(), [
      changeRequested('T-2001', { kind: 'change_account', customerAccount: otherAccount('aws') }),
      { type: 'customer_access.granted' },
      { type: 'endpoint.requested', endpointId: 'vpce-0aaaaaaaaaaaaaaa1', endpointDns: dns },
      { type: 'connection.approved' },
      { type: 'connection.failed', details: 'timed out' },
      { type: 'change.cancelled', reason: 'the customer gives up' },
    ]);
    const opened = effects.find((e) => e.type === 'postTicketComment' && e.params.template === 'ports_opened');
    expect(opened?.params).toMatchObject({ data: { endpointId: 'vpce-0aaaaaaaaaaaaaaa1', endpointDns: dns } });
    expect(messages(effects).at(-1)).toBe(
      `[T-2001, change of T-1001] Change cancelled: the customer gives up. The new account ${otherAccount('aws')} keeps its access (its connection was approved), as the record shows; open another change to revoke it`,
    );
  });

  it('add_service: a cancellation while the customer has not accepted asks staff to delete the endpoint', () => {
    const { effects } = walk(
      walk(started(validIntake('aws', 'bidirectional')), [...forwardLegEvents, ...reverseLegEvents]).state,
      [
        changeRequested('T-2001', { kind: 'add_service', customerServiceName: otherService('aws') }),
        { type: 'principal.granted' },
        { type: 'vendor_endpoint.created', endpointId: 'vpce-0bbbbbbbbbbbbbbb2', endpointDns: endpointDnsOn('aws', 2) },
        { type: 'change.cancelled', reason: 'wrong service' },
      ],
    );
    expect(messages(effects).at(-1)).toBe(
      `[T-2001, change of T-1001] Change cancelled: wrong service. Delete our endpoint vpce-0bbbbbbbbbbbbbbb2 to ${otherService('aws')}`,
    );
  });

  it("a failed test's notification lists the whole checklist, one item after another", () => {
    const { effects } = walk(enabled(), [
      changeRequested('T-2001', { kind: 'change_account', customerAccount: otherAccount('aws') }),
      { type: 'customer_access.granted' },
      { type: 'endpoint.requested', endpointId: 'vpce-0aaaaaaaaaaaaaaa1' },
      { type: 'connection.approved' },
      { type: 'connection.failed', details: 'timed out' },
    ]);
    const comment = effects.find(
      (e) => e.type === 'postTicketComment' && e.params.template === 'troubleshooting_started',
    );
    const checklist = (comment!.params as { data: { checklist: string[] } }).data.checklist;
    expect(checklist.length).toBeGreaterThan(3);
    expect(messages(effects).at(-1)).toBe(
      `[T-2001, change of T-1001] The connection test failed: timed out. The failing piece is ours: check: ${checklist.join('; ')}`,
    );
  });
});

describe('allowlisting the new account with a service name of its own', () => {
  it('gives the customer that name, not the configured one', () => {
    const own = 'com.amazonaws.vpce.us-east-1.vpce-svc-0ffffffffffffffff';
    const { effects } = walk(walk(started(), forwardLegEvents).state, [
      changeRequested('T-2001', { kind: 'change_account', customerAccount: otherAccount('aws') }),
      { type: 'customer_access.granted', vendorServiceName: own },
    ]);
    const comment = effects.find((e) => e.type === 'postTicketComment' && e.params.template === 'create_endpoint');
    expect(comment?.params).toMatchObject({ data: { vendorServiceName: own } });
  });
});
