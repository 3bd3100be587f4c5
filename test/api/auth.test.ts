import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { allows, Authenticator, hashToken, roles, TokenStore } from '../../src/api/auth';
import { AppError } from '../../src/errors';

const tokens = [
  { subject: 'alice@vendor.example', role: 'support', tokenSha256: hashToken('alice-secret-token') },
  { subject: 'zendesk', role: 'automation', tokenSha256: hashToken('zendesk-secret-token') },
  { subject: 'audit@vendor.example', role: 'auditor', tokenSha256: hashToken('auditor-secret-token').toUpperCase() },
];

describe('bearer tokens from AUTH_TOKENS_FILE', () => {
  let store: TokenStore;
  beforeAll(() => {
    store = TokenStore.parse(tokens);
  });

  it('authenticates each holder by the SHA-256 of their token, as their subject and role', () => {
    expect(store.authenticate('Bearer alice-secret-token')).toEqual({
      subject: 'alice@vendor.example',
      role: 'support',
    });
    expect(store.authenticate('Bearer zendesk-secret-token')).toEqual({ subject: 'zendesk', role: 'automation' });
    expect(store.authenticate('Bearer auditor-secret-token')).toEqual({
      subject: 'audit@vendor.example',
      role: 'auditor',
    });
  });

  it.each([
    ['no header', undefined],
    ['an empty header', ''],
    ['another scheme', 'Basic YWxpY2U6c2VjcmV0'],
    ['a bare token', 'alice-secret-token'],
    ['an unknown token', 'Bearer mallory-token'],
    ['a token one character off', 'Bearer alice-secret-tokeN'],
    ['the stored hash itself', `Bearer ${hashToken('alice-secret-token')}`],
    ['a token with spaces', 'Bearer alice secret token'],
    ['another scheme before Bearer', 'Basic Bearer alice-secret-token'],
  ])('refuses %s', (_name, header) => {
    expect(store.authenticate(header)).toBeUndefined();
  });

  it('stores a token as `echo -n "$TOKEN" | sha256sum` prints it (FIPS 180-2 vector for "abc")', () => {
    expect(hashToken('abc')).toBe('ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad');
    const vector = TokenStore.parse([
      {
        subject: 'vector',
        role: 'auditor',
        tokenSha256: 'BA7816BF8F01CFEA414140DE5DAE2223B00361A396177A9CB410FF61F20015AD',
      },
    ]);
    expect(vector.authenticate('Bearer abc')).toEqual({ subject: 'vector', role: 'auditor' });
  });

  it('lets each role do what docs/api.md gives it, and no more', () => {
    const table = Object.fromEntries(
      roles.map((role) => [
        role,
        (['read', 'start', 'event', 'ticket_event', 'metrics'] as const).filter((a) => allows(role, a)),
      ]),
    );
    expect(table).toEqual({
      support: ['read', 'start', 'event', 'ticket_event'],
      automation: ['read', 'start', 'ticket_event'],
      auditor: ['read'],
      admin: ['read', 'start', 'event', 'ticket_event', 'metrics'],
      // A Prometheus scraper's token: it can read the metrics and nothing about any request.
      monitor: ['metrics'],
    });
  });

  it('refuses a bad tokens file, listing every problem, and never echoes a token', () => {
    const attempt = () =>
      TokenStore.parse([
        { subject: '', role: 'root', tokenSha256: 'plain-text-token' },
        { subject: 'bob', role: 'support', tokenSha256: hashToken('x'), password: 'hunter2' },
        { subject: 'carol', role: 'support', tokenSha256: hashToken('x') },
      ]);
    expect(attempt).toThrow(AppError);
    const message = (() => {
      try {
        attempt();
        return '';
      } catch (err) {
        return (err as Error).message;
      }
    })();
    expect(message).toMatch(/^The tokens file AUTH_TOKENS_FILE is invalid:\n/);
    expect(message).toContain('[0].subject: must name who holds the token');
    expect(message).toContain('[0].role: must be one of support, automation, auditor, admin');
    expect(message).toContain(
      '[0].tokenSha256: must be the SHA-256 of the token as 64 hex digits (never the token itself)',
    );
    expect(message).toContain('[1]: unknown field(s) password');
    expect(message).toContain('[2].tokenSha256: is the same token as entry 1');
    expect(message).not.toContain('plain-text-token');
    expect(message).not.toContain('hunter2');
  });

  it('loads from a file and names it when it cannot', () => {
    const dir = mkdtempSync(join(tmpdir(), 'tokens-'));
    writeFileSync(join(dir, 'tokens.json'), JSON.stringify(tokens));
    expect(TokenStore.load(join(dir, 'tokens.json')).size).toBe(3);
    expect(() => TokenStore.load(join(dir, 'missing.json'))).toThrow(
      /Cannot read the tokens file .*missing\.json \(AUTH_TOKENS_FILE\): ENOENT/,
    );
    writeFileSync(join(dir, 'broken.json'), '[{');
    expect(() => TokenStore.load(join(dir, 'broken.json'))).toThrow(
      /broken\.json \(AUTH_TOKENS_FILE\) is not valid JSON/,
    );
  });
});

