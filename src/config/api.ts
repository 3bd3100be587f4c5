/**
 * The HTTP API's settings from the environment: who may call it (`AUTH_TOKENS_FILE`, `OIDC_*`) and the ticket-system
 * webhooks' secrets. Every problem, the tokens file's included, is reported at once.
 */
import { z } from 'zod';
import { AppError } from '../errors';
import { findIntakeKey } from '../webhooks/description';
import { type AuditSigningSettings, auditSigningKeyFromEnv } from './audit-signing';
import { type Env, setting } from './env';
import { readTokensFile, type TokenEntry } from './tokens-file';

/** OIDC settings, from `OIDC_*` environment variables. */
export interface OidcConfig {
  jwksUrl: URL;
  issuer: string;
  audience: string;
  /** Accepted signature algorithms; `none` and HMAC algorithms are never accepted. */
  algorithms: string[];
  /** Claim holding the role (a string, or an array whose highest role wins). */
  roleClaim: string;
  /** Claim recorded as the actor. */
  subjectClaim: string;
  /** Oldest a token may be, by its `iat` (`OIDC_MAX_TOKEN_AGE`); a token without `iat` is then refused. */
  maxTokenAgeSeconds?: number;
}

/** Secrets of each webhook; several per source during key rotation. A source without secrets is switched off. */
export interface WebhookSecrets {
  /** Standard Webhooks secrets (`whsec_…`), from TICKET_WEBHOOK_SECRET. */
  tickets?: string[];
  zendesk?: string[];
  jira?: string[];
  /** Jira issue fields holding intake data, by field id (`customfield_10050` → `Project ID`); JIRA_INTAKE_FIELDS. */
  jiraFields?: Record<string, string>;
}

/** Everything the API needs to know about who may call it. */
export interface ApiSettings {
  /** The tokens file and its entries, when `AUTH_TOKENS_FILE` is set. */
  tokens?: { file: string; entries: TokenEntry[] };
  oidc?: OidcConfig;
  webhooks: WebhookSecrets;
  /** The key audit exports are signed with, when `AUDIT_SIGNING_KEY_FILE` is set. */
  auditSigning?: AuditSigningSettings;
  /** The keys page tokens are signed with (`PAGE_TOKEN_KEY`; the first signs, each verifies); unset, a random one. */
  pageTokenKeys?: string[];
  /** The Temporal UI's address, for the console's links to a workflow (`TEMPORAL_UI_URL`). */
  temporalUiUrl?: string;
  /** The keys console session cookies are signed with (`CONSOLE_SESSION_KEY`; the first signs, each verifies); unset, a random one. */
  consoleSessionKeys?: string[];
  /** The console's OIDC client (`CONSOLE_OIDC_CLIENT_ID`, `CONSOLE_OIDC_CLIENT_SECRET`, `CONSOLE_URL`): sign-in by OIDC. */
  consoleOidc?: { clientId: string; clientSecret?: string; redirectUri: string };
}

const asymmetric = ['RS256', 'RS384', 'RS512', 'PS256', 'PS384', 'PS512', 'ES256', 'ES384', 'ES512', 'EdDSA'];

const oidcEnv = z.object({
  // Keys fetched over plain HTTP could be swapped on the way: https only, except on this machine.
  OIDC_JWKS_URL: z
    .url({ protocol: /^https?$/, error: "must be the https URL of the identity provider's JWKS" })
    .refine((u) => u.startsWith('https:') || /^http:\/\/(localhost|127\.0\.0\.1|\[::1\])[:/]/.test(u), {
      error: 'must be an https URL (plain http only for localhost)',
    }),
  OIDC_ISSUER: z.string().min(1, { error: 'must name the issuer (the `iss` claim) to accept' }),
  OIDC_AUDIENCE: z.string().min(1, { error: 'must name this API as the audience (the `aud` claim) to accept' }),
  OIDC_ALGORITHMS: z
    .string()
    .default('RS256,ES256')
    .transform((s) =>
      s
        .split(',')
        .map((a) => a.trim())
        .filter(Boolean),
    )
    .refine((list) => list.length > 0 && list.every((a) => asymmetric.includes(a)), {
      error: `must be a comma-separated list of ${asymmetric.join(', ')}`,
    }),
  OIDC_ROLE_CLAIM: z.string().min(1).default('roles'),
  OIDC_SUBJECT_CLAIM: z.string().min(1).default('sub'),
  OIDC_MAX_TOKEN_AGE: z
    .string()
    .regex(/^[1-9]\d{0,6}[smhd]?$/, { error: 'must be a duration: seconds, or a number with s, m, h or d (e.g. 1h)' })
    .transform((s) => Number.parseInt(s, 10) * ({ s: 1, m: 60, h: 3600, d: 86400 }[s.slice(-1)] ?? 1))
    .optional(),
});

