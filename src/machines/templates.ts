/**
 * Ticket comments for every customer-facing step, in plain text: what happened and exactly what the customer must do
 * next, with the service names, principals, hosts and ports filled in, and the cloud documentation the vendor's
 * document links. Machines emit `{ template, data }`; the activity that posts the comment renders it here, so the
 * wording is tested without any ticket system. docs/traceability.md maps the vendor document's statements to them.
 */
import type { Change, Side } from '../domain/events';
import type { OpenableChange } from './changes/setup';
import { type Cloud, cloudOf } from '../domain/clouds';
import type { Service } from '../domain/intake';
import type { VendorCli } from '../domain/vendor-config';
import { localTime } from '../sla/format';
import { cloudDocs, type Direction } from './guidance';

interface Greeting {
  company: string;
  ticketId: string;
}
interface Ports {
  services: Service[];
}
/** The customer's endpoint going forward: its id and, when known, the host to test. */
interface ForwardEndpoint {
  cloud: Cloud;
  /** The region the endpoint is in (the lookup command names it on Alibaba Cloud). */
  region?: string;
  endpointId: string;
  endpointDns?: string;
}

/** The cloud's words (its module's): "interface VPC endpoint", "Private Link service", "whitelist". */
const words = (cloud: Cloud) => cloudOf(cloud).words;
/** The customer-side endpoint, with its article. */
const anEndpoint = (cloud: Cloud) => words(cloud).anEndpoint;
/** The vendor's service: an endpoint service on AWS, a Private Link service (known by its alias) on Azure. */
const vendorService = (cloud: Cloud) => words(cloud).service;
const customerService = vendorService;
const network = (cloud: Cloud) => words(cloud).network;
/** Alibaba Cloud: " in zone eu-central-1a" (an endpoint must be in the zone of the load balancer); else nothing. */
const inZones = (zones?: string[]) => (zones?.length ? ` in zone ${zones.join(' or ')}` : '');
const list = (lines: string[]) => lines.map((line) => `  - ${line}`).join('\n');
const portList = (services: Service[]) => list(services.map((s) => `${s.name}: port ${s.port}`));
const testCommands = (host: string, services: Service[]) =>
  list(services.map((s) => `curl -v telnet://${host}:${s.port}   (${s.name})`));
const numbered = (steps: string[]) => steps.map((step, i) => `  ${i + 1}. ${step}`).join('\n');
const directionWords = (direction: Direction) =>
  direction === 'forward' ? 'from your network to ours' : 'from our network to your service';

/**
 * The commands that test the forward connection: with the endpoint's DNS name when the vendor recorded it, else with a
 * placeholder and the command that prints the name (an endpoint id is no host).
 */
function forwardTest(d: ForwardEndpoint & Ports): string {
  if (d.endpointDns) return testCommands(d.endpointDns, d.services);
  const lookup = words(d.cloud).lookup(d.endpointId, d.region ?? '<region>');
  return `${testCommands('<endpoint-dns-name>', d.services)}

where <endpoint-dns-name> is the ${lookup.what} of your endpoint ${d.endpointId}; this prints it:
  ${lookup.command}`;
}

/** The document's steps for testing from the vendor's environment: log in, check out the environment, run curl. */
function vendorEnvironmentTest(host: string, services: Service[], environment: string, cli?: VendorCli): string {
  const steps = cli
    ? [
        `Log in with the ${cli.name}: ${cli.login}`,
        `From the project root directory, check out your ${environment} environment (the one using the connection): ${cli.checkout}`,
      ]
    : [`Log in to your ${environment} environment (the one using the connection) and go to the project root directory`];
  return `${numbered([...steps, 'Run, for each port:'])}
${testCommands(host, services).replace(/^/gm, '     ')}`;
}

