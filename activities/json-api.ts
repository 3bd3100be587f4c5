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
