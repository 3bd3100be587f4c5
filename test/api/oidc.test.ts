import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { exportJWK, generateKeyPair, type KeyLike, SignJWT, UnsecuredJWT } from 'jose';
import { Authenticator } from '../../src/api/auth';
import { OidcVerifier } from '../../src/api/oidc';
import { oidcConfigFromEnv } from '../../src/config/api';
import { AppError } from '../../src/errors';

const issuer = 'https://idp.vendor.example/';
const audience = 'privatelink-api';
let server: Server;
let jwksUrl: string;
let privateKey: KeyLike;
let otherKey: KeyLike;

beforeAll(async () => {
  const pair = await generateKeyPair('RS256');
  privateKey = pair.privateKey;
  otherKey = (await generateKeyPair('RS256')).privateKey;
  const jwk = { ...(await exportJWK(pair.publicKey)), kid: 'k1', alg: 'RS256', use: 'sig' };
  // A local identity provider's JWKS endpoint.
  server = createServer((_req, res) => {
    res.setHeader('content-type', 'application/json');
    res.end(JSON.stringify({ keys: [jwk] }));
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  jwksUrl = `http://127.0.0.1:${(server.address() as AddressInfo).port}/.well-known/jwks.json`;
});
afterAll(() => new Promise((r) => server.close(r)));

function verifier() {
  return new OidcVerifier(
    oidcConfigFromEnv({
      OIDC_JWKS_URL: jwksUrl,
      OIDC_ISSUER: issuer,
      OIDC_AUDIENCE: audience,
      OIDC_ROLE_CLAIM: 'roles',
    })!,
  );
}

function token(
  claims: Record<string, unknown> = {},
  opts: { key?: KeyLike; aud?: string; iss?: string; exp?: string } = {},
) {
  return new SignJWT({ roles: ['support'], ...claims })
    .setProtectedHeader({ alg: 'RS256', kid: 'k1' })
    .setSubject('alice@vendor.example')
    .setIssuer(opts.iss ?? issuer)
    .setAudience(opts.aud ?? audience)
    .setIssuedAt()
    .setExpirationTime(opts.exp ?? '5m')
    .sign(opts.key ?? privateKey);
}

async function refusal(jwt: string): Promise<AppError> {
  const err = await verifier()
    .verify(jwt)
    .then(
      () => undefined,
      (e: unknown) => e,
    );
  expect(err).toBeInstanceOf(AppError);
  return err as AppError;
}

describe('OIDC JWTs', () => {
  it('accepts a token signed by the identity provider for this audience; the subject is the actor', async () => {
    await expect(verifier().verify(await token())).resolves.toEqual({
      subject: 'alice@vendor.example',
      role: 'support',
    });
  });

  it('gives the strongest role a token names', async () => {
    await expect(verifier().verify(await token({ roles: ['auditor', 'admin', 'unknown'] }))).resolves.toMatchObject({
      role: 'admin',
    });
  });

  it('refuses alg:none', async () => {
    const unsigned = new UnsecuredJWT({ roles: ['admin'] })
      .setSubject('mallory')
      .setIssuer(issuer)
      .setAudience(audience)
      .setExpirationTime('5m')
      .encode();
    const err = await refusal(unsigned);
    expect(err.code).toBe('unauthenticated');
  });

  it('refuses a wrong audience, a wrong issuer, an expired token and a foreign key, saying which', async () => {
    expect((await refusal(await token({}, { aud: 'another-api' }))).message).toMatch(/claim "aud" does not match/);
    expect((await refusal(await token({}, { iss: 'https://evil.example/' }))).message).toMatch(/claim "iss"/);
    expect((await refusal(await token({}, { exp: '-10m' }))).message).toMatch(/expired/);
    expect((await refusal(await token({}, { key: otherKey }))).message).toMatch(/signature does not verify/);
  });

  it('refuses an HS256 token (algorithm confusion) even if signed with the public key material', async () => {
    const hs = await new SignJWT({ roles: ['admin'] })
      .setProtectedHeader({ alg: 'HS256', kid: 'k1' })
      .setSubject('mallory')
      .setIssuer(issuer)
      .setAudience(audience)
      .setExpirationTime('5m')
      .sign(new TextEncoder().encode('guessable-secret-from-public-jwk'));
    expect((await refusal(hs)).message).toMatch(/algorithm is not accepted/);
  });

  it('answers forbidden for a valid token without a known role', async () => {
    const err = await refusal(await token({ roles: ['viewer'] }));
    expect(err.code).toBe('forbidden');
  });

  it('is used for JWT-shaped bearer tokens; other tokens go to the tokens file', async () => {
    const auth = new Authenticator(undefined, verifier());
    await expect(auth.authenticate(`Bearer ${await token()}`)).resolves.toMatchObject({ role: 'support' });
    await expect(auth.authenticate('Bearer plain-token')).rejects.toThrow('The bearer token is not valid.');
  });

  it('lists every missing or invalid setting', () => {
    expect(() => oidcConfigFromEnv({ OIDC_JWKS_URL: 'ftp://x', OIDC_ALGORITHMS: 'none,HS256' })).toThrow(
      expect.objectContaining({
        problems: expect.arrayContaining([
          expect.stringMatching(/^OIDC_JWKS_URL/),
          expect.stringMatching(/^OIDC_ISSUER/),
          expect.stringMatching(/^OIDC_AUDIENCE/),
          expect.stringMatching(/^OIDC_ALGORITHMS/),
        ]),
      }),
    );
    expect(oidcConfigFromEnv({})).toBeUndefined();
  });
});
