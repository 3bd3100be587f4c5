/**
 * What Alibaba Cloud (seed 003) and the reverse path (seed 002) tell people, word for word: every customer comment of
 * each of their steps, and the staff notifications that differ from AWS's, driven through the machines (enablement)
 * and the request host (changes after enablement). The expectations are the wording as it stands; where it does not
 * yet read like the source documents' instructions, the test names it (see the wording notes in each `it`).
 */
import { checkEvent, type EnablementEvent } from '../../src/domain/events';
import type { Cloud } from '../../src/domain/formats';
import type { IntakeDraft } from '../../src/domain/intake';
import { type Effect, startRequest, statusOf, type Step, waitingOnOf } from '../../src/machines';
import {
  applyRequestEvent,
  connectionOf,
  requestOf,
  type RequestState,
  requestStateName,
  requestStatus,
  type RequestStep,
  requestWaitingOn,
} from '../../src/machines/request';
import { endpointDnsOn, endpointIdOn, type TestEvent } from '../fixtures/events';
import { exampleVendorConfig, samples, validIntake } from '../fixtures/requests';
import { comments, commentText, drive, notifications, type WithoutActor } from './drive';

const vendor = exampleVendorConfig();
type Event = WithoutActor<EnablementEvent>;

const start = (intake: IntakeDraft) => startRequest({ ticketId: 'T-1001', vendor, intake });
const stateOf = (step: Step) => String(step.snapshot.value);
const where = (step: Step) => [stateOf(step), waitingOnOf(step.snapshot)];

// The example vendor configuration's Alibaba Cloud side, and the fixtures' customer side.
const ALI_VENDOR_SERVICE = 'com.aliyuncs.privatelink.eu-central-1.epsrv-gw8vendorservice0001';
const ALI_PRINCIPAL = '5123456789012345';
const ALI_ACCOUNT = samples.ALIBABA_ACCOUNT; // 1234567890123456
const ALI_SERVICE = samples.ALIBABA_SERVICE; // com.aliyuncs.privatelink.eu-central-1.epsrv-bp1customerservice01
const AWS_SERVICE = 'com.amazonaws.vpce.us-east-1.vpce-svc-0123456789abcdef0';
const AZURE_SERVICE = samples.AZURE_SERVICE;

/** The customer's endpoint (forward) and the vendor's endpoint (reverse) in each cloud's id format. */
const customerEndpoint = (cloud: Cloud) => endpointIdOn(cloud, 'vpce-07f552b9497008761');
const vendorEndpoint = (cloud: Cloud) => endpointIdOn(cloud, 'vpce-063c51c5620a37baf');
const vendorDns = (cloud: Cloud) => endpointDnsOn(cloud, 2);

/** The opening of every intake_accepted comment. */
const acceptedLead = (type: string) =>
  `Your ${type} PrivateLink request is complete and accepted. Enabling PrivateLink can take up to five business days; incomplete or inaccurate information delays it, so please answer our questions on this ticket promptly.`;
/** The vendor CLI steps that test from the vendor's production environment, to `host` on 443 (the fixtures' https). */
const vendorCliTest = (host: string) => `  1. Log in with the Magento Cloud CLI: magento-cloud login
  2. From the project root directory, check out your production environment (the one using the connection): magento-cloud environment:checkout <environment-id>
  3. Run, for each port:
       - curl -v telnet://${host}:443   (https)`;
const enabledTail = (changes: string) =>
  `Our support for this request covers enabling the connection and ends here: troubleshooting the connection after enablement is not covered.

To change this connection later (${changes}, or add or remove connections to other services in your network), open a new ticket.`;

/** The forward leg on Alibaba Cloud, to a verified connection (the customer's endpoint without its domain name). */
const aliForward: Event[] = [
  { type: 'customer_access.granted' },
  { type: 'endpoint.requested', endpointId: customerEndpoint('alibaba') },
  { type: 'connection.approved' },
  { type: 'ports.opened' },
  { type: 'connection.verified' },
];
/** The vendor endpoint to the customer's service in `cloud`, as staff record it. */
const vendorEndpointCreated = (cloud: Cloud): Event => ({
  type: 'vendor_endpoint.created',
  endpointId: vendorEndpoint(cloud),
  endpointDns: vendorDns(cloud),
});

const ALI_INTAKE_NOTIFICATION = `[T-1001] Add Alibaba Cloud account ${ALI_ACCOUNT} to the whitelist of the endpoint service in eu-central-1 (${ALI_VENDOR_SERVICE}); it must serve zone eu-central-1a, where the customer creates the endpoint. Then record customer_access.granted`;

/** The intake_accepted sentence: staff add the customer's account ID to our endpoint service's whitelist. */
const ALI_WHITELISTING = `We are now adding Alibaba Cloud account ${ALI_ACCOUNT} to the whitelist of our endpoint service in eu-central-1 (zone eu-central-1a). We will post its service name here when it is ready.`;

const ALI_CREATE_ENDPOINT = `Your Alibaba Cloud account ID is now in the whitelist of our endpoint service.

Service name: ${ALI_VENDOR_SERVICE}
Region: eu-central-1
Zone: eu-central-1a

Next step for you: create an interface endpoint in your VPC, with a vSwitch in zone eu-central-1a and a security group that lets your clients reach the endpoint, to this service name (https://www.alibabacloud.com/help/en/privatelink/user-guide/endpoint-overview/). This sends us a connection request (https://www.alibabacloud.com/help/en/privatelink/user-guide/managing-endpoint-connections). Once we approve it, we open these ports in our environment:
  - mysql: port 3306
  - sftp: port 2222

When the endpoint is created, reply with its id (ep-…) so we can approve the connection request.`;

