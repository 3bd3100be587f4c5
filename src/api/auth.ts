import { createHash, timingSafeEqual } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { z } from 'zod';
import { formatPath } from '../domain/problems';
import { AppError } from '../errors';

/**
 * Who may do what (SPEC.md): support staff record steps, automation starts requests and forwards ticket events,
 * auditors read. `monitor` is for a metrics scraper (Prometheus): it may read `/metrics` and nothing else.
 */
export const roles = ['support', 'automation', 'auditor', 'admin', 'monitor'] as const;
export type Role = (typeof roles)[number];

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

const tokenEntry = z
  .object({
    subject: z.string().trim().min(1, { error: 'must name who holds the token (e.g. alice@vendor.example)' }),
    role: z.enum(roles, { error: `must be one of ${roles.join(', ')}` }),
    tokenSha256: z.string().regex(/^[0-9a-f]{64}$/i, {
      error: 'must be the SHA-256 of the token as 64 hex digits (never the token itself)',
    }),
  })
  .strict();

const tokensFile = z.array(tokenEntry, { error: 'must be a JSON array of { subject, role, tokenSha256 }' });

/** Entries that hold the same token as an earlier one (checked on the raw file, so it is reported with the rest). */
function duplicateTokens(content: unknown): string[] {
  if (!Array.isArray(content)) return [];
  const seen = new Map<string, number>();
  const problems: string[] = [];
  content.forEach((entry: unknown, i) => {
    const hash = (entry as { tokenSha256?: unknown } | null)?.tokenSha256;
    if (typeof hash !== 'string' || !/^[0-9a-f]{64}$/i.test(hash)) return;
    const first = seen.get(hash.toLowerCase());
    if (first !== undefined) problems.push(`[${i}].tokenSha256: is the same token as entry ${first}`);
    else seen.set(hash.toLowerCase(), i);
  });
  return problems;
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

  /** Parses a tokens file's content; every problem is listed. */
  static parse(content: unknown, source = 'AUTH_TOKENS_FILE'): TokenStore {
    const parsed = tokensFile.safeParse(content);
    const problems = [
      ...(parsed.success
        ? []
        : parsed.error.issues.map((i) =>
            i.code === 'unrecognized_keys'
              ? `${formatPath(i.path)}: unknown field(s) ${i.keys.join(', ')}`
              : `${formatPath(i.path)}: ${i.message}`,
          )),
      ...duplicateTokens(content),
    ];
    if (!parsed.success || problems.length) {
      throw new AppError('invalid_config', `The tokens file ${source} is invalid:`, problems);
    }
    return new TokenStore(
      parsed.data.map((t) => ({
        subject: t.subject,
        role: t.role,
        hash: Buffer.from(t.tokenSha256.toLowerCase(), 'hex'),
      })),
    );
  }

  /** Loads the file named by `AUTH_TOKENS_FILE`. */
  static load(path: string): TokenStore {
    let text: string;
    try {
      text = readFileSync(path, 'utf8');
    } catch (err) {
      throw new AppError(
        'invalid_config',
        `Cannot read the tokens file ${path} (AUTH_TOKENS_FILE): ${(err as NodeJS.ErrnoException).code ?? String(err)}`,
      );
    }
    let content: unknown;
    try {
      content = JSON.parse(text);
    } catch (err) {
      throw new AppError(
        'invalid_config',
        `The tokens file ${path} (AUTH_TOKENS_FILE) is not valid JSON: ${(err as Error).message}`,
      );
    }
    return TokenStore.parse(content, `${path} (AUTH_TOKENS_FILE)`);
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
