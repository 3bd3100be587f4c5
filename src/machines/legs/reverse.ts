/**
 * The reverse leg, bidirectional only: the vendor's VPC connects to the customer's endpoint service. State names are
 * public: they are the `PrivateLinkState` search attribute.
 */
import { accepted, vendorPrincipals } from '../context';
import { and } from 'xstate';
import { enablementSetup } from '../setup';
import { enabledEffects } from './end';
import { afterAcceptance, type Args, comment, greeting, notify, reasonOf, reverseHost } from './shared';

const { createStateConfig } = enablementSetup;

/** The transition into the reverse leg, or past its first step when the ticket already granted access. */
export const intoReverseLeg = [
  {
    guard: 'principalAccessDeclaredAtIntake',
    target: 'creatingVendorEndpoint',
    actions: [
      'recordCustomerServiceName',
      notify(
        'action_required',
        ({ context }) =>
          `Forward connection verified. Create the vendor endpoint to ${accepted(context).customerEndpointService}, then record vendor_endpoint.created`,
      ),
    ],
  },
  {
    target: 'awaitingPrincipalGrant',
    actions: comment(({ context }) => ({
      template: 'principal_access_request',
      data: {
        ...greeting(context),
        cloud: accepted(context).cloud,
        vendorPrincipals: vendorPrincipals(context),
        customerEndpointService: accepted(context).customerEndpointService,
      },
    })),
  },
] as const;

/**
 * The product's own check of the reverse connection, from the vendor's network to the vendor endpoint's DNS name on
 * each port. Its result never moves the request (the customer's test does); a failure is reported to staff.
 */
const checkReverseConnection = {
  type: 'runConnectivityCheck',
  params: ({ context }: Args) => ({
    direction: 'reverse' as const,
    target: reverseHost(context),
    ports: accepted(context).services.map((s) => s.port),
  }),
} as const;

/**
 * Reverse leg (bidirectional only): the customer grants the vendor principal access, the vendor creates its endpoint,
 * the customer approves its connection request and verifies it, with the same troubleshooting loop.
 */
export const reverseLeg = {
  awaitingPrincipalGrant: createStateConfig({
    description: "Customer allows the vendor principal on the customer's endpoint service",
    tags: ['customer'],
    on: {
      ...afterAcceptance,
      'principal.granted': {
        guard: and(['customerServiceNameKnown', 'eventDataValid']),
        target: 'creatingVendorEndpoint',
        actions: [
          'recordCustomerServiceName',
          notify(
            'action_required',
            ({ context }) =>
              `Create the vendor endpoint to ${context.customerServiceName}, then record vendor_endpoint.created`,
          ),
        ],
      },
    },
  }),
  creatingVendorEndpoint: createStateConfig({
    description: "Vendor creates its endpoint to the customer's service",
    tags: ['vendor'],
    on: {
      ...afterAcceptance,
      'vendor_endpoint.created': {
        guard: 'eventDataValid',
        target: 'awaitingReverseApproval',
        actions: [
          'recordVendorEndpoint',
          comment(({ context }) => ({
            template: 'approve_reverse_connection',
            data: {
              ...greeting(context),
              services: accepted(context).services,
              customerServiceName: context.customerServiceName ?? '',
              vendorEndpointId: context.vendorEndpointId ?? '',
            },
          })),
        ],
      },
      'vendor_endpoint.failed': {
        target: 'awaitingPrincipalGrant',
        actions: comment(({ context, event }) => ({
          template: 'vendor_endpoint_failed',
          data: {
            ...greeting(context),
            cloud: accepted(context).cloud,
            customerServiceName: context.customerServiceName ?? '',
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
        actions: [
          comment(({ context }) => ({
            template: 'verify_reverse_connection',
            data: { ...greeting(context), services: accepted(context).services, host: reverseHost(context) },
          })),
          checkReverseConnection,
        ],
      },
      'reverse_connection.rejected': {
        target: 'creatingVendorEndpoint',
        actions: [
          comment(({ context, event }) => ({
            template: 'reverse_connection_rejected',
            data: { ...greeting(context), vendorEndpointId: context.vendorEndpointId ?? '', reason: reasonOf(event) },
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
      'reverse_connection.verified': { target: 'enabled', actions: enabledEffects() },
      'reverse_connection.failed': {
        target: 'troubleshootingReverse',
        actions: [
          comment(({ context, event }) => ({
            template: 'troubleshooting_started',
            data: { ...greeting(context), direction: 'reverse', details: reasonOf(event) },
          })),
          notify('verification_failed', ({ event }) => `Reverse connection test failed: ${reasonOf(event)}`),
        ],
      },
    },
  }),
  troubleshootingReverse: createStateConfig({
    description: 'Vendor fixes the reverse connection',
    tags: ['vendor'],
    on: {
      ...afterAcceptance,
      'troubleshooting.resolved': {
        target: 'verifyingReverseConnection',
        actions: [
          comment(({ context }) => ({
            template: 'verify_again',
            data: {
              ...greeting(context),
              services: accepted(context).services,
              direction: 'reverse',
              host: reverseHost(context),
            },
          })),
          checkReverseConnection,
        ],
      },
    },
  }),
};
