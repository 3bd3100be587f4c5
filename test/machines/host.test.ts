import type { EnablementEvent } from '../../src/domain/events';
import type { IntakeDraft } from '../../src/domain/intake';
import { allowedEventTypes, applyEvent, machineFor, startRequest, statusOf, waitingOnOf } from '../../src/machines';
import { actor, comments, commentText, drive, notifications, type WithoutActor } from './drive';
import { exampleVendorConfig, samples, validIntake, without } from '../fixtures/requests';
import { azurePrivateEndpoint, endpointDnsOn } from '../fixtures/events';

const vendor = exampleVendorConfig();
/** Endpoint number `n` in the cloud's id format. */
const endpointIdOn = (cloud: 'aws' | 'azure', n: number) =>
  cloud === 'aws' ? `vpce-0${String(n).padStart(16, '0')}` : azurePrivateEndpoint(`pe-${n}`);

describe('starting a request', () => {
  it('with a complete intake: accepted, waiting on the vendor to allowlist, customer told, vendor notified', () => {
    const { snapshot, effects } = startRequest({
      ticketId: 'T-1001',
      vendor,
      intake: validIntake('aws', 'unidirectional'),
    });
    expect(snapshot.value).toBe('allowlisting');
    expect([statusOf(snapshot), waitingOnOf(snapshot)]).toEqual(['in_progress', 'vendor']);
    expect(comments(effects)).toEqual(['intake_accepted']);
    expect(effects).toContainEqual({
      type: 'notify',
      params: {
        kind: 'action_required',
        message:
          '[T-1001] Allowlist AWS account 123456789012 on the endpoint service in us-east-1 (com.amazonaws.vpce.us-east-1.vpce-svc-0a1b2c3d4e5f67890), then record customer_access.granted',
      },
    });
  });

  it('without intake: waits for ticket.submitted and does nothing', () => {
    const { snapshot, effects } = startRequest({ ticketId: 'T-1001', vendor });
    expect(snapshot.value).toBe('awaitingSubmission');
    expect(statusOf(snapshot)).toBe('awaiting_information');
    expect(allowedEventTypes(snapshot)).toEqual(['ticket.submitted', 'request.cancelled', 'note.added']);
    expect(effects).toEqual([]);
  });

  it('with missing data: waits for information and tells the ticket exactly what is missing', () => {
    const { snapshot, effects } = startRequest({
      ticketId: 'T-1001',
      vendor,
      intake: without(validIntake('azure', 'bidirectional'), 'customerEndpointService', 'azure'),
    });
    expect(snapshot.value).toBe('awaitingInformation');
    expect(comments(effects)).toEqual(['intake_incomplete']);
    const text = commentText(effects);
    expect(text).toContain('Azure cluster ID: is missing: the cluster id');
    expect(text).toContain('Customer endpoint service: is missing: bidirectional connections need the resource id');
  });

  it('when ineligible: rejected with the reason, and ended', () => {
    const { snapshot, effects } = startRequest({
      ticketId: 'T-1001',
      vendor,
      intake: { ...validIntake('aws', 'unidirectional'), projectId: 'st0000000001' },
    });
    expect(snapshot.status).toBe('done');
    expect(statusOf(snapshot)).toBe('rejected');
    expect(commentText(effects)).toContain('Starter plan: PrivateLink is available on Pro projects only');
  });

  it('refuses an intake for another ticket', () => {
    const { snapshot, effects } = startRequest({
      ticketId: 'T-1001',
      vendor,
      intake: validIntake('aws', 'unidirectional', 'T-9'),
    });
    expect(snapshot.value).toBe('awaitingInformation');
    expect(commentText(effects)).toContain('Ticket: must be T-1001, the ticket this request belongs to');
  });
});

