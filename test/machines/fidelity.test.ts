/**
 * Fidelity to the vendor's document (issue 17): each gap the review found, driven through the machines and read as
 * the customer (ticket comments) and the support engineer (notifications) get it.
 */
import type { Cloud } from '../../src/domain/formats';
import type { IntakeDraft } from '../../src/domain/intake';
import { applyEvent, startRequest, statusOf, type Step, waitingOnOf } from '../../src/machines';
import { azurePrivateEndpoint, endpointDnsOn } from '../fixtures/events';
import { exampleVendorConfig, samples, validIntake } from '../fixtures/requests';
import { actor, comments, commentText, drive, notifications, type WithoutActor } from './drive';
import type { EnablementEvent } from '../../src/domain/events';

const vendor = exampleVendorConfig();
type Event = WithoutActor<EnablementEvent>;
const endpointIdOn = (cloud: Cloud, n: number) =>
  cloud === 'aws' ? `vpce-0${String(n).padStart(16, '0')}` : azurePrivateEndpoint(`pe-${n}`);
const start = (intake: IntakeDraft) => startRequest({ ticketId: 'T-1001', vendor, intake });
const stateOf = (step: Step) => String(step.snapshot.value);

/** Up to an approved connection request, the customer's endpoint recorded with or without its DNS name. */
const approved = (cloud: Cloud, endpointDns?: string): Event[] => [
  { type: 'customer_access.granted' },
  { type: 'endpoint.requested', endpointId: endpointIdOn(cloud, 1), ...(endpointDns ? { endpointDns } : {}) },
  { type: 'connection.approved' },
];
const forward = (cloud: Cloud): Event[] => [
  ...approved(cloud),
  { type: 'ports.opened' },
  { type: 'connection.verified' },
];
const reverse = (cloud: Cloud, n: number): Event[] => [
  { type: 'vendor_endpoint.created', endpointId: endpointIdOn(cloud, n), endpointDns: endpointDnsOn(cloud, n) },
  { type: 'reverse_connection.approved' },
];

describe('1. ports per direction', () => {
  const bidirectional = { ...validIntake('aws', 'bidirectional'), reverseServices: ['https 443', 'postgres 5432'] };

  it("asks the customer to accept, test and our check to reach their own service's ports, not ours", () => {
    const steps = drive(start(bidirectional), ...forward('aws'), { type: 'principal.granted' }, ...reverse('aws', 2));
    const acceptAsk = commentText(steps.at(-2)!.effects);
    expect(acceptAsk).toContain(
      'We will connect to these ports of your service:\n  - https: port 443\n  - postgres: port 5432',
    );
    expect(acceptAsk).not.toContain('3306');
    const test = commentText(steps.at(-1)!.effects);
    expect(test).toContain(`curl -v telnet://${endpointDnsOn('aws', 2)}:5432   (postgres)`);
    expect(test).not.toContain(':3306');
    expect(steps.at(-1)!.effects).toContainEqual({
      type: 'runConnectivityCheck',
      params: { direction: 'reverse', target: endpointDnsOn('aws', 2), ports: [443, 5432] },
    });
  });

  it('lists the open ports of each direction when enabled', () => {
    const steps = drive(start(bidirectional), ...forward('aws'), { type: 'principal.granted' }, ...reverse('aws', 2), {
      type: 'reverse_connection.verified',
    });
    const enabled = commentText(steps.at(-1)!.effects);
    expect(enabled).toContain(
      `From your network to ours (your endpoint ${endpointIdOn('aws', 1)}):\n  - mysql: port 3306\n  - sftp: port 2222`,
    );
    expect(enabled).toContain(
      `From our network to your service (com.amazonaws.vpce.us-east-1.vpce-svc-0123456789abcdef0 through our endpoint ${endpointIdOn('aws', 2)}):\n  - https: port 443\n  - postgres: port 5432`,
    );
  });

  it("takes HTTPS on an Azure customer's own service (the 443 limit is the vendor's side only)", () => {
    const step = start({ ...validIntake('azure', 'bidirectional'), reverseServices: ['https 443'] });
    expect(stateOf(step)).toBe('allowlisting');
  });
});

