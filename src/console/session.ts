/**
 * The console's sessions: who signed in, with which role, until when, in a cookie the server signs (HMAC-SHA256) and
 * the page's JavaScript cannot read (httpOnly, SameSite=Strict). No bearer token is kept: a token is checked once, at
 * sign-in, and the session names only its subject and role. Each session has a CSRF token derived from it, which every
 * form carries back.
 */
import { createHmac, randomBytes, timingSafeEqual } from 'node:crypto';
import type { Principal } from '../api/auth';
import { type Role, roles } from '../domain/roles';

/** The session cookie's name. */
export const SESSION_COOKIE = 'plconsole';
/** The cookie that ties the sign-in form to one browser before a session exists (login CSRF). */
export const PRESESSION_COOKIE = 'plconsole_pre';
/** The cookie that keeps an OIDC sign-in's state, PKCE verifier and nonce while the person is at the provider. */
export const OIDC_COOKIE = 'plconsole_oidc';
/** How long a session lasts from sign-in: a working day. */
export const SESSION_HOURS = 10;

/** A signed-in person. */
export interface Session extends Principal {
  /** The session's own id: the CSRF token derives from it. */
  id: string;
  /** When it expires (ms since the epoch). */
  expiresAt: number;
  /** How the person signed in. */
  via: 'token' | 'oidc';
}

const b64 = (data: Buffer | string) => Buffer.from(data).toString('base64url');

/** Signs and opens session cookies and CSRF tokens with one key (`CONSOLE_SESSION_KEY`, or made at random). */
export class SessionKeys {
  /** Sessions signed out before they expired: refused until then. */
  private readonly signedOut = new Map<string, number>();

  private constructor(private readonly keys: readonly Buffer[]) {}

  /** Keys from settings: the first signs, each verifies (rotation). */
  static withKeys(keys: readonly string[]): SessionKeys {
    return new SessionKeys(keys.map((k) => createHmac('sha256', 'privatelink-console').update(k).digest()));
  }

  /** A key made for this process: sessions end when it restarts. */
  static random(): SessionKeys {
    return new SessionKeys([randomBytes(32)]);
  }

  private mac(key: Buffer, purpose: string, text: string): Buffer {
    return createHmac('sha256', key).update(`${purpose}\n${text}`).digest();
  }

  private verify(purpose: string, text: string, mac: string): boolean {
    const given = Buffer.from(mac, 'base64url');
    return this.keys.some((key) => {
      const want = this.mac(key, purpose, text);
      return given.length === want.length && timingSafeEqual(given, want);
    });
  }

  /** A new session for a principal, and its cookie value. */
  open(principal: Principal, via: Session['via'], now = Date.now()): { session: Session; cookie: string } {
    const session: Session = {
      subject: principal.subject,
      role: principal.role,
      id: randomBytes(16).toString('base64url'),
      expiresAt: now + SESSION_HOURS * 3_600_000,
      via,
    };
    const body = b64(JSON.stringify(session));
    return { session, cookie: `${body}.${b64(this.mac(this.keys[0]!, 'session', body))}` };
  }

  /** The session of a cookie value, if it is one this server signed, not expired and not signed out. */
  read(cookie: string | undefined, now = Date.now()): Session | undefined {
    if (!cookie || cookie.length > 4096) return undefined;
    const [body, mac, extra] = cookie.split('.');
    if (!body || !mac || extra !== undefined || !this.verify('session', body, mac)) return undefined;
    let value: unknown;
    try {
      value = JSON.parse(Buffer.from(body, 'base64url').toString('utf8'));
    } catch {
      return undefined;
    }
    const s = value as Partial<Session>;
    if (
      typeof s.subject !== 'string' ||
      typeof s.id !== 'string' ||
      typeof s.expiresAt !== 'number' ||
      !roles.includes(s.role as Role) ||
      (s.via !== 'token' && s.via !== 'oidc')
    ) {
      return undefined;
    }
    if (s.expiresAt <= now || this.signedOut.has(s.id)) return undefined;
    return s as Session;
  }

  /** Ends a session before it expires. */
  signOut(session: Session, now = Date.now()): void {
    for (const [id, until] of this.signedOut) if (until <= now) this.signedOut.delete(id);
    this.signedOut.set(session.id, session.expiresAt);
  }

  /** `value` (JSON) signed for `purpose`, as a cookie value. */
  seal(purpose: string, value: unknown): string {
    const body = b64(JSON.stringify(value));
    return `${body}.${b64(this.mac(this.keys[0]!, purpose, body))}`;
  }

  /** The value {@link seal} signed for `purpose`, if `cookie` is one; else undefined. */
  unseal(purpose: string, cookie: string | undefined): unknown {
    if (!cookie || cookie.length > 4096) return undefined;
    const [body, mac, extra] = cookie.split('.');
    if (!body || !mac || extra !== undefined || !this.verify(purpose, body, mac)) return undefined;
    try {
      return JSON.parse(Buffer.from(body, 'base64url').toString('utf8')) as unknown;
    } catch {
      return undefined;
    }
  }

  /** The CSRF token of a session (or of a sign-in form's pre-session value). */
  csrfToken(id: string): string {
    return b64(this.mac(this.keys[0]!, 'csrf', id));
  }

  /** True when `token` is the CSRF token of `id`. */
  checkCsrf(id: string, token: unknown): boolean {
    return typeof token === 'string' && token.length < 200 && this.verify('csrf', id, token);
  }
}