const ALI_CONNECTION_APPROVED = `We approved the connection request from endpoint ep-07f552b9497008761aaa. Next we open these ports in our environment:
  - mysql: port 3306
  - sftp: port 2222

We will tell you here when they are open and you can test the connection.`;

const ALI_PORTS_OPENED = `These ports are now open in our environment for your connection through endpoint ep-07f552b9497008761aaa:
  - mysql: port 3306
  - sftp: port 2222

Next step for you: verify the connection from a host in your VPC to each port:
  - curl -v telnet://<endpoint-dns-name>:3306   (mysql)
  - curl -v telnet://<endpoint-dns-name>:2222   (sftp)

where <endpoint-dns-name> is the domain name of your endpoint ep-07f552b9497008761aaa; this prints it:
  aliyun privatelink GetVpcEndpointAttribute --RegionId eu-central-1 --EndpointId ep-07f552b9497008761aaa   (the EndpointDomain field)

A working connection prints "Connected to …". Reply with the result; if a test fails, include its output.`;

const ALI_FORWARD_OPEN_PORTS = `From your network to ours (your endpoint ep-07f552b9497008761aaa):
  - mysql: port 3306
  - sftp: port 2222`;

describe('Alibaba Cloud, unidirectional: every comment to enabled', () => {
  const steps = drive(start(validIntake('alibaba', 'unidirectional')), ...aliForward);
  const [accepted, granted, requested, approved, opened, enabled] = steps as [Step, Step, Step, Step, Step, Step];

  it('uses the ep- id format the fixtures promise', () => {
    expect(customerEndpoint('alibaba')).toBe('ep-07f552b9497008761aaa');
    expect(vendor.vendor.endpointServices['alibaba:eu-central-1']).toBe(ALI_VENDOR_SERVICE);
    expect(vendor.vendor.principals.alibaba).toBe(ALI_PRINCIPAL);
  });

  it('accepts the intake and asks staff to whitelist the account in the zone', () => {
    expect(where(accepted)).toEqual(['allowlisting', 'vendor']);
    expect(commentText(accepted.effects)).toBe(`${acceptedLead('unidirectional')}

${ALI_WHITELISTING}

The costs of your own VPC, its endpoints and load balancers are yours.`);
    expect(notifications(accepted.effects)).toBe(ALI_INTAKE_NOTIFICATION);
  });

  it('posts the service name, region and zone, and asks for an endpoint with a vSwitch in the zone', () => {
    expect(where(granted)).toEqual(['awaitingEndpoint', 'customer']);
    expect(comments(granted.effects)).toEqual(['create_endpoint']);
    expect(commentText(granted.effects)).toBe(ALI_CREATE_ENDPOINT);
    expect(notifications(granted.effects)).toBe('');
  });

  it('asks staff to approve the ep- endpoint, then tells the customer it is approved', () => {
    expect(where(requested)).toEqual(['reviewingConnection', 'vendor']);
    expect(commentText(requested.effects)).toBe('');
    expect(notifications(requested.effects)).toBe(
      '[T-1001] Approve the connection request from endpoint ep-07f552b9497008761aaa',
    );
    expect(where(approved)).toEqual(['openingPorts', 'vendor']);
    expect(commentText(approved.effects)).toBe(ALI_CONNECTION_APPROVED);
    expect(notifications(approved.effects)).toBe(
      '[T-1001] Open mysql 3306, sftp 2222 in project ali000000001 (production) for endpoint ep-07f552b9497008761aaa, then record ports.opened',
    );
  });

  it('has the customer test with the domain name the aliyun command prints', () => {
    expect(where(opened)).toEqual(['verifyingConnection', 'customer']);
    expect(commentText(opened.effects)).toBe(ALI_PORTS_OPENED);
  });

  it('tests with the domain name itself when staff recorded it', () => {
    const dns =
      'ep-07f552b9497008761aaa-eu-central-1.epsrv-gw8vendorservice0001.eu-central-1a.privatelink.aliyuncs.com';
    const known = drive(
      start(validIntake('alibaba', 'unidirectional')),
      { type: 'customer_access.granted' },
      { type: 'endpoint.requested', endpointId: customerEndpoint('alibaba'), endpointDns: dns },
      { type: 'connection.approved' },
      { type: 'ports.opened' },
    ).at(-1)!;
    expect(commentText(known.effects))
      .toBe(`These ports are now open in our environment for your connection through endpoint ep-07f552b9497008761aaa:
  - mysql: port 3306
  - sftp: port 2222

Next step for you: verify the connection from a host in your VPC to each port:
  - curl -v telnet://${dns}:3306   (mysql)
  - curl -v telnet://${dns}:2222   (sftp)

A working connection prints "Connected to …". Reply with the result; if a test fails, include its output.`);
  });

  it('says it is enabled with the forward ports', () => {
    expect(statusOf(enabled.snapshot)).toBe('enabled');
    expect(commentText(enabled.effects)).toBe(`PrivateLink is enabled (unidirectional). Open ports:

${ALI_FORWARD_OPEN_PORTS}

${enabledTail('remove it, change your account')}`);
    expect(notifications(enabled.effects)).toBe('[T-1001] PrivateLink enabled (unidirectional)');
  });

  it('names each zone when the intake gives several', () => {
    const intake = {
      ...validIntake('alibaba', 'unidirectional'),
      alibaba: { zones: ['eu-central-1a', 'eu-central-1b'] },
    };
    const [first, granted2] = drive(start(intake), { type: 'customer_access.granted' }) as [Step, Step];
    // Wording note: "zone eu-central-1a and eu-central-1b" (staff) wants the plural "zones", as does the customer's
    // "(zone eu-central-1a, eu-central-1b)", which also wants "and".
    expect(notifications(first.effects)).toBe(
      `[T-1001] Add Alibaba Cloud account ${ALI_ACCOUNT} to the whitelist of the endpoint service in eu-central-1 (${ALI_VENDOR_SERVICE}); it must serve zones eu-central-1a and eu-central-1b, where the customer creates the endpoint. Then record customer_access.granted`,
    );
    expect(commentText(first.effects)).toBe(`${acceptedLead('unidirectional')}

${ALI_WHITELISTING.replace('(zone eu-central-1a)', '(zones eu-central-1a and eu-central-1b)')}

The costs of your own VPC, its endpoints and load balancers are yours.`);
    expect(commentText(granted2.effects)).toBe(
      ALI_CREATE_ENDPOINT.replace('Zone: eu-central-1a', 'Zone: eu-central-1a, eu-central-1b').replace(
        'with a vSwitch in zone eu-central-1a and',
        'with a vSwitch in zone eu-central-1a or eu-central-1b and',
      ),
    );
  });
});

