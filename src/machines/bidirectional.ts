import { initialContext } from './context';
import { endStates, everywhere, forwardLeg, intakeLeg, reverseLeg } from './legs';
import { enablementSetup } from './setup';

/**
 * Bidirectional PrivateLink: the unidirectional path, then the vendor's VPC connects to the customer's endpoint
 * service.
 */
export const bidirectionalMachine = enablementSetup.createMachine({
  id: 'bidirectional',
  context: ({ input }) => initialContext(input, 'bidirectional'),
  initial: 'validatingIntake',
  on: everywhere,
  states: { ...intakeLeg, ...forwardLeg('reverseLeg'), ...reverseLeg, ...endStates },
});
