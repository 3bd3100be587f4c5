/**
 * The connection's record after enablement (docs/lifecycle.md), driven through the request host without Temporal:
 * each change kind on both clouds and connection types, the order that keeps access safe, one change at a time,
 * refusals that say why, cancellation, and where the effects go.
 */
import type { Cloud } from '../../src/domain/formats';
import type { ConnectionType } from '../../src/domain/intake';
import { checkEvent, type EnablementEvent } from '../../src/domain/events';
import { type Effect, renderComment, startRequest } from '../../src/machines';
import {
  applyRequestEvent,
  connectionOf,
  persistRequest,
  requestAllowedEvents,
  requestOf,
  type RequestState,
  requestStateName,
  requestStatus,
  requestWaitingOn,
  resumeRequest,
} from '../../src/machines/request';
import { changeRequested, changeScripts, enabledService, otherAccount, otherService } from '../fixtures/changes';
import { forwardLegEvents, onCloud, reverseLegEvents, type TestEvent } from '../fixtures/events';
import { exampleVendorConfig, validIntake } from '../fixtures/requests';

const vendor = exampleVendorConfig();
const actor = 'alice@vendor.example';
let clock = Date.parse('2026-11-02T15:00:00Z');
const tick = () => new Date((clock += 60_000)).toISOString();

/** The event as the workflow takes it: parsed with the vocabulary's schemas (so a test cannot send a malformed one). */
function parsed(event: TestEvent, by = actor): EnablementEvent {
  const check = checkEvent({ actor: by, ...event });
  if (!check.ok) throw new Error(check.reason);
  return check.event;
}

type Outcome = ReturnType<typeof applyRequestEvent>;
function apply(state: RequestState, event: TestEvent, by = actor): Outcome {
  return applyRequestEvent(state, parsed(event, by), tick());
}
/** Applies events in order, failing on any refusal; returns every state and the effects of each step. */
function walk(state: RequestState, events: TestEvent[], by = actor) {
  const steps: { state: RequestState; effects: Effect[] }[] = [];
  let current = state;
  for (const event of events) {
    const result = apply(current, event, by);
    if ('refused' in result) throw new Error(`refused ${String(event.type)}: ${result.message}`);
    steps.push(result);
    current = result.state;
  }
  return { state: current, steps, effects: steps.flatMap((s) => s.effects) };
}

/** A request of `cloud` and `type` walked to enabled, with the approvals recorded by named people. */
function enabled(cloud: Cloud, type: ConnectionType): RequestState {
  let state = requestOf(startRequest({ ticketId: 'T-1001', vendor, intake: validIntake(cloud, type) }).snapshot);
  const events = onCloud(cloud, [...forwardLegEvents, ...(type === 'bidirectional' ? reverseLegEvents : [])]);
  for (const event of events) {
    const by =
      event.type === 'connection.approved'
        ? 'bob@vendor.example'
        : event.type === 'reverse_connection.approved'
          ? 'carol@vendor.example'
          : actor;
    state = walk(state, [event], by).state;
  }
  return state;
}

const cases = (['aws', 'azure'] as const).flatMap((cloud) =>
  (['unidirectional', 'bidirectional'] as const).map((type) => [cloud, type] as const),
);

