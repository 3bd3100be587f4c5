/** How a request ends: the effects of reaching `enabled`, and the three final states. */
import { accepted, reverseServicesOf } from '../context';
import { enablementSetup } from '../setup';
import { comment, greeting, notify } from './shared';

const { createStateConfig } = enablementSetup;

/** Effects of reaching `enabled` (after `recordReverseConnection` on the bidirectional path). */
export function enabledEffects() {
  return [
    comment(({ context }) => {
      const intake = accepted(context);
      return {
        template: 'enabled',
        data: {
          ...greeting(context),
          services: intake.services,
          connectionType: intake.connectionType,
          ...(intake.connectionType !== 'reverse' ? { endpointId: context.endpointId! } : {}),
          ...(intake.connectionType !== 'unidirectional'
            ? {
                reverse: context.reverseConnections!.map((r) => ({
                  service: r.service,
                  endpointId: r.endpointId,
                  ...(intake.connectionType === 'reverse' ? { host: r.endpointDns } : {}),
                })),
                reverseServices: reverseServicesOf(intake),
              }
            : {}),
        },
      };
    }),
    notify('enabled', ({ context }) => `PrivateLink enabled (${accepted(context).connectionType})`),
  ];
}

/** The final states: no event is accepted once a request is in one. */
export const endStates = {
  enabled: createStateConfig({ description: 'PrivateLink works', type: 'final' }),
  rejected: createStateConfig({ description: 'The request is ineligible', type: 'final' }),
  cancelled: createStateConfig({ description: 'The request was cancelled', type: 'final' }),
};
