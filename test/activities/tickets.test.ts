import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { FileTicketSystem } from '../../activities/ticket-file';

describe('the file ticket system', () => {
  it('appends each comment once per idempotency key, so a retried post is not posted twice', async () => {
    const tickets = new FileTicketSystem(join(mkdtempSync(join(tmpdir(), 't-')), 'nested', 'comments.jsonl'));
    const first = await tickets.postComment('T-1', 'hello', 'privatelink-T-1/1');
    const retry = await tickets.postComment('T-1', 'hello', 'privatelink-T-1/1');
    await tickets.postComment('T-2', 'other ticket', 'privatelink-T-2/1');
    expect(first.duplicate).toBe(false);
    expect(retry).toEqual({ commentId: first.commentId, duplicate: true });
    expect(tickets.comments('T-1').map((c) => c.body)).toEqual(['hello']);
    expect(tickets.comments().map((c) => c.ticketId)).toEqual(['T-1', 'T-2']);
  });
});

describe('the file ticket system shared by several workers', () => {
  const file = () => join(mkdtempSync(join(tmpdir(), 't-')), 'comments.jsonl');

  it('knows a comment another worker posted to the same file since, and posts it once', async () => {
    const path = file();
    const one = new FileTicketSystem(path);
    const other = new FileTicketSystem(path);
    await one.postComment('T-1', 'first', 'privatelink-T-1/1');
    const posted = await other.postComment('T-1', 'second', 'privatelink-T-1/2');
    // `one` has read the file before `other` appended to it: it must read what was appended since.
    expect(await one.postComment('T-1', 'second', 'privatelink-T-1/2')).toEqual({
      commentId: posted.commentId,
      duplicate: true,
    });
    expect(other.comments('T-1').map((c) => c.body)).toEqual(['first', 'second']);
  });

  it('reads a file that was truncated or rotated from its start again, and skips a line that is not a comment', async () => {
    const path = file();
    const tickets = new FileTicketSystem(path);
    await tickets.postComment('T-1', 'before the rotation', 'privatelink-T-1/1');
    writeFileSync(path, 'not json\n');
    const again = await tickets.postComment('T-1', 'before the rotation', 'privatelink-T-1/1');
    expect(again.duplicate).toBe(false);
    expect(readFileSync(path, 'utf8').split('\n').filter(Boolean)).toHaveLength(2);
  });
});