describe('2. opening the ports is a vendor step', () => {
  it('waits on the vendor after approval, asks staff to open them, and has the customer test only once they are open', () => {
    const steps = drive(start(validIntake('aws', 'unidirectional')), ...approved('aws'));
    const afterApproval = steps.at(-1)!;
    expect([stateOf(afterApproval), waitingOnOf(afterApproval.snapshot)]).toEqual(['openingPorts', 'vendor']);
    expect(commentText(afterApproval.effects)).toBe(
      `We approved the connection request from endpoint ${endpointIdOn('aws', 1)}. Next we open these ports in our environment:\n  - mysql: port 3306\n  - sftp: port 2222\n\nWe will tell you here when they are open and you can test the connection.`,
    );
    expect(notifications(afterApproval.effects)).toBe(
      `[T-1001] Open mysql 3306, sftp 2222 in project abcdef123456 (production) for endpoint ${endpointIdOn('aws', 1)}, then record ports.opened`,
    );
    expect(applyEvent(afterApproval.snapshot, { type: 'connection.verified', actor })).toMatchObject({
      refused: true,
      message: expect.stringContaining('Allowed events: ports.opened'),
    });
    const opened = drive(afterApproval, { type: 'ports.opened' }).at(-1)!;
    expect([stateOf(opened), comments(opened.effects)]).toEqual(['verifyingConnection', ['ports_opened']]);
    expect(commentText(opened.effects)).toContain('These ports are now open in our environment');
  });
});

describe('3. troubleshooting owned by the side whose piece fails', () => {
  /** Each check is in the customer's comment and in the staff notification alike. */
  const expectChecklist = (step: Step, checks: string[]) => {
    for (const check of checks) {
      expect(commentText(step.effects)).toContain(check);
      expect(notifications(step.effects)).toContain(check);
    }
  };
  const failed = (cloud: Cloud, failure: Event, intake = validIntake(cloud, 'unidirectional')) =>
    drive(start(intake), ...approved(cloud), { type: 'ports.opened' }, failure).at(-1)!;

  it("keeps a forward failure with the vendor by default, with the document's checks for our side", () => {
    const step = failed('aws', { type: 'connection.failed', details: 'Connection timed out' });
    expect([stateOf(step), waitingOnOf(step.snapshot)]).toEqual(['troubleshooting', 'vendor']);
    expect(commentText(step.effects)).toContain('What fails is on our side. Our engineers are checking:');
    expectChecklist(step, [
      'The network load balancer (NLB) settings: a TCP listener for each port (3306, 2222)',
      'The target groups of the NLB: every target registered and healthy',
      'netstat -na | grep <port>',
      'tcpdump -i <ethernet-interface> -tt -nn port <port> and host <source-host>',
    ]);
  });

  it("hands a failure on the customer's side to the customer: their checklist, waiting on them, help on request", () => {
    const step = failed('aws', { type: 'connection.failed', details: 'timed out', failingSide: 'customer' });
    expect([stateOf(step), waitingOnOf(step.snapshot)]).toEqual(['customerTroubleshooting', 'customer']);
    const text = commentText(step.effects);
    expect(text).toContain('What fails is on your side. Next step for you: please check:');
    expect(text).toContain(
      'The security group of your endpoint allows inbound TCP on 3306, 2222 from the host you test from',
    );
    expect(text).toContain('https://aws.amazon.com/premiumsupport/knowledge-center/connect-endpoint-service-vpc/');
    expect(text).toContain('If you cannot resolve it, reply with what you found and we will help');
    expect(notifications(step.effects)).toContain(
      "The failing piece is the customer's: the request waits on them to check: Your interface endpoint",
    );
    // The customer asks for help: the request goes to the vendor.
    const help = drive(step, { type: 'connection.failed', details: 'security group is open, still times out' }).at(-1)!;
    expect([stateOf(help), waitingOnOf(help.snapshot)]).toEqual(['troubleshooting', 'vendor']);
    // Or fixes it and the test passes.
    expect(stateOf(drive(step, { type: 'troubleshooting.resolved' }).at(-1)!)).toBe('verifyingConnection');
  });

  it('gives a reverse failure to the customer by default: their load balancer, targets, listening service, security groups', () => {
    const steps = drive(
      start(validIntake('azure', 'bidirectional')),
      ...forward('azure'),
      { type: 'principal.granted' },
      ...reverse('azure', 2),
      { type: 'reverse_connection.failed', details: 'Connection refused' },
    );
    const step = steps.at(-1)!;
    expect([stateOf(step), waitingOnOf(step.snapshot)]).toEqual(['customerTroubleshootingReverse', 'customer']);
    expectChecklist(step, [
      "The load balancer's backend pool: every instance healthy in its health probe",
      'The service listens on each VM: netstat -na | grep 443',
      'Packets arrive: tcpdump -i <ethernet-interface> -tt -nn port 443 and host <source-host>',
      "The network security groups of your backend instances allow TCP on 443 from the Private Link service's NAT IP addresses",
      'https://docs.microsoft.com/en-us/azure/private-link/troubleshoot-private-link-connectivity',
    ]);
    const ours = drive(step, { type: 'reverse_connection.failed', details: 'still refused', failingSide: 'vendor' }).at(
      -1,
    )!;
    expect([stateOf(ours), waitingOnOf(ours.snapshot)]).toEqual(['troubleshootingReverse', 'vendor']);
    expect(commentText(ours.effects)).toContain(`Our endpoint ${endpointIdOn('azure', 2)} is connected`);
  });
});

