/**
 * A local OpenID Connect provider for the console's sign-in tests: discovery, the authorization endpoint (signing in
 * the configured user at once, as a provider does after its own login page), the token endpoint (authorization code
 * grant with PKCE S256, codes single-use, client secret by HTTP Basic when it has one) and the key set, over HTTP in
 * the protocol's own wire format (OpenID Connect Core 1.0, RFC 6749, RFC 7636).
 */
import { createHash, randomBytes } from 'node:crypto';
import type { IncomingMessage, ServerResponse } from 'node:http';
import { exportJWK, generateKeyPair, type KeyLike, SignJWT } from 'jose';
import { FakeHttpService } from './fake-http';

interface Grant {
  clientId: string;
  redirectUri: string;
  challenge: string;
  nonce: string | undefined;
  user: { sub: string; roles: string[] };
}

export class FakeIdentityProvider extends FakeHttpService<'authorize' | 'token'> {
  /** Who signs in at the next authorization. */
  user = { sub: 'dana@vendor.example', roles: ['support'] };
  /** Refuse the next authorization with this OAuth error (`access_denied`), once. */
  denyNext: string | undefined;
  private readonly grants = new Map<string, Grant>();
  private key: KeyLike | undefined;
  private jwk: Record<string, unknown> | undefined;

  constructor(
    readonly client: { clientId: string; redirectUri: string; clientSecret?: string },
    readonly roleClaim = 'roles',
  ) {
    super();
  }

  override async start(): Promise<this> {
    const pair = await generateKeyPair('RS256');
    this.key = pair.privateKey;
    this.jwk = { ...(await exportJWK(pair.publicKey)), kid: 'idp-1', alg: 'RS256', use: 'sig' };
    return super.start();
  }

  /** The issuer (this server's address). */
  get issuer(): string {
    return this.url;
  }

  protected handle(req: IncomingMessage, raw: string, res: ServerResponse): void {
    const url = new URL(req.url ?? '/', this.url);
    this.requests.push({ method: req.method ?? 'GET', path: url.pathname });
    const json = (status: number, body: unknown) => {
      res.writeHead(status, { 'content-type': 'application/json', 'cache-control': 'no-store' });
      res.end(JSON.stringify(body));
    };
    if (url.pathname === '/.well-known/openid-configuration') {
      json(200, {
        issuer: this.issuer,
        authorization_endpoint: `${this.url}/authorize`,
        token_endpoint: `${this.url}/token`,
        jwks_uri: `${this.url}/jwks`,
        response_types_supported: ['code'],
        code_challenge_methods_supported: ['S256'],
        id_token_signing_alg_values_supported: ['RS256'],
      });
      return;
    }
    if (url.pathname === '/jwks') return json(200, { keys: [this.jwk] });
    if (url.pathname === '/authorize' && req.method === 'GET') return this.authorize(url, res);
    if (url.pathname === '/token' && req.method === 'POST') {
      void this.token(req, raw).then(([status, body]) => json(status, body));
      return;
    }
    json(404, { error: 'not_found' });
  }

  private authorize(url: URL, res: ServerResponse): void {
    const q = url.searchParams;
    const redirectUri = q.get('redirect_uri');
    // Never redirect to an address the client did not register (RFC 6749 §3.1.2.4): answer here instead.
    if (q.get('client_id') !== this.client.clientId || redirectUri !== this.client.redirectUri) {
      res.writeHead(400, { 'content-type': 'text/plain' });
      res.end('unknown client or redirect_uri');
      return;
    }
    const back = new URL(redirectUri);
    const state = q.get('state');
    if (state !== null) back.searchParams.set('state', state);
    const error =
      this.denyNext ??
      (q.get('response_type') !== 'code'
        ? 'unsupported_response_type'
        : q.get('code_challenge_method') !== 'S256' || !q.get('code_challenge')
          ? 'invalid_request'
          : !(q.get('scope') ?? '').split(' ').includes('openid')
            ? 'invalid_scope'
            : undefined);
    this.denyNext = undefined;
    if (error) {
      back.searchParams.set('error', error);
      back.searchParams.set('error_description', error === 'access_denied' ? 'The user declined.' : 'Bad request.');
    } else {
      const code = randomBytes(16).toString('base64url');
      this.grants.set(code, {
        clientId: this.client.clientId,
        redirectUri,
        challenge: q.get('code_challenge')!,
        nonce: q.get('nonce') ?? undefined,
        user: { ...this.user },
      });
      back.searchParams.set('code', code);
    }
    res.writeHead(302, { location: back.toString() });
    res.end();
  }

  private async token(req: IncomingMessage, raw: string): Promise<[number, unknown]> {
    const form = new URLSearchParams(raw);
    if (this.client.clientSecret !== undefined) {
      const basic = /^Basic (.+)$/.exec(req.headers.authorization ?? '')?.[1];
      const [id, secret] = Buffer.from(basic ?? '', 'base64')
        .toString()
        .split(':')
        .map(decodeURIComponent);
      if (id !== this.client.clientId || secret !== this.client.clientSecret) return [401, { error: 'invalid_client' }];
    }
    if (form.get('grant_type') !== 'authorization_code') return [400, { error: 'unsupported_grant_type' }];
    const code = form.get('code') ?? '';
    const grant = this.grants.get(code);
    this.grants.delete(code); // single use
    const verifier = form.get('code_verifier') ?? '';
    const challenge = createHash('sha256').update(verifier).digest('base64url');
    if (
      !grant ||
      grant.clientId !== form.get('client_id') ||
      grant.redirectUri !== form.get('redirect_uri') ||
      challenge !== grant.challenge
    ) {
      return [400, { error: 'invalid_grant' }];
    }
    const idToken = await new SignJWT({
      [this.roleClaim]: grant.user.roles,
      ...(grant.nonce ? { nonce: grant.nonce } : {}),
    })
      .setProtectedHeader({ alg: 'RS256', kid: 'idp-1' })
      .setIssuer(this.issuer)
      .setSubject(grant.user.sub)
      .setAudience(grant.clientId)
      .setIssuedAt()
      .setExpirationTime('5m')
      .sign(this.key!);
    return [
      200,
      { access_token: randomBytes(16).toString('hex'), token_type: 'Bearer', expires_in: 300, id_token: idToken },
    ];
  }
}
