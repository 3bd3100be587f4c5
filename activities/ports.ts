/**
 * The outside systems activities talk to, as ports. The worker plugs in real adapters; tests plug in the same
 * adapters pointed at local files and servers.
 */

/** A ticket system (Zendesk, Jira, or the built-in file adapter). */
export interface TicketSystem {
  /** Human name for logs, e.g. "file:/var/lib/privatelink/tickets.jsonl". */
  readonly name: string;
  /**
   * The ticket system whose own signed webhook must have started a request for its comments to go there (Zendesk,
   * Jira): a request started any other way (the API, the stock CLI) could name any ticket of the system, so its
   * comments are refused. Absent for the file adapter, which writes every comment to the vendor's own file.
   */
  readonly system?: 'zendesk' | 'jira';
  /**
   * Posts a comment on a ticket. Must be idempotent on `idempotencyKey`: a retried post with the same key returns the
   * first comment instead of posting again. Throws {@link HttpStatusError} for answers with a status code.
   */
  postComment(
    ticketId: string,
    body: string,
    idempotencyKey: string,
  ): Promise<{ commentId: string; duplicate: boolean }>;
}

/** Where notifications for people go (the vendor's support channel). */
export interface Notifier {
  readonly name: string;
  send(notification: OutgoingNotification): Promise<void>;
}

/** A notification as it leaves the system. */
export interface OutgoingNotification {
  ticketId: string;
  kind: string;
  message: string;
  /** Stable across retries, so a receiver can drop duplicates. */
  idempotencyKey: string;
}

/** An answer with an HTTP status from an outside system: 4xx are permanent (except 408/429), others are retried. */
export class HttpStatusError extends Error {
  override readonly name = 'HttpStatusError';
  constructor(
    readonly system: string,
    readonly status: number,
    detail: string,
  ) {
    super(`${system} answered ${status}: ${detail}`);
  }

  /** True when retrying cannot help (a client error other than timeout or rate limit). */
  get permanent(): boolean {
    return this.status >= 400 && this.status < 500 && this.status !== 408 && this.status !== 429;
  }
}