describe('4. Azure data used where the document uses it', () => {
  const other = '11111111-2222-3333-4444-555555555555';
  const second = samples.AZURE_SERVICE.replace('acme-db', 'acme-queue');
  const intake = {
    ...validIntake('azure', 'bidirectional'),
    azure: { clusterId: 'cl-7x2k9', subscriptionIds: [other], targetResourceIds: [second] },
  };
  const alias = vendor.vendor.endpointServices['azure:eastus:cl-7x2k9']!;

  it("allowlists every subscription on the cluster's own Private Link service and calls it an alias", () => {
    const accepted = start(intake);
    expect(commentText(accepted.effects)).toContain(
      `We are now allowing Azure subscriptions ${samples.AZURE_SUBSCRIPTION}, ${other} to connect to our Private Link service in eastus. We will post its alias here`,
    );
    expect(notifications(accepted.effects)).toBe(
      `[T-1001] Allowlist Azure subscriptions ${samples.AZURE_SUBSCRIPTION}, ${other} on the Private Link service of cluster cl-7x2k9 in eastus (alias ${alias}), then record customer_access.granted`,
    );
    const granted = drive(accepted, { type: 'customer_access.granted' }).at(-1)!;
    expect(commentText(granted.effects)).toContain(`Alias: ${alias}`);
    expect(commentText(granted.effects)).not.toContain('Service name:');
  });

  it('stays with the second target service when its endpoint fails and the customer grants access again', () => {
    const steps = drive(
      start(intake),
      ...forward('azure'),
      { type: 'principal.granted' },
      ...reverse('azure', 2),
      { type: 'reverse_connection.verified' },
      { type: 'vendor_endpoint.failed', reason: 'AuthorizationFailed' },
      { type: 'principal.granted' },
    );
    expect(steps.at(-1)!.snapshot.context.customerServiceName).toBe(second);
    expect(notifications(steps.at(-1)!.effects)).toContain(`Create the vendor endpoint to ${second} (2 of 2)`);
  });

  it('connects every target service, one after the other, and lists each when enabled', () => {
    const steps = drive(start(intake), ...forward('azure'), { type: 'principal.granted' }, ...reverse('azure', 2), {
      type: 'reverse_connection.verified',
    });
    expect(commentText(steps.at(-5)!.effects)).toContain(`${samples.AZURE_SERVICE}\n  - ${second}`);
    const next = steps.at(-1)!;
    expect(stateOf(next)).toBe('creatingVendorEndpoint');
    expect(commentText(next.effects)).toContain(`Next we connect to your service ${second} (2 of 2)`);
    expect(notifications(next.effects)).toContain(`Create the vendor endpoint to ${second} (2 of 2)`);
    const done = drive(next, ...reverse('azure', 3), { type: 'reverse_connection.verified' }).at(-1)!;
    expect(statusOf(done.snapshot)).toBe('enabled');
    expect(commentText(done.effects)).toContain(
      `From our network to your services (${samples.AZURE_SERVICE} through our endpoint ${endpointIdOn('azure', 2)}; ${second} through our endpoint ${endpointIdOn('azure', 3)})`,
    );
  });
});

describe('5. bidirectional prerequisites said at acceptance', () => {
  it('names the service to connect to and the principal to grant, and warns that a missing grant delays', () => {
    const text = commentText(start(validIntake('aws', 'bidirectional')).effects);
    expect(text).toContain(
      'we connect to your endpoint service (in front of a network load balancer):\n  - com.amazonaws.vpce.us-east-1.vpce-svc-0123456789abcdef0',
    );
    expect(text).toContain(
      'It must accept connections from our AWS account principal:\n  - arn:aws:iam::402592597372:root',
    );
    expect(text).toContain('until it is allowed we cannot connect to your service, which delays the set-up');
    expect(text).toContain('https://docs.aws.amazon.com/vpc/latest/userguide/add-endpoint-service-permissions.html');
    const declared = commentText(
      start({ ...validIntake('aws', 'bidirectional'), vendorPrincipalAccessGranted: true }).effects,
    );
    expect(declared).toContain('You told us our principal is already allowed: thank you.');
  });
});

