import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { intakeKeys } from '../../src/webhooks/description';
import { repoRoot } from '../helpers/processes';

/** The README's table of description keys is what the parser accepts: a key documented but refused, or accepted but undocumented, fails. */
describe('README', () => {
  const readme = readFileSync(join(repoRoot, 'README.md'), 'utf8');

  it('lists exactly the description keys the ticket parsers accept', () => {
    const table = /<!-- description-keys:start -->([\s\S]*?)<!-- description-keys:end -->/.exec(readme)?.[1] ?? '';
    const documented = table
      .split('\n')
      .filter((line) => /^\|\s*`/.test(line))
      .map((line) => {
        const [, field, labels] = line.split('|').map((c) => c.trim());
        return { field: field!.replace(/`/g, ''), labels: labels!.split(',').map((l) => l.trim()) };
      });
    expect(documented).toEqual(intakeKeys.map((k) => ({ field: k.field, labels: [...k.labels] })));
  });

  it('documents every environment variable the API, webhooks and ticket adapters read', () => {
    const sources = ['src/api/config.ts', 'src/api/oidc.ts', 'activities/defaults.ts', 'src/cli/api-client.ts']
      .map((f) => readFileSync(join(repoRoot, f), 'utf8'))
      .join('\n');
    const read = new Set(
      [...sources.matchAll(/\b((?:OIDC|AUTH|TICKET|ZENDESK|JIRA|PLCTL|NOTIFY|CONNECTIVITY)_[A-Z_]+)\b/g)].map(
        (m) => m[1]!,
      ),
    );
    const undocumented = [...read].filter((name) => !readme.includes(`\`${name}\``));
    expect(undocumented).toEqual([]);
    expect(read.size).toBeGreaterThan(15);
  });
});
