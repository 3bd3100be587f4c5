/**
 * Page tokens of the request list, signed by the API. Temporal's own next-page token is an opaque value the server
 * trusts; the API hands callers that token wrapped with a tag of the query it belongs to and an HMAC-SHA256 over both,
 * keyed with the API's page-token key. A token that was altered, made up, made by an API with another key, or reused
 * with other filters is a 400 here, and never reaches Temporal.
 *
 * The key comes from `PAGE_TOKEN_KEY` (several, space- or comma-separated, while one is rotated: the first signs,
 * each verifies). Without it every API process makes a random key at start: its tokens then work on that process until
 * it stops, so API processes behind a load balancer need the same `PAGE_TOKEN_KEY`.
 */
import { createHash, createHmac, randomBytes, timingSafeEqual } from 'node:crypto';
import { AppError } from '../errors';

const MAC_BYTES = 32;
const TAG_BYTES = 16;

/** Signs and opens the list's page tokens with the API's keys. */
export class PageTokens {
  private constructor(private readonly keys: readonly Buffer[]) {}

  /** Tokens signed with the first key and accepted with any of them (`PAGE_TOKEN_KEY`). */
  static withKeys(keys: readonly string[]): PageTokens {
    if (!keys.length) throw new Error('PageTokens.withKeys needs at least one key');
    return new PageTokens(keys.map((key) => Buffer.from(key, 'utf8')));
  }

  /** Tokens signed with a key made at random for this process (no `PAGE_TOKEN_KEY`). */
  static random(): PageTokens {
    return new PageTokens([randomBytes(32)]);
  }

  /** The caller's token for Temporal's next-page token of `query`: base64url of MAC, query tag and Temporal's token. */
  seal(serverToken: Uint8Array, query: string): string {
    const body = Buffer.concat([queryTag(query), serverToken]);
    return Buffer.concat([mac(this.keys[0]!, body), body]).toString('base64url');
  }

  /** Temporal's token inside a caller's token, if this API signed it for this same query (else a `bad_request`). */
  open(token: string, query: string): Buffer {
    const bytes = Buffer.from(token, 'base64url');
    const body = bytes.subarray(MAC_BYTES);
    const given = bytes.subarray(0, MAC_BYTES);
    const signed =
      bytes.length > MAC_BYTES + TAG_BYTES &&
      bytes.toString('base64url') === token &&
      this.keys.some((key) => timingSafeEqual(mac(key, body), given));
    if (!signed) {
      throw new AppError(
        'bad_request',
        'pageToken is not a nextPageToken from this API (altered, made up, or from an API process with another PAGE_TOKEN_KEY, or before a restart without one); list again without it.',
      );
    }
    if (!body.subarray(0, TAG_BYTES).equals(queryTag(query))) {
      throw new AppError('bad_request', 'pageToken belongs to a list with other filters; start again without it.');
    }
    return Buffer.from(body.subarray(TAG_BYTES));
  }
}

function mac(key: Buffer, body: Buffer): Buffer {
  return createHmac('sha256', key).update('privatelink-page-token/v1\n').update(body).digest();
}

function queryTag(query: string): Buffer {
  return createHash('sha256').update(query).digest().subarray(0, TAG_BYTES);
}
