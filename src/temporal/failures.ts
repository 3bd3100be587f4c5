/**
 * The `type` of every application failure the product raises, in one place: workflow code, activities and clients
 * match on these strings (a retry policy's `nonRetryableErrorTypes`, a client telling a refusal from an outage), so
 * a typo in one of them would silently change behaviour.
 *
 * Imported by workflow code too: no Node, no server-side Temporal packages.
 */
export const failureTypes = {
  /** An outside system (ticket system, notification receiver) refused an effect for good (a 4xx other than 408/429). */
  outsideSystemRejected: 'OutsideSystemRejected',
  /** A ticket adapter was asked to comment on a ticket id that its system cannot have (`ZD-<n>`, a Jira issue key). */
  ticketNotInSystem: 'TicketNotInSystem',
  /** An update arrived while the request was starting and turned out not to be allowed: the caller's 409. */
  eventRefused: 'EventRefused',
  /**
   * The update's validator found the event applied already (same sender, type and eventId): nothing is recorded, and
   * the client answers as for any repeat (`result: duplicate`). Its details hold the applied entry's `seq`.
   */
  duplicateEvent: 'DuplicateEvent',
  /** A change was requested while another change is open on the connection: the caller's 409, naming the open one. */
  changeInProgress: 'ChangeInProgress',
  /** An eventId sent again by the same sender for the same event type with a different payload: the caller's 409. */
  eventIdReused: 'EventIdReused',
  /** A per-request limit was reached (the number of notes): the caller's 422. */
  limitReached: 'LimitReached',
  /** The workflow was started with an argument no request can have (bad ticket id, wrong workflow id). */
  invalidWorkflowInput: 'InvalidWorkflowInput',
} as const;

/** One of {@link failureTypes}. */
export type FailureType = (typeof failureTypes)[keyof typeof failureTypes];