/** OIDC settings from the environment, or undefined when no `OIDC_*` variable is set. Every problem is listed. */
export function oidcConfigFromEnv(env: Env): OidcConfig | undefined {
  // Any OIDC_ variable turns OIDC on, so a misspelt one is reported rather than silently ignored.
  const present = Object.fromEntries(Object.entries(env).filter(([k, v]) => k.startsWith('OIDC_') && v));
  if (Object.keys(present).length === 0) return undefined;
  const parsed = oidcEnv.safeParse(present);
  if (!parsed.success) {
    throw new AppError(
      'invalid_config',
      'Invalid OIDC settings:',
      parsed.error.issues.map((i) => `${i.path.join('.')}: ${i.message}`),
    );
  }
  const c = parsed.data;
  return {
    jwksUrl: new URL(c.OIDC_JWKS_URL),
    issuer: c.OIDC_ISSUER,
    audience: c.OIDC_AUDIENCE,
    algorithms: c.OIDC_ALGORITHMS,
    roleClaim: c.OIDC_ROLE_CLAIM,
    subjectClaim: c.OIDC_SUBJECT_CLAIM,
    ...(c.OIDC_MAX_TOKEN_AGE === undefined ? {} : { maxTokenAgeSeconds: c.OIDC_MAX_TOKEN_AGE }),
  };
}

/** Splits a secrets variable: several secrets separated by spaces or commas (rotation). */
export function splitSecrets(value: string | undefined): string[] {
  return (value ?? '').split(/[\s,]+/).filter(Boolean);
}

/**
 * Reads `AUTH_TOKENS_FILE` (and the file), `OIDC_*`, the webhook secrets, `JIRA_INTAKE_FIELDS`, `PAGE_TOKEN_KEY` and `CONSOLE_SESSION_KEY`. Every problem is
 * reported at once, as one `invalid_config` AppError; secrets are never quoted. No way in at all is not a problem:
 * the API then answers health and docs, and says what to configure.
 */
