/**
 * The console's cookies, read from the `Cookie` header and written as `Set-Cookie` (RFC 6265): always httpOnly,
 * SameSite=Strict (Lax only for the OIDC sign-in's state, which comes back on the identity provider's redirect) and
 * scoped to `/console`; `Secure` when the browser came over HTTPS (directly or through a TLS proxy).
 */
import type { FastifyReply, FastifyRequest } from 'fastify';

/** The value of one cookie the browser sent, if it sent it (the first of its name). */
export function readCookie(request: FastifyRequest, name: string): string | undefined {
  const header = request.headers.cookie;
  if (!header || header.length > 16_384) return undefined;
  for (const part of header.split(';')) {
    const at = part.indexOf('=');
    if (at < 0 || part.slice(0, at).trim() !== name) continue;
    const value = part.slice(at + 1).trim();
    return /^[A-Za-z0-9._~-]*$/.test(value) ? value : undefined;
  }
  return undefined;
}

/** Sets a console cookie for `maxAgeSeconds` (0 removes it). Values are base64url and dots: nothing to escape. */
export function setCookie(
  request: FastifyRequest,
  reply: FastifyReply,
  name: string,
  value: string,
  maxAgeSeconds: number,
  sameSite: 'Strict' | 'Lax' = 'Strict',
): void {
  const attributes = [
    `${name}=${value}`,
    'Path=/console',
    `Max-Age=${maxAgeSeconds}`,
    'HttpOnly',
    `SameSite=${sameSite}`,
    ...(overHttps(request) ? ['Secure'] : []),
  ];
  const existing = reply.getHeader('set-cookie');
  const list = existing === undefined ? [] : Array.isArray(existing) ? existing.map(String) : [String(existing)];
  void reply.header('set-cookie', [...list, attributes.join('; ')]);
}

/**
 * True when the browser reached the console over HTTPS: directly, or through a TLS-terminating proxy that says so
 * (`X-Forwarded-Proto`). A client that claims it falsely only gets cookies its plain-HTTP requests will not carry.
 */
function overHttps(request: FastifyRequest): boolean {
  const forwarded = request.headers['x-forwarded-proto'];
  const first = (Array.isArray(forwarded) ? forwarded[0] : forwarded)?.split(',')[0]?.trim().toLowerCase();
  return request.protocol === 'https' || first === 'https';
}
