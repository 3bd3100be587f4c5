import { randomUUID } from 'node:crypto';
import { appendFileSync, existsSync, mkdirSync, readFileSync } from 'node:fs';
import { dirname, resolve } from 'node:path';
import { PRIVATE_DIR_MODE, PRIVATE_FILE_MODE, restrictFile } from '../src/paths';
import type { TicketSystem } from './ports';

/** One comment as the file adapter stores it (JSON lines). */
export interface FileTicketComment {
  commentId: string;
  ticketId: string;
  idempotencyKey: string;
  body: string;
  postedAt: string;
}

/**
 * The built-in ticket system: comments are appended to a JSON-lines file, one object per comment. Useful on its own
 * (an operator can tail it and paste into any ticket tool) and as the default until Zendesk or Jira is configured.
 */
export class FileTicketSystem implements TicketSystem {
  readonly name: string;
  private readonly path: string;
  /** True once an existing file has been narrowed to the owner (once per process). */
  private restricted = false;

  constructor(path: string) {
    this.path = resolve(path);
    this.name = `file:${this.path}`;
  }

  postComment(ticketId: string, body: string, idempotencyKey: string) {
    const existing = this.comments().find((c) => c.idempotencyKey === idempotencyKey);
    if (existing) return Promise.resolve({ commentId: existing.commentId, duplicate: true });
    const comment: FileTicketComment = {
      commentId: randomUUID(),
      ticketId,
      idempotencyKey,
      body,
      postedAt: new Date().toISOString(),
    };
    // Comments quote the customer: folders this creates, and the file, are the owner's only (an existing file too).
    mkdirSync(dirname(this.path), { recursive: true, mode: PRIVATE_DIR_MODE });
    if (!this.restricted) restrictFile(this.path);
    this.restricted = true;
    appendFileSync(this.path, `${JSON.stringify(comment)}\n`, { mode: PRIVATE_FILE_MODE });
    return Promise.resolve({ commentId: comment.commentId, duplicate: false });
  }

  /** Every comment posted so far, oldest first; optionally for one ticket. */
  comments(ticketId?: string): FileTicketComment[] {
    if (!existsSync(this.path)) return [];
    return readFileSync(this.path, 'utf8')
      .split('\n')
      .filter(Boolean)
      .map((line) => JSON.parse(line) as FileTicketComment)
      .filter((c) => ticketId === undefined || c.ticketId === ticketId);
  }
}
