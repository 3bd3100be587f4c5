/**
 * The one error type of the product. `code` says what went wrong in a way callers can branch on; the API maps codes
 * to HTTP statuses and problem+json, the CLI and `npm start` print the message as it is. Messages are written for the
 * person who has to act on them.
 */
export type AppErrorCode =
  /** Environment or configuration file is invalid; the message lists every problem. */
  | 'invalid_config'
  /** A port, process or server the product needs is not available. */
  | 'unavailable'
  /** The request cannot be read: malformed JSON, a bad query parameter, a missing header. */
  | 'bad_request'
  /** No valid credentials, or a webhook signature that does not verify. */
  | 'unauthenticated'
  /** Valid credentials whose role does not allow this. */
  | 'forbidden'
  /** No such request (ticket). */
  | 'not_found'
  /** Not possible in the request's current state (e.g. an event not allowed now). */
  | 'conflict'
  /** The body is larger than the API accepts. */
  | 'too_large'
  /** Well-formed input that breaks the rules (an invalid field, an unknown event type). */
  | 'invalid';

/** The HTTP status of each code, as the API answers it (`invalid_config` is a server not set up to do this: 503). */
export const httpStatusOfCode: Readonly<Record<AppErrorCode, number>> = {
  bad_request: 400,
  unauthenticated: 401,
  forbidden: 403,
  not_found: 404,
  conflict: 409,
  too_large: 413,
  invalid: 422,
  invalid_config: 503,
  unavailable: 503,
};

/** The code of an HTTP error status, for clients of the API (`plctl`); anything else is `unavailable`. */
export function codeOfHttpStatus(status: number): AppErrorCode {
  const codes = Object.entries(httpStatusOfCode) as [AppErrorCode, number][];
  return codes.find(([code, s]) => s === status && code !== 'invalid_config')?.[0] ?? 'unavailable';
}

/** An error with a machine-readable code and a message a person can act on. */
export class AppError extends Error {
  override readonly name = 'AppError';

  constructor(
    readonly code: AppErrorCode,
    message: string,
    /** Individual problems, when there are several (e.g. one per invalid setting). */
    readonly problems: readonly string[] = [],
    /** Extra machine-readable facts for API callers (e.g. the current state and the allowed events). */
    readonly extensions: Readonly<Record<string, unknown>> = {},
  ) {
    super(problems.length ? `${message}\n${problems.map((p) => `  - ${p}`).join('\n')}` : message);
  }
}

/** An error and its causes, outermost first (Temporal wraps the words that matter several layers deep). */
export function errorChain(err: unknown): Error[] {
  const chain: Error[] = [];
  for (let e: unknown = err; e instanceof Error && !chain.includes(e); e = e.cause) chain.push(e);
  return chain;
}