describe('the awaiting-information loop', () => {
  it('tells the customer again what is still wrong, then accepts the fixed ticket', () => {
    const draft = without(validIntake('aws', 'unidirectional'), 'customerAccount', 'services');
    const steps = drive(
      startRequest({ ticketId: 'T-1001', vendor, intake: draft }),
      { type: 'ticket.updated', intake: { customerAccount: '1234' } },
      { type: 'ticket.updated', intake: { customerAccount: '123456789012', services: ['mysql 3306'] } },
    );
    expect(steps.map((s) => s.snapshot.value)).toEqual(['awaitingInformation', 'awaitingInformation', 'allowlisting']);
    expect(commentText(steps[1]!.effects)).toContain('AWS account: must be a 12-digit AWS account id');
    expect(commentText(steps[1]!.effects)).toContain('Services: is missing');
    expect(comments(steps[2]!.effects)).toEqual(['intake_accepted']);
    expect(steps[2]!.snapshot.context.intake?.services).toEqual([{ name: 'mysql', port: 3306 }]);
  });

  it('moves the request to the bidirectional machine when the ticket changes the connection type', () => {
    const draft = without(validIntake('aws', 'unidirectional'), 'customerAccount');
    const steps = drive(startRequest({ ticketId: 'T-1001', vendor, intake: draft }), {
      type: 'ticket.updated',
      intake: {
        customerAccount: '123456789012',
        connectionType: 'bidirectional',
        customerEndpointService: 'com.amazonaws.vpce.us-east-1.vpce-svc-0123456789abcdef0',
        reverseServices: ['https 443'],
      },
    });
    const accepted = steps[1]!.snapshot;
    expect(accepted.value).toBe('allowlisting');
    expect(accepted.machine.id).toBe('bidirectional');
    expect(accepted.context.connectionType).toBe('bidirectional');
    // It now runs the reverse leg after the forward one.
    const rest = drive(
      steps[1]!,
      { type: 'customer_access.granted' },
      { type: 'endpoint.requested', endpointId: 'vpce-016024d7f43e757c2' },
      { type: 'connection.approved' },
      { type: 'ports.opened' },
      { type: 'connection.verified' },
    );
    expect(rest.at(-1)!.snapshot.value).toBe('awaitingPrincipalGrant');
  });
});

describe('refusals', () => {
  let allowlisting: ReturnType<typeof startRequest>;
  beforeAll(() => {
    allowlisting = startRequest({ ticketId: 'T-1001', vendor, intake: validIntake('aws', 'unidirectional') });
  });

  it('name the current state and the allowed events, and change nothing', () => {
    const result = applyEvent(allowlisting.snapshot, { type: 'connection.approved', actor });
    expect(result).toEqual({
      refused: true,
      state: 'allowlisting',
      allowed: ['customer_access.granted', 'ticket.updated', 'request.cancelled', 'note.added'],
      message:
        'connection.approved is not allowed in state allowlisting. Allowed events: customer_access.granted, ticket.updated, request.cancelled, note.added.',
    });
    expect(allowlisting.snapshot.value).toBe('allowlisting');
  });

  it("refuse an id or name that is not the request's cloud's, saying what it expects (issue 16, item 6)", () => {
    const granted = applyEvent(allowlisting.snapshot, { type: 'customer_access.granted', actor });
    if ('refused' in granted) throw new Error(granted.message);
    const abc = applyEvent(granted.snapshot, { type: 'endpoint.requested', actor, endpointId: 'abc' });
    expect(abc).toMatchObject({
      refused: true,
      state: 'awaitingEndpoint',
      message: expect.stringContaining(
        'endpointId "abc" is not an AWS VPC endpoint id (vpce- and 17 hex digits, e.g. vpce-0a1b2c3d4e5f67890)',
      ),
    });
    expect(applyEvent(granted.snapshot, { type: 'endpoint.requested', actor, endpointId: 'vpce-0abc' })).toMatchObject({
      refused: true,
    });
    expect(
      'refused' in applyEvent(granted.snapshot, { type: 'endpoint.requested', actor, endpointId: 'vpce-0a1b2c3d' }),
    ).toBe(false);
    expect(
      applyEvent(allowlisting.snapshot, { type: 'customer_access.granted', actor, vendorServiceName: 'my-service' }),
    ).toMatchObject({
      refused: true,
      message: expect.stringContaining('vendorServiceName "my-service" is not an AWS endpoint service name'),
    });
    const azure = startRequest({ ticketId: 'T-1001', vendor, intake: validIntake('azure', 'unidirectional') });
    const azureGranted = applyEvent(azure.snapshot, { type: 'customer_access.granted', actor });
    if ('refused' in azureGranted) throw new Error(azureGranted.message);
    expect(
      applyEvent(azureGranted.snapshot, { type: 'endpoint.requested', actor, endpointId: 'vpce-0a1b2c3d4e5f67890' }),
    ).toMatchObject({
      refused: true,
      message: expect.stringContaining('is not an Azure private endpoint resource id'),
    });
  });

  it('explain a step that lacks data the request needs', () => {
    const noService = { ...vendor, vendor: { ...vendor.vendor, endpointServices: {} } };
    const start = startRequest({ ticketId: 'T-1001', vendor: noService, intake: validIntake('aws', 'unidirectional') });
    const result = applyEvent(start.snapshot, { type: 'customer_access.granted', actor });
    expect(result).toMatchObject({
      refused: true,
      message: expect.stringContaining(
        'no vendorServiceName given and none configured for this cloud region; customer_access.granted takes [vendorServiceName], [eventId], [comment]',
      ),
    });
    const withName = applyEvent(start.snapshot, {
      type: 'customer_access.granted',
      actor,
      vendorServiceName: 'com.amazonaws.vpce.us-east-1.vpce-svc-0123456789abcdef9',
    });
    expect('refused' in withName).toBe(false);
    if (!('refused' in withName)) {
      expect(commentText(withName.effects)).toContain(
        'Service name: com.amazonaws.vpce.us-east-1.vpce-svc-0123456789abcdef9',
      );
    }
  });

  it('apply to everything once the request has ended', () => {
    const [, ...rest] = drive(allowlisting, { type: 'request.cancelled', reason: 'no longer needed' });
    const ended = rest[0]!.snapshot;
    expect(statusOf(ended)).toBe('cancelled');
    expect(applyEvent(ended, { type: 'note.added', actor, text: 'late note' })).toMatchObject({
      refused: true,
      allowed: [],
      message: 'The request is cancelled and accepts no more events.',
    });
  });
});

