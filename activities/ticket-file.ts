import { randomUUID } from 'node:crypto';
import { appendFileSync, closeSync, existsSync, fstatSync, mkdirSync, openSync, readFileSync, readSync } from 'node:fs';
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

/** A comment line's key and id; nothing for a blank line or one that is not a comment (e.g. edited by hand). */
function parsedLine(line: string): { idempotencyKey: string; commentId: string } | undefined {
  if (!line.trim()) return undefined;
  try {
    const c = JSON.parse(line) as Partial<FileTicketComment> | null;
    return typeof c?.idempotencyKey === 'string' && typeof c.commentId === 'string'
      ? { idempotencyKey: c.idempotencyKey, commentId: c.commentId }
      : undefined;
  } catch {
    return undefined;
  }
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
  /**
   * The idempotency keys in the file and their comment ids, as far as {@link readBytes} of it has been read: each post
   * reads only what was appended since (by this process or another worker on the same file), so a post costs the
   * same with ten comments in the file as with a hundred thousand.
   */
  private readonly keys = new Map<string, string>();
  private readBytes = 0;

  constructor(path: string) {
    this.path = resolve(path);
    this.name = `file:${this.path}`;
  }

  postComment(ticketId: string, body: string, idempotencyKey: string) {
    this.catchUp();
    const existing = this.keys.get(idempotencyKey);
    if (existing !== undefined) return Promise.resolve({ commentId: existing, duplicate: true });
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
    this.catchUp();
    return Promise.resolve({ commentId: comment.commentId, duplicate: false });
  }

  /**
   * Reads the lines appended since the last read into {@link keys}. A file that shrank (truncated, or rotated away
   * and started again) is read again from its start; a last line still being written is left for the next read.
   */
  private catchUp(): void {
    if (!existsSync(this.path)) {
      this.keys.clear();
      this.readBytes = 0;
      return;
    }
    const fd = openSync(this.path, 'r');
    try {
      const size = fstatSync(fd).size;
      if (size < this.readBytes) {
        this.keys.clear();
        this.readBytes = 0;
      }
      if (size === this.readBytes) return;
      const chunk = Buffer.alloc(size - this.readBytes);
      const read = readSync(fd, chunk, 0, chunk.length, this.readBytes);
      const complete = chunk.subarray(0, read).lastIndexOf(0x0a) + 1;
      for (const line of chunk.subarray(0, complete).toString('utf8').split('\n')) {
        const c = parsedLine(line);
        if (c && !this.keys.has(c.idempotencyKey)) this.keys.set(c.idempotencyKey, c.commentId);
      }
      this.readBytes += complete;
    } finally {
      closeSync(fd);
    }
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
