/**
 * Optional OIDC: JWTs from the organisation's identity provider, verified with `jose` against its JWKS, with the
 * issuer, audience and algorithms pinned by configuration. The role comes from a claim; the subject from another.
 */
import { createRemoteJWKSet, errors as joseErrors, jwtVerify } from 'jose';
import { z } from 'zod';
import { AppError } from '../errors';
import { type Principal, type Role, roles } from './auth';

/** OIDC settings, from `OIDC_*` environment variables. */
export interface OidcConfig {
  jwksUrl: URL;
  issuer: string;
  audience: string;
  /** Accepted signature algorithms; `none` and HMAC algorithms are never accepted. */
  algorithms: string[];
  /** Claim holding the role (a string, or an array whose highest role wins). */
  roleClaim: string;
  /** Claim recorded as the actor. */
  subjectClaim: string;
}

const asymmetric = ['RS256', 'RS384', 'RS512', 'PS256', 'PS384', 'PS512', 'ES256', 'ES384', 'ES512', 'EdDSA'];

const env = z.object({
  // Keys fetched over plain HTTP could be swapped on the way: https only, except on this machine.
  OIDC_JWKS_URL: z
    .url({ protocol: /^https?$/, error: "must be the https URL of the identity provider's JWKS" })
    .refine((u) => u.startsWith('https:') || /^http:\/\/(localhost|127\.0\.0\.1|\[::1\])[:/]/.test(u), {
      error: 'must be an https URL (plain http only for localhost)',
    }),
  OIDC_ISSUER: z.string().min(1, { error: 'must name the issuer (the `iss` claim) to accept' }),
  OIDC_AUDIENCE: z.string().min(1, { error: 'must name this API as the audience (the `aud` claim) to accept' }),
  OIDC_ALGORITHMS: z
    .string()
    .default('RS256,ES256')
    .transform((s) =>
      s
        .split(',')
        .map((a) => a.trim())
        .filter(Boolean),
    )
    .refine((list) => list.length > 0 && list.every((a) => asymmetric.includes(a)), {
      error: `must be a comma-separated list of ${asymmetric.join(', ')}`,
    }),
  OIDC_ROLE_CLAIM: z.string().min(1).default('roles'),
  OIDC_SUBJECT_CLAIM: z.string().min(1).default('sub'),
});

/** OIDC settings from the environment, or undefined when `OIDC_JWKS_URL` is not set. Every problem is listed. */
export function oidcConfigFromEnv(source: NodeJS.ProcessEnv): OidcConfig | undefined {
  const present = Object.fromEntries(
    Object.entries(source).filter(([k, v]) => k.startsWith('OIDC_') && v !== undefined && v !== ''),
  );
  if (Object.keys(present).length === 0) return undefined;
  const parsed = env.safeParse(present);
  if (!parsed.success) {
    throw new AppError(
      'invalid_config',
      'Invalid OIDC settings:',
      parsed.error.issues.map((i) => `${i.path.join('.')}: ${i.message}`),
    );
  }
  const c = parsed.data;
  return {
    jwksUrl: new URL(c.OIDC_JWKS_URL),
    issuer: c.OIDC_ISSUER,
    audience: c.OIDC_AUDIENCE,
    algorithms: c.OIDC_ALGORITHMS,
    roleClaim: c.OIDC_ROLE_CLAIM,
    subjectClaim: c.OIDC_SUBJECT_CLAIM,
  };
}

/** Highest first: a token carrying several roles gets the strongest it names. */
const rank: Role[] = ['admin', 'support', 'automation', 'auditor', 'monitor'];

/** Verifies OIDC JWTs. */
export class OidcVerifier {
  private readonly jwks: ReturnType<typeof createRemoteJWKSet>;

  constructor(readonly config: OidcConfig) {
    this.jwks = createRemoteJWKSet(config.jwksUrl, { timeoutDuration: 5_000, cooldownDuration: 30_000 });
  }

  /**
   * The principal a JWT belongs to. Throws an `unauthenticated` AppError saying why a token is refused (expired, wrong
   * audience, bad signature, ...) and a `forbidden` one for a valid token that carries no known role.
   */
  async verify(token: string): Promise<Principal> {
    let payload: Record<string, unknown>;
    try {
      ({ payload } = await jwtVerify(token, this.jwks, {
        issuer: this.config.issuer,
        audience: this.config.audience,
        algorithms: this.config.algorithms,
        clockTolerance: 30,
        requiredClaims: ['exp'],
      }));
    } catch (err) {
      throw new AppError('unauthenticated', `The bearer JWT is not accepted: ${reasonOf(err)}.`);
    }
    const subject = payload[this.config.subjectClaim];
    if (typeof subject !== 'string' || subject.trim() === '') {
      throw new AppError(
        'unauthenticated',
        `The bearer JWT has no "${this.config.subjectClaim}" claim to record as the actor.`,
      );
    }
    const claim = payload[this.config.roleClaim];
    const named = (Array.isArray(claim) ? claim : [claim]).filter((r): r is Role => roles.includes(r as Role));
    const role = rank.find((r) => named.includes(r));
    if (!role) {
      throw new AppError(
        'forbidden',
        `The bearer JWT for ${subject} carries no role in its "${this.config.roleClaim}" claim (one of ${roles.join(', ')}).`,
      );
    }
    return { subject, role };
  }
}

function reasonOf(err: unknown): string {
  if (err instanceof joseErrors.JWTExpired) return 'it has expired';
  if (err instanceof joseErrors.JWTClaimValidationFailed)
    return `claim "${err.claim}" ${err.reason === 'check_failed' ? 'does not match' : err.reason}`;
  if (err instanceof joseErrors.JOSEAlgNotAllowed) return 'its signature algorithm is not accepted';
  if (err instanceof joseErrors.JWSSignatureVerificationFailed) return 'its signature does not verify';
  if (err instanceof joseErrors.JWKSNoMatchingKey) return 'no key of the identity provider matches it';
  if (err instanceof joseErrors.JWKSTimeout) return "the identity provider's keys could not be fetched in time";
  if (err instanceof joseErrors.JWSInvalid || err instanceof joseErrors.JWTInvalid) return 'it is malformed';
  if (err instanceof joseErrors.JOSEError) return err.code;
  return 'it could not be verified';
}