describe('notes and cancellation', () => {
  it('a note changes neither state nor ticket, from intake to the reverse leg', () => {
    let step = startRequest({ ticketId: 'T-1001', vendor });
    const states: string[] = [];
    const script: WithoutActor<EnablementEvent>[] = [
      { type: 'ticket.submitted', intake: validIntake('azure', 'bidirectional') },
      { type: 'customer_access.granted' },
      {
        type: 'endpoint.requested',
        endpointId:
          '/subscriptions/00000000-0000-0000-0000-000000000000/resourceGroups/rg/providers/Microsoft.Network/privateEndpoints/pe-x1',
      },
      { type: 'connection.approved' },
      { type: 'ports.opened' },
      { type: 'connection.verified' },
    ];
    for (const event of script) {
      const before = step.snapshot;
      const noted = drive(step, { type: 'note.added', text: `note in ${String(before.value)}` })[1]!;
      expect(noted.snapshot.value).toBe(before.value);
      expect(noted.effects).toEqual([]);
      expect(noted.snapshot.context.notes).toBe(before.context.notes + 1);
      states.push(String(before.value));
      step = drive(noted, event)[1]!;
    }
    expect(states).toEqual([
      'awaitingSubmission',
      'allowlisting',
      'awaitingEndpoint',
      'reviewingConnection',
      'openingPorts',
      'verifyingConnection',
    ]);
  });

  it('cancellation from an open state ends the request and tells the ticket why', () => {
    const steps = drive(
      startRequest({ ticketId: 'T-1001', vendor, intake: validIntake('aws', 'bidirectional') }),
      { type: 'customer_access.granted' },
      { type: 'request.cancelled', reason: 'the customer moved to another region' },
    );
    const last = steps.at(-1)!;
    expect(statusOf(last.snapshot)).toBe('cancelled');
    expect(waitingOnOf(last.snapshot)).toBe('none');
    expect(commentText(last.effects)).toContain(
      'This PrivateLink request is cancelled: the customer moved to another region',
    );
  });
});

