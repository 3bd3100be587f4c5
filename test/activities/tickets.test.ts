import { mkdtempSync } from 'node:fs';
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
