/**
 * `add_service`: the reverse leg once more, to one more of the customer's endpoint services. The customer allows the
 * vendor's principal on the service, the vendor creates its endpoint, the customer accepts it and tests the
 * connection from the vendor's network (the product checks it too). A cancellation after the customer accepted leaves
 * the connection to the service in place, and the record says so. State names are public.
 */
import { addedServicePorts, type ChangeArgs, changedService, changeSetup, comment, greeting } from './setup';
import { askStaff, cancellable, doneEffects, onChangeFailure, opened, vendorPrincipalsOf } from './shared';

/** Staff are asked to create the vendor endpoint to the service. */
const askForVendorEndpoint = askStaff(
  ({ context }) =>
    `Create our endpoint to the customer's service ${changedService(context)}, then record vendor_endpoint.created`,
);

/** The product's own check of the new reverse connection (its result never moves the change). */
const checkConnection = {
  type: 'runConnectivityCheck',
  params: ({ context }: ChangeArgs) => ({
    direction: 'reverse' as const,
    target: context.vendorEndpointDns!,
    ports: addedServicePorts(context).map((s) => s.port),
  }),
} as const;

/** The comment asking the customer to test from the vendor's environment; `fixedBy` after troubleshooting. */
const verifyReverse = (fixedBy?: 'vendor' | 'customer') =>
  comment(({ context }) => {
    const common = {
      ...greeting(context),
      services: addedServicePorts(context),
      host: context.vendorEndpointDns!,
      environment: context.environment,
      ...(context.vendor.vendor.cli ? { cli: context.vendor.vendor.cli } : {}),
    };
    return fixedBy
      ? { template: 'verify_again', data: { ...common, direction: 'reverse', fixedBy } }
      : { template: 'verify_reverse_connection', data: common };
  });

/** What a cancellation after the customer accepted leaves: the connection to the service, which the record shows. */
const keptService = ({ context }: Pick<ChangeArgs, 'context'>) =>
  `Our endpoint ${context.vendorEndpointId} to ${changedService(context)} stays connected (the customer accepted it), as the record shows; open a remove_service change to take it down`;

const deleteEndpointToo = ({ context }: Pick<ChangeArgs, 'context'>) =>
  `Delete our endpoint ${context.vendorEndpointId} to ${changedService(context)}`;

export const addServiceMachine = changeSetup.createMachine({
  id: 'add_service',
  context: ({ input }) => ({ ...input }),
  initial: 'awaitingPrincipalGrant',
  entry: opened(
    ({ context }) =>
      `The customer asks us to connect to their service ${changedService(context)}; the change waits on them to allow our principal on it (record principal.granted)`,
  ),
  states: {
    awaitingPrincipalGrant: {
      description: "Customer allows the vendor principal on the customer's endpoint service",
      tags: ['customer'],
      on: {
        ...cancellable(),
        'principal.granted': {
          guard: 'eventDataValid',
          target: 'creatingVendorEndpoint',
          actions: askForVendorEndpoint,
        },
      },
    },
    creatingVendorEndpoint: {
      description: "Vendor creates its endpoint to the customer's service",
      tags: ['vendor'],
      on: {
        ...cancellable(),
        'vendor_endpoint.created': {
          guard: 'eventDataValid',
          target: 'awaitingReverseApproval',
          actions: [
            'recordVendorEndpoint',
            comment(({ context }) => ({
              template: 'approve_reverse_connection',
              data: {
                ...greeting(context),
                cloud: context.connection.cloud,
                services: addedServicePorts(context),
                customerServiceName: changedService(context),
                vendorEndpointId: context.vendorEndpointId!,
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
              cloud: context.connection.cloud,
              customerServiceName: changedService(context),
              reason: 'reason' in event ? event.reason : '',
              vendorPrincipals: vendorPrincipalsOf(context),
            },
          })),
        },
      },
    },
    awaitingReverseApproval: {
      description: "Customer accepts the vendor endpoint's connection request",
      tags: ['customer'],
      on: {
        ...cancellable(deleteEndpointToo),
        'reverse_connection.approved': {
          target: 'verifyingReverseConnection',
          actions: ['addReverseService', verifyReverse(), checkConnection],
        },
        'reverse_connection.rejected': {
          target: 'creatingVendorEndpoint',
          actions: [
            comment(({ context, event }) => ({
              template: 'reverse_connection_rejected',
              data: {
                ...greeting(context),
                vendorEndpointId: context.vendorEndpointId!,
                reason: 'reason' in event ? event.reason : '',
              },
            })),
            askStaff(
              ({ event }) =>
                `Customer rejected our endpoint: ${'reason' in event ? event.reason : ''}. Create a new one, then record vendor_endpoint.created`,
            ),
          ],
        },
      },
    },
    verifyingReverseConnection: {
      description: "Customer tests the connection from the vendor's network",
      tags: ['customer'],
      on: {
        ...cancellable(keptService),
        'reverse_connection.verified': { target: 'done', actions: doneEffects() },
        'reverse_connection.failed': onChangeFailure('reverse'),
      },
    },
    troubleshooting: {
      description: 'Vendor fixes its side of the new reverse connection',
      tags: ['vendor'],
      on: {
        ...cancellable(keptService),
        'troubleshooting.resolved': {
          target: 'verifyingReverseConnection',
          actions: [verifyReverse('vendor'), checkConnection],
        },
        'reverse_connection.failed': onChangeFailure('reverse'),
      },
    },
    customerTroubleshooting: {
      description: "Customer checks its service's side of the new reverse connection",
      tags: ['customer'],
      on: {
        ...cancellable(keptService),
        'troubleshooting.resolved': {
          target: 'verifyingReverseConnection',
          actions: [verifyReverse('customer'), checkConnection],
        },
        'reverse_connection.verified': { target: 'done', actions: doneEffects() },
        'reverse_connection.failed': onChangeFailure('reverse'),
      },
    },
    done: { description: "The vendor connects to the customer's service", type: 'final' },
    cancelled: { description: 'The change was cancelled; the record shows the connection as it stands', type: 'final' },
  },
});