describe('an enabled request is the connection’s record', () => {
  it.each(cases)(
    '%s %s: status enabled, state active, waiting on no one, taking only changes, assignments and notes',
    (cloud, type) => {
      const state = enabled(cloud, type);
      expect(requestStatus(state)).toBe('enabled');
      expect(requestStateName(state)).toBe('active');
      expect(requestWaitingOn(state)).toBe('none');
      expect(requestAllowedEvents(state)).toEqual(['change.requested', 'request.assigned', 'note.added']);
      const connection = connectionOf(state)!;
      const intake = validIntake(cloud, type);
      expect(connection).toMatchObject({
        ticketId: 'T-1001',
        company: 'Acme',
        cloud,
        customerAccount: intake.customerAccount,
        services: intake.services,
        accounts: [{ account: intake.customerAccount, approvedBy: 'bob@vendor.example' }],
      });
      expect(connection.accounts[0]!.since).toBe(connection.since);
      expect(connection.reverseServices).toEqual(
        type === 'bidirectional'
          ? [
              expect.objectContaining({
                service: enabledService(cloud),
                approvedBy: 'carol@vendor.example',
                ports: [{ name: 'https', port: 443 }],
              }),
            ]
          : [],
      );
    },
  );

  it('refuses what an enabled connection cannot take, saying what it takes instead', () => {
    const state = enabled('aws', 'unidirectional');
    const cancel = apply(state, { type: 'request.cancelled', reason: 'no longer needed' });
    expect(cancel).toMatchObject({ refused: true });
    expect((cancel as { message: string }).message).toContain('request a change of kind remove');
    const step = apply(state, { type: 'connection.approved' });
    expect((step as { message: string }).message).toMatch(
      /no change is open \(it is a step of a change: request the change first\)/,
    );
    expect(apply(state, { type: 'note.added', text: 'customer called' })).toMatchObject({ effects: [] });
  });

  it('refuses a change before the connection is enabled', () => {
    const state = requestOf(
      startRequest({ ticketId: 'T-1001', vendor, intake: validIntake('aws', 'unidirectional') }).snapshot,
    );
    const result = apply(state, changeRequested('T-2001', { kind: 'remove' }));
    expect((result as { message: string }).message).toBe(
      'change.requested is not allowed in state allowlisting: a change can be requested once the connection is enabled.',
    );
  });
});

describe('each change, on both clouds and connection types', () => {
  const all = cases.flatMap(([cloud, type]) =>
    changeScripts(cloud, type).map((script) => [cloud, type, script.kind, script] as const),
  );
  it.each(all)('%s %s: %s walked to its end, its comments on the change ticket', (cloud, type, _kind, script) => {
    const start = enabled(cloud, type);
    const opened = walk(start, [changeRequested('T-2001', script.change)], 'zendesk');
    expect(requestWaitingOn(opened.state)).not.toBe('none');
    expect(requestStateName(opened.state)).toBe('active');
    const done = walk(opened.state, script.events);
    expect(requestStateName(done.state)).toBe(script.ends);
    expect(requestStatus(done.state)).toBe(script.ends === 'removed' ? 'removed' : 'enabled');
    expect(done.state.lifecycle!.change).toBeNull();
    // Every effect of the change goes to the change ticket, comments as the one who asked for the change.
    for (const effect of [...opened.effects, ...done.effects]) {
      expect(effect.to).toEqual({ ticketId: 'T-2001', startedBy: 'zendesk' });
    }
    const comments = [...opened.effects, ...done.effects].flatMap((e) =>
      e.type === 'postTicketComment' ? [e.params] : [],
    );
    expect(comments[0]!.template).toBe('change_received');
    expect(comments[comments.length - 1]!.template).toBe('change_done');
    for (const comment of comments) expect((comment.data as { ticketId?: string }).ticketId).toBe('T-2001');
    expect(renderComment(comments[0]!)).toContain('the PrivateLink connection enabled on ticket T-1001');

    const connection = connectionOf(done.state)!;
    switch (script.kind) {
      case 'change_account':
        expect(connection.customerAccount).toBe(otherAccount(cloud));
        expect(connection.accounts.map((a) => a.account)).toEqual([otherAccount(cloud)]);
        break;
      case 'add_service':
        expect(connection.reverseServices.map((r) => r.service)).toContain(otherService(cloud));
        break;
      case 'remove_service':
        expect(connection.reverseServices).toEqual([]);
        break;
      case 'remove':
        expect(connection.accounts).toEqual([]);
        expect(connection.reverseServices).toEqual([]);
        expect(requestAllowedEvents(done.state)).toEqual([]);
        expect(apply(done.state, { type: 'note.added', text: 'x' })).toMatchObject({
          refused: true,
          message: 'The connection was removed; its record accepts no more events.',
        });
        break;
    }
  });
});