describe('the reverse leg', () => {
  const forwardOn = (cloud: 'aws' | 'azure'): WithoutActor<EnablementEvent>[] => [
    { type: 'customer_access.granted' },
    { type: 'endpoint.requested', endpointId: endpointIdOn(cloud, 1) },
    { type: 'connection.approved' },
    { type: 'ports.opened' },
    { type: 'connection.verified' },
  ];
  const forward = forwardOn('aws');

  it('asks the customer to allow the vendor principal, unless the ticket already did', () => {
    const asked = drive(
      startRequest({ ticketId: 'T-1001', vendor, intake: validIntake('aws', 'bidirectional') }),
      ...forward,
    ).at(-1)!;
    expect(asked.snapshot.value).toBe('awaitingPrincipalGrant');
    expect(commentText(asked.effects)).toContain('arn:aws:iam::402592597372:root');

    const declared = { ...validIntake('aws', 'bidirectional'), vendorPrincipalAccessGranted: true };
    const skipped = drive(startRequest({ ticketId: 'T-1001', vendor, intake: declared }), ...forward).at(-1)!;
    expect(skipped.snapshot.value).toBe('creatingVendorEndpoint');
    expect(skipped.snapshot.context.customerServiceName).toBe(
      'com.amazonaws.vpce.us-east-1.vpce-svc-0123456789abcdef0',
    );
  });

  it("refuses a vendor endpoint DNS name that is not the request's cloud's, saying what it expects", () => {
    const aws = 'vpce-0a1b2c3d4e5f67890-x1y2z3w4.vpce-svc-0123456789abcdef0.us-east-1.vpce.amazonaws.com';
    const azure = 'vendor-pe.privatelink.acme.example';
    const creating = (cloud: 'aws' | 'azure') =>
      drive(
        startRequest({
          ticketId: 'T-1001',
          vendor,
          intake: { ...validIntake(cloud, 'bidirectional'), vendorPrincipalAccessGranted: true },
        }),
        ...forwardOn(cloud),
      ).at(-1)!.snapshot;
    const created = (cloud: 'aws' | 'azure', endpointDns: string) =>
      applyEvent(creating(cloud), {
        type: 'vendor_endpoint.created',
        actor,
        endpointId: endpointIdOn(cloud, 2),
        endpointDns,
      });

    for (const [cloud, dns] of [
      ['aws', 'localhost'],
      ['aws', 'metadata.google.internal'],
      ['aws', azure],
      ['aws', '0177.0.0.1'],
      ['azure', aws],
      ['azure', 'db.internal.vendor.example'],
    ] as const) {
      expect(created(cloud, dns)).toMatchObject({
        refused: true,
        state: 'creatingVendorEndpoint',
        message: expect.stringContaining(
          `(endpointDns "${dns}" is not ${cloud === 'aws' ? 'an AWS endpoint DNS name (vpce-<id>-<suffix>[-<zone>].vpce-svc-<id>.<region>.vpce.amazonaws.com)' : 'an Azure private endpoint DNS name in a privatelink zone'}`,
        ),
      });
    }
    // Each cloud's own names, zonal ones and addresses are accepted; the address rules are the worker's (it resolves).
    for (const [cloud, dns] of [
      ['aws', aws],
      ['aws', aws.replace('-x1y2z3w4.', '-x1y2z3w4-us-east-1a.')],
      ['aws', '10.20.3.4'],
      ['azure', azure],
      ['azure', 'fd12:3456::7'],
    ] as const) {
      const step = created(cloud, dns);
      expect('refused' in step ? step.message : step.snapshot.value).toBe('awaitingReverseApproval');
      if ('refused' in step) continue;
      const approved = drive(step, { type: 'reverse_connection.approved' }).at(-1)!;
      expect(approved.effects).toContainEqual(
        expect.objectContaining({ type: 'runConnectivityCheck', params: expect.objectContaining({ target: dns }) }),
      );
    }
  });

  it('checks connectivity from the vendor network once the customer approves, and loops on failures', () => {
    const steps = drive(
      startRequest({ ticketId: 'T-1001', vendor, intake: validIntake('azure', 'bidirectional') }),
      ...forwardOn('azure'),
      { type: 'principal.granted', customerServiceName: samples.AZURE_SERVICE },
      { type: 'vendor_endpoint.failed', reason: 'AuthorizationFailed' },
      { type: 'principal.granted' },
      {
        type: 'vendor_endpoint.created',
        endpointId:
          '/subscriptions/00000000-0000-0000-0000-000000000000/resourceGroups/rg/providers/Microsoft.Network/privateEndpoints/pe-vendor-1',
        endpointDns: 'pe-vendor-1.privatelink.example',
      },
      { type: 'reverse_connection.rejected', reason: 'unknown endpoint' },
      {
        type: 'vendor_endpoint.created',
        endpointId:
          '/subscriptions/00000000-0000-0000-0000-000000000000/resourceGroups/rg/providers/Microsoft.Network/privateEndpoints/pe-vendor-2',
        endpointDns: 'pe-vendor-2.privatelink.example',
      },
      { type: 'reverse_connection.approved' },
      { type: 'reverse_connection.failed', details: 'Connection refused' },
      { type: 'troubleshooting.resolved' },
      { type: 'reverse_connection.verified' },
    );
    expect(steps.map((s) => String(s.snapshot.value)).slice(6)).toEqual([
      'creatingVendorEndpoint',
      'awaitingPrincipalGrant',
      'creatingVendorEndpoint',
      'awaitingReverseApproval',
      'creatingVendorEndpoint',
      'awaitingReverseApproval',
      'verifyingReverseConnection',
      'customerTroubleshootingReverse',
      'verifyingReverseConnection',
      'enabled',
    ]);
    // The check goes to the customer's service's ports (the reverse direction's), not the vendor's.
    expect(steps[12]!.effects).toContainEqual({
      type: 'runConnectivityCheck',
      params: { direction: 'reverse', target: 'pe-vendor-2.privatelink.example', ports: [443] },
    });
    expect(commentText(steps[7]!.effects)).toContain('AuthorizationFailed');
    expect(comments(steps.at(-1)!.effects)).toEqual(['enabled']);
  });
});

