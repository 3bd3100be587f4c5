/**
 * The legs of the process as state configurations. Both machines share the intake leg, the forward leg
 * (customer VPC -> vendor endpoint service) and the end states; the bidirectional machine adds the reverse leg
 * (vendor VPC -> customer endpoint service). State names are public: they are the `PrivateLinkState` search attribute.
 */
import type { EnablementEvent } from '../domain/events';
import { accepted, companyOf, type EnablementContext, vendorPrincipals } from './context';
import type { Notification } from './setup';
import { enablementSetup } from './setup';
import type { TicketComment } from './templates';

const { createStateConfig } = enablementSetup;
type Args = { context: EnablementContext; event: EnablementEvent };

/** A `postTicketComment` effect whose comment is built from the context and event. */
const comment = (build: (args: Args) => TicketComment) => ({ type: 'postTicketComment' as const, params: build });
/** A `notify` effect. */
const notify = (kind: Notification['kind'], message: (args: Args) => string) => ({
  type: 'notify' as const,
  params: (args: Args): Notification => ({ kind, message: `[${args.context.ticketId}] ${message(args)}` }),
});

const greeting = (context: EnablementContext) => ({
  ticketId: context.ticketId,
  company: companyOf(context) ?? '',
});
const problemLines = (context: EnablementContext) =>
  (context.validation?.problems ?? []).map((p) => `${p.field}: ${p.message}`);
const reasonOf = (event: EnablementEvent) =>
  'reason' in event ? event.reason : 'details' in event ? event.details : '(no reason given)';
const reverseHost = (context: EnablementContext) =>
  context.vendorEndpointDns ?? context.vendorEndpointId ?? '<vendor-endpoint-dns-name>';

/**
 * What every open state accepts besides its own steps: cancellation, and notes (no transition; the host records the
 * text in the audit trail). Listed in each state rather than on the root so ended requests refuse them too.
 */
const open = {
  'request.cancelled': {
    target: 'cancelled',
    actions: [
      comment(({ context, event }) => ({
        template: 'cancelled',
        data: { ...greeting(context), reason: reasonOf(event) },
      })),
      notify('cancelled', ({ event }) => `Request cancelled: ${reasonOf(event)}`),
    ],
  },
  'note.added': { actions: 'countNote' },
} as const;

/** Intake: waiting for the ticket, the "awaiting information" loop, and the verdict on each version of it. */
export const intakeLeg = {
  validatingIntake: createStateConfig({
    description: 'Checks the latest intake; no one waits here',
    tags: ['vendor', 'intake'],
    always: [
      { guard: 'noIntakeYet', target: 'awaitingSubmission' },
      {
        guard: 'intakeIneligible',
        target: 'rejected',
        actions: [
          comment(({ context }) => ({
            template: 'request_rejected',
            data: {
              ...greeting(context),
              reasons: (context.validation?.problems ?? [])
                .filter((p) => p.kind === 'ineligible')
                .map((p) => `${p.field}: ${p.message}`),
            },
          })),
          notify('rejected', ({ context }) => `Request rejected as ineligible: ${problemLines(context).join('; ')}`),
        ],
      },
      {
        guard: 'intakeValid',
        target: 'allowlisting',
        actions: [
          'acceptIntake',
          comment(({ context }) => {
            const intake = accepted(context);
            return {
              template: 'intake_accepted',
              data: {
                ...greeting(context),
                cloud: intake.cloud,
                region: intake.region,
                customerAccount: intake.customerAccount,
                connectionType: intake.connectionType,
              },
            };
          }),
          notify('action_required', ({ context }) => {
            const intake = accepted(context);
            return `Allowlist ${intake.cloud} account ${intake.customerAccount} on the endpoint service in ${intake.region}, then record customer_access.granted`;
          }),
        ],
      },
      {
        target: 'awaitingInformation',
        actions: comment(({ context }) => ({
          template: 'intake_incomplete',
          data: { ...greeting(context), problems: problemLines(context) },
        })),
      },
    ],
  }),
  awaitingSubmission: createStateConfig({
    description: 'Started without intake: waits for the ticket',
    tags: ['customer', 'intake'],
    on: { ...open, 'ticket.submitted': { target: 'validatingIntake', actions: 'recordSubmission' } },
  }),
  awaitingInformation: createStateConfig({
    description: 'The ticket lacks or has wrong data; the customer was told what',
    tags: ['customer', 'intake'],
    on: {
      ...open,
      'ticket.updated': { target: 'validatingIntake', actions: 'recordUpdate' },
      'ticket.submitted': { target: 'validatingIntake', actions: 'recordSubmission' },
    },
  }),
};

/**
 * Forward leg: allowlist the customer account and post the service name, the customer's endpoint connection request,
 * approval (or rejection and retry), and verification with its troubleshooting loop.
 */
