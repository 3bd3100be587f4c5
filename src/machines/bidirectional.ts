import { initialContext } from './context';
import { endStates } from './legs/end';
import { forwardLeg } from './legs/forward';
import { intakeLeg } from './legs/intake';
import { reverseLeg } from './legs/reverse';
import { enablementSetup } from './setup';

/**
 * Bidirectional PrivateLink: the unidirectional path, then the vendor's VPC connects to the customer's endpoint
 * service.
 */
export const bidirectionalMachine = enablementSetup.createMachine({
  id: 'bidirectional',
  context: ({ input }) => initialContext(input, 'bidirectional'),
  initial: 'validatingIntake',
  states: { ...intakeLeg('forward'), ...forwardLeg('reverseLeg'), ...reverseLeg, ...endStates },
});
