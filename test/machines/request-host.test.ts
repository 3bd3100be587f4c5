/**
 * The request host (src/machines/request.ts) at its edges: when a request is open, which change ticket an event
 * belongs to, the open change as the state view shows it, what an enabled connection says about events it does not
 * take, who approved what, and a record carried over a continue-as-new from before approvals were kept.
 */
import { checkEvent } from '../../src/domain/events';
import { startRequest } from '../../src/machines';
import {
  applyRequestEvent,
  changeSummary,
  changeTicketOf,
  connectionOf,
  persistRequest,
  requestAllowedEvents,
  requestOf,
  requestOpen,
  type RequestState,
  resumeRequest,
} from '../../src/machines/request';
import { changeRequested, otherAccount } from '../fixtures/changes';
import { endpointDnsOn, forwardLegEvents, onCloud, reverseLegEvents, type TestEvent } from '../fixtures/events';
import { exampleVendorConfig, samples, validIntake } from '../fixtures/requests';

const vendor = exampleVendorConfig();
const at = '2026-03-02T10:00:00.000Z';

function apply(state: RequestState, event: TestEvent, actor = 'alice@vendor.example') {
  const check = checkEvent({ actor, ...event });
  if (!check.ok) throw new Error(check.reason);
  return applyRequestEvent(state, check.event, at);
}
function walk(state: RequestState, events: TestEvent[], actor?: string): RequestState {
  return events.reduce((current, event) => {
    const step = apply(current, event, actor);
    if ('refused' in step) throw new Error(step.message);
    return step.state;
  }, state);
}
const started = (intake = validIntake('aws', 'unidirectional')) =>
  requestOf(startRequest({ ticketId: 'T-1001', vendor, intake }).snapshot);
const enabled = () => walk(started(), forwardLegEvents);

describe('when a request is open', () => {
  it('open in intake and in progress, and as an enabled record; ended when rejected, cancelled or removed', () => {
    expect(requestOpen(started())).toBe(true);
    expect(requestOpen(started({ ...validIntake('aws', 'unidirectional'), environment: 'integration' }))).toBe(false);
    expect(requestOpen(walk(started(), [{ type: 'request.cancelled', reason: 'withdrawn' }]))).toBe(false);
    expect(requestOpen(enabled())).toBe(true);
    const removed = walk(enabled(), [
      changeRequested('T-2001', { kind: 'remove' }),
      { type: 'customer_access.revoked' },
      { type: 'connection.removed' },
    ]);
    expect(requestOpen(removed)).toBe(false);
    expect(removed.lifecycle).toMatchObject({ removedAt: at, changesEnded: 1 });
  });
});

describe('the change ticket an event belongs to', () => {
  it('the one a change request names, else the open change’s, else none', () => {
    expect(changeTicketOf(started(), { type: 'customer_access.granted' })).toBeUndefined();
    expect(changeTicketOf(enabled(), { type: 'note.added' })).toBeUndefined();
    expect(changeTicketOf(enabled(), { type: 'change.requested', changeTicketId: 'T-2001' })).toBe('T-2001');
    const open = walk(enabled(), [changeRequested('T-2001', { kind: 'remove' })]);
    expect(changeTicketOf(open, { type: 'customer_access.revoked' })).toBe('T-2001');
    expect(changeTicketOf(open, { type: 'change.requested', changeTicketId: 'T-2002' })).toBe('T-2002');
    // A change request whose ticket id is not text (refused by its schema) is still filed under the open change.
    expect(changeTicketOf(open, { type: 'change.requested', changeTicketId: 42 })).toBe('T-2001');
    expect(changeTicketOf(open, { type: 'note.added', changeTicketId: 'T-9999' })).toBe('T-2001');
  });
});

