/**
 * The connection's record: what exists now between the customer's network and the vendor's, from enablement until the
 * connection is removed (docs/lifecycle.md). The auditor's "who can reach us": each account that may connect, since
 * when and on whose approval, and each of the customer's services the vendor connects to. Plain data; pure.
 */
import type { Cloud } from '../../domain/formats';
import type { ConnectionType, Service } from '../../domain/intake';
import { allowlistedAccounts, type EnablementContext, reverseServicesOf } from '../context';

/** One customer account allowed to connect to the vendor's endpoint service, and its connection. */
export interface AccountAccess {
  account: string;
  /** When its connection was approved (ISO 8601). */
  since: string;
  /** Who approved its connection request (the authenticated subject that recorded `connection.approved`). */
  approvedBy: string | null;
  /** The customer's endpoint it connects through. */
  endpointId: string | null;
}

/** One of the customer's endpoint services the vendor's network connects to. */
export interface ReverseService {
  service: string;
  /** The vendor's endpoint to it, and its DNS name or address. */
  endpointId: string;
  endpointDns: string;
  /** The ports of the customer's service the vendor uses. */
  ports: Service[];
  /** When the customer accepted the vendor's endpoint (ISO 8601); null when the enablement did not record it. */
  since: string;
  /** Who recorded the customer's acceptance. */
  approvedBy: string | null;
}

/** The connection as it stands. */
export interface ConnectionRecord {
  /** The ticket that enabled it (the workflow's). */
  ticketId: string;
  company: string;
  cloud: Cloud;
  region: string;
  connectionType: ConnectionType;
  /** The customer account the connection belongs to (after a `change_account`, the new one). */
  customerAccount: string;
  /** The accounts that can connect now (during a `change_account`, the old and, once approved, the new). */
  accounts: AccountAccess[];
  /** The vendor's ports the customer connects to. */
  services: Service[];
  /** The customer's services the vendor connects to. */
  reverseServices: ReverseService[];
  /** When the connection was enabled (ISO 8601). */
  since: string;
}

/** Who recorded the steps the record names: the approval of the connection and each reverse acceptance. */
export interface Approvals {
  connection?: string;
  reverse: string[];
}

/**
 * The record of a request that just reached `enabled`, at `at`: the accepted intake's accounts, ports and the
 * reverse connections it verified.
 */
export function connectionRecordOf(context: EnablementContext, at: string, approvals: Approvals): ConnectionRecord {
  const intake = context.intake!;
  const ports = reverseServicesOf(intake);
  return {
    ticketId: context.ticketId,
    company: intake.company,
    cloud: intake.cloud,
    region: intake.region,
    connectionType: intake.connectionType,
    customerAccount: intake.customerAccount,
    accounts: allowlistedAccounts(intake).map((account) => ({
      account,
      since: at,
      approvedBy: approvals.connection ?? null,
      endpointId: context.endpointId ?? null,
    })),
    services: intake.services,
    reverseServices: (context.reverseConnections ?? []).map((r, i) => ({
      service: r.service,
      endpointId: r.endpointId,
      endpointDns: r.endpointDns,
      ports,
      since: at,
      approvedBy: approvals.reverse[i] ?? null,
    })),
    since: at,
  };
}