describe('authenticating an API call', () => {
  let store: TokenStore;
  beforeAll(() => {
    store = TokenStore.parse(tokens);
  });
  /** A verifier that takes any well-formed JWT as its payload's subject, and says which it was given. */
  const jwt = {
    seen: [] as string[],
    verify(token: string) {
      this.seen.push(token);
      return Promise.resolve({ subject: `jwt:${token.split('.')[1]!}`, role: 'support' as const });
    },
  };
  const refusal = async (authenticator: Authenticator, header: string | undefined) => {
    const err = await authenticator.authenticate(header).then(
      () => undefined,
      (e: unknown) => e,
    );
    if (!(err instanceof AppError)) throw new Error(`not refused with an AppError: ${String(err)}`);
    return { code: err.code, message: err.message };
  };

  beforeEach(() => {
    jwt.seen = [];
  });

  it('says how to configure credentials when none are, whatever is sent', async () => {
    const none = new Authenticator(undefined);
    expect(none.configured).toBe(false);
    expect(new Authenticator(TokenStore.parse([])).configured).toBe(false);
    expect(await refusal(none, 'Bearer alice-secret-token')).toEqual({
      code: 'unauthenticated',
      message: 'No credentials are configured on this server: set AUTH_TOKENS_FILE (and/or OIDC_JWKS_URL) and restart.',
    });
    expect(new Authenticator(undefined, jwt).configured).toBe(true);
    expect(new Authenticator(store).configured).toBe(true);
  });

  it('says what to send when the header is missing, blank or not a bearer token', async () => {
    const auth = new Authenticator(store);
    const missing = { code: 'unauthenticated', message: 'Send your token as Authorization: Bearer <token>.' };
    expect(await refusal(auth, undefined)).toEqual(missing);
    expect(await refusal(auth, '   ')).toEqual(missing);
    const shape = { code: 'unauthenticated', message: 'The Authorization header must be "Bearer <token>".' };
    expect(await refusal(auth, 'Basic YWxpY2U6c2VjcmV0')).toEqual(shape);
    expect(await refusal(auth, 'Bearer a b')).toEqual(shape);
    expect(await refusal(auth, 'Token Bearer alice-secret-token')).toEqual(shape);
    expect(await refusal(auth, 'Bearer')).toEqual(shape);
    expect(await refusal(auth, 'Bearer mallory')).toEqual({
      code: 'unauthenticated',
      message: 'The bearer token is not valid.',
    });
  });

  it('takes the scheme in any case and the token after any spaces, never echoing the token', async () => {
    const auth = new Authenticator(store);
    const alice = { subject: 'alice@vendor.example', role: 'support' };
    await expect(auth.authenticate('bearer alice-secret-token')).resolves.toEqual(alice);
    await expect(auth.authenticate('  BEARER    alice-secret-token  ')).resolves.toEqual(alice);
    expect((await refusal(auth, 'Bearer not-alice')).message).not.toContain('not-alice');
  });

  it('sends a JWT to the OIDC verifier when there is one, and any other token to the tokens file', async () => {
    const auth = new Authenticator(store, jwt);
    await expect(auth.authenticate('Bearer aaa.bbb.ccc')).resolves.toEqual({ subject: 'jwt:bbb', role: 'support' });
    await expect(auth.authenticate('Bearer aaa.bbb.')).resolves.toEqual({ subject: 'jwt:bbb', role: 'support' });
    await expect(auth.authenticate('Bearer alice-secret-token')).resolves.toEqual({
      subject: 'alice@vendor.example',
      role: 'support',
    });
    expect(jwt.seen).toEqual(['aaa.bbb.ccc', 'aaa.bbb.']);
    // Not JWT-shaped: two dots but a character a JWT never has, or one part missing.
    expect((await refusal(auth, 'Bearer aaa.b+b.ccc')).message).toBe('The bearer token is not valid.');
    expect((await refusal(auth, 'Bearer aaa.bbb')).message).toBe('The bearer token is not valid.');
    expect((await refusal(auth, 'Bearer .bbb.ccc')).message).toBe('The bearer token is not valid.');
    expect(jwt.seen).toHaveLength(2);
  });

  it('with OIDC only, refuses any token that is no JWT', async () => {
    const auth = new Authenticator(undefined, jwt);
    expect((await refusal(auth, 'Bearer alice-secret-token')).message).toBe('The bearer token is not valid.');
  });

  it('checks a tokens-file token as printable ASCII after "Bearer", spaces around the header ignored', () => {
    expect(store.authenticate('Bearer alice-secret-token\u00e9')).toBeUndefined();
    expect(store.authenticate(' Bearer alice-secret-token ')).toEqual({
      subject: 'alice@vendor.example',
      role: 'support',
    });
    expect(store.authenticate('bearer alice-secret-token')).toBeUndefined();
  });
});
