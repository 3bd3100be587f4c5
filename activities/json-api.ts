import { isRecord } from '../src/domain/json';
import { HttpStatusError } from './ports';

/** A JSON REST API reached with one Authorization header (Zendesk's and Jira's comment APIs). */
export interface JsonApi {
  /** Human name for errors, e.g. "zendesk:https://acme.zendesk.com". */
  name: string;
  baseUrl: URL;
  authorization: string;
  /** Values never shown in an error (the token and the encoded credentials). */
  secrets: readonly string[];
  timeoutMs: number;
  /** The system's own words for an error answer. */
  errorDetail(response: Response, text: string): string;
}

/**
 * Calls the API and parses its JSON answer. An answer with an error status becomes an {@link HttpStatusError} with the
 * system's own words; a network failure a plain (retryable) error. Credentials are cut out of every message.
 */
export async function callJsonApi(api: JsonApi, method: string, path: string, body?: unknown): Promise<unknown> {
  const url = new URL(path, api.baseUrl);
  const where = `${method} ${url.pathname}`;
  const redact = (text: string) =>
    api.secrets.reduce((out, secret) => (secret ? out.split(secret).join('[redacted]') : out), text);
  let response: Response;
  try {
    response = await fetch(url, {
      method,
      headers: {
        authorization: api.authorization,
        accept: 'application/json',
        ...(body === undefined ? {} : { 'content-type': 'application/json' }),
      },
      body: body === undefined ? undefined : JSON.stringify(body),
      signal: AbortSignal.timeout(api.timeoutMs),
    });
  } catch (err) {
    throw new Error(`${api.name} could not be reached (${where}): ${redact((err as Error).message)}`);
  }
  const text = await response.text();
  if (!response.ok) {
    throw new HttpStatusError(api.name, response.status, redact(`${api.errorDetail(response, text)} (${where})`));
  }
  try {
    return text ? (JSON.parse(text) as unknown) : undefined;
  } catch {
    throw new Error(`${api.name} answered ${where} with something that is not JSON`);
  }
}

/**
 * A {@link JsonApi} with HTTP Basic credentials (`user:apiToken`), as Zendesk and Jira take them. Both the token and
 * the encoded pair are kept out of error messages.
 *
 * @param system the system's name in messages ("Zendesk"), and lower-cased the prefix of `name`
 * @param errorParts the system's own error fields from an error answer's JSON body
 */
export function basicAuthApi(opts: {
  system: string;
  baseUrl: string;
  user: string;
  apiToken: string;
  timeoutMs?: number;
  errorParts: (json: Record<string, unknown>) => unknown[];
}): JsonApi {
  const baseUrl = new URL(opts.baseUrl);
  const credentials = Buffer.from(`${opts.user}:${opts.apiToken}`).toString('base64');
  return {
    name: `${opts.system.toLowerCase()}:${baseUrl.origin}`,
    baseUrl,
    authorization: `Basic ${credentials}`,
    secrets: [opts.apiToken, credentials],
    timeoutMs: opts.timeoutMs ?? 15_000,
    errorDetail: (response, text) => describeError(opts.system, response, text, opts.errorParts),
  };
}

/**
 * The system's own words for an error answer (its non-empty string fields, joined), else the start of the body, else
 * the status text; plus the wait it asks for on 429. Retrying is Temporal's job: the wait is reported, not slept.
 */
function describeError(
  system: string,
  response: Response,
  text: string,
  errorParts: (json: Record<string, unknown>) => unknown[],
): string {
  let detail = '';
  try {
    const json = JSON.parse(text) as unknown;
    if (isRecord(json)) {
      detail = errorParts(json)
        .filter((p): p is string => typeof p === 'string' && p !== '')
        .join('; ');
    }
  } catch {
    detail = text.replace(/\s+/g, ' ').trim().slice(0, 200);
  }
  detail ||= response.statusText || 'no details';
  if (response.status === 429) {
    const retryAfter = response.headers.get('retry-after')?.trim();
    detail += !retryAfter
      ? '; rate limited'
      : /^\d+$/.test(retryAfter)
        ? `; rate limited, ${system} asks to retry after ${retryAfter} s`
        : `; rate limited, ${system} asks to retry at ${retryAfter}`;
  }
  return detail;
}