describe('ticket comments', () => {
  it('never show placeholders for missing values on any step of any path', () => {
    const texts: string[] = [];
    for (const cloud of ['aws', 'azure'] as const) {
      const steps = drive(
        startRequest({ ticketId: 'T-1001', vendor, intake: without(validIntake(cloud, 'bidirectional'), 'services') }),
        { type: 'ticket.updated', intake: { services: ['mysql 3306'] } },
        { type: 'customer_access.granted' },
        {
          type: 'endpoint.requested',
          endpointId: endpointIdOn(cloud, 11),
        },
        { type: 'connection.rejected', reason: 'wrong subscription' },
        {
          type: 'endpoint.requested',
          endpointId: endpointIdOn(cloud, 12),
        },
        { type: 'connection.approved' },
        { type: 'ports.opened' },
        { type: 'connection.failed', details: 'timed out' },
        { type: 'troubleshooting.resolved' },
        { type: 'connection.verified' },
        { type: 'principal.granted' },
        { type: 'vendor_endpoint.failed', reason: 'denied' },
        { type: 'principal.granted' },
        {
          type: 'vendor_endpoint.created',
          endpointId: endpointIdOn(cloud, 13),
          endpointDns: endpointDnsOn(cloud, 13),
        },
        { type: 'reverse_connection.rejected', reason: 'no' },
        {
          type: 'vendor_endpoint.created',
          endpointId: endpointIdOn(cloud, 14),
          endpointDns: endpointDnsOn(cloud, 14),
        },
        { type: 'reverse_connection.approved' },
        { type: 'reverse_connection.failed', details: 'refused' },
        { type: 'troubleshooting.resolved' },
        { type: 'reverse_connection.verified' },
      );
      texts.push(...steps.map((s) => commentText(s.effects)).filter(Boolean));
    }
    expect(texts.length).toBeGreaterThanOrEqual(30);
    for (const text of texts) expect(text).not.toMatch(/undefined|null|\[object Object\]|NaN|: \n/);
  });

  it('give the customer the vendor service name, region and ports to open', () => {
    const steps = drive(startRequest({ ticketId: 'T-1001', vendor, intake: validIntake('aws', 'unidirectional') }), {
      type: 'customer_access.granted',
    });
    const text = commentText(steps[1]!.effects);
    expect(text).toContain('Service name: com.amazonaws.vpce.us-east-1.vpce-svc-0a1b2c3d4e5f67890');
    expect(text).toContain('create an interface VPC endpoint in your VPC');
    expect(text).toContain('  - mysql: port 3306\n  - sftp: port 2222');
  });

  it('give Azure customers the private-endpoint wording and the vendor subscription', () => {
    const steps = drive(
      startRequest({ ticketId: 'T-1001', vendor, intake: validIntake('azure', 'bidirectional') }),
      { type: 'customer_access.granted' },
      {
        type: 'endpoint.requested',
        endpointId:
          '/subscriptions/00000000-0000-0000-0000-000000000000/resourceGroups/rg/providers/Microsoft.Network/privateEndpoints/pe-1',
      },
      { type: 'connection.approved' },
      { type: 'ports.opened' },
      { type: 'connection.verified' },
    );
    expect(commentText(steps[1]!.effects)).toContain('create a private endpoint in your virtual network');
    expect(commentText(steps.at(-1)!.effects)).toContain('6f1c2b3a-4d5e-4f60-8a7b-9c0d1e2f3a4b');
    expect(commentText(steps[4]!.effects)).toContain('curl -v telnet://<endpoint-dns-name>:3306   (mysql)');
    expect(commentText(steps[4]!.effects)).toContain(
      'az network private-endpoint show --ids /subscriptions/00000000-0000-0000-0000-000000000000/resourceGroups/rg/providers/Microsoft.Network/privateEndpoints/pe-1',
    );
  });
});

describe("the incomplete-intake comment's data", () => {
  const incomplete = (intake: IntakeDraft) => {
    const { effects } = startRequest({ ticketId: 'T-1001', vendor, intake });
    const comment = effects.find((e) => e.type === 'postTicketComment');
    if (comment?.type !== 'postTicketComment') throw new Error('no ticket comment');
    return comment.params as { template: string; data: { ticketId: string; company: string; problems: string[] } };
  };

  it('greets the company, names the account by the cloud the ticket wrote however it was written, and lists every problem', () => {
    const comment = incomplete({
      ...without(validIntake('azure', 'unidirectional'), 'customerAccount'),
      cloud: ' AZURE ',
    });
    expect(comment.template).toBe('intake_incomplete');
    expect(comment.data.ticketId).toBe('T-1001');
    expect(comment.data.company).toBe('Acme');
    expect(comment.data.problems).toEqual([expect.stringMatching(/^Azure subscription: is missing/)]);
    const aws = incomplete({ ...without(validIntake('aws', 'unidirectional'), 'customerAccount') });
    expect(aws.data.problems).toEqual([expect.stringMatching(/^AWS account: is missing/)]);
  });

  it('does not greet a company that is itself one of the problems (missing or too long), and names the account neutrally for an unknown cloud or one not written as text', () => {
    const noCompany = incomplete({ ...without(validIntake('aws', 'unidirectional'), 'projectId'), company: '   ' });
    expect(noCompany.data.company).toBe('');
    expect(noCompany.data.problems).toEqual([
      expect.stringMatching(/^Company: is missing/),
      expect.stringMatching(/^Project ID: is missing/),
    ]);
    const unknownCloud = incomplete({
      ...without(validIntake('aws', 'unidirectional'), 'customerAccount'),
      cloud: 'gcp',
    });
    expect(unknownCloud.data.problems).toEqual(
      expect.arrayContaining([
        expect.stringMatching(/^Cloud: /),
        expect.stringMatching(/^Customer account: is missing/),
      ]),
    );
    const tooLong = incomplete({ ...validIntake('aws', 'unidirectional'), company: 'x'.repeat(300) });
    expect(tooLong.data.company).toBe('');
    expect(tooLong.data.problems).toEqual(['Company: is 300 bytes long; it may be at most 200 bytes']);
    const notText = incomplete({ ...without(validIntake('aws', 'unidirectional'), 'customerAccount'), cloud: 7 });
    expect(notText.data.problems).toEqual(
      expect.arrayContaining([expect.stringMatching(/^Customer account: is missing/)]),
    );
  });
});

