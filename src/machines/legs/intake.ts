/**
 * The intake leg, shared by both machines: waiting for the ticket, the "awaiting information" loop, and the verdict on
 * each version of the intake. State names are public: they are the `PrivateLinkState` search attribute.
 */
import { accepted, allowlistedAccounts, reverseTargets, vendorPrincipals, vendorServiceNameFor } from '../context';
import { enablementSetup } from '../setup';
import { comment, customerProblemLines, greeting, notify, open, problemLines } from './shared';

const { createStateConfig } = enablementSetup;

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
              reasons: customerProblemLines(context, 'ineligible'),
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
                accounts: allowlistedAccounts(intake),
                connectionType: intake.connectionType,
                ...(intake.connectionType === 'bidirectional'
                  ? {
                      reverse: {
                        services: reverseTargets(intake),
                        vendorPrincipals: vendorPrincipals(context),
                        granted: intake.vendorPrincipalAccessGranted,
                      },
                    }
                  : {}),
              },
            };
          }),
          notify('action_required', ({ context }) => {
            const intake = accepted(context);
            const accounts = allowlistedAccounts(intake).join(', ');
            const service = vendorServiceNameFor(context);
            return intake.cloud === 'aws'
              ? `Allowlist AWS account ${accounts} on the endpoint service in ${intake.region}${service ? ` (${service})` : ''}, then record customer_access.granted`
              : `Allowlist Azure subscriptions ${accounts} on the Private Link service of cluster ${intake.azure!.clusterId} in ${intake.region}${service ? ` (alias ${service})` : ''}, then record customer_access.granted`;
          }),
        ],
      },
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
