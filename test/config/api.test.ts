import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { apiSecurity } from '../../src/api/security';
import { apiSettingsFromEnv } from '../../src/config/api';
import type { Env } from '../../src/config/env';

/** The API's security as its entry points build it: settings read, then the ways in made. */
const apiSecurityFromEnv = (env: Env) => apiSecurity(apiSettingsFromEnv(env));
import { parseFieldArgs } from '../../src/cli/requests';
import { AppError } from '../../src/errors';

function problemsOf(fn: () => unknown): string[] {
  try {
    fn();
  } catch (err) {
    if (err instanceof AppError) return [...err.problems];
    throw err;
  }
  throw new Error('expected an AppError');
}

describe('API security settings', () => {
  it('lists every bad setting at once and never quotes a secret', () => {
    const dir = mkdtempSync(join(tmpdir(), 'sec-'));
    const tokens = join(dir, 'tokens.json');
    writeFileSync(tokens, JSON.stringify([{ subject: 'a', role: 'root', tokenSha256: 'abc' }]));
    const problems = problemsOf(() =>
      apiSecurityFromEnv({
        AUTH_TOKENS_FILE: tokens,
        OIDC_JWKS_URL: 'http://idp.example/jwks',
        TICKET_WEBHOOK_SECRET: 'not-a-whsec-secret',
        JIRA_INTAKE_FIELDS: 'customfield_10050=Favourite colour',
      }),
    );
    expect(problems.join('\n')).toMatch(/role: must be one of/);
    expect(problems.join('\n')).toMatch(/OIDC_JWKS_URL: must be an https URL/);
    expect(problems).toContain(
      'TICKET_WEBHOOK_SECRET: each secret must be whsec_ followed by base64 (Standard Webhooks)',
    );
    expect(problems.join('\n')).toMatch(/JIRA_INTAKE_FIELDS: "customfield_10050=Favourite colour" must be/);
    expect(problems.join('\n')).not.toContain('not-a-whsec-secret');
  });

  it('reads several secrets per webhook for rotation, and a Jira field map', () => {
    const secret = `whsec_${Buffer.from('x'.repeat(24)).toString('base64')}`;
    const { webhooks, summary } = apiSecurityFromEnv({
      TICKET_WEBHOOK_SECRET: `${secret} ${secret.replace('eHh4', 'eXl5')}`,
      ZENDESK_WEBHOOK_SECRET: 'a,b',
      JIRA_INTAKE_FIELDS: 'customfield_10050=Project ID, customfield_10051=Region',
    });
    expect(webhooks.tickets).toHaveLength(2);
    expect(webhooks.zendesk).toEqual(['a', 'b']);
    expect(webhooks.jiraFields).toEqual({ customfield_10050: 'Project ID', customfield_10051: 'Region' });
    expect(summary.join('; ')).toContain('webhooks: tickets on, zendesk on, jira off');
    expect(summary.join('; ')).not.toContain(secret);
  });
});

describe('PAGE_TOKEN_KEY', () => {
  it('refuses a key shorter than 32 characters without quoting it, and reads several for rotation', () => {
    const problems = problemsOf(() => apiSettingsFromEnv({ PAGE_TOKEN_KEY: `${'a'.repeat(40)} short-key` }));
    expect(problems).toEqual([
      'PAGE_TOKEN_KEY: each key must be at least 32 characters, e.g. from `openssl rand -base64 32`',
    ]);
    const keys = ['n'.repeat(32), 'o'.repeat(44)];
    expect(apiSettingsFromEnv({ PAGE_TOKEN_KEY: keys.join(' ') }).pageTokenKeys).toEqual(keys);
    expect(apiSecurityFromEnv({ PAGE_TOKEN_KEY: keys.join(',') }).summary).toContain(
      'page tokens signed with PAGE_TOKEN_KEY',
    );
    expect(apiSecurityFromEnv({}).summary.join('; ')).toMatch(/page tokens signed with this process' own key/);
  });
});

describe('plctl event fields', () => {
  it('turns --kebab-case value pairs into the payload, as typed; only --intake is JSON', () => {
    expect(
      parseFieldArgs(['--endpoint-id', 'vpce-1', '--reason=[P1] @ops true', '--intake', '{"region":"us-east-1"}']),
    ).toEqual({
      endpointId: 'vpce-1',
      reason: '[P1] @ops true',
      intake: { region: 'us-east-1' },
    });
  });

  it('says what is wrong with a stray word, a missing value, or intake that is not JSON', () => {
    expect(() => parseFieldArgs(['vpce-1'])).toThrow('Expected --field value, got "vpce-1".');
    expect(() => parseFieldArgs(['--reason'])).toThrow('--reason needs a value.');
    expect(() => parseFieldArgs(['--intake', 'region=us-east-1'])).toThrow(
      /--intake must be a JSON object or @file.json/,
    );
    expect(() => parseFieldArgs(['--intake', '@/nonexistent/intake.json'])).toThrow(/Cannot read the intake file/);
  });
});
