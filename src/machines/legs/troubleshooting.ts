/**
 * Troubleshooting a failed connection test, shared by both legs. The vendor's document lists what to check (the
 * endpoint and endpoint service, the load balancer and its healthy targets, the service listening, the packets
 * arriving, the security groups); which side checks depends on whose piece fails. So each leg has two
 * troubleshooting states, one owned by each side (their tags decide `waitingOn` and the SLA pause), and a failure
 * report goes to the state of the side named in it, by default the side owning the service end: the vendor going
 * forward, the customer in reverse. In the customer's own troubleshooting state, a new failure without a side means
 * the customer could not resolve it and asks for help (the document: "update the Support ticket to request help").
 */
import type { Side } from '../../domain/events';
import { accepted, reverseServicesOf } from '../context';
import { type Direction, troubleshootingChecklist } from '../guidance';
import { type Args, comment, greeting, notify, reasonOf, reverseHost } from './shared';

/** The state each side troubleshoots a direction in (state names are public: `PrivateLinkState`). */
export const troubleshootingState = {
  forward: { vendor: 'troubleshooting', customer: 'customerTroubleshooting' },
  reverse: { vendor: 'troubleshootingReverse', customer: 'customerTroubleshootingReverse' },
} as const satisfies Record<Direction, Record<Side, string>>;

/** The checklist for `side` after a failed test in `direction`, as the request stands. */
export function checklistFor({ context }: Pick<Args, 'context'>, direction: Direction, side: Side): string[] {
  const intake = accepted(context);
  const forward = direction === 'forward';
  return troubleshootingChecklist({
    cloud: intake.cloud,
    direction,
    side,
    ports: (forward ? intake.services : reverseServicesOf(intake)).map((s) => s.port),
    endpointId: forward ? context.endpointId : context.vendorEndpointId,
    host: forward ? context.endpointDns : reverseHost(context),
    customerService: forward ? undefined : context.customerServiceName,
  });
}

/** Effects of handing a failed test to `side`: the customer's comment and the staff notification, same checklist. */
function handOver(direction: Direction, side: Side) {
  return [
    comment((args) => ({
      template: 'troubleshooting_started',
      data: {
        ...greeting(args.context),
        direction,
        side,
        details: reasonOf(args.event),
        checklist: checklistFor(args, direction, side),
      },
    })),
    notify('verification_failed', (args) => {
      const test = direction === 'forward' ? "The customer's connection test" : 'The reverse connection test';
      const who =
        side === 'vendor'
          ? 'The failing piece is ours: check'
          : "The failing piece is the customer's: the request waits on them to check";
      return `${test} failed: ${reasonOf(args.event)}. ${who}: ${checklistFor(args, direction, side).join('; ')}`;
    }),
  ];
}

/**
 * The transitions of a failure report in `direction`: to the customer's troubleshooting state when the customer's
 * side fails, else to the vendor's. `inCustomerState` applies the "asks for help" default.
 */
export function onFailure(direction: Direction, inCustomerState = false) {
  return [
    {
      guard: inCustomerState ? ('customerNamedAsFailingSide' as const) : ('failsOnCustomerSide' as const),
      target: troubleshootingState[direction].customer,
      actions: handOver(direction, 'customer'),
    },
    { target: troubleshootingState[direction].vendor, actions: handOver(direction, 'vendor') },
  ];
}
