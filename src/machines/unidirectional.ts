import { initialContext } from './context';
import { endStates } from './legs/end';
import { forwardLeg } from './legs/forward';
import { intakeLeg } from './legs/intake';
import { enablementSetup } from './setup';

/** Unidirectional PrivateLink: the customer's VPC connects to the vendor's endpoint service. */
export const unidirectionalMachine = enablementSetup.createMachine({
  id: 'unidirectional',
  context: ({ input }) => initialContext(input, 'unidirectional'),
  initial: 'validatingIntake',
  states: { ...intakeLeg('forward'), ...forwardLeg('enabled'), ...endStates },
});
