import { createHmac, randomBytes } from 'node:crypto';
import type { FastifyBaseLogger, FastifyInstance } from 'fastify';
import { Authenticator, hashToken, type JwtVerifier, type Role, roles, TokenStore } from '../../src/api/auth';
import { buildApiServer } from '../../src/api/server';
import type { WebhookSecrets } from '../../src/config/api';
import { EnablementClient } from '../../src/temporal/enablement-client';
import { validIntake } from '../fixtures/requests';
import { type TemporalTestContext, useTemporal } from './temporal';

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
    'webhook-signature': secrets.map((s) => standardSignature(s, id, timestamp, body)).join(' '),
  };
}

/**
 * A Standard Webhooks signature computed from the specification with `node:crypto` alone, not with the library the
 * server verifies with, so a mistake shared by both cannot pass: `v1,` and the base64 HMAC-SHA256, keyed with the
 * secret's base64 bytes (after `whsec_`), of `<id>.<unix seconds>.<body>`.
 */
export function standardSignature(secret: string, id: string, timestamp: Date, body: string): string {
  const key = Buffer.from(secret.replace(/^whsec_/, ''), 'base64');
  const seconds = Math.floor(timestamp.getTime() / 1000);
  return `v1,${createHmac('sha256', key).update(`${id}.${seconds}.${body}`).digest('base64')}`;
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
    // The API's own tests do not read the inbox; its index is tested where it is (test/console/).
    console: { index: false },
  });
}

/** `Authorization` header for a token. */
export const bearer = (token: string) => ({ authorization: `Bearer ${token}` });

/**
 * A test file's API over its own dev server and worker, with one token per role (`useTemporal('dev-server')` and
 * the API built in `beforeAll`, closed in `afterAll`), and the calls its tests make most.
 */
export function useTestApi(ticketPrefix: string) {
  const temporal = useTemporal('dev-server');
  const creds = testCredentials();
  const support = bearer(creds.tokens.support);
  let api: FastifyInstance | undefined;
  beforeAll(() => {
    api = buildTestApi(temporal, { store: creds.store });
  });
  afterAll(() => api?.close());
  const current = (): FastifyInstance => {
    if (!api) throw new Error('the test API is built in beforeAll');
    return api;
  };
  let n = 0;
  return {
    temporal,
    creds,
    support,
    /** The API (built once the file's tests start). */
    api: current,
    /** A ticket id no other test uses. */
    nextTicket: () => `${ticketPrefix}-${Date.now().toString(36)}-${++n}`,
    /** `POST /api/requests` as support staff. */
    start: (ticketId: string, intake = validIntake('aws', 'unidirectional', ticketId)) =>
      current().inject({ method: 'POST', url: '/api/requests', headers: support, payload: intake }),
    /** `POST /api/requests/:ticketId/events`, as support staff unless told otherwise. */
    send: (ticketId: string, payload: object, headers = support) =>
      current().inject({ method: 'POST', url: `/api/requests/${ticketId}/events`, headers, payload }),
  };
}
