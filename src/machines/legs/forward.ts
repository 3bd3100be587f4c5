/**
 * The forward leg, shared by both machines: the customer's VPC connects to the vendor's endpoint service. State names
 * are public: they are the `PrivateLinkState` search attribute.
 */
import type { Side } from '../../domain/events';
import { accepted, type EnablementContext, zonesOf } from '../context';
import { and } from 'xstate';
import { enablementSetup } from '../setup';
import { enabledEffects } from './end';
import { intoReverseLeg } from './reverse';
import { afterAcceptance, comment, greeting, notify, reasonOf } from './shared';
import { onFailure } from './troubleshooting';

const { createStateConfig } = enablementSetup;

/**
 * Forward leg: allowlist the customer account and post the service name, the customer's endpoint connection request,
 * approval (or rejection and retry), the vendor opening the ports, and verification with its troubleshooting loops
 * (one per side, see troubleshooting.ts).
 */
export function forwardLeg(then: 'enabled' | 'reverseLeg') {
  const afterVerified = then === 'enabled' ? { target: 'enabled' as const, actions: enabledEffects() } : intoReverseLeg;
  return {
    allowlisting: createStateConfig({
      description: 'Vendor allowlists the customer account (on Azure, each subscription) on its endpoint service',
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
                  vendorServiceName: context.vendorServiceName!,
                  ...(zonesOf(intake).length ? { zones: zonesOf(intake) } : {}),
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
          target: 'openingPorts',
          actions: [
            comment(({ context }) => ({
              template: 'connection_approved',
              data: {
                ...greeting(context),
                services: accepted(context).services,
                endpointId: context.endpointId!,
              },
            })),
            notify('action_required', ({ context }) => {
              const intake = accepted(context);
              return `Open ${intake.services.map((s) => `${s.name} ${s.port}`).join(', ')} in project ${intake.projectId} (${intake.environment}) for endpoint ${context.endpointId}, then record ports.opened`;
            }),
          ],
        },
        'connection.rejected': {
          target: 'awaitingEndpoint',
          actions: comment(({ context, event }) => ({
            template: 'connection_rejected',
            data: {
              ...greeting(context),
              cloud: accepted(context).cloud,
              endpointId: context.endpointId!,
              reason: reasonOf(event),
              vendorServiceName: context.vendorServiceName!,
            },
          })),
        },
      },
    }),
    openingPorts: createStateConfig({
      description: "Vendor opens the services' ports in the project's environment",
      tags: ['vendor'],
      on: {
        ...afterAcceptance,
        'ports.opened': {
          target: 'verifyingConnection',
          actions: comment(({ context }) => ({
            template: 'ports_opened',
            data: { ...greeting(context), ...forwardEndpoint(context), services: accepted(context).services },
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
        'connection.failed': onFailure('forward'),
      },
    }),
    troubleshooting: createStateConfig({
      description: 'Vendor fixes its side of the forward connection (its service, load balancer, ports)',
      tags: ['vendor'],
      on: {
        ...afterAcceptance,
        'troubleshooting.resolved': { target: 'verifyingConnection', actions: testAgain('vendor') },
        'connection.failed': onFailure('forward'),
      },
    }),
    customerTroubleshooting: createStateConfig({
      description: 'Customer checks its side of the forward connection (its endpoint, security groups, test host)',
      tags: ['customer'],
      on: {
        ...afterAcceptance,
        'troubleshooting.resolved': { target: 'verifyingConnection', actions: testAgain('customer') },
        'connection.verified': afterVerified,
        'connection.failed': onFailure('forward', true),
      },
    }),
  };
}

/** The customer's endpoint and the host to test it with, for the comments that say how to test. */
const forwardEndpoint = (context: EnablementContext) => ({
  cloud: accepted(context).cloud,
  region: accepted(context).region,
  endpointId: context.endpointId!,
  ...(context.endpointDns ? { endpointDns: context.endpointDns } : {}),
});

/** The comment asking the customer to test again once `fixedBy` fixed its side. */
const testAgain = (fixedBy: Side) =>
  comment(({ context }) => ({
    template: 'verify_again',
    data: {
      ...greeting(context),
      ...forwardEndpoint(context),
      services: accepted(context).services,
      direction: 'forward',
      fixedBy,
    },
  }));
