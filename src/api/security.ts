/** The API's ways in, from its settings: bearer tokens, OIDC JWTs, and the webhooks' secrets. */
import type { AuditSigningKey } from '../audit/signing';
import type { ApiSettings, WebhookSecrets } from '../config/api';
import { Authenticator, TokenStore } from './auth';
import { PageTokens } from '../temporal/page-token';
import { OidcVerifier } from './oidc';
import { SessionKeys } from '../console/session';
import { OidcSignIn } from '../console/oidc-sign-in';

/** What the API server needs to authenticate callers, and a summary for the start-up banner. */
export interface ApiSecurity {
  authenticator: Authenticator;
  webhooks: WebhookSecrets;
  /** The key audit exports are signed with; without one they are unsigned. */
  auditSigning?: AuditSigningKey;
  /** Signs the request list's page tokens (`PAGE_TOKEN_KEY`, else a key made at random for this process). */
  pageTokens: PageTokens;
  /** The Temporal UI's address (`TEMPORAL_UI_URL`), for the console's links. */
  temporalUiUrl?: string;
  /** Signs the console's session cookies (`CONSOLE_SESSION_KEY`, else a key made at random for this process). */
  sessions: SessionKeys;
  /** Console sign-in with the OIDC provider (`CONSOLE_OIDC_CLIENT_ID`); without it, the token form. */
  consoleOidc?: OidcSignIn;
  /** One line per way in, for the start-up banner (never a secret). */
  summary: string[];
}

/**
 * The authenticator and webhook secrets of the API's settings. A server with no way to authenticate still starts
 * (health and docs answer), and its summary says so.
 */
export function apiSecurity(settings: ApiSettings): ApiSecurity {
  const tokens = settings.tokens ? TokenStore.of(settings.tokens.entries) : undefined;
  const oidc = settings.oidc ? new OidcVerifier(settings.oidc) : undefined;
  const { webhooks } = settings;
  const summary = [
    settings.tokens
      ? `${tokens!.size} bearer token(s) from ${settings.tokens.file}`
      : 'no bearer tokens (set AUTH_TOKENS_FILE)',
    ...(oidc ? [`OIDC JWTs from ${oidc.config.issuer}`] : []),
    `webhooks: ${(['tickets', 'zendesk', 'jira'] as const)
      .map((k) => `${k} ${webhooks[k]?.length ? 'on' : 'off'}`)
      .join(', ')}`,
    settings.auditSigning
      ? `audit exports signed with key ${settings.auditSigning.keyId}`
      : 'audit exports unsigned (set AUDIT_SIGNING_KEY_FILE)',
    settings.pageTokenKeys
      ? 'page tokens signed with PAGE_TOKEN_KEY'
      : "page tokens signed with this process' own key (set PAGE_TOKEN_KEY when several API processes share a load balancer)",
  ];
  summary.push(
    settings.consoleSessionKeys
      ? 'console sessions signed with CONSOLE_SESSION_KEY'
      : "console sessions signed with this process' own key (they end when it restarts; set CONSOLE_SESSION_KEY to keep them)",
  );
  const sessions = settings.consoleSessionKeys
    ? SessionKeys.withKeys(settings.consoleSessionKeys)
    : SessionKeys.random();
  const consoleOidc =
    settings.consoleOidc && settings.oidc ? new OidcSignIn(settings.oidc, settings.consoleOidc) : undefined;
  summary.push(
    consoleOidc
      ? `console sign-in with ${consoleOidc.providerName} (OIDC, client ${settings.consoleOidc!.clientId})`
      : 'console sign-in with a bearer token (set CONSOLE_OIDC_CLIENT_ID for OIDC)',
  );
  const pageTokens = settings.pageTokenKeys ? PageTokens.withKeys(settings.pageTokenKeys) : PageTokens.random();
  const { auditSigning } = settings;
  return {
    authenticator: new Authenticator(tokens, oidc),
    webhooks,
    summary,
    pageTokens,
    sessions,
    ...(settings.temporalUiUrl ? { temporalUiUrl: settings.temporalUiUrl } : {}),
    ...(consoleOidc ? { consoleOidc } : {}),
    ...(auditSigning ? { auditSigning } : {}),
  };
}
