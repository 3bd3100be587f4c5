import { execFile } from 'node:child_process';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { hashToken } from '../../src/api/auth';
import { apiSettingsFromEnv } from '../../src/config/api';
import { AppError } from '../../src/errors';
import { repoRoot } from '../helpers/processes';

const run = promisify(execFile);

describe('token subjects the product records for itself', () => {
  it('stop start-up when the tokens file names a holder so, each listed', () => {
    const file = join(mkdtempSync(join(tmpdir(), 'tokens-')), 'tokens.json');
    const entry = (subject: string, i: number) => ({ subject, role: 'automation', tokenSha256: hashToken(`t${i}`) });
    writeFileSync(
      file,
      JSON.stringify(
        ['zendesk-bot@vendor.example', 'ticket-system:zendesk', 'System', 'privatelink-api/0.1.0@api:1'].map(entry),
      ),
    );
    let problems: string[] = [];
    try {
      apiSettingsFromEnv({ AUTH_TOKENS_FILE: file });
    } catch (err) {
      if (!(err instanceof AppError)) throw err;
      problems = [err.message];
    }
    expect(problems.join('\n')).toContain(
      '[1].subject: starts with "ticket-system:", which the product records for its own actions',
    );
    expect(problems.join('\n')).toContain('[2].subject: is "system", a name the product records for its own actions');
    expect(problems.join('\n')).toContain('[3].subject: starts with "privatelink-api/"');
    expect(problems.join('\n')).not.toContain('[0]');
  });

  it('are refused by plctl token new, which prints no token', async () => {
    const attempt = run(
      process.execPath,
      [join(repoRoot, 'bin', 'plctl.js'), 'token', 'new', '--subject', 'ticket-system:jira', '--role', 'automation'],
      { cwd: repoRoot },
    );
    await expect(attempt).rejects.toMatchObject({
      code: 1,
      stdout: '',
      stderr: expect.stringContaining(
        '--subject starts with "ticket-system:", which the product records for its own actions',
      ) as unknown,
    });
  });
});
