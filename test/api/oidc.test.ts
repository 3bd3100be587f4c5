import { createSign } from 'node:crypto';
import { createServer, type RequestListener, type Server, type ServerResponse } from 'node:http';
import { createServer as createTlsServer } from 'node:https';
import type { AddressInfo } from 'node:net';
import { exportJWK, generateKeyPair, type KeyLike, SignJWT, UnsecuredJWT } from 'jose';
import { Authenticator } from '../../src/api/auth';
import { OidcVerifier } from '../../src/api/oidc';
import { oidcConfigFromEnv } from '../../src/config/api';
import { AppError } from '../../src/errors';

const issuer = 'https://idp.vendor.example/';
const audience = 'privatelink-api';
let jwksUrl: string;
let privateKey: KeyLike;
let otherKey: KeyLike;

/** Local identity providers' JWKS endpoints, each answering with `handler`; closed after the tests. */
const servers: Server[] = [];
async function provider(handler: RequestListener): Promise<{ OIDC_JWKS_URL: string }> {
  const s = createServer(handler);
  servers.push(s);
  await new Promise<void>((r) => s.listen(0, '127.0.0.1', r));
  return { OIDC_JWKS_URL: `http://127.0.0.1:${(s.address() as AddressInfo).port}/jwks` };
}

beforeAll(async () => {
  const pair = await generateKeyPair('RS256');
  privateKey = pair.privateKey;
  otherKey = (await generateKeyPair('RS256')).privateKey;
  const jwk = { ...(await exportJWK(pair.publicKey)), kid: 'k1', alg: 'RS256', use: 'sig' };
  ({ OIDC_JWKS_URL: jwksUrl } = await provider((_req, res) => {
    res.setHeader('content-type', 'application/json');
    res.end(JSON.stringify({ keys: [jwk] }));
  }));
});
afterAll(() => Promise.all(servers.map((s) => new Promise((r) => s.close(r)))));

function verifier(env: Record<string, string> = {}) {
  return new OidcVerifier(
    oidcConfigFromEnv({
      OIDC_JWKS_URL: jwksUrl,
      OIDC_ISSUER: issuer,
      OIDC_AUDIENCE: audience,
      OIDC_ROLE_CLAIM: 'roles',
      ...env,
    })!,
  );
}

function token(
  claims: Record<string, unknown> = {},
  opts: {
    key?: KeyLike;
    aud?: string;
    iss?: string;
    exp?: string;
    sub?: string;
    kid?: string | null;
  } = {},
) {
  // `kid: null` leaves the key id out; an `iat` among the claims replaces the issue time the token otherwise gets now.
  const jwt = new SignJWT({ roles: ['support'], ...claims })
    .setProtectedHeader(opts.kid === null ? { alg: 'RS256' } : { alg: 'RS256', kid: opts.kid ?? 'k1' })
    .setSubject(opts.sub ?? 'alice@vendor.example')
    .setIssuer(opts.iss ?? issuer)
    .setAudience(opts.aud ?? audience);
  if (!('iat' in claims)) jwt.setIssuedAt();
  return jwt.setExpirationTime(opts.exp ?? '5m').sign(opts.key ?? privateKey);
}

