import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { exportJWK, generateKeyPair, type KeyLike, SignJWT } from 'jose';
import type { FastifyInstance } from 'fastify';
import { OidcVerifier } from '../../src/api/oidc';
import { oidcConfigFromEnv } from '../../src/config/api';
import { validIntake } from '../fixtures/requests';
import { buildTestApi, testCredentials } from '../helpers/api';
import { useTemporal } from '../helpers/temporal';

/** Callers named like the product's own actors, through the real API and a real identity provider's key set. */
const temporal = useTemporal('dev-server');
const creds = testCredentials();
const issuer = 'https://idp.vendor.example/';
const audience = 'privatelink-api';
let idp: Server;
let privateKey: KeyLike;
let api: FastifyInstance;

beforeAll(async () => {
  const pair = await generateKeyPair('RS256');
  privateKey = pair.privateKey;
  const jwk = { ...(await exportJWK(pair.publicKey)), kid: 'k1', alg: 'RS256', use: 'sig' };
  idp = createServer((_req, res) =>
    res.setHeader('content-type', 'application/json').end(JSON.stringify({ keys: [jwk] })),
  );
  await new Promise<void>((r) => idp.listen(0, '127.0.0.1', r));
  const jwksUrl = `http://127.0.0.1:${(idp.address() as AddressInfo).port}/jwks.json`;
  const jwt = new OidcVerifier(
    oidcConfigFromEnv({ OIDC_JWKS_URL: jwksUrl, OIDC_ISSUER: issuer, OIDC_AUDIENCE: audience })!,
  );
  api = buildTestApi(temporal, { store: creds.store, jwt });
});
afterAll(async () => {
  await api.close();
  await new Promise((r) => idp.close(r));
});

const tokenFor = (subject: string) =>
  new SignJWT({ roles: ['support'] })
    .setProtectedHeader({ alg: 'RS256', kid: 'k1' })
    .setSubject(subject)
    .setIssuer(issuer)
    .setAudience(audience)
    .setIssuedAt()
    .setExpirationTime('5m')
    .sign(privateKey);

let n = 0;
describe('a caller named like one of the product’s own actors', () => {
  it.each(['ticket-system:zendesk', 'system', 'privatelink-worker/0.1.0@worker-1:7'])(
    'OIDC subject %j: 403, and nothing is recorded under that name',
    (subject) =>
      temporal.withWorker(async () => {
        const ticketId = `RSV-${Date.now().toString(36)}-${++n}`;
        const res = await api.inject({
          method: 'POST',
          url: '/api/requests',
          headers: { authorization: `Bearer ${await tokenFor(subject)}` },
          payload: validIntake('aws', 'unidirectional', ticketId),
        });
        expect(res.statusCode).toBe(403);
        expect(res.json<{ detail: string }>().detail).toMatch(/records for its own actions/);
        const read = await api.inject({
          url: `/api/requests/${ticketId}`,
          headers: { authorization: `Bearer ${creds.tokens.auditor}` },
        });
        expect(read.statusCode).toBe(404);
      }),
  );

  it('a person with an ordinary subject still gets in', () =>
    temporal.withWorker(async () => {
      const ticketId = `RSV-${Date.now().toString(36)}-${++n}`;
      const res = await api.inject({
        method: 'POST',
        url: '/api/requests',
        headers: { authorization: `Bearer ${await tokenFor('system-admin@vendor.example')}` },
        payload: validIntake('aws', 'unidirectional', ticketId),
      });
      expect(res.statusCode).toBe(201);
      expect(res.json<{ event: { actor: string } }>().event.actor).toBe('system-admin@vendor.example');
    }));
});