/** The bidirectional intake's part about the customer's service on Alibaba Cloud (CLB, whitelist). */
const ALI_CUSTOMER_SERVICE_PART = `For the connection from our network to your service, we connect to your endpoint service (in front of an internal-facing, pay-as-you-go CLB instance):
  - ${ALI_SERVICE}
Your endpoint service and its load balancer must be in zone eu-central-1a, where we create our endpoint.
Your endpoint service's whitelist must include our Alibaba Cloud account ID:
  - ${ALI_PRINCIPAL}`;
const ALI_WHITELIST_ASK =
  'If you have not done so yet, add this account ID to the whitelist of your endpoint service now: until it is there we cannot connect to your service, which delays the set-up. How: https://www.alibabacloud.com/help/en/privatelink/latest/add-account-ids-to-the-whitelist';
const ALI_WHITELIST_DECLARED = 'You told us our account ID is already in your whitelist: thank you.';

const ALI_CONNECTION_DOCS = 'https://www.alibabacloud.com/help/en/privatelink/user-guide/managing-endpoint-connections';
const connectionDocs: Record<Cloud, string> = {
  aws: 'https://docs.aws.amazon.com/vpc/latest/userguide/accept-reject-endpoint-requests.html',
  azure:
    'https://docs.microsoft.com/en-us/azure/private-link/private-link-service-overview#manage-your-connection-requests',
  alibaba: ALI_CONNECTION_DOCS,
};
/** The customer's step that accepts our endpoint's connection request on their service, in each cloud's words. */
const acceptStep = (cloud: Cloud, endpoint: string) =>
  cloud === 'alibaba'
    ? `allow the connection from endpoint ${endpoint}: on your endpoint service's Endpoint Connections tab, find it, click Allow, then OK in the Allow Connection dialog; its state changes from Disconnected to Connected`
    : `accept the connection request from endpoint ${endpoint}`;
const approveReverse = (cloud: Cloud, endpoint: string, service: string) =>
  `We created our endpoint ${endpoint} to your service ${service}. This sent a connection request to your service.

Next step for you: ${acceptStep(cloud, endpoint)} (${connectionDocs[cloud]}). We will connect to these ports of your service:
  - https: port 443

Reply when it is accepted.`;
/** The staff task's zone for our endpoint on Alibaba Cloud: where the customer's load balancer is. */
const ALI_ZONE_TASK = ' in zone eu-central-1a (a vSwitch in that zone)';

const verifyReverse = (
  host: string,
) => `Thank you for accepting the connection. We are testing it from our side as well.

Next step for you: verify the connection from our network to your service:
${vendorCliTest(host)}

A working connection prints "Connected to …". Reply with the result; if a test fails, include its output.`;

const ALI_AUTO_ACCEPTED = `We created our endpoint ep-063c51c5620a37bafaaa to your service ${ALI_SERVICE}, which accepts connections automatically, so it is connected. We are testing it from our side as well.

Next step for you: verify the connection from our network to your service:
${vendorCliTest(endpointDnsOn('alibaba', 2))}

A working connection prints "Connected to …". Reply with the result; if a test fails, include its output.`;

