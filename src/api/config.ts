/** The API's security settings from the environment: who may call it, and the webhook secrets. */
import { AppError } from '../errors';
import { findIntakeKey } from '../webhooks/description';
import { Authenticator, TokenStore } from './auth';
import { OidcVerifier, oidcConfigFromEnv } from './oidc';
import { splitSecrets, type WebhookSecrets } from './routes/webhooks';

export interface ApiSecurity {
  authenticator: Authenticator;
  webhooks: WebhookSecrets;
  /** One line per way in, for the start-up banner (never a secret). */
  summary: string[];
}

/**
 * Reads AUTH_TOKENS_FILE, OIDC_* and the webhook secrets. Every problem is reported at once; a server with no way to
 * authenticate still starts (health and docs answer), and says so.
 */
export function apiSecurityFromEnv(env: NodeJS.ProcessEnv): ApiSecurity {
  const problems: string[] = [];
  let tokens: TokenStore | undefined;
  if (env.AUTH_TOKENS_FILE) {
    try {
      tokens = TokenStore.load(env.AUTH_TOKENS_FILE);
    } catch (err) {
      if (!(err instanceof AppError)) throw err;
      problems.push(err.message);
    }
  }
  let oidc: OidcVerifier | undefined;
  try {
    const config = oidcConfigFromEnv(env);
    if (config) oidc = new OidcVerifier(config);
  } catch (err) {
    if (!(err instanceof AppError)) throw err;
    problems.push(err.message);
  }
  const webhooks: WebhookSecrets = {
    tickets: splitSecrets(env.TICKET_WEBHOOK_SECRET),
    zendesk: splitSecrets(env.ZENDESK_WEBHOOK_SECRET),
    jira: splitSecrets(env.JIRA_WEBHOOK_SECRET),
  };
  if (env.JIRA_INTAKE_FIELDS) {
    webhooks.jiraFields = {};
    for (const pair of env.JIRA_INTAKE_FIELDS.split(',')
      .map((p) => p.trim())
      .filter(Boolean)) {
      const m = /^(customfield_\d+|[a-z][A-Za-z]*)\s*=\s*(.+)$/.exec(pair);
      if (!m || !findIntakeKey(m[2]!)) {
        problems.push(
          `JIRA_INTAKE_FIELDS: "${pair}" must be <field id>=<intake key>, e.g. customfield_10050=Project ID (keys as in the README's description table)`,
        );
      } else webhooks.jiraFields[m[1]!] = m[2]!.trim();
    }
  }
  const bad = webhooks.tickets!.filter((s) => !/^whsec_[A-Za-z0-9+/]+={0,2}$/.test(s));
  if (bad.length)
    problems.push('TICKET_WEBHOOK_SECRET: each secret must be whsec_ followed by base64 (Standard Webhooks)');
  if (problems.length) throw new AppError('invalid_config', 'Invalid API security settings:', problems);

  const summary = [
    tokens ? `${tokens.size} bearer token(s) from ${env.AUTH_TOKENS_FILE}` : 'no bearer tokens (set AUTH_TOKENS_FILE)',
    ...(oidc ? [`OIDC JWTs from ${oidc.config.issuer}`] : []),
    `webhooks: ${(['tickets', 'zendesk', 'jira'] as const)
      .map((k) => `${k} ${webhooks[k]!.length ? 'on' : 'off'}`)
      .join(', ')}`,
  ];
  return { authenticator: new Authenticator(tokens, oidc), webhooks, summary };
}
