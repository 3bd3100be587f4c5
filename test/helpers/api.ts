import { randomBytes } from 'node:crypto';
import type { FastifyBaseLogger, FastifyInstance } from 'fastify';
import { Webhook } from 'standardwebhooks';
import { Authenticator, hashToken, type JwtVerifier, type Role, roles, TokenStore } from '../../src/api/auth';
import { buildApiServer } from '../../src/api/server';
import type { WebhookSecrets } from '../../src/config/api';
import { EnablementClient } from '../../src/temporal/enablement-client';
import type { TemporalTestContext } from './temporal';

/** One random bearer token per role, and the tokens file that holds their hashes. */
export function testCredentials() {
  const tokens = Object.fromEntries(roles.map((r) => [r, `tok_${r}_${randomBytes(16).toString('hex')}`])) as Record<
    Role,
    string
  >;
  const subjects = Object.fromEntries(roles.map((r) => [r, `${r}@vendor.example`])) as Record<Role, string>;
  const file = roles.map((role) => ({ subject: subjects[role], role, tokenSha256: hashToken(tokens[role]) }));
  return { tokens, subjects, file, store: TokenStore.parse(file) };
}

/** A Standard Webhooks secret (`whsec_` + base64 of 24 random bytes). */
export function newWebhookSecret(): string {
  return `whsec_${randomBytes(24).toString('base64')}`;
}

/** Standard Webhooks headers for a body, signed with each given secret (several during rotation). */
export function signStandard(
  body: string,
  secrets: string[],
  opts: { id?: string; timestamp?: Date } = {},
): Record<string, string> {
  const id = opts.id ?? `msg_${randomBytes(8).toString('hex')}`;
  const timestamp = opts.timestamp ?? new Date();
  return {
    'content-type': 'application/json',
    'webhook-id': id,
    'webhook-timestamp': String(Math.floor(timestamp.getTime() / 1000)),
    'webhook-signature': secrets.map((s) => new Webhook(s).sign(id, timestamp, body)).join(' '),
  };
}

/** The product's API over a test file's Temporal server and task queue. */
export function buildTestApi(
  temporal: TemporalTestContext,
  opts: { store?: TokenStore; jwt?: JwtVerifier; webhooks?: WebhookSecrets; logger?: FastifyBaseLogger } = {},
): FastifyInstance {
  return buildApiServer({
    logger: opts.logger,
    requests: new EnablementClient(temporal.client, temporal.taskQueue),
    authenticator: new Authenticator(opts.store, opts.jwt),
    webhooks: opts.webhooks ?? {},
  });
}

/** `Authorization` header for a token. */
export const bearer = (token: string) => ({ authorization: `Bearer ${token}` });
