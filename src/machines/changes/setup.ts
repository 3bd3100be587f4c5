/**
 * What the change machines share (docs/lifecycle.md): their context, the events they take (stamped by the host with
 * the time they arrived), guards, the actions that keep the connection's record, and the effects, which are data as in
 * the enablement machines. A change's comments go to the change ticket: its `greeting` names that ticket.
 */
import { assign, setup } from 'xstate';
import type { Change, EnablementEvent } from '../../domain/events';
import type { Service } from '../../domain/intake';
import { quoted } from '../../domain/limits';
import { type VendorConfig, vendorEndpointService } from '../../domain/vendor-config';
import { cloudDataProblem } from '../event-data';
import { defaultFailingSide } from '../guidance';
import type { EffectParams, EnablementTag, Notification } from '../setup';
import type { TicketComment } from '../templates';
import type { ConnectionRecord } from './connection';

/** A change that opens a change machine (a `troubleshoot` change is answered, never opened). */
export type OpenableChange = Exclude<Change, { kind: 'troubleshoot' }>;
export type OpenableChangeKind = OpenableChange['kind'];

/** An event as a change machine takes it: stamped with the workflow time it arrived (ISO 8601). */
export type ChangeEvent = EnablementEvent & { at: string };

/** What a change machine starts with. */
export interface ChangeInput {
  /** The connection's own ticket (the request that enabled it). */
  ticketId: string;
  changeTicketId: string;
  change: OpenableChange;
  /** Who asked for the change (the authenticated subject that sent `change.requested`). */
  requestedBy: string;
  /** The connection as it stands when the change opens; the machine keeps it up to date step by step. */
  connection: ConnectionRecord;
  vendor: VendorConfig;
  /** The vendor project's environment (the customer tests from it in reverse). */
  environment: string;
  /** The extra part of the vendor endpoint service key (Azure: the cluster its Private Link service belongs to). */
  serviceKeyPart?: string;
}

/** What a change has learned so far. */
export interface ChangeContext extends ChangeInput {
  /** change_account: the vendor service name given to the new account. */
  vendorServiceName?: string;
  /** change_account: the new account's endpoint. */
  endpointId?: string;
  endpointDns?: string;
  /** add_service: the vendor's endpoint to the new service. */
  vendorEndpointId?: string;
  vendorEndpointDns?: string;
}

/** The ports the vendor uses on an `add_service` change's service: as the change gives them, else the connection's. */
export function addedServicePorts(context: Pick<ChangeContext, 'change' | 'connection'>): Service[] {
  const { change, connection } = context;
  return (change.kind === 'add_service' ? change.services : undefined) ?? connection.reverseServices[0]?.ports ?? [];
}

/** The customer's service an add_service or remove_service change is about. */
export function changedService(context: Pick<ChangeContext, 'change'>): string {
  const { change } = context;
  return change.kind === 'add_service' || change.kind === 'remove_service' ? change.customerServiceName : '';
}

/** The reverse service a `vendor_endpoint.deleted` names (by endpoint id), or the first one when it names none. */
function deletedService(context: ChangeContext, event: ChangeEvent) {
  const named = event.type === 'vendor_endpoint.deleted' ? event.endpointId : undefined;
  const candidates =
    context.change.kind === 'remove_service'
      ? context.connection.reverseServices.filter((r) => r.service === changedService(context))
      : context.connection.reverseServices;
  return named === undefined ? candidates[0] : candidates.find((r) => r.endpointId === named);
}

/** Why an id or name the event gives does not fit the change (or the connection's cloud), if it does not. */
export function changeEventProblem(context: ChangeContext, event: ChangeEvent): string | undefined {
  const { cloud, region } = context.connection;
  const label = (field: string, value: string) => `${field} ${quoted(value, 260)}`;
  switch (event.type) {
    case 'principal.granted':
      // The service was checked when the change was requested: another one is the only problem.
      return event.customerServiceName === undefined || event.customerServiceName === changedService(context)
        ? undefined
        : `${label('customerServiceName', event.customerServiceName)} is not the service this change adds (${changedService(context)})`;
    case 'vendor_endpoint.deleted':
      return deletedService(context, event)
        ? undefined
        : `${event.endpointId === undefined ? 'no vendor endpoint is left' : `${label('endpointId', event.endpointId)} is not`} ${
            context.change.kind === 'remove_service'
              ? `the vendor endpoint to ${changedService(context)}`
              : 'one of the vendor endpoints this connection still has'
          }`;
    default:
      return cloudDataProblem(cloud, region, event);
  }
}

/** Effects are data: executing them is the host's job, never the machine's. */
const effect =
  <K extends keyof EffectParams>() =>
  (_: unknown, _params: EffectParams[K]) =>
    undefined;

