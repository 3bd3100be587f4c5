import { mkdtempSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { activitySettingsFromEnv } from '../../src/config/activities';
import { apiSettingsFromEnv } from '../../src/config/api';
import { cliConfigFromEnv } from '../../src/config/cli';
import type { Env } from '../../src/config/env';
import { runtimeConfigFromEnv } from '../../src/config/runtime';
import { environmentVariableNames } from '../../src/config/variables';
import { projectCacheDir } from '../../src/temporal/binaries';
import { repoRoot } from '../helpers/processes';

/** An environment that records every variable a reader looks up, set or not. */
function recording(values: Record<string, string>): { env: Env; read: Set<string> } {
  const read = new Set<string>();
  const env = new Proxy(values, {
    get(target, name) {
      if (typeof name === 'string') read.add(name);
      return target[name as string];
    },
  }) as Env;
  return { env, read };
}

const dir = mkdtempSync(join(tmpdir(), 'variables-'));
const tokensFile = join(dir, 'tokens.json');
writeFileSync(
  tokensFile,
  JSON.stringify([{ subject: 'a@vendor.example', role: 'support', tokenSha256: 'a'.repeat(64) }]),
);

/** A valid value for every documented variable, so each reader goes down its whole path. */
const everything: Record<string, string> = {
  PORT: '3000',
  HOST: '127.0.0.1',
  DATA_DIR: dir,
  TEMPORAL_DEV_PORT: '7233',
  TEMPORAL_UI_PORT: '8233',
  TEMPORAL_UI: 'true',
  TEMPORAL_UI_WRITE_ACTIONS: 'false',
  LOG_LEVEL: 'info',
  METRICS_ADDRESS: '127.0.0.1:9464',
  HEALTH_PORT: '8081',
  WORKER_MAX_CACHED_WORKFLOWS: '10',
  VENDOR_CONFIG: join(repoRoot, 'config/vendor.example.json'),
  TEMPORAL_ADDRESS: 'temporal:7233',
  TEMPORAL_NAMESPACE: 'default',
  TEMPORAL_TLS: 'true',
  TEMPORAL_TLS_SERVER_NAME: 'temporal',
  TEMPORAL_API_KEY: 'key',
  AUTH_TOKENS_FILE: tokensFile,
  OIDC_JWKS_URL: 'https://idp.example/jwks',
  OIDC_ISSUER: 'https://idp.example',
  OIDC_AUDIENCE: 'privatelink',
  OIDC_ALGORITHMS: 'RS256',
  OIDC_ROLE_CLAIM: 'roles',
  OIDC_SUBJECT_CLAIM: 'sub',
  OIDC_MAX_TOKEN_AGE: '1h',
  TICKET_WEBHOOK_SECRET: `whsec_${Buffer.from('x'.repeat(24)).toString('base64')}`,
  ZENDESK_WEBHOOK_SECRET: 'z',
  JIRA_WEBHOOK_SECRET: 'j',
  JIRA_INTAKE_FIELDS: 'customfield_10050=Project ID',
  PAGE_TOKEN_KEY: 'p'.repeat(32),
  TICKET_LOG_FILE: join(dir, 'comments.jsonl'),
  ZENDESK_BASE_URL: 'https://acme.zendesk.com',
  ZENDESK_EMAIL: 'bot@acme.example',
  ZENDESK_API_TOKEN: 'zt',
  JIRA_BASE_URL: 'https://acme.atlassian.net',
  JIRA_EMAIL: 'bot@acme.example',
  JIRA_API_TOKEN: 'jt',
  NOTIFY_WEBHOOK_URL: 'https://chat.example/hook',
  CONNECTIVITY_TIMEOUT_MS: '5000',
  PLCTL_URL: 'http://127.0.0.1:3000',
  PLCTL_TOKEN: 'token',
  PRIVATELINK_CACHE_DIR: dir,
};

/** Every config reader of every process kind, each on its whole path (all three ticket systems). */
const readers: [string, (env: Env) => unknown][] = [
  ['runtime', runtimeConfigFromEnv],
  ['api', apiSettingsFromEnv],
  ['activities (file)', (env) => activitySettingsFromEnv(env)],
  ['activities (zendesk)', (env) => activitySettingsFromEnv(withSystem(env, 'zendesk'))],
  ['activities (jira)', (env) => activitySettingsFromEnv(withSystem(env, 'jira'))],
  ['cli', cliConfigFromEnv],
  ['binaries cache', (env) => projectCacheDir(env)],
];

/** The same recording environment with TICKET_SYSTEM set (reads through to the recorder). */
function withSystem(env: Env, kind: string): Env {
  return new Proxy(env, { get: (target, name) => (name === 'TICKET_SYSTEM' ? kind : target[name as string]) });
}

describe('environment variables (src/config/variables.ts)', () => {
  const documented = new Set(environmentVariableNames);

  it.each(readers)('the %s settings read only documented variables', (_kind, read) => {
    const { env, read: names } = recording({ ...everything });
    read(env);
    expect([...names].filter((name) => !documented.has(name))).toEqual([]);
  });

  it('every documented variable is read by a config reader or by the binaries resolution', () => {
    const seen = new Set<string>();
    for (const [, read] of readers) {
      const { env, read: names } = recording({ ...everything });
      read(env);
      for (const name of names) seen.add(name);
    }
    // The binaries resolution reads its variables inside its steps, which run tools, and in the launcher script it
    // writes ($NAME); find them in its source.
    const binaries = join(repoRoot, 'src/temporal/binaries');
    for (const file of readdirSync(binaries)) {
      const text = readFileSync(join(binaries, file), 'utf8');
      for (const m of text.matchAll(/(?:\benv\.|\benvPathStep\('|\$)([A-Z][A-Z0-9_]+)/g)) seen.add(m[1]!);
    }
    expect(environmentVariableNames.filter((name) => !seen.has(name))).toEqual([]);
  });

  it('the environment is read only by the config readers, the binaries resolution and the entry points', () => {
    const allowed =
      /^(src\/config\/|src\/temporal\/binaries\/steps\.ts$|src\/(main|worker|api-main)\.ts$|src\/cli\/index\.ts$)/;
    const offenders: string[] = [];
    const walk = (folder: string) => {
      for (const entry of readdirSync(join(repoRoot, folder), { withFileTypes: true })) {
        const path = `${folder}/${entry.name}`;
        if (entry.isDirectory()) walk(path);
        else if (path.endsWith('.ts') && /\bprocess\.env\b/.test(readFileSync(join(repoRoot, path), 'utf8'))) {
          if (!allowed.test(path)) offenders.push(path);
        }
      }
    };
    for (const folder of ['src', 'activities', 'workflows']) walk(folder);
    expect(offenders).toEqual([]);
  });
});
