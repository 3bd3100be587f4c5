/**
 * `remove`: the connection is taken down in the order that keeps access safe: the customer's accounts lose access to
 * the vendor's endpoint service first, then the endpoint connections are removed, then (bidirectional) the vendor's
 * endpoints to the customer's services are deleted; only then does the record say `removed`. State names are public
 * (the change's `state` in the state view).
 */
import { type ChangeContext, changeSetup } from './setup';
import { askStaff, cancellable, doneEffects, opened } from './shared';

const { createMachine } = changeSetup;

/** Our endpoints to the customer's services, as staff read them. */
const vendorEndpointList = (context: ChangeContext) =>
  context.connection.reverseServices.map((r) => `${r.endpointId} to ${r.service}`).join('; ');

export const removeMachine = createMachine({
  id: 'remove',
  context: ({ input }) => ({ ...input }),
  initial: 'revokingAccess',
  entry: opened(({ context }) =>
    context.connection.accounts.length
      ? `Remove the PrivateLink connection of ${context.connection.company}: first remove ${context.connection.accounts.map((a) => a.account).join(', ')} from the allowed principals of our endpoint service, then record customer_access.revoked`
      : `Remove the PrivateLink connection of ${context.connection.company} (reverse: no account of theirs reaches us): delete our endpoints to the customer's services (${vendorEndpointList(context)}), recording vendor_endpoint.deleted for each`,
  ),
  states: {
    revokingAccess: {
      description: "Vendor removes the customer's accounts from its endpoint service",
      tags: ['vendor'],
      // A reverse connection gave no account of the customer's access: there is nothing to revoke or reject.
      always: { guard: 'noAccountsToRevoke', target: 'deletingVendorEndpoints' },
      on: {
        ...cancellable(),
        'customer_access.revoked': {
          target: 'removingConnection',
          actions: [
            'revokeAllAccess',
            askStaff(
              () =>
                "Access revoked. Now reject or delete the customer's endpoint connections to our endpoint service, then record connection.removed",
            ),
          ],
        },
      },
    },
    removingConnection: {
      description: "Vendor rejects or deletes the customer's endpoint connections",
      tags: ['vendor'],
      on: {
        ...cancellable(
          () =>
            "The customer's accounts no longer have access, but their endpoint connections remain until rejected; the record keeps the connection",
        ),
        'connection.removed': [
          {
            guard: 'hasVendorEndpoints',
            target: 'deletingVendorEndpoints',
            actions: [
              'removeForwardConnection',
              askStaff(
                ({ context }) =>
                  `Connection removed. Now delete our endpoints to the customer's services (${vendorEndpointList(context)}), recording vendor_endpoint.deleted for each`,
              ),
            ],
          },
          { target: 'removed', actions: ['removeForwardConnection', ...doneEffects()] },
        ],
      },
    },
    deletingVendorEndpoints: {
      description: "Vendor deletes its endpoints to the customer's services",
      tags: ['vendor'],
      on: {
        ...cancellable(
          ({ context }) =>
            `Our endpoints ${context.connection.reverseServices.map((r) => r.endpointId).join(', ')} remain, as the record shows`,
        ),
        'vendor_endpoint.deleted': [
          { guard: 'moreVendorEndpointsAfterThis', actions: 'deleteVendorEndpoint' },
          { guard: 'eventDataValid', target: 'removed', actions: ['deleteVendorEndpoint', ...doneEffects()] },
        ],
      },
    },
    removed: { description: 'The connection is removed', type: 'final' },
    cancelled: { description: 'The change was cancelled; the record shows the connection as it stands', type: 'final' },
  },
});