describe('Alibaba Cloud, bidirectional', () => {
  it('accepts the intake with the CLB the service must be behind and the whitelist to add our account ID to', () => {
    const accepted = start(validIntake('alibaba', 'bidirectional'));
    // Wording note: after the zone sentence, "Its whitelist" could mean the load balancer's; "Your endpoint service's
    // whitelist must include …" says whose.
    expect(commentText(accepted.effects)).toBe(`${acceptedLead('bidirectional')}

${ALI_WHITELISTING}

${ALI_CUSTOMER_SERVICE_PART}
${ALI_WHITELIST_ASK}

The costs of your own VPC, its endpoints and load balancers are yours.`);
    expect(notifications(accepted.effects)).toBe(ALI_INTAKE_NOTIFICATION);
  });

  describe('without autoAcceptConnections: the customer allows our endpoint by hand', () => {
    const steps = drive(
      start(validIntake('alibaba', 'bidirectional')),
      ...aliForward,
      { type: 'principal.granted' },
      vendorEndpointCreated('alibaba'),
      { type: 'reverse_connection.approved' },
      { type: 'reverse_connection.verified' },
    );
    const [verified, granted, created, approved, enabled] = steps.slice(-5) as [Step, Step, Step, Step, Step];

    it('asks for our account ID on the whitelist of their endpoint service once the forward test works', () => {
      // Wording note: two parentheses in a row, ": on its Service Whitelist tab, click Add to Whitelist (https://…)".
      expect(where(verified)).toEqual(['awaitingPrincipalGrant', 'customer']);
      expect(commentText(verified.effects))
        .toBe(`The connection from your network to ours works. Next we connect our network to your endpoint service:
  - ${ALI_SERVICE}

Next step for you: add our Alibaba Cloud account ID to the whitelist of your endpoint service: on its Service Whitelist tab, click Add to Whitelist (https://www.alibabacloud.com/help/en/privatelink/latest/add-account-ids-to-the-whitelist):
  - ${ALI_PRINCIPAL}

Reply when our account ID is in the whitelist, with the service name if it is not the one above.`);
      expect(notifications(verified.effects)).toBe('');
    });

    it('asks staff to create our endpoint, then the customer to accept its connection request', () => {
      // Wording note: the Allow Connection dialog's OK (seed 003, step 6.5) is missing, and "Reply when it is accepted"
      // follows "allow the connection" (Alibaba's word is Allow; the state to wait for is Connected).
      expect(where(granted)).toEqual(['creatingVendorEndpoint', 'vendor']);
      expect(commentText(granted.effects)).toBe('');
      expect(notifications(granted.effects)).toBe(
        `[T-1001] Create the vendor endpoint to ${ALI_SERVICE}${ALI_ZONE_TASK}, then record vendor_endpoint.created`,
      );
      expect(where(created)).toEqual(['awaitingReverseApproval', 'customer']);
      expect(commentText(created.effects)).toBe(approveReverse('alibaba', 'ep-063c51c5620a37bafaaa', ALI_SERVICE));
      expect(notifications(created.effects)).toBe('');
    });

    it('has the customer test from our environment once accepted, then enables both directions', () => {
      // Wording note: unlike the reverse enabled comment, this one gives no host name to use for the customer's service.
      expect(where(approved)).toEqual(['verifyingReverseConnection', 'customer']);
      expect(commentText(approved.effects)).toBe(verifyReverse(endpointDnsOn('alibaba', 2)));
      expect(approved.effects).toContainEqual({
        type: 'runConnectivityCheck',
        params: { direction: 'reverse', target: endpointDnsOn('alibaba', 2), ports: [443] },
      });
      expect(statusOf(enabled.snapshot)).toBe('enabled');
      expect(commentText(enabled.effects)).toBe(`PrivateLink is enabled (bidirectional). Open ports:

${ALI_FORWARD_OPEN_PORTS}

From our network to your service (${ALI_SERVICE} through our endpoint ep-063c51c5620a37bafaaa):
  - https: port 443

${enabledTail('remove it, change your account')}`);
      expect(notifications(enabled.effects)).toBe('[T-1001] PrivateLink enabled (bidirectional)');
    });

    it('waits for the acceptance when autoAcceptConnections is false', () => {
      const intake = validIntake('alibaba', 'bidirectional');
      const said = { ...intake, alibaba: { ...(intake.alibaba as object), autoAcceptConnections: false } };
      const step = drive(
        start(said),
        ...aliForward,
        { type: 'principal.granted' },
        vendorEndpointCreated('alibaba'),
      ).at(-1)!;
      expect(where(step)).toEqual(['awaitingReverseApproval', 'customer']);
      expect(commentText(step.effects)).toBe(approveReverse('alibaba', 'ep-063c51c5620a37bafaaa', ALI_SERVICE));
    });
  });

  describe('with autoAcceptConnections: the endpoint service accepts our endpoint by itself', () => {
    const intake = validIntake('alibaba', 'bidirectional');
    const auto = {
      ...intake,
      alibaba: { ...(intake.alibaba as object), autoAcceptConnections: true },
      vendorPrincipalAccessGranted: true,
    };
    const steps = drive(start(auto), ...aliForward, vendorEndpointCreated('alibaba'), {
      type: 'reverse_connection.verified',
    });
    const [accepted] = steps as [Step];
    const [verified, created, enabled] = steps.slice(-3) as [Step, Step, Step];

    it('thanks the customer for the declared whitelist entry', () => {
      expect(commentText(accepted.effects)).toBe(`${acceptedLead('bidirectional')}

${ALI_WHITELISTING}

${ALI_CUSTOMER_SERVICE_PART}
${ALI_WHITELIST_DECLARED}

The costs of your own VPC, its endpoints and load balancers are yours.`);
    });

    it('goes from the forward test straight to our endpoint, then to the test: no acceptance step', () => {
      expect(where(verified)).toEqual(['creatingVendorEndpoint', 'vendor']);
      expect(commentText(verified.effects)).toBe('');
      expect(notifications(verified.effects)).toBe(
        `[T-1001] Forward connection verified. Create the vendor endpoint to ${ALI_SERVICE}${ALI_ZONE_TASK}, then record vendor_endpoint.created`,
      );
      expect(where(created)).toEqual(['verifyingReverseConnection', 'customer']);
      expect(comments(created.effects)).toEqual(['verify_reverse_connection']);
      expect(commentText(created.effects)).toBe(ALI_AUTO_ACCEPTED);
      expect(created.effects).toContainEqual({
        type: 'runConnectivityCheck',
        params: { direction: 'reverse', target: endpointDnsOn('alibaba', 2), ports: [443] },
      });
      expect(statusOf(enabled.snapshot)).toBe('enabled');
      expect(comments(enabled.effects)).toEqual(['enabled']);
    });
  });
});

