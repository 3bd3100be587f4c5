/**
 * What the vendor's document tells people beyond the steps themselves: the cloud documentation it links for each step,
 * and what to check when a connection test fails ("Test VPC endpoint service connection"), split by the side that
 * owns each piece. Ticket comments and staff notifications quote it, so the customer and the engineer read the same
 * checklist. Plain data and pure functions: machines put the lines into effect params.
 */
import type { Side } from '../domain/events';
import type { Cloud } from '../domain/formats';

/** The cloud documentation the vendor's document links, by step. */
export const cloudDocs = {
  aws: {
    createEndpoint: 'https://docs.aws.amazon.com/vpc/latest/userguide/vpce-interface.html#create-interface-endpoint',
    connectionRequests: 'https://docs.aws.amazon.com/vpc/latest/userguide/accept-reject-endpoint-requests.html',
    grantAccess: 'https://docs.aws.amazon.com/vpc/latest/userguide/add-endpoint-service-permissions.html',
    loadBalancer: 'https://docs.aws.amazon.com/elasticloadbalancing/latest/network/create-network-load-balancer.html',
    endpointService: 'https://docs.aws.amazon.com/vpc/latest/userguide/create-endpoint-service.html',
    troubleshooting: 'https://aws.amazon.com/premiumsupport/knowledge-center/connect-endpoint-service-vpc/',
  },
  azure: {
    createEndpoint: 'https://docs.microsoft.com/en-us/azure/private-link/private-endpoint-overview',
    connectionRequests:
      'https://docs.microsoft.com/en-us/azure/private-link/private-link-service-overview#manage-your-connection-requests',
    grantAccess: 'https://docs.microsoft.com/en-us/azure/private-link/manage-private-endpoint',
    loadBalancer:
      'https://docs.microsoft.com/en-us/azure/load-balancer/quickstart-load-balancer-standard-public-portal',
    endpointService: 'https://docs.microsoft.com/en-us/azure/private-link/private-link-service-overview#workflow',
    troubleshooting: 'https://docs.microsoft.com/en-us/azure/private-link/troubleshoot-private-link-connectivity',
  },
} as const satisfies Record<Cloud, Record<string, string>>;

/** Which way a connection goes: the customer's network to the vendor's, or back. */
export type Direction = 'forward' | 'reverse';

/** What a checklist is about: the connection that failed and its ends. */
export interface ChecklistSubject {
  cloud: Cloud;
  direction: Direction;
  /** Who checks: the side owning the failing piece. */
  side: Side;
  /** The ports tested in that direction. */
  ports: number[];
  /** The endpoint the test went through (the customer's going forward, the vendor's in reverse), if known. */
  endpointId?: string;
  /** The host tested, if known. */
  host?: string;
  /** The customer's service (reverse). */
  customerService?: string;
}

/**
 * What to check, for the side that owns the failing piece, in the document's order: the endpoint and the endpoint
 * service, the load balancer and its healthy targets, the service listening (`netstat`), the packets arriving
 * (`tcpdump`), the security groups. Lines are written for the side that checks ("your" is theirs).
 */
export function troubleshootingChecklist(s: ChecklistSubject): string[] {
  const aws = s.cloud === 'aws';
  const ports = s.ports.join(', ');
  const port = s.ports.length === 1 ? String(s.ports[0]) : '<port>';
  const host = s.host ?? '<endpoint-dns-name>';
  const endpoint = s.endpointId ? ` ${s.endpointId}` : '';
  const lb = aws ? 'network load balancer (NLB)' : 'load balancer';
  const listeners = aws
    ? `The ${lb} settings: a TCP listener for each port (${ports})`
    : `The ${lb} settings: a load-balancing rule for each port (${ports})`;
  const healthy = aws
    ? 'The target groups of the NLB: every target registered and healthy'
    : "The load balancer's backend pool: every instance healthy in its health probe";
  const listening = `The service listens on each VM: netstat -na | grep ${port}`;
  const packets = `Packets arrive: tcpdump -i <ethernet-interface> -tt -nn port ${port} and host <source-host>`;
  if (s.direction === 'forward' && s.side === 'customer') {
    return [
      aws
        ? `Your interface endpoint${endpoint} shows "Available" in the VPC console (Endpoints), with a subnet in each Availability Zone you test from`
        : `Your private endpoint${endpoint} shows the connection state "Approved" in the Azure portal`,
      aws
        ? `The security group of your endpoint allows inbound TCP on ${ports} from the host you test from, and your network ACLs allow the traffic both ways`
        : `The network security group of your endpoint's subnet allows TCP on ${ports} from the host you test from`,
      `You test from a host inside your ${aws ? 'VPC' : 'virtual network'} (or a network routed to it), with the endpoint's DNS name or IP address: curl -v telnet://${host}:${port}`,
      `Cloud guide: ${cloudDocs[s.cloud].troubleshooting}`,
    ];
  }
  if (s.direction === 'forward') {
    return [
      `Endpoint and endpoint service settings: the ${aws ? 'account is' : 'subscriptions are'} allowed and the connection request${endpoint ? ` from${endpoint}` : ''} is accepted`,
      `The ports are open in the project's environment: ${ports}`,
      listeners,
      healthy,
      listening,
      packets,
      `curl -v telnet://<endpoint-service-dns>:${port} from each VM`,
    ];
  }
  if (s.side === 'customer') {
    return [
      `Your ${aws ? 'endpoint service' : 'Private Link service'}${s.customerService ? ` ${s.customerService}` : ''} accepted the connection from our endpoint${endpoint} (state ${aws ? '"Available"' : '"Approved"'})`,
      listeners,
      healthy,
      listening,
      packets,
      aws
        ? `The security groups of your targets allow TCP on ${ports} from the NLB's private IP addresses`
        : `The network security groups of your backend instances allow TCP on ${ports} from the Private Link service's NAT IP addresses`,
      `Cloud guide: ${cloudDocs[s.cloud].troubleshooting}`,
    ];
  }
  return [
    `Our endpoint${endpoint} is ${aws ? '"Available"' : 'connected ("Approved")'} and ${host} resolves to its private addresses`,
    `The security group of our endpoint allows TCP on ${ports} from our VMs`,
    `netcat/curl from each VM: curl -v telnet://${host}:${port}`,
  ];
}

/** The side owning the failing piece when the failure report does not say: the one owning the service end. */
export function defaultFailingSide(direction: Direction): Side {
  return direction === 'forward' ? 'vendor' : 'customer';
}