export function apiSettingsFromEnv(env: Env): ApiSettings {
  const problems: string[] = [];
  const collect = <T>(read: () => T): T | undefined => {
    try {
      return read();
    } catch (err) {
      if (!(err instanceof AppError)) throw err;
      problems.push(err.message);
      return undefined;
    }
  };
  const tokensFile = setting(env, 'AUTH_TOKENS_FILE');
  const entries = tokensFile === undefined ? undefined : collect(() => readTokensFile(tokensFile));
  const oidc = collect(() => oidcConfigFromEnv(env));
  const auditSigning = collect(() => auditSigningKeyFromEnv(env));
  const webhooks: WebhookSecrets = {
    tickets: splitSecrets(env.TICKET_WEBHOOK_SECRET),
    zendesk: splitSecrets(env.ZENDESK_WEBHOOK_SECRET),
    jira: splitSecrets(env.JIRA_WEBHOOK_SECRET),
  };
  if (webhooks.tickets!.some((s) => !/^whsec_[A-Za-z0-9+/]+={0,2}$/.test(s))) {
    problems.push('TICKET_WEBHOOK_SECRET: each secret must be whsec_ followed by base64 (Standard Webhooks)');
  }
  const pageTokenKeys = splitSecrets(env.PAGE_TOKEN_KEY);
  if (pageTokenKeys.some((key) => key.length < 32)) {
    problems.push('PAGE_TOKEN_KEY: each key must be at least 32 characters, e.g. from `openssl rand -base64 32`');
  }
  const consoleSessionKeys = splitSecrets(env.CONSOLE_SESSION_KEY);
  if (consoleSessionKeys.some((key) => key.length < 32)) {
    problems.push('CONSOLE_SESSION_KEY: each key must be at least 32 characters, e.g. from `openssl rand -base64 32`');
  }
  const temporalUiUrl = setting(env, 'TEMPORAL_UI_URL');
  if (temporalUiUrl !== undefined && !/^https?:\/\/[^\s/]+(\/\S*)?$/.test(temporalUiUrl)) {
    problems.push('TEMPORAL_UI_URL: must be the http(s) address of the Temporal UI, e.g. https://temporal.example.com');
  }
  const consoleOidc = consoleOidcFromEnv(env, oidc, problems);
  const jiraFields = setting(env, 'JIRA_INTAKE_FIELDS');
  if (jiraFields) webhooks.jiraFields = jiraFieldMap(jiraFields, problems);
  if (problems.length) throw new AppError('invalid_config', 'Invalid API security settings:', problems);
  return {
    ...(tokensFile !== undefined && entries ? { tokens: { file: tokensFile, entries } } : {}),
    ...(oidc ? { oidc } : {}),
    webhooks,
    ...(auditSigning ? { auditSigning } : {}),
    ...(pageTokenKeys.length ? { pageTokenKeys } : {}),
    ...(consoleSessionKeys.length ? { consoleSessionKeys } : {}),
    ...(temporalUiUrl ? { temporalUiUrl } : {}),
    ...(consoleOidc ? { consoleOidc } : {}),
  };
}

/** The console's OIDC client, when `CONSOLE_OIDC_CLIENT_ID` is set: it needs the OIDC settings and `CONSOLE_URL`. */
function consoleOidcFromEnv(
  env: Env,
  oidc: OidcConfig | undefined,
  problems: string[],
): ApiSettings['consoleOidc'] | undefined {
  const clientId = setting(env, 'CONSOLE_OIDC_CLIENT_ID');
  const clientSecret = setting(env, 'CONSOLE_OIDC_CLIENT_SECRET');
  const base = setting(env, 'CONSOLE_URL');
  if (clientId === undefined) {
    if (clientSecret !== undefined) problems.push('CONSOLE_OIDC_CLIENT_SECRET: set CONSOLE_OIDC_CLIENT_ID with it');
    return undefined;
  }
  if (!oidc) problems.push('CONSOLE_OIDC_CLIENT_ID: set OIDC_ISSUER, OIDC_JWKS_URL and OIDC_AUDIENCE too');
  let redirectUri: string | undefined;
  try {
    const url = new URL(base ?? '');
    const local = ['127.0.0.1', 'localhost', '[::1]'].includes(url.hostname);
    if ((url.protocol === 'https:' || (url.protocol === 'http:' && local)) && !url.search && !url.hash) {
      redirectUri = `${url.origin}${url.pathname.replace(/\/+$/, '')}/console/sign-in/callback`;
    }
  } catch {
    redirectUri = undefined;
  }
  if (!redirectUri) {
    problems.push(
      'CONSOLE_URL: with CONSOLE_OIDC_CLIENT_ID, the https address people open the console at (e.g. https://privatelink.example.com)',
    );
    return undefined;
  }
  return { clientId, ...(clientSecret !== undefined ? { clientSecret } : {}), redirectUri };
}

/** `customfield_10050=Project ID,customfield_10051=Region`: each field id and the intake key it holds. */
function jiraFieldMap(value: string, problems: string[]): Record<string, string> {
  const fields: Record<string, string> = {};
  for (const pair of value
    .split(',')
    .map((p) => p.trim())
    .filter(Boolean)) {
    const m = /^(customfield_\d+|[a-z][A-Za-z]*)\s*=\s*(.+)$/.exec(pair);
    if (!m || !findIntakeKey(m[2]!)) {
      problems.push(
        `JIRA_INTAKE_FIELDS: "${pair}" must be <field id>=<intake key>, e.g. customfield_10050=Project ID (keys as in docs/webhooks.md)`,
      );
    } else fields[m[1]!] = m[2]!.trim();
  }
  return fields;
}
