import { execFile } from 'node:child_process';
import { createPrivateKey } from 'node:crypto';
import { promisify } from 'node:util';
import type { FastifyInstance } from 'fastify';
import { productClient } from '../../src/api/app';
import { Authenticator, type TokenStore } from '../../src/api/auth';
import { buildApiServer } from '../../src/api/server';
import { type AuditSigningKey, newSigningKeyPair, signingKeyOf } from '../../src/audit/signing';
import { EnablementClient } from '../../src/temporal/enablement-client';
import type { TemporalTestContext } from '../helpers/temporal';

const run = promisify(execFile);

/**
 * The API as the product runs it against a test file's server: its Temporal client names itself as the product's API
 * does (`buildProductApi`), so the audit history tells its events from those sent straight to Temporal.
 */
export function buildProductTestApi(
  temporal: TemporalTestContext,
  opts: { store: TokenStore; auditSigning?: AuditSigningKey },
): FastifyInstance {
  const client = productClient(temporal.env.connection, temporal.env.namespace ?? 'default');
  return buildApiServer({
    requests: new EnablementClient(client, temporal.taskQueue),
    authenticator: new Authenticator(opts.store),
    ...(opts.auditSigning ? { auditSigning: opts.auditSigning } : {}),
  });
}

/** A fresh Ed25519 key pair as `plctl audit-key new` makes it, and the API's signing key from it. */
export function testSigningKey() {
  const pair = newSigningKeyPair();
  return { ...pair, signing: signingKeyOf(createPrivateKey(pair.privateKeyPem)) };
}

/** The stock `temporal` CLI against the test file's server: nothing of the product's code is involved. */
export function stockCli(temporal: TemporalTestContext) {
  return (...args: string[]) =>
    run(process.env.TEMPORAL_CLI_PATH!, [...args, '--address', temporal.env.address], {
      encoding: 'utf8',
      maxBuffer: 16 * 1024 * 1024,
    }).then((r) => r.stdout);
}
