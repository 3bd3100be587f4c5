/**
 * The intake leg, shared by both machines: waiting for the ticket, the "awaiting information" loop, and the verdict on
 * each version of the intake. State names are public: they are the `PrivateLinkState` search attribute.
 */
import { cloudOf } from '../../domain/clouds';
import {
  accepted,
  allowlistedAccounts,
  reverseTargets,
  vendorPrincipals,
  vendorServiceNameFor,
  zonesOf,
} from '../context';
import { askForVendorEndpoint } from './reverse';
import { enablementSetup } from '../setup';
import { comment, customerProblemLines, greeting, notify, open, problemLines } from './shared';

const { createStateConfig } = enablementSetup;

/** Accepting a valid intake: the comment that says so, with what the customer must have ready. */
const intakeAccepted = comment(({ context }) => {
  const intake = accepted(context);
  const zones = zonesOf(intake);
  return {
    template: 'intake_accepted',
    data: {
      ...greeting(context),
      cloud: intake.cloud,
      region: intake.region,
      accounts: allowlistedAccounts(intake),
      connectionType: intake.connectionType,
      ...(zones.length ? { zones } : {}),
      ...(intake.connectionType !== 'unidirectional'
        ? {
            reverse: {
              services: reverseTargets(intake),
              vendorPrincipals: vendorPrincipals(context),
              granted: intake.vendorPrincipalAccessGranted,
              ...(cloudOf(intake.cloud).autoAccepts?.(intake) ? { autoAccepted: true } : {}),
            },
          }
        : {}),
    },
  };
});

/** Forward first (unidirectional, bidirectional): the vendor allowlists the customer's accounts. */
const toAllowlisting = [
  {
    guard: 'intakeValid',
    target: 'allowlisting',
    actions: [
      'acceptIntake',
      intakeAccepted,
      notify('action_required', ({ context }) => {
        const intake = accepted(context);
        return cloudOf(intake.cloud).words.allowlistTask({
          accounts: allowlistedAccounts(intake),
          region: intake.region,
          service: vendorServiceNameFor(context),
          details: (intake[intake.cloud as keyof typeof intake] ?? {}) as Record<string, unknown>,
        });
      }),
    ],
  },
] as const;

/**
 * Reverse (seed 002): straight into the reverse leg, past the principal grant when the ticket declared it (the vendor
 * then creates its endpoint), else waiting for the customer to allow the vendor's principal, which the comment asks.
 */
const toReverseLeg = [
  {
    guard: 'intakeValidWithGrant',
    target: 'creatingVendorEndpoint',
    actions: ['acceptIntake', intakeAccepted, 'recordCustomerServiceName', askForVendorEndpoint('Intake accepted. ')],
  },
  { guard: 'intakeValid', target: 'awaitingPrincipalGrant', actions: ['acceptIntake', intakeAccepted] },
] as const;

/**
 * Intake: waiting for the ticket, the "awaiting information" loop, and the verdict on each version of it; a valid
 * intake goes on to the path's first leg (`then`).
 */
export const intakeLeg = (then: 'forward' | 'reverse') => {
  const accept = then === 'forward' ? toAllowlisting : toReverseLeg;
  return {
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
                reasons: customerProblemLines(context, 'ineligible'),
              },
            })),
            notify('rejected', ({ context }) => `Request rejected as ineligible: ${problemLines(context).join('; ')}`),
          ],
        },
        ...accept,
        {
          target: 'awaitingInformation',
          actions: comment(({ context }) => ({
            template: 'intake_incomplete',
            data: { ...greeting(context), problems: customerProblemLines(context) },
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
};
