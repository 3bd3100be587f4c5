/**
 * A bound on how deeply a JSON body may nest arrays and objects, checked on the raw text before it is parsed: a body
 * nested thousands of levels deep parses, then overflows the stack of whatever walks it next (schema checks, the
 * payload converter), which would be a 500. Shared by the API's JSON parser (src/api/server.ts) and the webhooks'
 * raw-body routes.
 */
import { AppError } from '../errors';

/**
 * The deepest nesting a body may have. An intake is 3 levels deep (`azure.subscriptionIds[0]`), an event or a ticket
 * webhook a few more; 32 leaves room for any ticket system's envelope.
 */
export const MAX_JSON_DEPTH = 32;

const OPEN_OBJECT = 0x7b; // {
const OPEN_ARRAY = 0x5b; // [
const CLOSE_OBJECT = 0x7d; // }
const CLOSE_ARRAY = 0x5d; // ]
const QUOTE = 0x22; // "
const BACKSLASH = 0x5c; // \

/**
 * True when a JSON text nests arrays and objects more than `maxDepth` levels deep (a top-level object is level 1).
 * Counts brackets outside strings without parsing, and stops at the first one too deep; malformed JSON is left to the
 * parser. Bytes or text: the characters it looks at are ASCII, which UTF-8 never uses inside other characters.
 */
export function nestsDeeperThan(json: string | Uint8Array, maxDepth = MAX_JSON_DEPTH): boolean {
  const code = typeof json === 'string' ? (i: number) => json.charCodeAt(i) : (i: number) => json[i]!;
  let depth = 0;
  let inString = false;
  for (let i = 0; i < json.length; i++) {
    const c = code(i);
    if (inString) {
      if (c === BACKSLASH) i++;
      else if (c === QUOTE) inString = false;
    } else if (c === QUOTE) inString = true;
    else if (c === OPEN_OBJECT || c === OPEN_ARRAY) {
      if (++depth > maxDepth) return true;
    } else if (c === CLOSE_OBJECT || c === CLOSE_ARRAY) depth--;
  }
  return false;
}

/** The `bad_request` a body nested too deeply gets. */
export function tooDeepError(maxDepth = MAX_JSON_DEPTH): AppError {
  return new AppError(
    'bad_request',
    `The body nests arrays and objects more than ${maxDepth} levels deep; no request needs that many.`,
  );
}

/**
 * Throws a `bad_request` {@link AppError} (400) when a JSON body nests more than {@link MAX_JSON_DEPTH} levels. Routes
 * that read the raw body themselves (the webhooks, which verify a signature over the bytes first) call it before
 * `JSON.parse`.
 */
export function assertJsonDepth(json: string | Uint8Array, maxDepth = MAX_JSON_DEPTH): void {
  if (nestsDeeperThan(json, maxDepth)) throw tooDeepError(maxDepth);
}