describe('the order that keeps access safe', () => {
  it.each(['aws', 'azure'] as const)(
    '%s change_account: some account can always connect; both only between approval and revocation',
    (cloud) => {
      const script = changeScripts(cloud, 'unidirectional').find((s) => s.kind === 'change_account')!;
      const start = enabled(cloud, 'unidirectional');
      const old = connectionOf(start)!.customerAccount;
      const { steps } = walk(start, [changeRequested('T-2001', script.change), ...script.events]);
      const accounts = steps.map((s) => connectionOf(s.state)!.accounts.map((a) => a.account));
      expect(accounts).toEqual([
        [old], // requested
        [old], // new account allowlisted: it can ask, not connect
        [old], // its endpoint asks to connect
        [old, otherAccount(cloud)], // approved: both connect
        [old, otherAccount(cloud)], // verified
        [otherAccount(cloud)], // the old account's access revoked, as a recorded step
      ]);
      const approved = connectionOf(steps[3]!.state)!.accounts[1]!;
      expect(approved).toMatchObject({ approvedBy: actor, endpointId: expect.any(String) });
    },
  );

  it('remove: access is revoked first, the record says removed only after the last vendor endpoint is deleted', () => {
    const start = enabled('aws', 'bidirectional');
    const { steps } = walk(start, [
      changeRequested('T-2001', { kind: 'remove' }),
      { type: 'customer_access.revoked' },
      { type: 'connection.removed' },
    ]);
    expect(steps.map((s) => s.state.lifecycle!.change?.snapshot.value)).toEqual([
      'revokingAccess',
      'removingConnection',
      'deletingVendorEndpoints',
    ]);
    expect(connectionOf(steps[1]!.state)!.accounts).toEqual([]);
    expect(requestStatus(steps[2]!.state)).toBe('enabled');
    // Deleting an endpoint the connection does not have is refused with the reason.
    const wrong = apply(steps[2]!.state, { type: 'vendor_endpoint.deleted', endpointId: 'vpce-0999999999999999f' });
    expect((wrong as { message: string }).message).toContain(
      'endpointId "vpce-0999999999999999f" is not one of the vendor endpoints this connection still has',
    );
    const last = walk(steps[2]!.state, [{ type: 'vendor_endpoint.deleted', endpointId: 'vpce-063c51c5620a37baf' }]);
    expect(requestStatus(last.state)).toBe('removed');
  });
});

