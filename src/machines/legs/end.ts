/** How a request ends: the effects of reaching `enabled`, and the three final states. */
import { accepted } from '../context';
import { enablementSetup } from '../setup';
import { comment, greeting, notify } from './shared';

const { createStateConfig } = enablementSetup;

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

/** The final states: no event is accepted once a request is in one. */
export const endStates = {
  enabled: createStateConfig({ description: 'PrivateLink works', type: 'final' }),
  rejected: createStateConfig({ description: 'The request is ineligible', type: 'final' }),
  cancelled: createStateConfig({ description: 'The request was cancelled', type: 'final' }),
};
