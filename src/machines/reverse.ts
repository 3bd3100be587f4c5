import { initialContext } from './context';
import { endStates } from './legs/end';
import { intakeLeg } from './legs/intake';
import { reverseLeg } from './legs/reverse';
import { enablementSetup } from './setup';

/**
 * Reverse PrivateLink (seed 002): the vendor only consumes a service the customer provides. The intake, then the
 * bidirectional path's reverse leg: the customer allows the vendor's principal, the vendor creates its endpoint, the
 * customer accepts it, and it is verified (troubleshooting on failure).
 */
export const reverseMachine = enablementSetup.createMachine({
  id: 'reverse',
  context: ({ input }) => initialContext(input, 'reverse'),
  initial: 'validatingIntake',
  states: { ...intakeLeg('reverse'), ...reverseLeg, ...endStates },
});
