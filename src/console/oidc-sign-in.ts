/**
 * Signing in to the console with the organisation's identity provider: OpenID Connect's authorization code flow with
 * PKCE (RFC 7636, S256). The browser never holds a token: the API exchanges the code for an ID token, verifies it
 * (signature against the provider's keys, issuer, audience = the console's client id, expiry, nonce), reads the
 * subject and role from the same claims the API reads, and opens a session cookie as the token form does.
 *
 * Where the browser is sent and where the API connects come from configuration and from the provider's discovery
 * document at the configured issuer, never from the request.
 */
import { createHash, randomBytes } from 'node:crypto';
import { decodeJwt } from 'jose';
import { OidcVerifier } from '../api/oidc';
import type { Principal } from '../api/auth';
import type { OidcConfig } from '../config/api';
import { AppError } from '../errors';

/** The console's own OIDC client (`CONSOLE_OIDC_CLIENT_ID`, `CONSOLE_OIDC_CLIENT_SECRET`, `CONSOLE_URL`). */
export interface ConsoleOidcClient {
  clientId: string;
  /** For a confidential client (sent as HTTP Basic); a public client uses PKCE alone. */
  clientSecret?: string;
  /** Where the provider sends the browser back: `<CONSOLE_URL>/console/sign-in/callback`. */
  redirectUri: string;
}

/** What the console keeps between sending the browser to the provider and its return (in a signed cookie). */
export interface PendingSignIn {
  state: string;
  verifier: string;
  nonce: string;
  /** The console page to go to afterwards. */
  next: string;
  /** Until when the provider may answer (ms). */
  until: number;
}

/** How long a person may take at the provider. */
export const PENDING_SECONDS = 600;
/** Largest answer read from the provider. */
const MAX_ANSWER_BYTES = 64 * 1024;
const TIMEOUT_MS = 5_000;
/** Longest console address a sign-in returns to. */
const MAX_NEXT = 512;
/** How long the discovery document is kept. */
const DISCOVERY_TTL_MS = 3_600_000;

interface Discovery {
  authorization_endpoint: string;
  token_endpoint: string;
}

const b64url = (bytes: Buffer) => bytes.toString('base64url');
const random = () => b64url(randomBytes(32));

/** True for an address the API may send people and codes to: HTTPS, or plain HTTP on this machine (development). */
function safeEndpoint(value: unknown): value is string {
  if (typeof value !== 'string') return false;
  try {
    const url = new URL(value);
    if (url.username || url.password) return false;
    return (
      url.protocol === 'https:' ||
      (url.protocol === 'http:' && ['127.0.0.1', 'localhost', '[::1]'].includes(url.hostname))
    );
  } catch {
    return false;
  }
}

export class OidcSignIn {
  private readonly verifier: OidcVerifier;
  private discovered: { at: number; doc: Discovery } | undefined;

  constructor(
    private readonly oidc: OidcConfig,
    readonly client: ConsoleOidcClient,
    private readonly now: () => number = Date.now,
  ) {
    // The ID token is for the console (its audience is the client id), with the API's issuer, keys and claims.
    this.verifier = new OidcVerifier({ ...oidc, audience: client.clientId });
  }

  /** The provider's name for the sign-in button: its host. */
  get providerName(): string {
    try {
      return new URL(this.oidc.issuer).host;
    } catch {
      return this.oidc.issuer;
    }
  }

  /** Where to send the browser, and what to keep until it comes back. */
  async begin(next: string): Promise<{ location: string; pending: PendingSignIn }> {
    const doc = await this.discovery();
    const pending: PendingSignIn = {
      state: random(),
      verifier: random(),
      nonce: random(),
      // The cookie stays small: a longer address (many filters) brings the person to the inbox instead.
      next: next.length <= MAX_NEXT ? next : '/console',
      until: this.now() + PENDING_SECONDS * 1000,
    };
    const url = new URL(doc.authorization_endpoint);
    const params: Record<string, string> = {
      response_type: 'code',
      client_id: this.client.clientId,
      redirect_uri: this.client.redirectUri,
      scope: 'openid profile email',
      state: pending.state,
      nonce: pending.nonce,
      code_challenge: b64url(createHash('sha256').update(pending.verifier).digest()),
      code_challenge_method: 'S256',
    };
    for (const [k, v] of Object.entries(params)) url.searchParams.set(k, v);
    return { location: url.toString(), pending };
  }

  /**
   * The person the provider signed in, from its answer on the callback (`code` and `state`, or `error`), checked
   * against what {@link begin} kept. Throws an AppError saying what went wrong, for the sign-in page.
   */
  async finish(query: Record<string, unknown>, pending: PendingSignIn | undefined): Promise<Principal> {
    const text = (name: string) => {
      const v = query[name];
      return typeof v === 'string' && v.length <= 2048 ? v : undefined;
    };
    if (!pending || pending.until <= this.now()) {
      throw new AppError(
        'unauthenticated',
        'This sign-in was not started here, or took longer than ten minutes. Sign in again.',
      );
    }
    const state = text('state');
    if (state !== pending.state) {
      throw new AppError(
        'unauthenticated',
        'The answer from the identity provider is not for this sign-in. Sign in again.',
      );
    }
    const error = text('error');
    if (error) {
      const said = text('error_description');
      throw new AppError(
        'unauthenticated',
        `The identity provider did not sign you in (${error.slice(0, 100)}${said ? `: ${said.slice(0, 300)}` : ''}).`,
      );
    }
    const code = text('code');
    if (!code) throw new AppError('bad_request', 'The identity provider sent no code. Sign in again.');
    const idToken = await this.exchange(code, pending.verifier);
    const principal = await this.verifier.verify(idToken);
    let nonce: unknown;
    try {
      nonce = decodeJwt(idToken).nonce;
    } catch {
      nonce = undefined;
    }
    if (nonce !== pending.nonce) {
      throw new AppError(
        'unauthenticated',
        'The identity provider answered for another sign-in (nonce). Sign in again.',
      );
    }
    return principal;
  }