/** What follows the grant in the reverse intake comment: "When that is done, reply on this ticket; we then create …" / "We now create …". */
const REVERSE_NEXT = 'our endpoint to your service and post its id here for you to accept its connection request.';
/** What each cloud's reverse intake_accepted comment says, with and without the grant declared. */
const reverseIntake: Record<Cloud, { asked: string; declared: string }> = (() => {
  // A reverse connection goes one way only: the comment starts with the customer's service.
  const aws = `We connect from our network to your endpoint service (in front of a network load balancer):
  - ${AWS_SERVICE}
It must accept connections from our AWS account principal:
  - arn:aws:iam::402592597372:root`;
  const azure = `We connect from our network to your Private Link service (in front of a Standard Load Balancer):
  - ${AZURE_SERVICE}
Each must accept connections from our Azure subscriptions:
  - 6f1c2b3a-4d5e-4f60-8a7b-9c0d1e2f3a4b`;
  const alibaba = ALI_CUSTOMER_SERVICE_PART.replace(
    'For the connection from our network to your service, we connect to your',
    'We connect from our network to your',
  );
  const text = (body: string, grant: string, network = 'VPC') => `${acceptedLead('reverse')}

${body}
${grant}
${grant.startsWith('You told us') ? 'We now create' : 'When that is done, reply on this ticket; we then create'} ${REVERSE_NEXT}

The costs of your own ${network}, its endpoints and load balancers are yours.`;
  return {
    aws: {
      asked: text(
        aws,
        'If you have not done so yet, allow this principal now: until it is allowed we cannot connect to your service, which delays the set-up. How: https://docs.aws.amazon.com/vpc/latest/userguide/add-endpoint-service-permissions.html',
      ),
      declared: text(aws, 'You told us our principal is already allowed: thank you.'),
    },
    azure: {
      asked: text(
        azure,
        'If you have not done so yet, allow these subscriptions now: until they are allowed we cannot connect to your service, which delays the set-up. How: https://docs.microsoft.com/en-us/azure/private-link/manage-private-endpoint',
        'virtual network',
      ),
      declared: text(azure, 'You told us our subscriptions are already allowed: thank you.', 'virtual network'),
    },
    alibaba: { asked: text(alibaba, ALI_WHITELIST_ASK), declared: text(alibaba, ALI_WHITELIST_DECLARED) },
  };
})();

const customerService: Record<Cloud, string> = { aws: AWS_SERVICE, azure: AZURE_SERVICE, alibaba: ALI_SERVICE };
const reverseEnabled = (cloud: Cloud) => `PrivateLink is enabled (reverse): our network now connects to your service:
  - ${customerService[cloud]} through our endpoint ${vendorEndpoint(cloud)}, host name ${vendorDns(cloud)}

Ports we connect to on your service:
  - https: port 443

When you set up connections to your service in our product, use the host name above.

${enabledTail('remove it')}`;
/** The staff task's zone for our endpoint: only Alibaba Cloud names one. */
const zoneTask: Record<Cloud, string> = { aws: '', azure: '', alibaba: ALI_ZONE_TASK };

describe.each(['aws', 'azure', 'alibaba'] as const)('reverse path on %s', (cloud) => {
  it('principal not declared: accepts the intake asking for the principal, and waits on the customer', () => {
    // Wording note: the request waits on the customer, yet "When that is done, reply on this ticket; we then create …" does not ask them to
    // reply; "For the connection from our network to your service, we connect" repeats the sentence before it; Azure's
    // "Each must accept" follows a single service.
    const accepted = start(validIntake(cloud, 'reverse'));
    expect(where(accepted)).toEqual(['awaitingPrincipalGrant', 'customer']);
    expect(comments(accepted.effects)).toEqual(['intake_accepted']);
    expect(commentText(accepted.effects)).toBe(reverseIntake[cloud].asked);
    expect(notifications(accepted.effects)).toBe('');
  });

  it('principal not declared: the customer grants, we create our endpoint, they accept, test, enabled', () => {
    const steps = drive(
      start(validIntake(cloud, 'reverse')),
      { type: 'principal.granted' },
      vendorEndpointCreated(cloud),
      { type: 'reverse_connection.approved' },
      { type: 'reverse_connection.verified' },
    );
    const [granted, created, approved, enabled] = steps.slice(1) as [Step, Step, Step, Step];
    expect(where(granted)).toEqual(['creatingVendorEndpoint', 'vendor']);
    expect(commentText(granted.effects)).toBe('');
    expect(notifications(granted.effects)).toBe(
      `[T-1001] Create the vendor endpoint to ${customerService[cloud]}${zoneTask[cloud]}, then record vendor_endpoint.created`,
    );
    expect(where(created)).toEqual(['awaitingReverseApproval', 'customer']);
    expect(commentText(created.effects)).toBe(approveReverse(cloud, vendorEndpoint(cloud), customerService[cloud]));
    expect(where(approved)).toEqual(['verifyingReverseConnection', 'customer']);
    expect(commentText(approved.effects)).toBe(verifyReverse(vendorDns(cloud)));
    expect(approved.effects).toContainEqual({
      type: 'runConnectivityCheck',
      params: { direction: 'reverse', target: vendorDns(cloud), ports: [443] },
    });
    expect(statusOf(enabled.snapshot)).toBe('enabled');
    expect(commentText(enabled.effects)).toBe(reverseEnabled(cloud));
    expect(notifications(enabled.effects)).toBe('[T-1001] PrivateLink enabled (reverse)');
  });

  it('principal declared at intake: thanks the customer and asks staff for our endpoint at once', () => {
    const steps = drive(
      start({ ...validIntake(cloud, 'reverse'), vendorPrincipalAccessGranted: true }),
      vendorEndpointCreated(cloud),
    );
    const [accepted, created] = steps as [Step, Step];
    expect(where(accepted)).toEqual(['creatingVendorEndpoint', 'vendor']);
    expect(commentText(accepted.effects)).toBe(reverseIntake[cloud].declared);
    expect(notifications(accepted.effects)).toBe(
      `[T-1001] Intake accepted. Create the vendor endpoint to ${customerService[cloud]}${zoneTask[cloud]}, then record vendor_endpoint.created`,
    );
    expect(where(created)).toEqual(['awaitingReverseApproval', 'customer']);
    expect(commentText(created.effects)).toBe(approveReverse(cloud, vendorEndpoint(cloud), customerService[cloud]));
  });
});