describe('one change at a time, and refusals with reasons', () => {
  it('a second change is refused naming the open one, and answered on its ticket', () => {
    const open = walk(enabled('aws', 'bidirectional'), [changeRequested('T-2001', { kind: 'remove' })]).state;
    const second = apply(
      open,
      changeRequested('T-2002', { kind: 'remove_service', customerServiceName: enabledService('aws') }),
    );
    expect(second).toMatchObject({
      refused: true,
      conflict: true,
      message:
        'Change T-2001 (remove) is open on this connection, in state revokingAccess: one change at a time. Finish it or cancel it (change.cancelled) first.',
    });
    const answer = (second as { answer: Effect[] }).answer;
    expect(answer.every((e) => e.to?.ticketId === 'T-2002')).toBe(true);
    expect(answer.flatMap((e) => (e.type === 'postTicketComment' ? [renderComment(e.params)] : []))[0]).toContain(
      'Change T-2001 (remove) is open on this connection',
    );
  });

  const nonsense: [string, Cloud, ConnectionType, Record<string, unknown>, string][] = [
    [
      'removing a service the connection does not have',
      'aws',
      'bidirectional',
      { kind: 'remove_service', customerServiceName: otherService('aws') },
      `the connection does not connect to "${otherService('aws')}"; it connects to ${enabledService('aws')}`,
    ],
    [
      'removing a service from a connection without any',
      'aws',
      'unidirectional',
      { kind: 'remove_service', customerServiceName: otherService('aws') },
      'it connects to none of your services',
    ],
    [
      'changing to the same account',
      'aws',
      'unidirectional',
      { kind: 'change_account', customerAccount: '123456789012' },
      'change.customerAccount 123456789012 already connects',
    ],
    [
      'an AWS account that is no account id',
      'aws',
      'unidirectional',
      { kind: 'change_account', customerAccount: '1234' },
      'change.customerAccount "1234" is not an AWS account id (12 digits)',
    ],
    [
      'an Azure account that is no subscription id',
      'azure',
      'unidirectional',
      { kind: 'change_account', customerAccount: '123456789012' },
      'is not an Azure subscription id (a GUID)',
    ],
    [
      'add_service on Azure without a target resource id',
      'azure',
      'bidirectional',
      { kind: 'add_service', customerServiceName: 'acme-cache' },
      'on Azure, name the target resource id',
    ],
    [
      'add_service of a service already connected',
      'aws',
      'bidirectional',
      { kind: 'add_service', customerServiceName: enabledService('aws') },
      'the connection already connects to',
    ],
    [
      'add_service in another region',
      'aws',
      'bidirectional',
      { kind: 'add_service', customerServiceName: 'com.amazonaws.vpce.eu-west-1.vpce-svc-0fedcba9876543210' },
      'change.customerServiceName "com.amazonaws.vpce.eu-west-1.vpce-svc-0fedcba9876543210" is in eu-west-1, not the request\'s region us-east-1',
    ],
    [
      'add_service without ports on a unidirectional connection',
      'aws',
      'unidirectional',
      { kind: 'add_service', customerServiceName: otherService('aws') },
      'name the ports of the service (change.services)',
    ],
  ];
  it.each(nonsense)('refuses %s', (_what, cloud, type, change, reason) => {
    const result = apply(enabled(cloud, type), changeRequested('T-2001', change));
    expect(result).toMatchObject({ refused: true });
    expect((result as { message: string }).message).toContain(reason);
    expect((result as { conflict?: boolean }).conflict).toBeUndefined();
  });

  it('refuses a change ticket that is the connection’s own', () => {
    const result = apply(enabled('aws', 'unidirectional'), changeRequested('T-1001', { kind: 'remove' }));
    expect((result as { message: string }).message).toContain(
      "changeTicketId must be the change's own ticket, not T-1001, the ticket that enabled the connection",
    );
  });

  it('answers a troubleshooting ticket with the Limitations reason and opens no change', () => {
    const state = enabled('aws', 'unidirectional');
    const result = walk(
      state,
      [changeRequested('T-2009', { kind: 'troubleshoot', details: 'timeouts since Monday' })],
      'jira',
    );
    expect(result.state.lifecycle!.change).toBeNull();
    const [comment] = result.effects.flatMap((e) => (e.type === 'postTicketComment' ? [e] : []));
    expect(comment!.to).toEqual({ ticketId: 'T-2009', startedBy: 'jira' });
    expect(renderComment(comment!.params)).toContain(
      'Troubleshooting a connection after it is enabled is not covered by our support',
    );
  });
});

describe("a change's steps hold their ids to the connection's cloud and to the change", () => {
  it.each([
    [
      'aws',
      { kind: 'change_account', customerAccount: '210987654321' },
      [{ type: 'customer_access.granted' }],
      { type: 'endpoint.requested', endpointId: 'vpce-123' },
      'endpointId "vpce-123" is not an AWS VPC endpoint id',
    ],
    [
      'aws',
      { kind: 'change_account', customerAccount: '210987654321' },
      [],
      { type: 'customer_access.granted', vendorServiceName: 'com.amazonaws.vpce.eu-west-1.vpce-svc-0a1b2c3d4e5f67890' },
      'vendorServiceName "com.amazonaws.vpce.eu-west-1.vpce-svc-0a1b2c3d4e5f67890" is in eu-west-1, not the request\'s region us-east-1',
    ],
    [
      'azure',
      { kind: 'add_service', customerServiceName: otherService('azure') },
      [],
      { type: 'principal.granted', customerServiceName: enabledService('azure') },
      `customerServiceName "${enabledService('azure')}" is not the service this change adds (${otherService('azure')})`,
    ],
    [
      'azure',
      { kind: 'add_service', customerServiceName: otherService('azure') },
      [{ type: 'principal.granted' }],
      { type: 'vendor_endpoint.created', endpointId: 'vpce-0bbbbbbbbbbbbbbb2', endpointDns: 'x.example' },
      'endpointId "vpce-0bbbbbbbbbbbbbbb2" is not an Azure private endpoint resource id',
    ],
    [
      'aws',
      { kind: 'remove_service', customerServiceName: enabledService('aws') },
      [],
      { type: 'vendor_endpoint.deleted', endpointId: 'vpce-0fffffffffffffff0' },
      `endpointId "vpce-0fffffffffffffff0" is not the vendor endpoint to ${enabledService('aws')}`,
    ],
  ] as const)('%s %j: refuses a step whose data does not fit, saying why', (cloud, change, before, event, reason) => {
    const open = walk(enabled(cloud, 'bidirectional'), [changeRequested('T-2001', change), ...before]).state;
    const result = apply(open, event);
    expect(result).toMatchObject({ refused: true });
    expect((result as { message: string }).message).toContain(`${event.type} cannot be applied: ${reason}`);
    expect((result as { message: string }).message).toContain('The change T-2001');
  });

  it('without a vendor service name given or configured, allowlisting the new account is refused with that reason', () => {
    const bare = { ...vendor, vendor: { ...vendor.vendor, endpointServices: {} } };
    let state = requestOf(
      startRequest({ ticketId: 'T-1001', vendor: bare, intake: validIntake('aws', 'unidirectional') }).snapshot,
    );
    state = walk(
      state,
      onCloud('aws', [
        {
          type: 'customer_access.granted',
          vendorServiceName: 'com.amazonaws.vpce.us-east-1.vpce-svc-0a1b2c3d4e5f67890',
        },
        ...forwardLegEvents.slice(1),
      ]),
    ).state;
    const open = walk(state, [
      changeRequested('T-2001', { kind: 'change_account', customerAccount: otherAccount('aws') }),
    ]).state;
    expect((apply(open, { type: 'customer_access.granted' }) as { message: string }).message).toContain(
      'customer_access.granted cannot be applied: no vendorServiceName given and none configured for this cloud region',
    );
  });
});

