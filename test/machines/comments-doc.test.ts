import { readFileSync } from 'node:fs';
import { commentsDocPath, commentsDocument } from '../../scripts/comments-doc';
import { templates } from '../../src/machines';

describe('docs/ticket-comments.md', () => {
  // Generated inside the test, not while jest collects it: per-test coverage then credits this test with the templates.
  it('is what `npm run docs:comments` generates from the machines (run it after changing a comment)', () => {
    expect(readFileSync(commentsDocPath, 'utf8')).toBe(commentsDocument());
  });

  it('shows every comment template the product has', () => {
    const page = commentsDocument();
    const missing = Object.keys(templates).filter(
      (id) => !page.includes(`: \`${id}\`\n`) && !page.includes(`: \`${id}\` (on the change ticket, `),
    );
    expect(missing).toEqual([]);
  });
});