describe('reverse path on Alibaba Cloud: auto-accept and the loops', () => {
  const intake = validIntake('alibaba', 'reverse');
  const auto = { ...intake, alibaba: { ...(intake.alibaba as object), autoAcceptConnections: true } };

  it('auto-accepting service: no acceptance step, and the intake comment says the service accepts by itself', () => {
    const steps = drive(start(auto), { type: 'principal.granted' }, vendorEndpointCreated('alibaba'), {
      type: 'reverse_connection.verified',
    });
    const [accepted, , created, enabled] = steps as [Step, Step, Step, Step];
    expect(commentText(accepted.effects)).toBe(
      reverseIntake.alibaba.asked.replace(
        'post its id here for you to accept its connection request.',
        'post its id here; your service accepts its connection by itself.',
      ),
    );
    expect(where(created)).toEqual(['verifyingReverseConnection', 'customer']);
    expect(commentText(created.effects)).toBe(ALI_AUTO_ACCEPTED);
    expect(commentText(enabled.effects)).toBe(reverseEnabled('alibaba'));
  });

  it('a failed vendor endpoint, a rejected one, and a failed test on the customer side', () => {
    const second = {
      type: 'vendor_endpoint.created',
      endpointId: endpointIdOn('alibaba', 'vpce-063c51c5620a37bb0'),
      endpointDns: endpointDnsOn('alibaba', 3),
    } as const;
    const steps = drive(
      start(intake),
      { type: 'principal.granted' },
      { type: 'vendor_endpoint.failed', reason: 'the endpoint service is not visible to our account' },
      { type: 'principal.granted' },
      vendorEndpointCreated('alibaba'),
      { type: 'reverse_connection.rejected', reason: 'unknown endpoint' },
      second,
      { type: 'reverse_connection.approved' },
      { type: 'reverse_connection.failed', details: 'Connection refused' },
      { type: 'troubleshooting.resolved' },
    );
    const [failed, , , rejected, , , refused, resolved] = steps.slice(2) as [
      Step,
      Step,
      Step,
      Step,
      Step,
      Step,
      Step,
      Step,
    ];
    // Wording note: the account ID is listed under "then reply:", as if the customer were to reply with it.
    expect(where(failed)).toEqual(['awaitingPrincipalGrant', 'customer']);
    expect(commentText(failed.effects)).toBe(`We could not create our endpoint to your service ${ALI_SERVICE}:

the endpoint service is not visible to our account

Next step for you: check that your endpoint service's whitelist has our account ID and that the service name is right, then reply:
  - ${ALI_PRINCIPAL}`);
    expect(commentText(rejected.effects))
      .toBe(`Noted: the connection request from our endpoint ep-063c51c5620a37bafaaa was rejected:

unknown endpoint

We will create a new endpoint and post its id here for you to accept.`);
    expect(notifications(rejected.effects)).toBe(
      '[T-1001] Customer rejected the vendor endpoint: unknown endpoint. Create a new one',
    );
    const checklist = [
      `Your endpoint service ${ALI_SERVICE} allowed the connection from our endpoint ep-063c51c5620a37bb0aaa (state "Connected"), in the zone of its CLB instance`,
      'The CLB instance settings: a TCP listener for each port (443)',
      'The backend servers of the CLB instance: every server "Healthy" in its health check',
      'The service listens on each VM: netstat -na | grep 443',
      'Packets arrive: tcpdump -i <ethernet-interface> -tt -nn port 443 and host <source-host>',
      'The security groups of your backend servers allow TCP on 443 from the CLB instance',
      'Cloud guide: https://www.alibabacloud.com/help/en/privatelink/getting-started',
    ];
    expect(where(refused)).toEqual(['customerTroubleshootingReverse', 'customer']);
    expect(commentText(refused.effects))
      .toBe(`Thank you for testing. The connection from our network to your service does not work yet:

Connection refused

What fails is on your side. Next step for you: please check:
${checklist.map((line) => `  - ${line}`).join('\n')}

Reply on this ticket when it is fixed, with the result of a new test if you ran one. If you cannot resolve it, reply with what you found and we will help establish the connection.`);
    expect(notifications(refused.effects)).toBe(
      `[T-1001] The reverse connection test failed: Connection refused. The failing piece is the customer's: the request waits on them to check: ${checklist.join('; ')}`,
    );
    expect(commentText(resolved.effects))
      .toBe(`Noted: you fixed what blocked the connection from our network to your service.

Next step for you: please test again:
${vendorCliTest(endpointDnsOn('alibaba', 3))}

Reply with the result.`);
  });
});

// Changes after enablement, through the request host as the workflow drives it.
const actor = 'alice@vendor.example';
let clock = Date.parse('2026-03-02T10:00:00Z');
const tick = () => new Date((clock += 60_000)).toISOString();

