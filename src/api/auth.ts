import { createHash, timingSafeEqual } from 'node:crypto';
import { parseTokensFile, readTokensFile, type TokenEntry } from '../config/tokens-file';
import type { Role } from '../domain/roles';
import { AppError } from '../errors';

export { type Role, roles } from '../domain/roles';

/** What an API call does, for authorization. */
export type Action = 'read' | 'start' | 'event' | 'ticket_event' | 'metrics';

const permissions: Record<Role, readonly Action[]> = {
  support: ['read', 'start', 'event', 'ticket_event'],
  automation: ['read', 'start', 'ticket_event'],
  auditor: ['read'],
  admin: ['read', 'start', 'event', 'ticket_event', 'metrics'],
  monitor: ['metrics'],
};

/** True when `role` may perform `action`. */
export function allows(role: Role, action: Action): boolean {
  return permissions[role].includes(action);
}

/** The authenticated caller: the subject is what the audit trail records as the actor. */
export interface Principal {
  subject: string;
  role: Role;
}

/** A token as stored: its hash as bytes, for constant-time comparison. */
interface StoredToken extends Principal {
  hash: Buffer;
}

/** The SHA-256 of a token, as stored in the tokens file (`echo -n "$TOKEN" | sha256sum`). */
export function hashToken(token: string): string {
  return createHash('sha256').update(token, 'utf8').digest('hex');
}

/** Bearer tokens loaded from `AUTH_TOKENS_FILE`. */
export class TokenStore {
  private constructor(private readonly tokens: readonly StoredToken[]) {}

  /** The tokens of a tokens file's entries. */
  static of(entries: readonly TokenEntry[]): TokenStore {
    return new TokenStore(
      entries.map((t) => ({ subject: t.subject, role: t.role, hash: Buffer.from(t.tokenSha256.toLowerCase(), 'hex') })),
    );
  }

  /** Parses a tokens file's content; every problem is listed. */
  static parse(content: unknown, source = 'AUTH_TOKENS_FILE'): TokenStore {
    return TokenStore.of(parseTokensFile(content, source));
  }

  /** Loads a tokens file (`AUTH_TOKENS_FILE`). */
  static load(path: string): TokenStore {
    return TokenStore.of(readTokensFile(path));
  }

  get size(): number {
    return this.tokens.length;
  }

  /**
   * The principal an `Authorization` header belongs to, or undefined. The presented token is hashed and compared with
   * every stored hash in constant time, so neither a match's position nor a near-miss shows in the timing.
   */
  authenticate(authorization: string | undefined): Principal | undefined {
    const match = /^Bearer ([\x21-\x7e]+)$/.exec(authorization?.trim() ?? '');
    if (!match) return undefined;
    const presented = createHash('sha256').update(match[1]!, 'utf8').digest();
    let found: StoredToken | undefined;
    for (const token of this.tokens) {
      if (timingSafeEqual(presented, token.hash) && !found) found = token;
    }
    return found ? { subject: found.subject, role: found.role } : undefined;
  }
}

/** Something that verifies OIDC JWTs (see oidc.ts). */
export interface JwtVerifier {
  verify(token: string): Promise<Principal>;
}

const JWT_SHAPE = /^[A-Za-z0-9_-]+\.[A-Za-z0-9_-]+\.[A-Za-z0-9_-]*$/;

/** Authenticates API calls: static bearer tokens from `AUTH_TOKENS_FILE`, and OIDC JWTs when configured. */
export class Authenticator {
  constructor(
    private readonly tokens: TokenStore | undefined,
    private readonly jwt?: JwtVerifier,
  ) {}

  /** True when at least one way to authenticate is configured. */
  get configured(): boolean {
    return (this.tokens?.size ?? 0) > 0 || this.jwt !== undefined;
  }

  /** The caller, or an `unauthenticated` AppError that says what to send. The token itself is never echoed. */
  async authenticate(authorization: string | undefined): Promise<Principal> {
    if (!this.configured) {
      throw new AppError(
        'unauthenticated',
        'No credentials are configured on this server: set AUTH_TOKENS_FILE (and/or OIDC_JWKS_URL) and restart.',
      );
    }
    const value = authorization?.trim() ?? '';
    if (!value) throw new AppError('unauthenticated', 'Send your token as Authorization: Bearer <token>.');
    const match = /^Bearer\s+(\S+)$/i.exec(value);
    if (!match) throw new AppError('unauthenticated', 'The Authorization header must be "Bearer <token>".');
    const token = match[1]!;
    if (this.jwt && JWT_SHAPE.test(token)) return this.jwt.verify(token);
    const principal = this.tokens?.authenticate(`Bearer ${token}`);
    if (!principal) throw new AppError('unauthenticated', 'The bearer token is not valid.');
    return principal;
  }
}
