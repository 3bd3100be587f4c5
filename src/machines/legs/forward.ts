/**
 * The forward leg, shared by both machines: the customer's VPC connects to the vendor's endpoint service. State names
 * are public: they are the `PrivateLinkState` search attribute.
 */
import { accepted } from '../context';
import { and } from 'xstate';
import { enablementSetup } from '../setup';
import { enabledEffects } from './end';
import { intoReverseLeg } from './reverse';
import { afterAcceptance, comment, greeting, notify, reasonOf } from './shared';

const { createStateConfig } = enablementSetup;

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
        ...afterAcceptance,
        'customer_access.granted': {
          guard: and(['vendorServiceNameKnown', 'eventDataValid']),
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
        ...afterAcceptance,
        'endpoint.requested': {
          guard: 'eventDataValid',
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
        ...afterAcceptance,
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
        ...afterAcceptance,
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
        ...afterAcceptance,
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