function apply(state: RequestState, event: TestEvent) {
  const check = checkEvent({ actor, ...event });
  if (!check.ok) throw new Error(check.reason);
  return applyRequestEvent(state, check.event, tick());
}
function step(state: RequestState, event: TestEvent): RequestStep {
  const result = apply(state, event);
  if ('refused' in result) throw new Error(`refused ${String(event.type)}: ${result.message}`);
  return result;
}
/** A reverse request of `cloud` walked to enabled: the connection's record, active. */
function enabledReverse(cloud: Cloud): RequestState {
  let state = requestOf(start(validIntake(cloud, 'reverse')).snapshot);
  for (const event of [
    { type: 'principal.granted' },
    vendorEndpointCreated(cloud),
    { type: 'reverse_connection.approved' },
    { type: 'reverse_connection.verified' },
  ] as TestEvent[]) {
    state = step(state, event).state;
  }
  return state;
}
/** The ticket each effect goes to. */
const targets = (effects: Effect[]) => [...new Set(effects.map((e) => e.to?.ticketId))];

const ALI_OTHER_SERVICE = 'com.aliyuncs.privatelink.eu-central-1.epsrv-bp1customerservice02';
const ALI_OTHER_DNS = 'ep-00000000000000000003.epsrv-bp1customerservice02.eu-central-1.privatelink.aliyuncs.com';