describe('the path a ticket asks for', () => {
  it('reads the connection type however the ticket writes it', () => {
    const { snapshot } = startRequest({
      ticketId: 'T-1001',
      vendor,
      intake: { ...validIntake('aws', 'bidirectional'), connectionType: ' Bidirectional ' },
    });
    expect(snapshot.context.connectionType).toBe('bidirectional');
    expect(snapshot.value).toBe('allowlisting');
  });

  it('moves a request still in intake to the path an update or a late submission names, and only then', () => {
    const incomplete = without(validIntake('aws', 'bidirectional'), 'customerAccount', 'connectionType');
    const start = startRequest({ ticketId: 'T-1001', vendor, intake: incomplete });
    expect(start.snapshot.context.connectionType).toBe('unidirectional');
    const [, updated] = drive(start, { type: 'ticket.updated', intake: { connectionType: 'bidirectional' } });
    expect(updated!.snapshot.context.connectionType).toBe('bidirectional');
    const [, same] = drive(updated!, { type: 'ticket.updated', intake: { customerAccount: '123456789012' } });
    expect(same!.snapshot.context.connectionType).toBe('bidirectional');
    expect(same!.snapshot.value).toBe('allowlisting');

    const empty = startRequest({ ticketId: 'T-1002', vendor });
    const [, submitted] = drive(empty, { type: 'ticket.submitted', intake: validIntake('azure', 'bidirectional') });
    expect(submitted!.snapshot.context.connectionType).toBe('bidirectional');
  });

  it('ignores a connection type that is not text, and refuses an update before the ticket is submitted', () => {
    const numbered = { ...without(validIntake('aws', 'bidirectional'), 'customerAccount'), connectionType: 2 };
    const start = startRequest({ ticketId: 'T-1001', vendor, intake: numbered });
    expect([start.snapshot.context.connectionType, start.snapshot.value]).toEqual([
      'unidirectional',
      'awaitingInformation',
    ]);
    const [, updated] = drive(start, { type: 'ticket.updated', intake: { connectionType: 3 } });
    expect(updated!.snapshot.context.connectionType).toBe('unidirectional');
    expect(commentText(updated!.effects)).toContain('Connection type: ');

    const empty = startRequest({ ticketId: 'T-1002', vendor });
    expect(
      applyEvent(empty.snapshot, { type: 'ticket.updated', actor, intake: { connectionType: 'bidirectional' } }),
    ).toEqual({
      refused: true,
      state: 'awaitingSubmission',
      allowed: ['ticket.submitted', 'request.cancelled', 'note.added'],
      message:
        'ticket.updated is not allowed in state awaitingSubmission. Allowed events: ticket.submitted, request.cancelled, note.added.',
    });
  });

  it("takes the path from the whole updated draft, but from a new submission alone, when resuming on the other path's machine", () => {
    // A request resumed (continue-as-new) from a snapshot whose draft names the other path than its machine.
    const bidirectionalDraft = without(validIntake('aws', 'bidirectional'), 'customerAccount');
    const waiting = startRequest({ ticketId: 'T-1001', vendor, intake: bidirectionalDraft }).snapshot;
    const resumed = machineFor('unidirectional').resolveState({
      value: waiting.value,
      context: { ...waiting.context, connectionType: 'unidirectional' },
    });
    const [, updated] = drive(
      { snapshot: resumed, effects: [] },
      {
        type: 'ticket.updated',
        intake: { customerAccount: '123456789012' },
      },
    );
    expect([updated!.snapshot.context.connectionType, updated!.snapshot.value]).toEqual([
      'bidirectional',
      'allowlisting',
    ]);

    const [, submitted] = drive(
      { snapshot: resumed, effects: [] },
      {
        type: 'ticket.submitted',
        intake: without(validIntake('aws', 'bidirectional'), 'connectionType'),
      },
    );
    expect([submitted!.snapshot.context.connectionType, submitted!.snapshot.value]).toEqual([
      'unidirectional',
      'awaitingInformation',
    ]);
  });

  it('refuses an update after acceptance that changes nothing, saying so', () => {
    const start = startRequest({ ticketId: 'T-1001', vendor, intake: validIntake('aws', 'unidirectional') });
    const result = applyEvent(start.snapshot, {
      type: 'ticket.updated',
      actor,
      intake: { company: validIntake('aws', 'unidirectional').company },
    });
    expect(result).toMatchObject({
      refused: true,
      message:
        'ticket.updated cannot be applied in state allowlisting with this payload (it changes nothing in the accepted intake; ticket.updated takes intake, [eventId], [comment]). Allowed events: customer_access.granted, ticket.updated, request.cancelled, note.added.',
    });
  });
});

