/**
 * The reverse leg, bidirectional only: the vendor's VPC connects to the customer's endpoint service (on Azure, to each
 * target service the ticket lists, one after another). State names are public: they are the `PrivateLinkState`
 * search attribute.
 */
import { and } from 'xstate';
import type { Side } from '../../domain/events';
import {
  accepted,
  type EnablementContext,
  nextReverseTarget,
  reverseServicesOf,
  reverseTargets,
  vendorPrincipals,
  zonesOf,
} from '../context';
import { enablementSetup } from '../setup';
import { enabledEffects } from './end';
import { afterAcceptance, type Args, comment, greeting, notify, reasonOf, reverseHost } from './shared';
import { onFailure } from './troubleshooting';

const { createStateConfig } = enablementSetup;

/** The ports of the customer's service the vendor connects to. */
const reversePorts = (context: EnablementContext) => reverseServicesOf(accepted(context));

/** The transition into the reverse leg, or past its first step when the ticket already granted access. */
export const intoReverseLeg = [
  {
    guard: 'principalAccessDeclaredAtIntake',
    target: 'creatingVendorEndpoint',
    actions: ['recordCustomerServiceName', askForVendorEndpoint('Forward connection verified. ')],
  },
  {
    target: 'awaitingPrincipalGrant',
    actions: comment(({ context }) => ({
      template: 'principal_access_request',
      data: {
        ...greeting(context),
        cloud: accepted(context).cloud,
        vendorPrincipals: vendorPrincipals(context),
        customerEndpointServices: reverseTargets(accepted(context)),
      },
    })),
  },
] as const;

/** Staff are asked to create the vendor endpoint to the service in hand; `lead` says what came before. */
export function askForVendorEndpoint(lead: string) {
  return notify(
    'action_required',
    ({ context }) =>
      `${lead}Create the vendor endpoint to ${context.customerServiceName}${targetCount(context)}${inZone(context)}, then record vendor_endpoint.created`,
  );
}

/** Alibaba Cloud: " in zone eu-central-1a (a vSwitch in that zone)", where the customer's load balancer is. */
const inZone = (context: EnablementContext) => {
  const zones = zonesOf(accepted(context));
  return zones.length ? ` in zone ${zones.join(' or ')} (a vSwitch in that zone)` : '';
};

/** " (1 of 3)" when the customer listed several target services, else nothing. */
const targetCount = (context: EnablementContext) => {
  const of = reverseTargets(accepted(context)).length;
  return of > 1 ? ` (${(context.reverseConnections?.length ?? 0) + 1} of ${of})` : '';
};

/**
 * The product's own check of the reverse connection, from the vendor's network to the vendor endpoint's DNS name on
 * each port of the customer's service. Its result never moves the request (the customer's test does); a failure is
 * reported to staff.
 */
const checkReverseConnection = {
  type: 'runConnectivityCheck',
  params: ({ context }: Args) => ({
    direction: 'reverse' as const,
    target: reverseHost(context),
    ports: reversePorts(context).map((s) => s.port),
  }),
} as const;

/**
 * The comment asking the customer to test from the vendor's environment; `fixedBy` when after troubleshooting,
 * `autoAccepted` when the customer's service took the vendor's endpoint by itself.
 */
const reverseTest = (fixedBy?: Side, autoAccepted = false) =>
  comment(({ context }) => {
    const intake = accepted(context);
    const common = {
      ...greeting(context),
      services: reversePorts(context),
      host: reverseHost(context),
      environment: intake.environment,
      ...(context.vendor.vendor.cli ? { cli: context.vendor.vendor.cli } : {}),
    };
    return fixedBy
      ? { template: 'verify_again', data: { ...common, direction: 'reverse', fixedBy } }
      : {
          template: 'verify_reverse_connection',
          data: autoAccepted
            ? {
                ...common,
                autoAccepted: { vendorEndpointId: context.vendorEndpointId!, service: context.customerServiceName! },
              }
            : common,
        };
  });

/** A verified reverse connection: on to the next target service (Azure), or enabled. */
const reverseVerified = [
  {
    guard: 'moreReverseTargets',
    target: 'creatingVendorEndpoint',
    actions: [
      comment(({ context }) => {
        const next = nextReverseTarget(context)!;
        return {
          template: 'next_reverse_target',
          data: {
            ...greeting(context),
            connected: context.customerServiceName!,
            next: next.service,
            position: next.position,
            of: next.of,
          },
        };
      }),
      'recordReverseConnection',
      askForVendorEndpoint('Reverse connection verified; next target service. '),
    ],
  },
  { target: 'enabled', actions: ['recordReverseConnection', ...enabledEffects()] },
] as const;