describe('the open change as the state view shows it', () => {
  it('none before a change; then its ticket, kind, words, state, whom it waits on, who asked and when', () => {
    expect(changeSummary(started())).toBeNull();
    expect(changeSummary(enabled())).toBeNull();
    const open = walk(
      enabled(),
      [
        changeRequested(
          'T-2001',
          { kind: 'change_account', customerAccount: otherAccount('aws') },
          { submittedAt: '2026-03-01T08:00:00Z' },
        ),
      ],
      'zendesk',
    );
    expect(changeSummary(open)).toEqual({
      ticketId: 'T-2001',
      kind: 'change_account',
      what: `move the connection to account ${otherAccount('aws')}`,
      state: 'allowlistingNewAccount',
      waitingOn: 'vendor',
      requestedBy: 'zendesk',
      requestedAt: at,
      submittedAt: '2026-03-01T08:00:00Z',
    });
    expect(requestAllowedEvents(open)).toEqual([
      'customer_access.granted',
      'change.cancelled',
      'request.assigned',
      'note.added',
    ]);
    const defaulted = walk(enabled(), [changeRequested('T-2001', { kind: 'remove' })]);
    expect(changeSummary(defaulted)).toMatchObject({ submittedAt: at, waitingOn: 'vendor' });
  });
});

describe('what an enabled connection says of an event it does not take', () => {
  it.each([
    [
      'request.cancelled',
      { reason: 'no longer needed' },
      ' (the connection is enabled: to end it, request a change of kind remove)',
    ],
    [
      'ticket.updated',
      { intake: { company: 'Acme' } },
      ' (the request is enabled: a change to the connection arrives as change.requested with its own ticket)',
    ],
    [
      'ticket.submitted',
      { intake: validIntake('aws', 'unidirectional') },
      ' (the request is enabled: a change to the connection arrives as change.requested with its own ticket)',
    ],
    ['change.cancelled', { reason: 'nothing to cancel' }, ''],
    ['vendor_endpoint.deleted', {}, ' (it is a step of a change: request the change first)'],
  ] as const)('%s', (type, payload, hint) => {
    expect(apply(enabled(), { type, ...payload })).toEqual({
      refused: true,
      message: `${type} is not allowed in state active: no change is open${hint}. Allowed events: change.requested, note.added.`,
    });
  });

  it('a step the open change does not take now, with what it takes', () => {
    const open = walk(enabled(), [changeRequested('T-2001', { kind: 'remove' })]);
    expect(apply(open, { type: 'connection.removed' })).toEqual({
      refused: true,
      message:
        'connection.removed is not allowed now: the change T-2001 (remove) is in state revokingAccess. Allowed events: change.cancelled, customer_access.revoked, note.added.',
    });
  });

  it('before enablement, the enablement machine’s own refusal, word for word', () => {
    expect(apply(started(), { type: 'connection.approved' })).toEqual({
      refused: true,
      message:
        'connection.approved is not allowed in state allowlisting. Allowed events: customer_access.granted, ticket.updated, request.cancelled, note.added.',
    });
  });
});

describe('who approved what', () => {
  it('each reverse connection’s acceptance by whoever recorded it, in the order of the target services', () => {
    const intake = {
      ...validIntake('azure', 'bidirectional'),
      azure: {
        clusterId: 'cl-7x2k9',
        targetResourceIds: [samples.AZURE_SERVICE, samples.AZURE_SERVICE.replace('acme-db', 'acme-queue')],
      },
    };
    let state = walk(started(intake), onCloud('azure', forwardLegEvents.slice(0, 2)));
    state = walk(state, [{ type: 'connection.approved' }], 'bob@vendor.example');
    state = walk(state, onCloud('azure', [...forwardLegEvents.slice(3), ...reverseLegEvents.slice(0, 2)]));
    state = walk(state, [{ type: 'reverse_connection.approved' }], 'carol@vendor.example');
    state = walk(state, [
      { type: 'reverse_connection.verified' },
      ...onCloud('azure', [
        {
          type: 'vendor_endpoint.created',
          endpointId: 'vpce-0e4d0e4d0000000b3',
          endpointDns: endpointDnsOn('azure', 3),
        },
      ]),
    ]);
    state = walk(state, [{ type: 'reverse_connection.approved' }], 'dave@vendor.example');
    state = walk(state, [{ type: 'reverse_connection.verified' }]);
    const connection = connectionOf(state)!;
    expect(connection.accounts.map((a) => a.approvedBy)).toEqual(['bob@vendor.example']);
    expect(connection.reverseServices.map((r) => [r.service.split('/').pop(), r.approvedBy])).toEqual([
      ['acme-db', 'carol@vendor.example'],
      ['acme-queue', 'dave@vendor.example'],
    ]);
    expect(connection.accounts[0]!.endpointId).toMatch(/privateEndpoints\/pe-07f552b9497008761$/);
  });
});

