/**
 * Ticket comments for every customer-facing step, in plain text: what happened and exactly what the customer must do
 * next, with the service names, principals and ports filled in. Machines emit `{ template, data }`; the activity that
 * posts the comment renders it here, so the wording is tested without any ticket system.
 */
import type { Cloud } from '../domain/formats';
import type { Service } from '../domain/intake';
import { localTime } from '../sla/format';

interface Greeting {
  company: string;
  ticketId: string;
}
interface Ports {
  services: Service[];
}

const cloudName = (cloud: Cloud) => (cloud === 'aws' ? 'AWS' : 'Azure');
/** The customer-side endpoint, with its article. */
const anEndpoint = (cloud: Cloud) => (cloud === 'aws' ? 'an interface VPC endpoint' : 'a private endpoint');
const list = (lines: string[]) => lines.map((line) => `  - ${line}`).join('\n');
const portList = (services: Service[]) => list(services.map((s) => `${s.name}: port ${s.port}`));
const testCommands = (host: string, services: Service[]) =>
  list(services.map((s) => `curl -v telnet://${host}:${s.port}   (${s.name})`));

/** The templates, by id. Each takes the data the machine put in the action's params. */
export const templates = {
  intake_incomplete: (d: Greeting & { problems: string[] }) =>
    `Thank you for your PrivateLink request for ${d.company || 'your company'}. We need the following before we can start:

${list(d.problems)}

Please reply to this ticket with the corrected information so we can continue.`,

  request_rejected: (d: Greeting & { reasons: string[] }) =>
    `We cannot enable PrivateLink for this request:

${list(d.reasons)}

PrivateLink is available for Pro Production and Staging environments, with a cloud account in the same cloud and region as the project. Open a new ticket if you want to request it for an eligible environment.`,

  intake_accepted: (d: Greeting & { cloud: Cloud; region: string; customerAccount: string; connectionType: string }) =>
    `Your ${d.connectionType} PrivateLink request is complete and accepted. We are now allowing ${cloudName(d.cloud)} ${d.cloud === 'aws' ? 'account' : 'subscription'} ${d.customerAccount} to connect to our endpoint service in ${d.region}. We will post the service name here when it is ready.`,

  create_endpoint: (d: Greeting & Ports & { cloud: Cloud; region: string; vendorServiceName: string }) =>
    `Your ${cloudName(d.cloud)} ${d.cloud === 'aws' ? 'account' : 'subscription'} can now connect to our endpoint service.

Service name: ${d.vendorServiceName}
Region: ${d.region}

Next step for you: create ${anEndpoint(d.cloud)} in your ${d.cloud === 'aws' ? 'VPC' : 'virtual network'} to this service. This sends us a connection request. These ports will be open:
${portList(d.services)}

When the endpoint is created, reply with its id (${d.cloud === 'aws' ? 'vpce-…' : 'the private endpoint resource id'}) so we can approve the connection request.`,

  connection_rejected: (
    d: Greeting & { cloud: Cloud; endpointId: string; reason: string; vendorServiceName: string },
  ) =>
    `We could not approve the connection request from endpoint ${d.endpointId}:

${d.reason}

Next step for you: correct this and create ${anEndpoint(d.cloud).replace(/^an? /, 'a new ')} to ${d.vendorServiceName}, then reply with its id.`,

  verify_connection: (d: Greeting & Ports & { endpointId: string }) =>
    `We approved the connection request from endpoint ${d.endpointId}.

Next step for you: verify the connection from your network to each service, using the DNS name of your endpoint:
${testCommands('<endpoint-dns-name>', d.services)}

A working connection prints "Connected to …". Reply with the result; if a test fails, include its output and we will troubleshoot.`,

  troubleshooting_started: (d: Greeting & { direction: 'forward' | 'reverse'; details: string }) =>
    `Thank you for testing. The connection ${d.direction === 'forward' ? 'from your network to ours' : 'from our network to your service'} does not work yet:

${d.details}

Our engineers are investigating. We will ask you to test again once it is fixed.`,

  verify_again: (d: Greeting & Ports & { direction: 'forward' | 'reverse'; host: string }) =>
    `We fixed what blocked the connection ${d.direction === 'forward' ? 'from your network to ours' : 'from our network to your service'}.

Next step for you: please test again:
${testCommands(d.host, d.services)}

Reply with the result.`,

  principal_access_request: (
    d: Greeting & { cloud: Cloud; vendorPrincipals: string[]; customerEndpointService?: string },
  ) =>
    `The connection from your network to ours works. Next we connect our network to your service.

Next step for you: allow our ${d.cloud === 'aws' ? 'AWS account principal' : 'Azure subscriptions'} to connect to your ${d.cloud === 'aws' ? 'endpoint service' : 'Private Link service'}:
${list(d.vendorPrincipals)}

${d.customerEndpointService ? `Service: ${d.customerEndpointService}` : `Then reply with the ${d.cloud === 'aws' ? 'service name of your endpoint service (com.amazonaws.vpce.<region>.vpce-svc-…)' : 'resource id of your Private Link service'}.`}
Reply when access is granted.`,

  vendor_endpoint_failed: (
    d: Greeting & { cloud: Cloud; customerServiceName: string; reason: string; vendorPrincipals: string[] },
  ) =>
    `We could not create our endpoint to your service ${d.customerServiceName}:

${d.reason}

Next step for you: check that your ${d.cloud === 'aws' ? 'endpoint service' : 'Private Link service'} allows these principals and that the service name is right, then reply:
${list(d.vendorPrincipals)}`,

  approve_reverse_connection: (d: Greeting & Ports & { customerServiceName: string; vendorEndpointId: string }) =>
    `We created our endpoint ${d.vendorEndpointId} to your service ${d.customerServiceName}. This sent a connection request to your service.

Next step for you: accept the connection request from endpoint ${d.vendorEndpointId}. These ports will be used:
${portList(d.services)}

Reply when it is accepted.`,

  reverse_connection_rejected: (d: Greeting & { vendorEndpointId: string; reason: string }) =>
    `Noted: the connection request from our endpoint ${d.vendorEndpointId} was rejected:

${d.reason}

We will create a new endpoint and post its id here for you to accept.`,

  verify_reverse_connection: (d: Greeting & Ports & { host: string }) =>
    `Thank you for accepting the connection. We are testing it from our side as well.

Next step for you: verify the connection from our network to your service. Log in to the Production or Staging environment that uses the connection and run:
${testCommands(d.host, d.services)}

Reply with the result.`,

  enabled: (d: Greeting & Ports & { connectionType: string }) =>
    `PrivateLink is enabled (${d.connectionType}). Open ports:
${portList(d.services)}

To change this connection later (remove it, change your account, or add or remove connections to other services in your network), open a new ticket.`,

  sla_breached: (d: Greeting & { deadline: string; timeZone: string }) =>
    `We did not complete this PrivateLink request within five business days (due ${localTime(d.deadline, d.timeZone)}). It has been escalated, and we will keep you updated here every business day until it is done.`,

  sla_escalation: (d: Greeting & { deadline: string; timeZone: string; escalation: number }) =>
    `This PrivateLink request is still open, ${d.escalation} business day${d.escalation === 1 ? '' : 's'} past its due time (${localTime(d.deadline, d.timeZone)}). It remains escalated.`,

  update_after_acceptance: (d: Greeting & { changes: string[] }) =>
    `We received your update to this ticket, which changes: ${d.changes.join(', ')}.

Your PrivateLink request was already accepted with the details you gave before, and the set-up goes on with those, so this change is not applied automatically. Our support team will review it and reply on this ticket with how it will be handled; if the change is needed before the connection is enabled, we may cancel this request and start a new one with the new details.`,

  cancelled: (d: Greeting & { reason: string }) =>
    `This PrivateLink request is cancelled: ${d.reason}

Open a new ticket to request PrivateLink again.`,
} as const;

export type TemplateId = keyof typeof templates;

/** A comment to post: a template and its data. */
export type TicketComment = {
  [K in TemplateId]: { template: K; data: Parameters<(typeof templates)[K]>[0] };
}[TemplateId];

/** Renders a ticket comment to plain text. */
export function renderComment(comment: TicketComment): string {
  const render = templates[comment.template] as (data: TicketComment['data']) => string;
  return render(comment.data);
}