describe('a failed connection test, as staff are told', () => {
  const failed = (type: 'unidirectional' | 'bidirectional', ...events: WithoutActor<EnablementEvent>[]) => {
    const steps = drive(startRequest({ ticketId: 'T-1001', vendor, intake: validIntake('aws', type) }), ...events);
    return notifications(steps[steps.length - 1]!.effects);
  };
  const forward: WithoutActor<EnablementEvent>[] = [
    { type: 'customer_access.granted' },
    { type: 'endpoint.requested', endpointId: endpointIdOn('aws', 1) },
    { type: 'connection.approved' },
    { type: 'ports.opened' },
  ];

  it('going forward: whose piece failed, the details, and the checklist of the side that checks', () => {
    const ours = failed('unidirectional', ...forward, { type: 'connection.failed', details: 'telnet: timed out' });
    expect(ours).toMatch(
      /^\[T-1001\] The customer's connection test failed: telnet: timed out\. The failing piece is ours: check: Endpoint and endpoint service settings: /,
    );
    const theirs = failed('unidirectional', ...forward, {
      type: 'connection.failed',
      details: 'security group',
      failingSide: 'customer',
    });
    expect(theirs).toMatch(
      /^\[T-1001\] The customer's connection test failed: security group\. The failing piece is the customer's: the request waits on them to check: Your interface endpoint /,
    );
  });

  it("in reverse: the reverse test, and by default the customer's service end", () => {
    const reverse = failed(
      'bidirectional',
      ...forward,
      { type: 'connection.verified' },
      { type: 'principal.granted' },
      { type: 'vendor_endpoint.created', endpointId: endpointIdOn('aws', 2), endpointDns: endpointDnsOn('aws', 2) },
      { type: 'reverse_connection.approved' },
      { type: 'reverse_connection.failed', details: 'refused' },
    );
    expect(reverse).toMatch(
      /^\[T-1001\] The reverse connection test failed: refused\. The failing piece is the customer's: the request waits on them to check: Your endpoint service /,
    );
  });
});

