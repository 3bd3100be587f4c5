/** The HTTP API as `plctl` calls it, at the target its settings name (`PLCTL_URL`, `PLCTL_TOKEN`). */
import type { ApiTarget } from '../config/cli';
import { AppError, codeOfHttpStatus } from '../errors';

/** Calls the API; a problem answer becomes an AppError carrying the API's own message. */
export async function callApi(
  target: ApiTarget,
  method: 'GET' | 'POST',
  path: string,
  body?: unknown,
): Promise<{ status: number; contentType: string; text: string; headers: Headers }> {
  let res: Response;
  try {
    res = await fetch(`${target.url}${path}`, {
      method,
      headers: {
        accept: 'application/json, application/problem+json, text/csv',
        ...(target.token ? { authorization: `Bearer ${target.token}` } : {}),
        ...(body !== undefined ? { 'content-type': 'application/json' } : {}),
      },
      body: body !== undefined ? JSON.stringify(body) : undefined,
      signal: AbortSignal.timeout(60_000),
    });
  } catch (err) {
    const cause = (err as { cause?: { code?: string } }).cause?.code ?? (err as Error).message;
    throw new AppError(
      'unavailable',
      `Cannot reach the API at ${target.url} (${cause}). Start it with \`npm start\`, or set PLCTL_URL.`,
    );
  }
  const text = await res.text();
  const contentType = res.headers.get('content-type') ?? '';
  if (res.ok) return { status: res.status, contentType, text, headers: res.headers };
  let problem: {
    title?: string;
    detail?: string;
    problems?: string[];
    allowedEvents?: string[];
    openChange?: { ticketId: string; kind: string; state?: string };
  } = {};
  try {
    problem = JSON.parse(text) as typeof problem;
  } catch {
    // Not a problem document (a proxy's error page): the status says enough.
  }
  const detail = problem.detail ?? `${res.status} ${res.statusText}`;
  const hint = res.status === 401 && !target.token ? ' Set PLCTL_TOKEN to your API token.' : '';
  const extra = problem.allowedEvents ? [`allowed now: ${problem.allowedEvents.join(', ') || '(none)'}`] : [];
  // The problems are already in the detail; list them one per line for reading.
  const message = problem.problems?.length ? detail.split(': ')[0]! + ':' : detail;
  // A change refused because another is open names that one: kept for `--json` errors and the command's hint.
  const extensions = problem.openChange ? { openChange: problem.openChange } : {};
  throw new AppError(
    codeOfHttpStatus(res.status),
    `${message}${hint}`,
    [...(problem.problems ?? []), ...extra],
    extensions,
  );
}

/** Calls the API and parses its JSON answer. */
export async function getJson<T>(target: ApiTarget, method: 'GET' | 'POST', path: string, body?: unknown): Promise<T> {
  const { text } = await callApi(target, method, path, body);
  return JSON.parse(text) as T;
}