  /** The code exchanged at the token endpoint for the ID token. */
  private async exchange(code: string, verifier: string): Promise<string> {
    const doc = await this.discovery();
    const body = new URLSearchParams({
      grant_type: 'authorization_code',
      code,
      redirect_uri: this.client.redirectUri,
      client_id: this.client.clientId,
      code_verifier: verifier,
    });
    const headers: Record<string, string> = {
      'content-type': 'application/x-www-form-urlencoded',
      accept: 'application/json',
    };
    if (this.client.clientSecret !== undefined) {
      const id = encodeURIComponent(this.client.clientId);
      const secret = encodeURIComponent(this.client.clientSecret);
      headers.authorization = `Basic ${Buffer.from(`${id}:${secret}`).toString('base64')}`;
    }
    const answer = await this.call(doc.token_endpoint, { method: 'POST', headers, body: body.toString() });
    if (answer.status !== 200) {
      const error = typeof answer.json?.error === 'string' ? answer.json.error.slice(0, 100) : `HTTP ${answer.status}`;
      throw new AppError(
        'unauthenticated',
        `The identity provider refused the sign-in code (${error}). Sign in again.`,
      );
    }
    const idToken = answer.json?.id_token;
    if (typeof idToken !== 'string' || idToken.length > 16_384) {
      throw new AppError('unavailable', 'The identity provider answered without an ID token.');
    }
    return idToken;
  }

  /** The provider's discovery document (kept an hour): its authorization and token endpoints. */
  private async discovery(): Promise<Discovery> {
    if (this.discovered && this.now() - this.discovered.at < DISCOVERY_TTL_MS) return this.discovered.doc;
    const url = `${this.oidc.issuer.replace(/\/+$/, '')}/.well-known/openid-configuration`;
    const answer = await this.call(url, { method: 'GET', headers: { accept: 'application/json' } });
    const doc = answer.json;
    const sameIssuer =
      typeof doc?.issuer === 'string' && doc.issuer.replace(/\/+$/, '') === this.oidc.issuer.replace(/\/+$/, '');
    if (
      answer.status !== 200 ||
      !sameIssuer ||
      !safeEndpoint(doc?.authorization_endpoint) ||
      !safeEndpoint(doc?.token_endpoint)
    ) {
      throw new AppError(
        'unavailable',
        `Signing in is not possible now: the identity provider's discovery document (OIDC_ISSUER) ${answer.status !== 200 ? `answered HTTP ${answer.status}` : !sameIssuer ? 'names another issuer' : 'has no HTTPS authorization and token endpoints'}.`,
      );
    }
    const found = { authorization_endpoint: doc.authorization_endpoint, token_endpoint: doc.token_endpoint };
    this.discovered = { at: this.now(), doc: found };
    return found;
  }

  /** One bounded call to the provider: at most 5 s and 64 KiB, no redirects; the JSON answer when it is JSON. */
  private async call(
    url: string,
    init: { method: string; headers: Record<string, string>; body?: string },
  ): Promise<{ status: number; json: Record<string, unknown> | undefined }> {
    let res: Response;
    try {
      res = await fetch(url, { ...init, redirect: 'error', signal: AbortSignal.timeout(TIMEOUT_MS) });
    } catch (err) {
      const why = (err as Error).name === 'TimeoutError' ? 'no answer within 5 s' : 'not reachable';
      throw new AppError('unavailable', `Signing in is not possible now: the identity provider is ${why}.`);
    }
    const raw = await readBounded(res);
    if (raw === undefined) return { status: res.status, json: undefined };
    try {
      const json: unknown = JSON.parse(raw);
      return {
        status: res.status,
        json: json && typeof json === 'object' && !Array.isArray(json) ? (json as Record<string, unknown>) : undefined,
      };
    } catch {
      return { status: res.status, json: undefined };
    }
  }
}

/** The answer's body as text, or undefined past {@link MAX_ANSWER_BYTES} (read no further). */
async function readBounded(res: Response): Promise<string | undefined> {
  if (Number(res.headers.get('content-length') ?? 0) > MAX_ANSWER_BYTES || !res.body) {
    await res.body?.cancel();
    return res.body ? undefined : '';
  }
  const chunks: Uint8Array[] = [];
  let size = 0;
  for await (const chunk of res.body as unknown as AsyncIterable<Uint8Array>) {
    size += chunk.byteLength;
    if (size > MAX_ANSWER_BYTES) {
      await res.body.cancel().catch(() => undefined);
      return undefined;
    }
    chunks.push(chunk);
  }
  return Buffer.concat(chunks).toString('utf8');
}