describe('cancelling a change', () => {
  it('before any access changed: the record is as it was, the ticket and staff are told', () => {
    const state = enabled('aws', 'unidirectional');
    const before = connectionOf(state);
    const { state: after, effects } = walk(state, [
      changeRequested('T-2001', { kind: 'change_account', customerAccount: otherAccount('aws') }),
      { type: 'customer_access.granted' },
      { type: 'change.cancelled', reason: 'customer keeps the old account' },
    ]);
    expect(connectionOf(after)).toEqual(before);
    expect(after.lifecycle!.change).toBeNull();
    expect(requestAllowedEvents(after)).toEqual(['change.requested', 'request.assigned', 'note.added']);
    const messages = effects.flatMap((e) => (e.type === 'notify' ? [e.params.message] : []));
    expect(messages[messages.length - 1]).toBe(
      `[T-2001, change of T-1001] Change cancelled: customer keeps the old account. Remove the new account ${otherAccount('aws')} from our endpoint service's allowed principals`,
    );
  });

  it('after the new account was approved: the record keeps showing both accounts', () => {
    const script = changeScripts('aws', 'unidirectional').find((s) => s.kind === 'change_account')!;
    const { state } = walk(enabled('aws', 'unidirectional'), [
      changeRequested('T-2001', script.change),
      ...script.events.slice(0, 3),
      { type: 'change.cancelled', reason: 'project paused' },
    ]);
    expect(connectionOf(state)!.accounts.map((a) => a.account)).toEqual(['123456789012', otherAccount('aws')]);
  });
});

describe('continue-as-new', () => {
  it('a connection with an open change persists and resumes to the same state', () => {
    const open = walk(enabled('azure', 'bidirectional'), [
      changeRequested(
        'T-2001',
        { kind: 'add_service', customerServiceName: otherService('azure') },
        { submittedAt: '2026-11-03T09:00:00Z' },
      ),
      { type: 'principal.granted' },
    ]).state;
    const resumed = resumeRequest(JSON.parse(JSON.stringify(persistRequest(open))));
    expect(requestStateName(resumed)).toBe('active');
    expect(resumed.lifecycle!.change!.snapshot.value).toBe('creatingVendorEndpoint');
    expect(resumed.lifecycle!.change!.submittedAt).toBe('2026-11-03T09:00:00Z');
    expect(connectionOf(resumed)).toEqual(connectionOf(open));
    expect(requestAllowedEvents(resumed)).toEqual(requestAllowedEvents(open));
  });
});