export function forwardLeg(then: 'enabled' | 'reverseLeg') {
  const afterVerified = then === 'enabled' ? { target: 'enabled' as const, actions: enabledEffects() } : intoReverseLeg;
  return {
    allowlisting: createStateConfig({
      description: 'Vendor allowlists the customer account on its endpoint service',
      tags: ['vendor'],
      on: {
        ...open,
        'customer_access.granted': {
          guard: 'vendorServiceNameKnown',
          target: 'awaitingEndpoint',
          actions: [
            'recordVendorServiceName',
            comment(({ context }) => {
              const intake = accepted(context);
              return {
                template: 'create_endpoint',
                data: {
                  ...greeting(context),
                  cloud: intake.cloud,
                  region: intake.region,
                  services: intake.services,
                  vendorServiceName: context.vendorServiceName ?? '',
                },
              };
            }),
          ],
        },
      },
    }),
    awaitingEndpoint: createStateConfig({
      description: "Customer creates an endpoint to the vendor's service",
      tags: ['customer'],
      on: {
        ...open,
        'endpoint.requested': {
          target: 'reviewingConnection',
          actions: [
            'recordEndpoint',
            notify(
              'action_required',
              ({ context }) => `Approve the connection request from endpoint ${context.endpointId}`,
            ),
          ],
        },
      },
    }),
    reviewingConnection: createStateConfig({
      description: "Vendor approves or rejects the endpoint's connection request",
      tags: ['vendor'],
      on: {
        ...open,
        'connection.approved': {
          target: 'verifyingConnection',
          actions: comment(({ context }) => ({
            template: 'verify_connection',
            data: { ...greeting(context), services: accepted(context).services, endpointId: context.endpointId ?? '' },
          })),
        },
        'connection.rejected': {
          target: 'awaitingEndpoint',
          actions: comment(({ context, event }) => ({
            template: 'connection_rejected',
            data: {
              ...greeting(context),
              cloud: accepted(context).cloud,
              endpointId: context.endpointId ?? '',
              reason: reasonOf(event),
              vendorServiceName: context.vendorServiceName ?? '',
            },
          })),
        },
      },
    }),
    verifyingConnection: createStateConfig({
      description: "Customer tests the connection to the vendor's services",
      tags: ['customer'],
      on: {
        ...open,
        'connection.verified': afterVerified,
        'connection.failed': {
          target: 'troubleshooting',
          actions: [
            comment(({ context, event }) => ({
              template: 'troubleshooting_started',
              data: { ...greeting(context), direction: 'forward', details: reasonOf(event) },
            })),
            notify('verification_failed', ({ event }) => `Customer's connection test failed: ${reasonOf(event)}`),
          ],
        },
      },
    }),
    troubleshooting: createStateConfig({
      description: 'Vendor fixes the forward connection',
      tags: ['vendor'],
      on: {
        ...open,
        'troubleshooting.resolved': {
          target: 'verifyingConnection',
          actions: comment(({ context }) => ({
            template: 'verify_again',
            data: {
              ...greeting(context),
              services: accepted(context).services,
              direction: 'forward',
              host: '<endpoint-dns-name>',
            },
          })),
        },
      },
    }),
  };
}

/** The transition into the reverse leg, or past its first step when the ticket already granted access. */
const intoReverseLeg = [
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
 * Reverse leg (bidirectional only): the customer grants the vendor principal access, the vendor creates its endpoint,
 * the customer approves its connection request and verifies it, with the same troubleshooting loop.
 */
export const reverseLeg = {
  awaitingPrincipalGrant: createStateConfig({
    description: "Customer allows the vendor principal on the customer's endpoint service",
    tags: ['customer'],
    on: {
      ...open,
      'principal.granted': {
        guard: 'customerServiceNameKnown',
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
      ...open,
      'vendor_endpoint.created': {
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
      ...open,
      'reverse_connection.approved': {
        target: 'verifyingReverseConnection',
        actions: [
          comment(({ context }) => ({
            template: 'verify_reverse_connection',
            data: { ...greeting(context), services: accepted(context).services, host: reverseHost(context) },
          })),
          {
            type: 'runConnectivityCheck',
            params: ({ context }: Args) => ({
              direction: 'reverse' as const,
              target: reverseHost(context),
              ports: accepted(context).services.map((s) => s.port),
            }),
          },
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
      ...open,
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
      ...open,
      'troubleshooting.resolved': {
        target: 'verifyingReverseConnection',
        actions: comment(({ context }) => ({
          template: 'verify_again',
          data: {
            ...greeting(context),
            services: accepted(context).services,
            direction: 'reverse',
            host: reverseHost(context),
          },
        })),
      },
    },
  }),
};

/** Effects of reaching `enabled`. */
export function enabledEffects() {
  return [
    comment(({ context }) => ({
      template: 'enabled',
      data: {
        ...greeting(context),
        services: accepted(context).services,
        connectionType: accepted(context).connectionType,
      },
    })),
    notify('enabled', ({ context }) => `PrivateLink enabled (${accepted(context).connectionType})`),
  ];
}

/** End states, and the two events every open state accepts: cancellation and notes. */
export const endStates = {
  enabled: createStateConfig({ description: 'PrivateLink works', type: 'final' }),
  rejected: createStateConfig({ description: 'The request is ineligible', type: 'final' }),
  cancelled: createStateConfig({ description: 'The request was cancelled', type: 'final' }),
};