describe('6. fixable input waits for the customer; only the environment or plan rejects', () => {
  it.each([
    ['Private DNS', { privateDns: true }, 'Private DNS: Private DNS is not available with PrivateLink: remove it'],
    ['a region typo', { region: 'us-west-2' }, 'so give an account in us-east-1'],
    ['another cloud', { cloud: 'azure', customerAccount: samples.AZURE_SUBSCRIPTION }, 'so give an account on AWS'],
    ['a subject the customer cannot edit', { subject: 'Network help' }, 'Subject: must name PrivateLink'],
  ])('%s: awaiting information with the reason', (_name, change, reason) => {
    const step = start({ ...validIntake('aws', 'unidirectional'), ...change });
    expect([statusOf(step.snapshot), comments(step.effects)]).toEqual(['awaiting_information', ['intake_incomplete']]);
    expect(commentText(step.effects)).toContain(reason);
  });

  it('rejects an ineligible environment with that reason and no other', () => {
    const step = start({ ...validIntake('aws', 'unidirectional'), environment: 'integration' });
    expect(statusOf(step.snapshot)).toBe('rejected');
    const text = commentText(step.effects);
    expect(text).toContain('not on integration environments');
    expect(text).not.toMatch(/same cloud|region/);
  });
});

describe('7. what the customer is told', () => {
  it('sets the five-business-day expectation, says incomplete information delays it, and whose costs are whose', () => {
    const text = commentText(start(validIntake('aws', 'unidirectional')).effects);
    expect(text).toContain('Enabling PrivateLink can take up to five business days');
    expect(text).toContain('incomplete or inaccurate information delays it');
    expect(text).toContain('The costs of your own VPC, its endpoints and load balancers are yours.');
  });

  it("tests the forward connection with the endpoint's DNS name when known, else says how to find it", () => {
    const dns = 'vpce-0123456789abcdef0-abcdefgh.vpce-svc-0a1b2c3d4e5f67890.us-east-1.vpce.amazonaws.com';
    const known = drive(start(validIntake('aws', 'unidirectional')), ...approved('aws', dns), { type: 'ports.opened' });
    expect(commentText(known.at(-1)!.effects)).toContain(`curl -v telnet://${dns}:3306   (mysql)`);
    const unknown = drive(start(validIntake('aws', 'unidirectional')), ...approved('aws'), { type: 'ports.opened' });
    const text = commentText(unknown.at(-1)!.effects);
    expect(text).toContain('curl -v telnet://<endpoint-dns-name>:3306');
    expect(text).toContain(
      `aws ec2 describe-vpc-endpoints --vpc-endpoint-ids ${endpointIdOn('aws', 1)} --query "VpcEndpoints[0].DnsEntries[0].DnsName" --output text`,
    );
    expect(text).not.toContain(`telnet://${endpointIdOn('aws', 1)}`);
  });

  it("gives the vendor CLI steps of the document for testing from the vendor's environment", () => {
    const steps = drive(
      start(validIntake('aws', 'bidirectional')),
      ...forward('aws'),
      { type: 'principal.granted' },
      ...reverse('aws', 2),
    );
    expect(commentText(steps.at(-1)!.effects)).toContain(
      `  1. Log in with the Magento Cloud CLI: magento-cloud login
  2. From the project root directory, check out your production environment (the one using the connection): magento-cloud environment:checkout <environment-id>
  3. Run, for each port:
       - curl -v telnet://${endpointDnsOn('aws', 2)}:443   (https)`,
    );
  });

  it('says at enablement that support ends there and how to ask for a change; links the cloud guide for each step', () => {
    const steps = drive(start(validIntake('azure', 'unidirectional')), ...forward('azure'));
    const enabled = commentText(steps.at(-1)!.effects);
    expect(enabled).toContain('troubleshooting the connection after enablement is not covered');
    expect(enabled).toContain('open a new ticket');
    expect(commentText(steps[1]!.effects)).toContain(
      'https://docs.microsoft.com/en-us/azure/private-link/private-link-service-overview#manage-your-connection-requests',
    );
  });
});