/** Shared by the four change machines: types, guards, and the actions they name. */
export const changeSetup = setup({
  types: {
    context: {} as ChangeContext,
    events: {} as ChangeEvent,
    input: {} as ChangeInput,
    tags: {} as Exclude<EnablementTag, 'intake'>,
  },
  guards: {
    /** Every id and name the event gives fits the connection's cloud and the change (see `changeEventProblem`). */
    eventDataValid: ({ context, event }) => changeEventProblem(context, event) === undefined,
    vendorServiceNameKnown: ({ context, event }) =>
      vendorServiceNameOf(context, event) !== undefined && changeEventProblem(context, event) === undefined,
    failsOnCustomerSide: ({ event }) =>
      (event.type === 'connection.failed' || event.type === 'reverse_connection.failed') &&
      (event.failingSide ?? defaultFailingSide(event.type === 'connection.failed' ? 'forward' : 'reverse')) ===
        'customer',
    /** remove: the vendor has endpoints to the customer's services to delete after the connection is removed. */
    hasVendorEndpoints: ({ context }) => context.connection.reverseServices.length > 0,
    /** A reverse connection: no account of the customer's was ever allowed on the vendor's endpoint service. */
    noAccountsToRevoke: ({ context }) => context.connection.accounts.length === 0,
    /** remove: this deletion leaves other vendor endpoints to delete. */
    moreVendorEndpointsAfterThis: ({ context, event }) =>
      changeEventProblem(context, event) === undefined && context.connection.reverseServices.length > 1,
  },
  actions: {
    recordVendorServiceName: assign(({ context, event }) => ({
      vendorServiceName: vendorServiceNameOf(context, event),
    })),
    recordEndpoint: assign(({ event }) =>
      event.type === 'endpoint.requested' ? { endpointId: event.endpointId, endpointDns: event.endpointDns } : {},
    ),
    /** change_account: the new account's connection is approved, so it can reach the vendor from now on. */
    grantNewAccount: assign(({ context, event }) => ({
      connection: {
        ...context.connection,
        accounts: [
          ...context.connection.accounts,
          {
            account: context.change.kind === 'change_account' ? context.change.customerAccount : '',
            since: event.at,
            approvedBy: event.actor,
            endpointId: context.endpointId ?? null,
          },
        ],
      },
    })),
    /** change_account: the old accounts' access is revoked; the new account is the connection's. */
    revokeOldAccounts: assign(({ context }) => {
      const account = context.change.kind === 'change_account' ? context.change.customerAccount : '';
      return {
        connection: {
          ...context.connection,
          customerAccount: account,
          accounts: context.connection.accounts.filter((a) => a.account === account),
        },
      };
    }),
    /** remove: no account can connect any more. */
    revokeAllAccess: assign(({ context }) => ({ connection: { ...context.connection, accounts: [] } })),
    /** remove: the customer's endpoint connections are gone: the vendor's ports are no longer reachable. */
    removeForwardConnection: assign(({ context }) => ({ connection: { ...context.connection, services: [] } })),
    recordVendorEndpoint: assign(({ event }) =>
      event.type === 'vendor_endpoint.created'
        ? { vendorEndpointId: event.endpointId, vendorEndpointDns: event.endpointDns }
        : {},
    ),
    /** add_service: the customer accepted the vendor's endpoint, so the vendor can reach the service from now on. */
    addReverseService: assign(({ context, event }) => ({
      connection: {
        ...context.connection,
        reverseServices: [
          ...context.connection.reverseServices,
          {
            service: changedService(context),
            endpointId: context.vendorEndpointId!,
            endpointDns: context.vendorEndpointDns!,
            ports: addedServicePorts(context),
            since: event.at,
            approvedBy: event.actor,
          },
        ],
      },
    })),
    /** remove, remove_service: the vendor endpoint the event names is deleted. */
    deleteVendorEndpoint: assign(({ context, event }) => {
      const gone = deletedService(context, event);
      return {
        connection: {
          ...context.connection,
          reverseServices: context.connection.reverseServices.filter((r) => r !== gone),
        },
      };
    }),
    postTicketComment: effect<'postTicketComment'>(),
    notify: effect<'notify'>(),
    runConnectivityCheck: effect<'runConnectivityCheck'>(),
  },
});

/** The vendor service name to give the new account: the one sent with the event, else the configured one. */
function vendorServiceNameOf(context: ChangeContext, event: ChangeEvent): string | undefined {
  const sent = event.type === 'customer_access.granted' ? event.vendorServiceName : undefined;
  const { cloud, region } = context.connection;
  return sent ?? vendorEndpointService(context.vendor, cloud, region, context.serviceKeyPart);
}

/** What an action's params are built from. */
export type ChangeArgs = { context: ChangeContext; event: ChangeEvent };

/** A comment to the change ticket. */
export const comment = (build: (args: ChangeArgs) => TicketComment) => ({
  type: 'postTicketComment' as const,
  params: build,
});
/** A notification to staff, naming the change ticket and the connection's. */
export const notify = (kind: Notification['kind'], message: (args: ChangeArgs) => string) => ({
  type: 'notify' as const,
  params: (args: ChangeArgs): Notification => ({
    kind,
    message: `[${args.context.changeTicketId}, change of ${args.context.ticketId}] ${message(args)}`,
  }),
});
/** Who a change's comments greet: the change ticket and the connection's company. */
export const greeting = (context: ChangeContext) => ({
  ticketId: context.changeTicketId,
  company: context.connection.company,
});