describe('what staff are told, word for word', () => {
  const upToReview: WithoutActor<EnablementEvent>[] = [
    { type: 'customer_access.granted' },
    { type: 'endpoint.requested', endpointId: endpointIdOn('aws', 1) },
  ];
  const upToVerifying = [...upToReview, { type: 'connection.approved' }, { type: 'ports.opened' }] as const;
  const upToReverse = [...upToVerifying, { type: 'connection.verified' }] as const;
  const createdVendorEndpoint = {
    type: 'vendor_endpoint.created',
    endpointId: endpointIdOn('aws', 2),
    endpointDns: endpointDnsOn('aws', 2),
  } as const;
  const otherService = 'com.amazonaws.vpce.us-east-1.vpce-svc-0123456789abcdef9';
  const noServices = { ...vendor, vendor: { ...vendor.vendor, endpointServices: {} } };

  it.each<[string, IntakeDraft, WithoutActor<EnablementEvent>[], string, typeof vendor?]>([
    [
      'an ineligible request, every reason',
      { ...validIntake('aws', 'unidirectional'), environment: 'local', projectId: 'st0000000001' },
      [],
      '[T-1001] Request rejected as ineligible: environment: PrivateLink is available on Pro Production and Staging environments only, not on local environments; projectId: project st0000000001 is on the Starter plan: PrivateLink is available on Pro projects only',
    ],
    [
      'an AWS request with no endpoint service configured for its region',
      validIntake('aws', 'unidirectional'),
      [],
      '[T-1001] Allowlist AWS account 123456789012 on the endpoint service in us-east-1, then record customer_access.granted',
      noServices,
    ],
    [
      'an Azure request with no Private Link service configured for its cluster',
      validIntake('azure', 'unidirectional'),
      [],
      `[T-1001] Allowlist Azure subscriptions ${samples.AZURE_SUBSCRIPTION} on the Private Link service of cluster cl-7x2k9 in eastus, then record customer_access.granted`,
      noServices,
    ],
    [
      "the customer's endpoint",
      validIntake('aws', 'unidirectional'),
      upToReview,
      `[T-1001] Approve the connection request from endpoint ${endpointIdOn('aws', 1)}`,
    ],
    [
      'enablement',
      validIntake('aws', 'unidirectional'),
      [...upToVerifying, { type: 'connection.verified' }],
      '[T-1001] PrivateLink enabled (unidirectional)',
    ],
    [
      'the principal granted, for the one service the ticket names',
      validIntake('aws', 'bidirectional'),
      [...upToReverse, { type: 'principal.granted' }],
      '[T-1001] Create the vendor endpoint to com.amazonaws.vpce.us-east-1.vpce-svc-0123456789abcdef0, then record vendor_endpoint.created',
    ],
    [
      'the principal granted on another service the customer names',
      validIntake('aws', 'bidirectional'),
      [...upToReverse, { type: 'principal.granted', customerServiceName: otherService }],
      `[T-1001] Create the vendor endpoint to ${otherService}, then record vendor_endpoint.created`,
    ],
    [
      'the vendor endpoint rejected',
      validIntake('aws', 'bidirectional'),
      [
        ...upToReverse,
        { type: 'principal.granted' },
        createdVendorEndpoint,
        { type: 'reverse_connection.rejected', reason: 'unknown endpoint' },
      ],
      '[T-1001] Customer rejected the vendor endpoint: unknown endpoint. Create a new one',
    ],
    [
      'a reverse failure on our side, with each check of our checklist',
      validIntake('aws', 'bidirectional'),
      [
        ...upToReverse,
        { type: 'principal.granted' },
        createdVendorEndpoint,
        { type: 'reverse_connection.approved' },
        { type: 'reverse_connection.failed', details: 'refused', failingSide: 'vendor' },
      ],
      `[T-1001] The reverse connection test failed: refused. The failing piece is ours: check: Our endpoint ${endpointIdOn('aws', 2)} is "Available" and ${endpointDnsOn('aws', 2)} resolves to its private addresses; The security group of our endpoint allows TCP on 443 from our VMs; netcat/curl from each VM: curl -v telnet://${endpointDnsOn('aws', 2)}:443`,
    ],
  ])('%s', (_name, intake, events, told, config = vendor) => {
    const steps = drive(startRequest({ ticketId: 'T-1001', vendor: config, intake }), ...events);
    expect(notifications(steps.at(-1)!.effects)).toBe(told);
  });
});

describe("the data of the customer's comments", () => {
  const forward: WithoutActor<EnablementEvent>[] = [
    { type: 'customer_access.granted' },
    { type: 'endpoint.requested', endpointId: endpointIdOn('aws', 1) },
    { type: 'connection.approved' },
    { type: 'ports.opened' },
    { type: 'connection.verified' },
  ];
  const commentOf = (step: { effects: ReturnType<typeof startRequest>['effects'] }) => {
    const comment = step.effects.find((e) => e.type === 'postTicketComment');
    if (comment?.type !== 'postTicketComment') throw new Error('no ticket comment');
    return comment.params;
  };

  it('when enabled one way: the services and the endpoint, no reverse connection', () => {
    const enabled = drive(
      startRequest({ ticketId: 'T-1001', vendor, intake: validIntake('aws', 'unidirectional') }),
      ...forward,
    ).at(-1)!;
    expect(commentOf(enabled)).toEqual({
      template: 'enabled',
      data: {
        ticketId: 'T-1001',
        company: 'Acme',
        services: [
          { name: 'mysql', port: 3306 },
          { name: 'sftp', port: 2222 },
        ],
        connectionType: 'unidirectional',
        endpointId: endpointIdOn('aws', 1),
      },
    });
  });

  it('after our fix in reverse: the reverse test again, with the login steps of a vendor without a CLI', () => {
    const noCli = { ...vendor, vendor: { ...vendor.vendor, cli: undefined } };
    const fixed = drive(
      startRequest({ ticketId: 'T-1001', vendor: noCli, intake: validIntake('aws', 'bidirectional') }),
      ...forward,
      { type: 'principal.granted' },
      { type: 'vendor_endpoint.created', endpointId: endpointIdOn('aws', 2), endpointDns: endpointDnsOn('aws', 2) },
      { type: 'reverse_connection.approved' },
      { type: 'reverse_connection.failed', details: 'refused', failingSide: 'vendor' },
      { type: 'troubleshooting.resolved' },
    ).at(-1)!;
    expect(commentOf(fixed)).toMatchObject({
      template: 'verify_again',
      data: { direction: 'reverse', fixedBy: 'vendor' },
    });
    expect(commentText(fixed.effects)).toContain(
      `  1. Log in to your production environment (the one using the connection) and go to the project root directory\n  2. Run, for each port:\n       - curl -v telnet://${endpointDnsOn('aws', 2)}:443   (https)`,
    );
  });
});
