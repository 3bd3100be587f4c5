/**
 * Page tokens of the request list. The token handed to callers wraps the server's token with a tag of the query it
 * belongs to, so a token that was altered, made up, or reused with other filters is a 400 here instead of an error
 * (or a wrong page) from the server.
 */
import { createHash } from 'node:crypto';
import { AppError } from '../errors';
import { isRecord } from '../domain/json';

/** The caller's token for the server's next-page token of `query`. */
export function sealPageToken(serverToken: Uint8Array, query: string): string {
  const sealed = { q: queryTag(query), t: Buffer.from(serverToken).toString('base64') };
  return Buffer.from(JSON.stringify(sealed)).toString('base64url');
}

/** The server's token inside a caller's token, if it is one of ours for this same query (else a `bad_request`). */
export function openPageToken(token: string, query: string): Buffer {
  let parsed: unknown;
  try {
    parsed = JSON.parse(Buffer.from(token, 'base64url').toString('utf8'));
  } catch {
    parsed = undefined;
  }
  const { q, t } = isRecord(parsed) ? parsed : {};
  if (typeof t !== 'string' || typeof q !== 'string') {
    throw new AppError('bad_request', 'pageToken is not a nextPageToken from this API.');
  }
  if (q !== queryTag(query)) {
    throw new AppError('bad_request', 'pageToken belongs to a list with other filters; start again without it.');
  }
  return Buffer.from(t, 'base64');
}

function queryTag(query: string): string {
  return createHash('sha256').update(query).digest('base64url').slice(0, 16);
}
