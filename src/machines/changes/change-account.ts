/**
 * `change_account`: the connection moves to another customer account in the order that keeps access safe. The new
 * account is allowlisted, creates its endpoint, is approved and verified while the old account still connects; only
 * then is the old account's access revoked, as a recorded step. Until the new connection is approved the change can
 * be cancelled with nothing left behind; a later cancellation leaves the new account's access in place, and the record
 * says so. State names are public.
 */
import { type ChangeArgs, changeSetup, comment, greeting } from './setup';
import { askStaff, cancellable, doneEffects, onChangeFailure, opened } from './shared';

/** The account the connection moves to. */
const newAccount = ({ context }: Pick<ChangeArgs, 'context'>) =>
  context.change.kind === 'change_account' ? context.change.customerAccount : '';
/** The accounts that lose access at the end. */
const oldAccounts = (args: Pick<ChangeArgs, 'context'>) =>
  args.context.connection.accounts.map((a) => a.account).filter((a) => a !== newAccount(args));

/** The new account's connection works: staff revoke the old accounts' access. */
const newConnectionVerified = {
  target: 'revokingOldAccount',
  actions: askStaff(
    (args) =>
      `The new account's connection works. Now remove the old account ${oldAccounts(args).join(', ')} from our endpoint service's allowed principals and reject its endpoint connection, then record customer_access.revoked`,
  ),
} as const;

/** What a cancellation after the approval leaves: the new account's access, which the record keeps showing. */
const keptNewAccount = (args: Pick<ChangeArgs, 'context'>) =>
  `The new account ${newAccount(args)} keeps its access (its connection was approved), as the record shows; open another change to revoke it`;

/** The comment asking the customer to test the new connection; `fixedBy` after troubleshooting. */
const verifyNew = (fixedBy?: 'vendor' | 'customer') =>
  comment(({ context }) => {
    const common = {
      ...greeting(context),
      cloud: context.connection.cloud,
      region: context.connection.region,
      services: context.connection.services,
      endpointId: context.endpointId!,
      ...(context.endpointDns ? { endpointDns: context.endpointDns } : {}),
    };
    return fixedBy
      ? { template: 'verify_again', data: { ...common, direction: 'forward', fixedBy } }
      : { template: 'ports_opened', data: common };
  });

export const changeAccountMachine = changeSetup.createMachine({
  id: 'change_account',
  context: ({ input }) => ({ ...input }),
  initial: 'allowlistingNewAccount',
  entry: opened(
    (args) =>
      `Allow the customer's new account ${newAccount(args)} on our endpoint service (the old ${oldAccounts(args).join(', ')} stays allowed until the new connection is verified), then record customer_access.granted`,
  ),
  states: {
    allowlistingNewAccount: {
      description: 'Vendor allowlists the new account on its endpoint service',
      tags: ['vendor'],
      on: {
        ...cancellable(),
        'customer_access.granted': {
          guard: 'vendorServiceNameKnown',
          target: 'awaitingNewEndpoint',
          actions: [
            'recordVendorServiceName',
            comment(({ context }) => ({
              template: 'create_endpoint',
              data: {
                ...greeting(context),
                cloud: context.connection.cloud,
                region: context.connection.region,
                vendorServiceName: context.vendorServiceName!,
                services: context.connection.services,
              },
            })),
          ],
        },
      },
    },
    awaitingNewEndpoint: {
      description: 'Customer creates an endpoint from the new account',
      tags: ['customer'],
      on: {
        ...cancellable(
          (args) => `Remove the new account ${newAccount(args)} from our endpoint service's allowed principals`,
        ),
        'endpoint.requested': {
          guard: 'eventDataValid',
          target: 'approvingNewConnection',
          actions: [
            'recordEndpoint',
            askStaff(
              ({ context }) =>
                `Approve the connection request from endpoint ${context.endpointId} (new account), then record connection.approved`,
            ),
          ],
        },
      },
    },
    approvingNewConnection: {
      description: "Vendor approves the new account's connection request",
      tags: ['vendor'],
      on: {
        ...cancellable(
          (args) =>
            `Reject the connection request from ${args.context.endpointId} and remove the new account ${newAccount(args)} from our endpoint service's allowed principals`,
        ),
        'connection.approved': {
          target: 'verifyingNewConnection',
          actions: ['grantNewAccount', verifyNew()],
        },
        'connection.rejected': {
          target: 'awaitingNewEndpoint',
          actions: comment(({ context, event }) => ({
            template: 'connection_rejected',
            data: {
              ...greeting(context),
              cloud: context.connection.cloud,
              endpointId: context.endpointId!,
              reason: 'reason' in event ? event.reason : '',
              vendorServiceName: context.vendorServiceName!,
            },
          })),
        },
      },
    },
    verifyingNewConnection: {
      description: 'Customer tests the connection from the new account',
      tags: ['customer'],
      on: {
        ...cancellable(keptNewAccount),
        'connection.verified': newConnectionVerified,
        'connection.failed': onChangeFailure('forward'),
      },
    },
    troubleshooting: {
      description: "Vendor fixes its side of the new account's connection",
      tags: ['vendor'],
      on: {
        ...cancellable(keptNewAccount),
        'troubleshooting.resolved': { target: 'verifyingNewConnection', actions: verifyNew('vendor') },
        'connection.failed': onChangeFailure('forward'),
      },
    },
    customerTroubleshooting: {
      description: "Customer checks its side of the new account's connection",
      tags: ['customer'],
      on: {
        ...cancellable(keptNewAccount),
        'troubleshooting.resolved': { target: 'verifyingNewConnection', actions: verifyNew('customer') },
        'connection.verified': newConnectionVerified,
        'connection.failed': onChangeFailure('forward'),
      },
    },
    revokingOldAccount: {
      description: "Vendor revokes the old account's access",
      tags: ['vendor'],
      on: {
        ...cancellable(
          (args) =>
            `Both accounts keep their access (${args.context.connection.accounts.map((a) => a.account).join(', ')}); open another change to revoke one`,
        ),
        'customer_access.revoked': { target: 'done', actions: ['revokeOldAccounts', ...doneEffects()] },
      },
    },
    done: { description: 'The connection belongs to the new account', type: 'final' },
    cancelled: { description: 'The change was cancelled; the record shows the connection as it stands', type: 'final' },
  },
});
