/**
 * Optional OIDC: JWTs from the organisation's identity provider, verified with `jose` against its JWKS, with the
 * issuer, audience and algorithms pinned by configuration. The role comes from a claim; the subject from another.
 */
import { createRemoteJWKSet, errors as joseErrors, jwtVerify, type KeyLike } from 'jose';
import type { OidcConfig } from '../config/api';
import { reservedActorProblem } from '../domain/actors';
import { type Role, roles } from '../domain/roles';
import { AppError } from '../errors';
import type { Principal } from './auth';

/** Highest first: a token carrying several roles gets the strongest it names. */
const rank: Role[] = ['admin', 'support', 'automation', 'auditor', 'monitor'];

/** Verifies OIDC JWTs. */
export class OidcVerifier {
  private readonly jwks: (...args: Parameters<ReturnType<typeof createRemoteJWKSet>>) => Promise<KeyLike>;

  constructor(readonly config: OidcConfig) {
    const keys = createRemoteJWKSet(config.jwksUrl, { timeoutDuration: 5_000, cooldownDuration: 30_000 });
    // What the key set throws besides jose's own errors is the identity provider's side failing, never the token's.
    this.jwks = (header, token) =>
      keys(header, token).catch((err: unknown) => {
        if (err instanceof joseErrors.JOSEError) throw err;
        // A key it publishes that Node cannot read (no "n", ...) is Node's TypeError (by name: it may be of another realm).
        if ((err as Error).name === 'TypeError') throw new joseErrors.JWKSInvalid((err as Error).message);
        // A network or TLS error: ECONNREFUSED, ENOTFOUND, DEPTH_ZERO_SELF_SIGNED_CERT, CERT_HAS_EXPIRED, ...
        throw new KeysUnreachable(String((err as { code?: unknown }).code));
      });
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
        // With OIDC_MAX_TOKEN_AGE, a token must say when it was issued (iat), and not longer ago than that.
        ...(this.config.maxTokenAgeSeconds === undefined ? {} : { maxTokenAge: this.config.maxTokenAgeSeconds }),
      }));
    } catch (err) {
      // The identity provider being down is not the caller's fault: 503, so a client retries instead of re-logging in.
      const outage = keysOutage(err);
      if (outage) {
        throw new AppError(
          'unavailable',
          `The bearer JWT cannot be checked now: the identity provider's keys (OIDC_JWKS_URL) could not be fetched (${outage}). Try again later.`,
        );
      }
      throw new AppError(
        'unauthenticated',
        `The bearer JWT is not accepted: ${reasonOf(err, this.config.maxTokenAgeSeconds)}.`,
      );
    }
    const subject = payload[this.config.subjectClaim];
    if (typeof subject !== 'string' || subject.trim() === '') {
      throw new AppError(
        'unauthenticated',
        `The bearer JWT has no "${this.config.subjectClaim}" claim to record as the actor.`,
      );
    }
    const reserved = reservedActorProblem(subject);
    if (reserved) {
      throw new AppError('forbidden', `The bearer JWT's "${this.config.subjectClaim}" claim ${reserved}.`);
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

/** The key set could not be fetched: a network or TLS error, by its code (the address is not echoed to the caller). */
class KeysUnreachable extends Error {
  constructor(readonly code: string) {
    super(code);
  }
}

/** Why the key set could not be fetched, or undefined when the token itself is at fault. */
function keysOutage(err: unknown): string | undefined {
  if (err instanceof KeysUnreachable) return `not reachable: ${err.code}`;
  if (err instanceof joseErrors.JWKSTimeout) return 'no answer within 5 s';
  if (err instanceof joseErrors.JWKSInvalid) return 'the answer is not a valid JSON Web Key Set';
  // jose throws its generic error (only that has this code) only for a key-set answer that is not 200 OK or not JSON.
  return (err as { code?: unknown }).code === 'ERR_JOSE_GENERIC' ? 'an error answer' : undefined;
}

function reasonOf(err: unknown, maxTokenAgeSeconds?: number): string {
  if (err instanceof joseErrors.JWTExpired || err instanceof joseErrors.JWTClaimValidationFailed) {
    // With OIDC_MAX_TOKEN_AGE: a token too old is "expired" by its iat; one without a readable iat fails that claim.
    if (maxTokenAgeSeconds !== undefined && err.claim === 'iat') {
      if (err instanceof joseErrors.JWTExpired) {
        return `it was issued more than ${maxTokenAgeSeconds} s ago (OIDC_MAX_TOKEN_AGE)`;
      }
      if (err.reason !== 'check_failed') {
        return 'it does not say when it was issued (no "iat" claim), which OIDC_MAX_TOKEN_AGE needs';
      }
    }
    if (err instanceof joseErrors.JWTExpired) return 'it has expired';
    return `claim "${err.claim}" ${err.reason === 'check_failed' ? 'does not match' : err.reason}`;
  }
  if (err instanceof joseErrors.JOSEAlgNotAllowed) return 'its signature algorithm is not accepted';
  if (err instanceof joseErrors.JWSSignatureVerificationFailed) return 'its signature does not verify';
  if (err instanceof joseErrors.JWKSNoMatchingKey) return 'no key of the identity provider matches it';
  if (err instanceof joseErrors.JWKSMultipleMatchingKeys)
    return 'it names no key id and the identity provider has several';
  if (err instanceof joseErrors.JWSInvalid || err instanceof joseErrors.JWTInvalid) return 'it is malformed';
  if (err instanceof joseErrors.JOSEError) return err.code;
  return 'it could not be verified';
}
