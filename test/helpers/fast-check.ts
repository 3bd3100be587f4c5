/**
 * One seed for every property test (jest `setupFiles`): fixed by default, so a run's inputs, and with them floors such
 * as "enough inputs got past validation to Temporal", are the same on every machine; `FC_SEED=<n>` explores other
 * inputs or repeats a failure. fast-check names the seed (and the path to the failing input) in every failure.
 */
import fc from 'fast-check';

/** The seed used unless FC_SEED gives another. */
const DEFAULT_SEED = 20_261_206;

/** The seed of this run's property tests. */
export const propertySeed = (() => {
  const given = process.env.FC_SEED;
  const seed = given === undefined || given === '' ? DEFAULT_SEED : Number(given);
  if (!Number.isInteger(seed)) throw new Error(`FC_SEED must be an integer (got ${JSON.stringify(given)})`);
  return seed;
})();

fc.configureGlobal({ seed: propertySeed });
