/** What the change machines share beyond their setup: opening, cancellation, troubleshooting and the end. Notes never reach a change machine:
 * the host takes them while the connection lasts. */
import type { Side } from '../../domain/events';
import { principalsIn } from '../context';
import { troubleshootingChecklist } from '../guidance';
import type { Direction } from '../guidance';
import {
  addedServicePorts,
  type ChangeArgs,
  type ChangeContext,
  changedService,
  comment,
  greeting,
  notify,
} from './setup';

/** The reason or details an event gives. */
export const reasonOf = ({ event }: ChangeArgs) =>
  'reason' in event ? event.reason : 'details' in event ? event.details : '(no reason given)';

/**
 * Cancelling the change: its ticket is told, staff are told, and the connection stays as it was. `undo` says what staff
 * must take back of a step already done that gave no one access (an allowlisted account, an endpoint not accepted).
 */
export function cancellable(undo?: (args: ChangeArgs) => string) {
  return {
    'change.cancelled': {
      target: 'cancelled',
      actions: [
        comment((args) => ({
          template: 'change_cancelled',
          data: { ...greeting(args.context), reason: reasonOf(args) },
        })),
        notify('cancelled', (args) => `Change cancelled: ${reasonOf(args)}${undo ? `. ${undo(args)}` : ''}`),
      ],
    },
  } as const;
}

/**
 * What opening a change does: the change ticket is told what will happen, and staff are asked for the first vendor
 * step (`first`), or told the change waits on the customer.
 */
export function opened(first: (args: ChangeArgs) => string) {
  return [
    comment(({ context }) => ({
      template: 'change_received',
      data: {
        ...greeting(context),
        change: context.change,
        connectionTicketId: context.ticketId,
        cloud: context.connection.cloud,
        vendorPrincipals: vendorPrincipalsOf(context),
        ...(context.connection.connectionType === 'reverse' ? { connectionType: 'reverse' } : {}),
      },
    })),
    notify('action_required', first),
  ];
}

/** The vendor's principals in the connection's cloud (the customer allows them on its service for add_service). */
export const vendorPrincipalsOf = (context: ChangeContext): string[] =>
  principalsIn(context.vendor, context.connection.cloud);

/** Staff are asked for the next vendor step. */
export const askStaff = (what: (args: ChangeArgs) => string) => notify('action_required', what);

/** The change is done: the change ticket is told what the connection is now, and staff are told. */
export function doneEffects() {
  return [
    comment(({ context }) => ({
      template: 'change_done',
      data: {
        ...greeting(context),
        kind: context.change.kind,
        connectionTicketId: context.ticketId,
        cloud: context.connection.cloud,
        accounts: context.connection.accounts.map((a) => a.account),
        services: context.connection.services,
        reverseServices: context.connection.reverseServices.map((r) => r.service),
        ...(context.connection.connectionType === 'reverse' ? { connectionType: 'reverse' } : {}),
      },
    })),
    notify('change_done', ({ context }) => {
      const c = context.connection;
      const who = c.accounts.length
        ? `${c.accounts.map((a) => a.account).join(', ')} can connect`
        : 'no account can connect';
      return `Change done (${context.change.kind}): ${who}; we reach ${c.reverseServices.length} customer service(s)`;
    }),
  ];
}

/** The ports and ends of a connection test in a change's `direction`. */
function testSubject(context: ChangeContext, direction: Direction, side: Side) {
  const forward = direction === 'forward';
  return {
    cloud: context.connection.cloud,
    direction,
    side,
    ports: (forward ? context.connection.services : addedServicePorts(context)).map((s) => s.port),
    endpointId: forward ? context.endpointId : context.vendorEndpointId,
    host: forward ? context.endpointDns : context.vendorEndpointDns,
    customerService: forward ? undefined : changedService(context),
  };
}

/**
 * A failed connection test in a change: to the customer's troubleshooting state when the customer's side fails, else
 * the vendor's; the ticket and staff get the same checklist, as in the enablement.
 */
export function onChangeFailure(direction: Direction) {
  const handOver = (side: Side) => [
    comment((args) => ({
      template: 'troubleshooting_started',
      data: {
        ...greeting(args.context),
        direction,
        side,
        details: reasonOf(args),
        checklist: troubleshootingChecklist(testSubject(args.context, direction, side)),
      },
    })),
    notify(
      'verification_failed',
      (args) =>
        `The connection test failed: ${reasonOf(args)}. ${side === 'vendor' ? 'The failing piece is ours: check' : "The failing piece is the customer's: the change waits on them to check"}: ${troubleshootingChecklist(testSubject(args.context, direction, side)).join('; ')}`,
    ),
  ];
  return [
    { guard: 'failsOnCustomerSide' as const, target: 'customerTroubleshooting', actions: handOver('customer') },
    { target: 'troubleshooting', actions: handOver('vendor') },
  ];
}