/**
 * Reverse leg (bidirectional only): the customer grants the vendor principal access, the vendor creates its endpoint,
 * the customer approves its connection request and verifies it, with the same troubleshooting loops as forward; on
 * Azure, again for each further target service.
 */
export const reverseLeg = {
  awaitingPrincipalGrant: createStateConfig({
    description: "Customer allows the vendor principal on the customer's endpoint service",
    tags: ['customer'],
    on: {
      ...afterAcceptance,
      'principal.granted': {
        guard: 'eventDataValid',
        target: 'creatingVendorEndpoint',
        actions: ['recordCustomerServiceName', askForVendorEndpoint('')],
      },
    },
  }),
  creatingVendorEndpoint: createStateConfig({
    description: "Vendor creates its endpoint to the customer's service",
    tags: ['vendor'],
    on: {
      ...afterAcceptance,
      'vendor_endpoint.created': [
        {
          // Alibaba Cloud: the customer's endpoint service accepts connections by itself: straight to the test.
          guard: and(['eventDataValid', 'customerServiceAutoAccepts']),
          target: 'verifyingReverseConnection',
          actions: ['recordVendorEndpoint', reverseTest(undefined, true), checkReverseConnection],
        },
        {
          guard: 'eventDataValid',
          target: 'awaitingReverseApproval',
          actions: [
            'recordVendorEndpoint',
            comment(({ context }) => ({
              template: 'approve_reverse_connection',
              data: {
                ...greeting(context),
                cloud: accepted(context).cloud,
                services: reversePorts(context),
                customerServiceName: context.customerServiceName!,
                vendorEndpointId: context.vendorEndpointId!,
              },
            })),
          ],
        },
      ],
      'vendor_endpoint.failed': {
        target: 'awaitingPrincipalGrant',
        actions: comment(({ context, event }) => ({
          template: 'vendor_endpoint_failed',
          data: {
            ...greeting(context),
            cloud: accepted(context).cloud,
            customerServiceName: context.customerServiceName!,
            reason: reasonOf(event),
            vendorPrincipals: vendorPrincipals(context),
          },
        })),
      },
    },
  }),
  awaitingReverseApproval: createStateConfig({
    description: "Customer accepts the vendor endpoint's connection request",
    tags: ['customer'],
    on: {
      ...afterAcceptance,
      'reverse_connection.approved': {
        target: 'verifyingReverseConnection',
        actions: [reverseTest(), checkReverseConnection],
      },
      'reverse_connection.rejected': {
        target: 'creatingVendorEndpoint',
        actions: [
          comment(({ context, event }) => ({
            template: 'reverse_connection_rejected',
            data: { ...greeting(context), vendorEndpointId: context.vendorEndpointId!, reason: reasonOf(event) },
          })),
          notify(
            'action_required',
            ({ event }) => `Customer rejected the vendor endpoint: ${reasonOf(event)}. Create a new one`,
          ),
        ],
      },
    },
  }),
  verifyingReverseConnection: createStateConfig({
    description: "Customer tests the connection from the vendor's network",
    tags: ['customer'],
    on: {
      ...afterAcceptance,
      'reverse_connection.verified': reverseVerified,
      'reverse_connection.failed': onFailure('reverse'),
    },
  }),
  troubleshootingReverse: createStateConfig({
    description: 'Vendor fixes its side of the reverse connection (its endpoint, security group)',
    tags: ['vendor'],
    on: {
      ...afterAcceptance,
      'troubleshooting.resolved': {
        target: 'verifyingReverseConnection',
        actions: [reverseTest('vendor'), checkReverseConnection],
      },
      'reverse_connection.failed': onFailure('reverse'),
    },
  }),
  customerTroubleshootingReverse: createStateConfig({
    description: "Customer checks its service's side of the reverse connection (load balancer, targets, listening)",
    tags: ['customer'],
    on: {
      ...afterAcceptance,
      'troubleshooting.resolved': {
        target: 'verifyingReverseConnection',
        actions: [reverseTest('customer'), checkReverseConnection],
      },
      'reverse_connection.verified': reverseVerified,
      'reverse_connection.failed': onFailure('reverse', true),
    },
  }),
};
