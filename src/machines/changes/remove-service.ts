/**
 * `remove_service`: the vendor deletes its endpoint to one of the customer's services; the connection stays, without
 * that service. State names are public (the change's `state` in the state view).
 */
import { changedService, changeSetup } from './setup';
import { cancellable, doneEffects, opened } from './shared';

export const removeServiceMachine = changeSetup.createMachine({
  id: 'remove_service',
  context: ({ input }) => ({ ...input }),
  initial: 'deletingVendorEndpoint',
  entry: opened(({ context }) => {
    const link = context.connection.reverseServices.find((r) => r.service === changedService(context));
    return `Delete our endpoint ${link?.endpointId ?? ''} to the customer's service ${changedService(context)}, then record vendor_endpoint.deleted`;
  }),
  states: {
    deletingVendorEndpoint: {
      description: "Vendor deletes its endpoint to the customer's service",
      tags: ['vendor'],
      on: {
        ...cancellable(),
        'vendor_endpoint.deleted': {
          guard: 'eventDataValid',
          target: 'done',
          actions: ['deleteVendorEndpoint', ...doneEffects()],
        },
      },
    },
    done: { description: 'The vendor no longer connects to the service', type: 'final' },
    cancelled: { description: 'The change was cancelled; the record shows the connection as it stands', type: 'final' },
  },
});
