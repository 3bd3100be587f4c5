/**
 * What is wrong with a request, in words a support engineer can paste into the ticket.
 *
 * `missing` and `invalid` problems make the request wait for information (the customer can fix them); `ineligible`
 * ones reject it (no answer the customer can give makes it eligible).
 */
export type ProblemKind = 'missing' | 'invalid' | 'ineligible';

/** One problem with one field of a request. */
export interface Problem {
  /** Path of the field, e.g. `customerAccount`, `services[1].port`, `azure.clusterId`. */
  field: string;
  kind: ProblemKind;
  /** The rule, in plain words, starting with what the field should be. */
  message: string;
  /** Set when the field is no intake field at all (its name is then as written, e.g. a customer's misspelt key). */
  code?: 'unknown_field';
}

/** `field: message`, the form used in ticket comments and error messages. */
export function formatProblem(problem: Problem): string {
  return `${problem.field}: ${problem.message}`;
}

/** `a.b[2].c` from a zod issue path. */
export function formatPath(path: readonly PropertyKey[]): string {
  return (
    path.reduce<string>(
      (out, key) => (typeof key === 'number' ? `${out}[${key}]` : out ? `${out}.${String(key)}` : String(key)),
      '',
    ) || '(root)'
  );
}
