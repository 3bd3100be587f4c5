import { chmodSync, mkdtempSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { FileTicketSystem } from '../../activities/ticket-file';

const mode = (path: string) => (statSync(path).mode & 0o777).toString(8);

describe('the file ticket system keeps comments private', () => {
  it('creates the folders it needs and the file readable by the owner only', async () => {
    const base = mkdtempSync(join(tmpdir(), 'tickets-'));
    const file = join(base, 'data', 'nested', 'comments.jsonl');
    await new FileTicketSystem(file).postComment('T-1', 'customer details', 'privatelink-T-1/1');
    expect([mode(join(base, 'data')), mode(join(base, 'data', 'nested')), mode(file)]).toEqual(['700', '700', '600']);
  });

  it('narrows a comments file that an earlier version left readable by others', async () => {
    const file = join(mkdtempSync(join(tmpdir(), 'tickets-')), 'comments.jsonl');
    writeFileSync(file, '');
    chmodSync(file, 0o644);
    await new FileTicketSystem(file).postComment('T-1', 'customer details', 'privatelink-T-1/1');
    expect(mode(file)).toBe('600');
  });
});