describe('changes on an enabled reverse connection', () => {
  it.each(['aws', 'azure', 'alibaba'] as const)(
    '%s: refuses change_account (no account of theirs connects), answering the change ticket',
    (cloud) => {
      const state = enabledReverse(cloud);
      const account =
        cloud === 'aws'
          ? '210987654321'
          : cloud === 'azure'
            ? '9b2c7e1a-0d3f-4e5a-8b6c-7d8e9f0a1b2c'
            : '6543210987654321';
      const result = apply(state, {
        type: 'change.requested',
        changeTicketId: 'T-2001',
        change: { kind: 'change_account', customerAccount: account },
      });
      const reason =
        'a reverse connection has no account of yours that connects to our network (only we connect, to your services), so there is none to change; you can ask us to connect to another of your services, disconnect one, or remove the connection.';
      expect(result).toMatchObject({ refused: true, message: `This change cannot be made: ${reason}` });
      const answer = (result as { answer: Effect[] }).answer;
      expect(commentText(answer)).toBe(`We cannot take this change to the PrivateLink connection of ticket T-1001:

${reason.charAt(0).toUpperCase()}${reason.slice(1)}

Reply on this ticket if something here is wrong.`);
      expect(notifications(answer)).toBe(
        `[T-2001, change of T-1001] Change refused: This change cannot be made: ${reason}`,
      );
      expect(targets(answer)).toEqual(['T-2001']);
      expect([requestStateName(state), requestWaitingOn(state)]).toEqual(['active', 'none']);
    },
  );

  it.each(['aws', 'azure', 'alibaba'] as const)(
    '%s: remove deletes our endpoint only (nothing to revoke), then the connection is removed',
    (cloud) => {
      const opened = step(enabledReverse(cloud), {
        type: 'change.requested',
        changeTicketId: 'T-2005',
        change: { kind: 'remove' },
      });
      expect(opened.state.lifecycle!.change!.snapshot.value).toBe('deletingVendorEndpoints');
      expect(targets(opened.effects)).toEqual(['T-2005']);
      expect(commentText(opened.effects))
        .toBe(`We received your request to remove the connection (the PrivateLink connection enabled on ticket T-1001). Changes can take up to five business days.

What happens next: we delete our endpoints to your services. Traffic over this connection stops then. We will confirm here when it is done.`);
      expect(notifications(opened.effects)).toBe(
        `[T-2005, change of T-1001] Remove the PrivateLink connection of Acme (reverse: no account of theirs reaches us): delete our endpoints to the customer's services (${vendorEndpoint(cloud)} to ${customerService[cloud]}), recording vendor_endpoint.deleted for each`,
      );
      const done = step(opened.state, { type: 'vendor_endpoint.deleted' });
      expect(requestStatus(done.state)).toBe('removed');
      // Wording note: the customer is told "your services" though the connection reached one.
      const principal =
        cloud === 'aws'
          ? 'arn:aws:iam::402592597372:root'
          : cloud === 'azure'
            ? '6f1c2b3a-4d5e-4f60-8a7b-9c0d1e2f3a4b'
            : ALI_PRINCIPAL;
      expect(commentText(done.effects)).not.toContain(principal);
      const grant = {
        aws: "remove our AWS account principal from your endpoint service's allowed principals",
        azure: 'stop allowing our Azure subscriptions on your Private Link service',
        alibaba: "remove our Alibaba Cloud account ID from your endpoint service's whitelist",
      }[cloud];
      expect(commentText(done.effects))
        .toBe(`The PrivateLink connection enabled on ticket T-1001 is removed: our endpoints to your services are deleted, and we no longer connect to them. You may now ${grant}.

Open a new PrivateLink request if you need a connection again.`);
      expect(notifications(done.effects)).toBe(
        '[T-2005, change of T-1001] Change done (remove): no account can connect; we reach 0 customer service(s)',
      );
    },
  );

  describe('Alibaba Cloud: add_service, then remove_service of it', () => {
    const enabled = enabledReverse('alibaba');
    const opened = step(enabled, {
      type: 'change.requested',
      changeTicketId: 'T-2003',
      change: { kind: 'add_service', customerServiceName: ALI_OTHER_SERVICE },
    });
    const granted = step(opened.state, { type: 'principal.granted' });
    const created = step(granted.state, {
      type: 'vendor_endpoint.created',
      endpointId: 'ep-0bbbbbbbbbbbbbbb2aaa',
      endpointDns: ALI_OTHER_DNS,
    });
    const approved = step(created.state, { type: 'reverse_connection.approved' });
    const added = step(approved.state, { type: 'reverse_connection.verified' });

    it('refuses remove_service of the only service', () => {
      const result = apply(enabled, {
        type: 'change.requested',
        changeTicketId: 'T-2002',
        change: { kind: 'remove_service', customerServiceName: ALI_SERVICE },
      });
      const reason = `this reverse connection reaches only your service ${ALI_SERVICE}: to disconnect it, ask us to remove the connection.`;
      expect(result).toMatchObject({ refused: true, message: `This change cannot be made: ${reason}` });
      expect(commentText((result as { answer: Effect[] }).answer))
        .toBe(`We cannot take this change to the PrivateLink connection of ticket T-1001:

T${reason.slice(1)}

Reply on this ticket if something here is wrong.`);
    });

    it('add_service: asks for our account ID on the new service’s whitelist', () => {
      // Wording note: nothing says the new service must be behind an internal-facing pay-as-you-go CLB in zone
      // eu-central-1a, and two parentheses follow each other: ": on its Service Whitelist tab, click Add to Whitelist (https://…)".
      expect(opened.state.lifecycle!.change!.snapshot.value).toBe('awaitingPrincipalGrant');
      expect(targets(opened.effects)).toEqual(['T-2003']);
      expect(commentText(opened.effects))
        .toBe(`We received your request to connect our network to your service ${ALI_OTHER_SERVICE} (the PrivateLink connection enabled on ticket T-1001). Changes can take up to five business days.

Next step for you: add our Alibaba Cloud account ID to the whitelist of your endpoint service ${ALI_OTHER_SERVICE}: on its Service Whitelist tab, click Add to Whitelist (https://www.alibabacloud.com/help/en/privatelink/latest/add-account-ids-to-the-whitelist):
  - ${ALI_PRINCIPAL}

Reply when our account ID is in the whitelist. We then create our endpoint to it and post its id here for you to accept.`);
      expect(notifications(opened.effects)).toBe(
        `[T-2003, change of T-1001] The customer asks us to connect to their service ${ALI_OTHER_SERVICE}; the change waits on them to allow our principal on it (record principal.granted)`,
      );
    });

    it('add_service: our endpoint, its acceptance, the test, and the connection as it stands', () => {
      // Wording note: the staff task names no zone or vSwitch, unlike the enablement's ("in zone eu-central-1a (a
      // vSwitch in that zone)").
      expect(commentText(granted.effects)).toBe('');
      expect(notifications(granted.effects)).toBe(
        `[T-2003, change of T-1001] Create our endpoint to the customer's service ${ALI_OTHER_SERVICE}, then record vendor_endpoint.created`,
      );
      expect(commentText(created.effects)).toBe(
        approveReverse('alibaba', 'ep-0bbbbbbbbbbbbbbb2aaa', ALI_OTHER_SERVICE),
      );
      expect(commentText(approved.effects)).toBe(verifyReverse(ALI_OTHER_DNS));
      expect(requestStateName(added.state)).toBe('active');
      expect(commentText(added.effects))
        .toBe(`Your change is done. The PrivateLink connection enabled on ticket T-1001 now stands as follows.

No account of yours connects to our network (a reverse connection: only we connect, to your services).
Our network connects to your services:
  - ${ALI_SERVICE}
  - ${ALI_OTHER_SERVICE}

Troubleshooting the connection after a change is not covered by our support; open a new ticket for further changes.`);
      expect(notifications(added.effects)).toBe(
        '[T-2003, change of T-1001] Change done (add_service): no account can connect; we reach 2 customer service(s)',
      );
    });

    it('remove_service: deletes our endpoint to it and says what remains', () => {
      const removing = step(added.state, {
        type: 'change.requested',
        changeTicketId: 'T-2004',
        change: { kind: 'remove_service', customerServiceName: ALI_OTHER_SERVICE },
      });
      expect(targets(removing.effects)).toEqual(['T-2004']);
      expect(commentText(removing.effects))
        .toBe(`We received your request to disconnect our network from your service ${ALI_OTHER_SERVICE} (the PrivateLink connection enabled on ticket T-1001). Changes can take up to five business days.

What happens next: we delete our endpoint to your service ${ALI_OTHER_SERVICE}. We will confirm here when it is done.`);
      expect(notifications(removing.effects)).toBe(
        `[T-2004, change of T-1001] Delete our endpoint ep-0bbbbbbbbbbbbbbb2aaa to the customer's service ${ALI_OTHER_SERVICE}, then record vendor_endpoint.deleted`,
      );
      const done = step(removing.state, { type: 'vendor_endpoint.deleted' });
      expect(connectionOf(done.state)!.reverseServices.map((r) => r.service)).toEqual([ALI_SERVICE]);
      expect(commentText(done.effects))
        .toBe(`Your change is done. The PrivateLink connection enabled on ticket T-1001 now stands as follows.

No account of yours connects to our network (a reverse connection: only we connect, to your services).
Our network connects to your service:
  - ${ALI_SERVICE}

Troubleshooting the connection after a change is not covered by our support; open a new ticket for further changes.`);
      expect(notifications(done.effects)).toBe(
        '[T-2004, change of T-1001] Change done (remove_service): no account can connect; we reach 1 customer service(s)',
      );
    });
  });
});