describe('a record carried over a continue-as-new', () => {
  it('from before approvals were kept: resumes with none', () => {
    const { approvals: _approvals, ...saved } = persistRequest(started());
    const resumed = resumeRequest(saved);
    expect(resumed.approvals).toEqual({ reverse: [] });
    expect(resumed.lifecycle).toBeNull();
    expect(requestOf(resumed.enablement).approvals).toEqual({ reverse: [] });
  });
});

describe('a change of account to one that already connects', () => {
  const second = '9b2c7e1a-0d3f-4e5a-8b6c-7d8e9f0a1b2c';
  const azure = () => {
    const intake = {
      ...validIntake('azure', 'unidirectional'),
      azure: { clusterId: 'cl-7x2k9', subscriptionIds: [samples.AZURE_SUBSCRIPTION, second] },
    };
    return walk(started(intake), onCloud('azure', forwardLegEvents));
  };

  it('is refused for any of the accounts that connect, whatever the case of a subscription id', () => {
    expect(connectionOf(azure())!.accounts.map((a) => a.account)).toEqual([samples.AZURE_SUBSCRIPTION, second]);
    for (const account of [second, second.toUpperCase(), samples.AZURE_SUBSCRIPTION.toUpperCase()]) {
      expect(
        apply(azure(), changeRequested('T-2001', { kind: 'change_account', customerAccount: account })),
      ).toMatchObject({
        refused: true,
        message: `This change cannot be made: change.customerAccount ${account} already connects: the connection's accounts are ${samples.AZURE_SUBSCRIPTION}, ${second}.`,
      });
    }
    expect(
      apply(
        azure(),
        changeRequested('T-2001', {
          kind: 'change_account',
          customerAccount: otherAccount('azure').replace('9b2c', '1b2c'),
        }),
      ),
    ).not.toHaveProperty('refused');
  });
});

describe('removing a connection with two customer services', () => {
  it('deletes each vendor endpoint, named or next, refuses one it does not have, and says removed after the last', () => {
    const intake = {
      ...validIntake('azure', 'bidirectional'),
      azure: {
        clusterId: 'cl-7x2k9',
        targetResourceIds: [samples.AZURE_SERVICE, samples.AZURE_SERVICE.replace('acme-db', 'acme-queue')],
      },
    };
    const second = onCloud('azure', [
      { type: 'vendor_endpoint.created', endpointId: 'vpce-0e4d0e4d0000000b3', endpointDns: endpointDnsOn('azure', 3) },
    ]);
    let state = walk(started(intake), onCloud('azure', [...forwardLegEvents, ...reverseLegEvents]));
    state = walk(state, [...second, { type: 'reverse_connection.approved' }, { type: 'reverse_connection.verified' }]);
    const endpoints = connectionOf(state)!.reverseServices.map((r) => r.endpointId);
    expect(endpoints).toHaveLength(2);
    state = walk(state, [
      changeRequested('T-2001', { kind: 'remove' }),
      { type: 'customer_access.revoked' },
      { type: 'connection.removed' },
    ]);
    const unknown = onCloud('azure', [{ type: 'vendor_endpoint.deleted', endpointId: 'vpce-0999999999999999f' }])[0]!;
    expect(apply(state, unknown)).toMatchObject({ refused: true });
    // The second one by name first: the first stays to delete, and the change waits for it.
    state = walk(state, [{ type: 'vendor_endpoint.deleted', endpointId: endpoints[1] }]);
    expect(state.lifecycle!.change!.snapshot.value).toBe('deletingVendorEndpoints');
    expect(connectionOf(state)!.reverseServices.map((r) => r.endpointId)).toEqual([endpoints[0]]);
    expect(apply(state, { type: 'vendor_endpoint.deleted', endpointId: endpoints[1] })).toMatchObject({
      refused: true,
      message: expect.stringContaining('is not one of the vendor endpoints this connection still has'),
    });
    state = walk(state, [{ type: 'vendor_endpoint.deleted' }]);
    expect(state.lifecycle).toMatchObject({ removedAt: at, change: null });
    expect(connectionOf(state)!.reverseServices).toEqual([]);
  });
});