async function refusal(jwt: string, env: Record<string, string> = {}): Promise<AppError> {
  const err = await verifier(env)
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

  it('reads a role given as one string, not only as a list', async () => {
    await expect(verifier().verify(await token({ roles: 'auditor' }))).resolves.toEqual({
      subject: 'alice@vendor.example',
      role: 'auditor',
    });
  });

  it('reads the role and the subject from the claims OIDC_ROLE_CLAIM and OIDC_SUBJECT_CLAIM name', async () => {
    const custom = { OIDC_ROLE_CLAIM: 'groups', OIDC_SUBJECT_CLAIM: 'email' };
    const jwt = await token({ roles: ['admin'], groups: ['support'], email: 'bob@vendor.example' });
    await expect(verifier(custom).verify(jwt)).resolves.toEqual({ subject: 'bob@vendor.example', role: 'support' });
    // The default claims are not read when others are configured.
    const err = await refusal(await token({ roles: ['admin'] }), custom);
    expect(err.message).toBe('The bearer JWT has no "email" claim to record as the actor.');
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

  it('answers forbidden for a valid token without a known role, naming the claim and the roles', async () => {
    const err = await refusal(await token({ roles: ['viewer'] }));
    expect(err.code).toBe('forbidden');
    expect(err.message).toBe(
      'The bearer JWT for alice@vendor.example carries no role in its "roles" claim (one of support, automation, auditor, admin, monitor).',
    );
  });

  it('refuses a token that never expires, and one whose subject is blank', async () => {
    const forever = await new SignJWT({ roles: ['admin'] })
      .setProtectedHeader({ alg: 'RS256', kid: 'k1' })
      .setSubject('alice@vendor.example')
      .setIssuer(issuer)
      .setAudience(audience)
      .sign(privateKey);
    expect((await refusal(forever)).message).toBe('The bearer JWT is not accepted: claim "exp" missing.');
    const blank = await refusal(await token({}, { sub: '   ' }));
    expect([blank.code, blank.message]).toEqual([
      'unauthenticated',
      'The bearer JWT has no "sub" claim to record as the actor.',
    ]);
  });

  it('is used for JWT-shaped bearer tokens; other tokens go to the tokens file', async () => {
    const auth = new Authenticator(undefined, verifier());
    await expect(auth.authenticate(`Bearer ${await token()}`)).resolves.toMatchObject({ role: 'support' });
    await expect(auth.authenticate('Bearer plain-token')).rejects.toThrow('The bearer token is not valid.');
  });

  it('with OIDC_MAX_TOKEN_AGE, refuses a token issued longer ago than that, or one that does not say when', async () => {
    const maxAge = { OIDC_MAX_TOKEN_AGE: '1h' };
    const issued = (secondsAgo: number | undefined) => {
      const jwt = new SignJWT({ roles: ['support'] })
        .setProtectedHeader({ alg: 'RS256', kid: 'k1' })
        .setSubject('alice@vendor.example')
        .setIssuer(issuer)
        .setAudience(audience)
        // A long-lived token: its exp alone would let it in for a week.
        .setExpirationTime('7d');
      if (secondsAgo !== undefined) jwt.setIssuedAt(Math.floor(Date.now() / 1000) - secondsAgo);
      return jwt.sign(privateKey);
    };
    const old = await refusal(await issued(2 * 3600), maxAge);
    expect(old.code).toBe('unauthenticated');
    expect(old.message).toBe(
      'The bearer JWT is not accepted: it was issued more than 3600 s ago (OIDC_MAX_TOKEN_AGE).',
    );
    const undated = await refusal(await issued(undefined), maxAge);
    expect(undated.message).toBe(
      'The bearer JWT is not accepted: it does not say when it was issued (no "iat" claim), which OIDC_MAX_TOKEN_AGE needs.',
    );
    await expect(verifier(maxAge).verify(await issued(60))).resolves.toMatchObject({ role: 'support' });
    // Unset, the age is not checked (exp still is).
    await expect(verifier().verify(await issued(2 * 3600))).resolves.toMatchObject({ role: 'support' });
    expect(() =>
      oidcConfigFromEnv({
        ...maxAge,
        OIDC_JWKS_URL: jwksUrl,
        OIDC_ISSUER: issuer,
        OIDC_AUDIENCE: audience,
        OIDC_MAX_TOKEN_AGE: 'an hour',
      }),
    ).toThrow(
      expect.objectContaining({ problems: [expect.stringMatching(/^OIDC_MAX_TOKEN_AGE: must be a duration/)] }),
    );
  });

  it.each([
    [
      'an iat that is no time',
      { iat: 'yesterday' },
      {},
      'it does not say when it was issued (no "iat" claim), which OIDC_MAX_TOKEN_AGE needs',
    ],
    ['an iat in the future', { iat: Math.floor(Date.now() / 1000) + 3600 }, {}, 'claim "iat" does not match'],
    ['an expired token issued just now', {}, { exp: '-10m' }, 'it has expired'],
    ['a wrong audience', {}, { aud: 'another-api' }, 'claim "aud" does not match'],
  ])('with OIDC_MAX_TOKEN_AGE, names the claim at fault for %s', async (_what, claims, opts, reason) => {
    const jwt = await token(claims, opts);
    const err = await refusal(jwt, { OIDC_MAX_TOKEN_AGE: '1h' });
    expect([err.code, err.message]).toEqual(['unauthenticated', `The bearer JWT is not accepted: ${reason}.`]);
  });

  it('names the code of a token jose refuses for a reason without words here (an unknown critical header)', async () => {
    const part = (o: object) => Buffer.from(JSON.stringify(o)).toString('base64url');
    const input = `${part({ alg: 'RS256', kid: 'k1', crit: ['x-vendor'], 'x-vendor': 1 })}.${part({ roles: ['admin'], sub: 'mallory', iss: issuer, aud: audience, exp: Math.floor(Date.now() / 1000) + 300 })}`;
    const jwt = `${input}.${createSign('RSA-SHA256')
      .update(input)
      .sign(privateKey as never, 'base64url')}`;
    const err = await refusal(jwt);
    expect([err.code, err.message]).toEqual([
      'unauthenticated',
      'The bearer JWT is not accepted: ERR_JOSE_NOT_SUPPORTED.',
    ]);
  });

  it.each([
    'ticket-system:zendesk',
    'system',
    ' System ',
    'unknown',
    '(unknown)',
    'ｓｙｓｔｅｍ',
    'privatelink-api/0.1.0@host:1',
  ])('refuses a subject the product records for itself (%j) with 403', async (subject) => {
    const err = await refusal(await token({}, { sub: subject }));
    expect(err.code).toBe('forbidden');
    expect(err.message).toMatch(/^The bearer JWT's "sub" claim (is|starts with) ".+", .*records for its own actions/);
  });

  it('refuses a token naming a key the identity provider does not have, and one that is not a JWT', async () => {
    const unknown = await refusal(await token({ roles: ['admin'] }, { kid: 'k9', key: otherKey }));
    expect([unknown.code, unknown.message]).toEqual([
      'unauthenticated',
      'The bearer JWT is not accepted: no key of the identity provider matches it.',
    ]);
    const garbled = await refusal('bm90IGpzb24.e30.c2ln');
    expect([garbled.code, garbled.message]).toEqual([
      'unauthenticated',
      'The bearer JWT is not accepted: it is malformed.',
    ]);
  });

  it('refuses a token without a key id when the identity provider has several keys, and a non-numeric iat', async () => {
    const second = await generateKeyPair('RS256');
    const keys = [
      { ...(await exportJWK(second.publicKey)), alg: 'RS256' },
      { ...(await exportJWK((await generateKeyPair('RS256')).publicKey)), alg: 'RS256' },
    ];
    const env = await provider((_q, res) => res.end(JSON.stringify({ keys })));
    const several = await refusal(await token({}, { kid: null, key: second.privateKey }), env);
    expect([several.code, several.message]).toEqual([
      'unauthenticated',
      'The bearer JWT is not accepted: it names no key id and the identity provider has several.',
    ]);
    // Without OIDC_MAX_TOKEN_AGE an iat is not required, but one that is there must be a time.
    const badIat = await refusal(await token({ iat: 'yesterday' }));
    expect(badIat.message).toBe('The bearer JWT is not accepted: claim "iat" invalid.');
  });

  describe('when the identity provider cannot give its keys, answers 503 (try again), not 401 (log in again)', () => {
    const outage = (why: string) =>
      `The bearer JWT cannot be checked now: the identity provider's keys (OIDC_JWKS_URL) could not be fetched (${why}). Try again later.`;

    it.each([
      ['an error status', (_q: unknown, res: ServerResponse) => res.writeHead(500).end('{}'), 'an error answer'],
      ['an answer that is not JSON', (_q: unknown, res: ServerResponse) => res.end('<html>'), 'an error answer'],
      [
        'JSON that is not a key set',
        (_q: unknown, res: ServerResponse) => res.end('{"keys":"none"}'),
        'the answer is not a valid JSON Web Key Set',
      ],
    ])('%s', async (_name, handler, why) => {
      const err = await refusal(await token(), await provider(handler));
      expect([err.code, err.message]).toEqual(['unavailable', outage(why)]);
    });

    it('no server at the address: the error code, not the address', async () => {
      const env = await provider(() => undefined);
      await new Promise((r) => servers.pop()!.close(r));
      const err = await refusal(await token(), env);
      expect([err.code, err.message]).toEqual(['unavailable', outage('not reachable: ECONNREFUSED')]);
      expect(err.message).not.toContain('127.0.0.1');
    });

    it('a key Node cannot read (no modulus)', async () => {
      const { n: _n, ...noModulus } = await exportJWK((await generateKeyPair('RS256')).publicKey);
      const env = await provider((_q, res) =>
        res.end(JSON.stringify({ keys: [{ ...noModulus, kid: 'k1', alg: 'RS256' }] })),
      );
      const err = await refusal(await token(), env);
      expect([err.code, err.message]).toEqual(['unavailable', outage('the answer is not a valid JSON Web Key Set')]);
    });

    it('a TLS certificate the server does not trust: the TLS error code', async () => {
      // A throwaway self-signed certificate for 127.0.0.1 (valid 2000-2100) and its key, for this test only.
      const tls = createTlsServer({ key: SELF_SIGNED_KEY, cert: SELF_SIGNED_CERT }, (_q, res) =>
        res.end('{"keys":[]}'),
      );
      servers.push(tls);
      await new Promise<void>((r) => tls.listen(0, '127.0.0.1', r));
      const env = { OIDC_JWKS_URL: `https://127.0.0.1:${(tls.address() as AddressInfo).port}/jwks` };
      const err = await refusal(await token(), env);
      expect([err.code, err.message]).toEqual(['unavailable', outage('not reachable: DEPTH_ZERO_SELF_SIGNED_CERT')]);
    });

    it('no answer within 5 s', async () => {
      const err = await refusal(await token(), await provider(() => undefined));
      expect([err.code, err.message]).toEqual(['unavailable', outage('no answer within 5 s')]);
    });
  });

  it('refuses a token whose key is too short for its algorithm, without naming more', async () => {
    const jwk = await exportJWK((await generateKeyPair('RS256')).publicKey);
    const env = await provider((_q, res) =>
      res.end(JSON.stringify({ keys: [{ ...jwk, n: 'AAAA', kid: 'k1', alg: 'RS256' }] })),
    );
    const err = await refusal(await token(), env);
    expect([err.code, err.message]).toEqual([
      'unauthenticated',
      'The bearer JWT is not accepted: it could not be verified.',
    ]);
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

const SELF_SIGNED_KEY = `-----BEGIN PRIVATE KEY-----
MIGHAgEAMBMGByqGSM49AgEGCCqGSM49AwEHBG0wawIBAQQg7+k5tR08iBKi8mVC
DskOyki7hfYyFFQIR34ZLXaBfdChRANCAATSynjHPCwGiHNmMiU1vSk4K/ia2Uz5
v4/xgSDiQmm14imOAq+QHZX0jjfjdjbPoj2SIc4CGEMW7SiWH9dARToN
-----END PRIVATE KEY-----
`;
const SELF_SIGNED_CERT = `-----BEGIN CERTIFICATE-----
MIIBKDCB0KADAgECAhR12bx76NRsrkmZpobC44XS+OcqJDAKBggqhkjOPQQDAjAU
MRIwEAYDVQQDDAkxMjcuMC4wLjEwIBcNMDAwMTAxMDAwMDAwWhgPMjEwMDAxMDEw
MDAwMDBaMBQxEjAQBgNVBAMMCTEyNy4wLjAuMTBZMBMGByqGSM49AgEGCCqGSM49
AwEHA0IABNLKeMc8LAaIc2YyJTW9KTgr+JrZTPm/j/GBIOJCabXiKY4Cr5AdlfSO
N+N2Ns+iPZIhzgIYQxbtKJYf10BFOg0wCgYIKoZIzj0EAwIDRwAwRAIgFA+f6rtA
ZoPBkjqHcBUFlP8MeS/+iJWMAgyt7nFUHb0CIFM7FiVF4RqS6xzurJO1N02Cz+70
yBRaIk1xpZj4kx7a
-----END CERTIFICATE-----
`;
