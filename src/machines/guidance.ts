/**
 * What the vendor's document tells people beyond the steps themselves: the cloud documentation it links for each step,
 * and what to check when a connection test fails ("Test VPC endpoint service connection"), split by the side that
 * owns each piece. Ticket comments and staff notifications quote it, so the customer and the engineer read the same
 * checklist. Plain data and pure functions: machines put the lines into effect params.
 */
import type { Side } from '../domain/events';
import { cloudModules, clouds, type Cloud } from '../domain/clouds';
import type { CloudDocs } from '../domain/clouds/cloud';

/** The cloud documentation the vendor's document links, by step (each cloud's module has its own). */
export const cloudDocs = Object.fromEntries(clouds.map((id) => [id, cloudModules[id].docs])) as Record<
  Cloud,
  CloudDocs
>;

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
  const cloud = cloudModules[s.cloud];
  const c = cloud.checklist;
  const ports = s.ports.join(', ');
  const port = s.ports.length === 1 ? String(s.ports[0]) : '<port>';
  const host = s.host ?? '<endpoint-dns-name>';
  const endpoint = s.endpointId ? ` ${s.endpointId}` : '';
  const listeners = `The ${c.loadBalancer} settings: ${c.listeners(ports)}`;
  const listening = `The service listens on each VM: netstat -na | grep ${port}`;
  const packets = `Packets arrive: tcpdump -i <ethernet-interface> -tt -nn port ${port} and host <source-host>`;
  if (s.direction === 'forward' && s.side === 'customer') {
    return [
      c.customerEndpoint(endpoint),
      c.customerEndpointSecurity(ports),
      `You test from a host inside your ${cloud.words.network} (or a network routed to it), with the endpoint's DNS name or IP address: curl -v telnet://${host}:${port}`,
      `Cloud guide: ${cloud.docs.troubleshooting}`,
    ];
  }
  if (s.direction === 'forward') {
    return [
      `Endpoint and endpoint service settings: the ${cloud.words.accountNoun === 'subscriptions' ? 'subscriptions are' : 'account is'} allowed and the connection request${endpoint ? ` from${endpoint}` : ''} is accepted`,
      `The ports are open in the project's environment: ${ports}`,
      listeners,
      c.healthy,
      listening,
      packets,
      `curl -v telnet://<endpoint-service-dns>:${port} from each VM`,
    ];
  }
  if (s.side === 'customer') {
    return [
      c.serviceAccepted(s.customerService ? ` ${s.customerService}` : '', endpoint),
      listeners,
      c.healthy,
      listening,
      packets,
      c.targetsAllow(ports),
      `Cloud guide: ${cloud.docs.troubleshooting}`,
    ];
  }
  return [
    `Our endpoint${endpoint} is ${c.vendorEndpointState} and ${host} resolves to its private addresses`,
    `The security group of our endpoint allows TCP on ${ports} from our VMs`,
    `netcat/curl from each VM: curl -v telnet://${host}:${port}`,
  ];
}

/** The side owning the failing piece when the failure report does not say: the one owning the service end. */
export function defaultFailingSide(direction: Direction): Side {
  return direction === 'forward' ? 'vendor' : 'customer';
}