/** The templates, by id. Each takes the data the machine put in the action's params. */
export const templates = {
  intake_incomplete: (d: Greeting & { problems: string[] }) =>
    `Thank you for your PrivateLink request for ${d.company || 'your company'}. We need the following before we can start:

${list(d.problems)}

Please reply to this ticket with the corrected information so we can continue. Enabling PrivateLink can take up to five business days once your request is complete; incomplete or inaccurate information delays it.`,

  request_rejected: (d: Greeting & { reasons: string[] }) =>
    `We cannot enable PrivateLink for this request:

${list(d.reasons)}

PrivateLink is available on Pro Production and Staging environments only; it is not available on integration or local environments, or on Starter projects. Open a new ticket if you want to request it for an eligible environment.`,

  intake_accepted: (
    d: Greeting & {
      cloud: Cloud;
      region: string;
      /** The accounts (AWS) or subscriptions (Azure) the vendor allowlists (none on a reverse connection). */
      accounts: string[];
      connectionType: string;
      /** Alibaba Cloud: the zones the endpoints are in. */
      zones?: string[];
      /** Bidirectional, reverse: what the customer must have ready for the connection to their service. */
      reverse?: { services: string[]; vendorPrincipals: string[]; granted: boolean; autoAccepted?: boolean };
    },
  ) => {
    const w = words(d.cloud);
    const accepted = `Your ${d.connectionType} PrivateLink request is complete and accepted. Enabling PrivateLink can take up to five business days; incomplete or inaccurate information delays it, so please answer our questions on this ticket promptly.

${d.connectionType === 'reverse' ? '' : `${w.weAllow(d.accounts, d.region, d.zones ?? [])} We will post its ${w.serviceNameWord} here when it is ready.`}`;
    const costs = `The costs of your own ${network(d.cloud)}, its endpoints and load balancers are yours.`;
    if (!d.reverse) return `${accepted}\n\n${costs}`;
    const r = d.reverse;
    const grant = r.granted ? w.grantDeclared : `${w.grantAsk} How: ${cloudDocs[d.cloud].grantAccess}`;
    const zoned = d.zones?.length
      ? `\nYour ${customerService(d.cloud)} and its load balancer must be in zone ${d.zones.join(' or ')}, where we create our endpoint.`
      : '';
    const then =
      d.connectionType === 'reverse'
        ? `\n${r.granted ? 'We now create' : 'When that is done, reply on this ticket; we then create'} our endpoint to your service and post its id here${r.autoAccepted ? '; your service accepts its connection by itself' : ' for you to accept its connection request'}.`
        : '';
    return `${accepted.trimEnd()}

${d.connectionType === 'reverse' ? 'We connect from our network to your' : 'For the connection from our network to your service, we connect to your'} ${customerService(d.cloud)}${r.services.length === 1 ? '' : 's'} (${r.services.length === 1 ? '' : 'each '}in front of ${w.aLoadBalancer}):
${list(r.services)}${zoned}
${w.mustAccept}:
${list(r.vendorPrincipals)}
${grant}${then}

${costs}`;
  },

  create_endpoint: (
    d: Greeting & Ports & { cloud: Cloud; region: string; vendorServiceName: string; zones?: string[] },
  ) =>
    `${words(d.cloud).nowAllowed}

${capitalize(words(d.cloud).serviceNameWord)}: ${d.vendorServiceName}
Region: ${d.region}${d.zones?.length ? `\nZone: ${d.zones.join(', ')}` : ''}

Next step for you: create ${anEndpoint(d.cloud)} in your ${network(d.cloud)}${d.zones?.length ? `, with a vSwitch${inZones(d.zones)} and a security group that lets your clients reach the endpoint,` : ''} to this ${words(d.cloud).serviceNameWord} (${cloudDocs[d.cloud].createEndpoint}). This sends us a connection request (${cloudDocs[d.cloud].connectionRequests}). Once we approve it, we open these ports in our environment:
${portList(d.services)}

When the endpoint is created, reply with its id (${words(d.cloud).endpointIdHint}) so we can approve the connection request.`,

  connection_rejected: (
    d: Greeting & { cloud: Cloud; endpointId: string; reason: string; vendorServiceName: string },
  ) =>
    `We could not approve the connection request from endpoint ${d.endpointId}:

${d.reason}

Next step for you: correct this and create ${anEndpoint(d.cloud).replace(/^an? /, 'a new ')} to ${d.vendorServiceName}, then reply with its id.`,

  connection_approved: (d: Greeting & Ports & { endpointId: string }) =>
    `We approved the connection request from endpoint ${d.endpointId}. Next we open these ports in our environment:
${portList(d.services)}

We will tell you here when they are open and you can test the connection.`,

  ports_opened: (d: Greeting & Ports & ForwardEndpoint) =>
    `These ports are now open in our environment for your connection through endpoint ${d.endpointId}:
${portList(d.services)}

Next step for you: verify the connection from a host in your ${network(d.cloud)} to each port:
${forwardTest(d)}

A working connection prints "Connected to …". Reply with the result; if a test fails, include its output.`,

  troubleshooting_started: (
    d: Greeting & { direction: Direction; details: string; side: Side; checklist: string[] },
  ) =>
    d.side === 'vendor'
      ? `Thank you for testing. The connection ${directionWords(d.direction)} does not work yet:

${d.details}

What fails is on our side. Our engineers are checking:
${list(d.checklist)}

We will ask you to test again once it is fixed.`
      : `Thank you for testing. The connection ${directionWords(d.direction)} does not work yet:

${d.details}

What fails is on your side. Next step for you: please check:
${list(d.checklist)}

Reply on this ticket when it is fixed, with the result of a new test if you ran one. If you cannot resolve it, reply with what you found and we will help establish the connection.`,

  verify_again: (
    d: Greeting &
      Ports & { direction: Direction; fixedBy: Side } & (
        | ({ direction: 'forward' } & ForwardEndpoint)
        | { direction: 'reverse'; host: string; environment: string; cli?: VendorCli }
      ),
  ) =>
    `${d.fixedBy === 'vendor' ? 'We fixed' : 'Noted: you fixed'} what blocked the connection ${directionWords(d.direction)}.

Next step for you: please test again:
${d.direction === 'forward' ? forwardTest(d) : vendorEnvironmentTest(d.host, d.services, d.environment, d.cli)}

Reply with the result.`,

  principal_access_request: (
    d: Greeting & { cloud: Cloud; vendorPrincipals: string[]; customerEndpointServices: string[] },
  ) =>
    `The connection from your network to ours works. Next we connect our network to your ${customerService(d.cloud)}${d.customerEndpointServices.length === 1 ? '' : 's'}:
${list(d.customerEndpointServices)}

Next step for you: ${words(d.cloud).allowOn(d.customerEndpointServices.length === 1 ? 'it' : 'each of them')} (${cloudDocs[d.cloud].grantAccess}):
${list(d.vendorPrincipals)}

${words(d.cloud).replyGranted}${words(d.cloud).replyServiceName}.`,

  vendor_endpoint_failed: (
    d: Greeting & { cloud: Cloud; customerServiceName: string; reason: string; vendorPrincipals: string[] },
  ) =>
    `We could not create our endpoint to your service ${d.customerServiceName}:

${d.reason}

Next step for you: check that ${words(d.cloud).checkAllows} and that the ${words(d.cloud).customerServiceNameWord} is right, then reply:
${list(d.vendorPrincipals)}`,

  approve_reverse_connection: (
    d: Greeting & Ports & { cloud: Cloud; customerServiceName: string; vendorEndpointId: string },
  ) =>
    `We created our endpoint ${d.vendorEndpointId} to your service ${d.customerServiceName}. This sent a connection request to your service.

Next step for you: ${words(d.cloud).acceptStep(d.vendorEndpointId)} (${cloudDocs[d.cloud].connectionRequests}). We will connect to these ports of your service:
${portList(d.services)}

Reply when it is accepted.`,

  reverse_connection_rejected: (d: Greeting & { vendorEndpointId: string; reason: string }) =>
    `Noted: the connection request from our endpoint ${d.vendorEndpointId} was rejected:

${d.reason}

We will create a new endpoint and post its id here for you to accept.`,

  verify_reverse_connection: (
    d: Greeting &
      Ports & {
        host: string;
        environment: string;
        cli?: VendorCli;
        /** The customer's service accepted the vendor's endpoint by itself (no acceptance step). */
        autoAccepted?: { vendorEndpointId: string; service: string };
      },
  ) =>
    `${
      d.autoAccepted
        ? `We created our endpoint ${d.autoAccepted.vendorEndpointId} to your service ${d.autoAccepted.service}, which accepts connections automatically, so it is connected. We are testing it from our side as well.`
        : 'Thank you for accepting the connection. We are testing it from our side as well.'
    }

Next step for you: verify the connection from our network to your service:
${vendorEnvironmentTest(d.host, d.services, d.environment, d.cli)}

A working connection prints "Connected to …". Reply with the result; if a test fails, include its output.`,

  next_reverse_target: (d: Greeting & { connected: string; next: string; position: number; of: number }) =>
    `The connection from our network to your service ${d.connected} works.

Next we connect to your service ${d.next} (${d.position} of ${d.of}): we are creating our endpoint to it and will post its id here for you to accept.`,

  enabled: (
    d: Greeting &
      Ports & {
        connectionType: string;
        /** The customer's endpoint the vendor's ports are reached through (none on a reverse connection). */
        endpointId?: string;
        /** Bidirectional, reverse: each of the customer's services the vendor connects to, through which endpoint. */
        reverse?: { service: string; endpointId: string; host?: string }[];
        reverseServices?: Service[];
      },
  ) => {
    const end = `Our support for this request covers enabling the connection and ends here: troubleshooting the connection after enablement is not covered.

To change this connection later (${d.connectionType === 'reverse' ? 'remove it' : 'remove it, change your account'}, or add or remove connections to other services in your network), open a new ticket.`;
    if (d.connectionType === 'reverse') {
      // Seed 002: the vendor ends by sending the host name to use for connections to the customer's service.
      const targets = (d.reverse ?? []).map(
        (r) => `${r.service} through our endpoint ${r.endpointId}${r.host ? `, host name ${r.host}` : ''}`,
      );
      return `PrivateLink is enabled (reverse): our network now connects to your service${targets.length === 1 ? '' : 's'}:
${list(targets)}

Ports we connect to on your service:
${portList(d.reverseServices ?? [])}

When you set up connections to your service in our product, use the host name above.

${end}`;
    }
    const forward = `From your network to ours (your endpoint ${d.endpointId}):
${portList(d.services)}`;
    const reverse = d.reverse?.length
      ? `\n\nFrom our network to your service${d.reverse.length === 1 ? '' : 's'} (${d.reverse.map((r) => `${r.service} through our endpoint ${r.endpointId}`).join('; ')}):
${portList(d.reverseServices ?? [])}`
      : '';
    return `PrivateLink is enabled (${d.connectionType}). Open ports:

${forward}${reverse}

${end}`;
  },

  sla_breached: (d: Greeting & { deadline: string; timeZone: string }) =>
    `We did not complete this PrivateLink request within five business days (due ${localTime(d.deadline, d.timeZone)}). It has been escalated, and we will keep you updated here every business day until it is done.`,

  sla_escalation: (d: Greeting & { deadline: string; timeZone: string; escalation: number }) =>
    `This PrivateLink request is still open, ${d.escalation} business day${d.escalation === 1 ? '' : 's'} past its due time (${localTime(d.deadline, d.timeZone)}). It remains escalated.`,

  update_after_acceptance: (d: Greeting & { changes: string[] }) =>
    `We received your update to this ticket, which changes: ${d.changes.join(', ')}.

Your PrivateLink request was already accepted with the details you gave before, and the set-up goes on with those, so this change is not applied automatically. Our support team will review it and reply on this ticket with how it will be handled; if the change is needed before the connection is enabled, we may cancel this request and start a new one with the new details.`,

  change_received: (
    d: Greeting & {
      change: OpenableChange;
      connectionTicketId: string;
      cloud: Cloud;
      vendorPrincipals: string[];
      /** A reverse connection has no account of the customer's to remove. */
      connectionType?: string;
    },
  ) => {
    const intro = `We received your request to ${changeKindWords(d.change)} (the PrivateLink connection enabled on ticket ${d.connectionTicketId}). Changes can take up to five business days.`;
    switch (d.change.kind) {
      case 'remove':
        return `${intro}

${
  d.connectionType === 'reverse'
    ? 'What happens next: we delete our endpoints to your services. Traffic over this connection stops then. We will confirm here when it is done.'
    : `What happens next: we remove your ${words(d.cloud).accountNoun} from our ${vendorService(d.cloud)}, remove your endpoint connection to it, and delete our endpoints to your services, if any. Traffic over this connection stops then. We will confirm here when it is done.`
}`;
      case 'change_account':
        return `${intro}

What happens next, in this order so the connection keeps working: we allow ${words(d.cloud).oneAccount} ${d.change.customerAccount} on our ${vendorService(d.cloud)} and post its ${words(d.cloud).serviceNameWord} here; you create ${anEndpoint(d.cloud)} from it; we approve it and you test it; only then do we remove the old account's access.`;
      case 'add_service':
        return `${intro}

Next step for you: ${words(d.cloud).allowOn(`your ${customerService(d.cloud)} ${d.change.customerServiceName}`)} (${cloudDocs[d.cloud].grantAccess}):
${list(d.vendorPrincipals)}

${words(d.cloud).replyGranted}. We then create our endpoint to it and post its id here for you to accept.`;
      case 'remove_service':
        return `${intro}

What happens next: we delete our endpoint to your service ${d.change.customerServiceName}. We will confirm here when it is done.`;
    }
  },

  change_done: (
    d: Greeting & {
      kind: Change['kind'];
      connectionTicketId: string;
      cloud: Cloud;
      accounts: string[];
      services: Service[];
      reverseServices: string[];
      /** A reverse connection: only the vendor connected. */
      connectionType?: string;
    },
  ) => {
    if (d.kind === 'remove' && d.connectionType === 'reverse') {
      return `The PrivateLink connection enabled on ticket ${d.connectionTicketId} is removed: our endpoints to your services are deleted, and we no longer connect to them. You may now ${words(d.cloud).removeUs}.

Open a new PrivateLink request if you need a connection again.`;
    }
    if (d.kind === 'remove') {
      return `The PrivateLink connection enabled on ticket ${d.connectionTicketId} is removed: no account can connect to our ${vendorService(d.cloud)} through it any more, and our endpoints to your services, if we had any, are deleted.

Open a new PrivateLink request if you need a connection again.`;
    }
    const reverse = d.reverseServices.length
      ? `
Our network connects to your service${d.reverseServices.length === 1 ? '' : 's'}:
${list(d.reverseServices)}`
      : '';
    return `Your change is done. The PrivateLink connection enabled on ticket ${d.connectionTicketId} now stands as follows.

${
  d.accounts.length
    ? `${words(d.cloud).accountHeading} that can connect to our ${vendorService(d.cloud)}: ${d.accounts.join(', ')}
Open ports:
${portList(d.services)}`
    : 'No account of yours connects to our network (a reverse connection: only we connect, to your services).'
}${reverse}

Troubleshooting the connection after a change is not covered by our support; open a new ticket for further changes.`;
  },

  change_cancelled: (d: Greeting & { reason: string }) =>
    `This change to your PrivateLink connection is cancelled: ${d.reason}

The connection stays as it is. Open a new ticket to request a change again.`,

  change_refused: (d: { connectionTicketId: string; reason: string }) =>
    `We cannot take this change to the PrivateLink connection of ticket ${d.connectionTicketId}:

${d.reason}

Reply on this ticket if something here is wrong.`,

  troubleshooting_not_covered: (d: { connectionTicketId: string }) =>
    `Thank you for your ticket about the PrivateLink connection enabled on ticket ${d.connectionTicketId}. Troubleshooting a connection after it is enabled is not covered by our support: the connection was verified end to end when it was enabled, and what changed since is in your network or account.

What we can do on a ticket: remove the connection, change the account that connects, or add or remove connections from our network to your services. Open a ticket for one of these if you need it.`,

  change_sla_breached: (d: Greeting & { deadline: string; timeZone: string }) =>
    `We did not complete this change to your PrivateLink connection within five business days (due ${localTime(d.deadline, d.timeZone)}). It has been escalated, and we will keep you updated here every business day until it is done.`,

  change_sla_escalation: (d: Greeting & { deadline: string; timeZone: string; escalation: number }) =>
    `This change to your PrivateLink connection is still open, ${d.escalation} business day${d.escalation === 1 ? '' : 's'} past its due time (${localTime(d.deadline, d.timeZone)}). It remains escalated.`,

  cancelled: (d: Greeting & { reason: string }) =>
    `This PrivateLink request is cancelled: ${d.reason}

Open a new ticket to request PrivateLink again.`,
} as const;

export type TemplateId = keyof typeof templates;

/** A change in words, as its comments and the state view say it ("remove the connection"). */
export function changeKindWords(change: OpenableChange): string {
  switch (change.kind) {
    case 'remove':
      return 'remove the connection';
    case 'change_account':
      return `move the connection to account ${change.customerAccount}`;
    case 'add_service':
      return `connect our network to your service ${change.customerServiceName}`;
    case 'remove_service':
      return `disconnect our network from your service ${change.customerServiceName}`;
  }
}

/** A comment to post: a template and its data. */
export type TicketComment = {
  [K in TemplateId]: { template: K; data: Parameters<(typeof templates)[K]>[0] };
}[TemplateId];

/** Renders a ticket comment to plain text. */
export function renderComment(comment: TicketComment): string {
  const render = templates[comment.template] as (data: TicketComment['data']) => string;
  return render(comment.data);
}

function capitalize(text: string): string {
  return text.charAt(0).toUpperCase() + text.slice(1);
}
