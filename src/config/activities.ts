/**
 * The worker's activity settings from the environment: where ticket comments go, where notifications go, and how long
 * a connectivity check may take. Plain data; the worker builds the adapters from it (activities/deps.ts).
 */
import { join } from 'node:path';
import { AppError } from '../errors';
import { type Env, setting } from './env';

/** The ticket systems `TICKET_SYSTEM` can name. */
export const ticketSystemKinds = ['file', 'zendesk', 'jira'] as const;

/** Access to a ticket system's REST API: the site, the account's email and its API token. */
export interface TicketApiSettings {
  baseUrl: string;
  email: string;
  apiToken: string;
}

/** Where ticket comments go. */
export type TicketSystemSettings =
  { kind: 'file'; path: string } | ({ kind: 'zendesk' } & TicketApiSettings) | ({ kind: 'jira' } & TicketApiSettings);

/** What the activities need from the environment. */
export interface ActivitySettings {
  tickets: TicketSystemSettings;
  /** Also POST notifications here (`NOTIFY_WEBHOOK_URL`). */
  notifyWebhookUrl?: string;
  /** Bound on each connectivity check (`CONNECTIVITY_TIMEOUT_MS`); the default is the activity's. */
  connectivityTimeoutMs?: number;
  /** Settings that are set but unused (e.g. `ZENDESK_BASE_URL` with `TICKET_SYSTEM=file`), for a warning in the log. */
  unused: string[];
}

/**
 * Reads the activity settings:
 * - `TICKET_SYSTEM=file` (default): comments go to `TICKET_LOG_FILE` (default `<DATA_DIR>/ticket-comments.jsonl`);
 * - `TICKET_SYSTEM=zendesk`: `ZENDESK_BASE_URL`, `ZENDESK_EMAIL`, `ZENDESK_API_TOKEN`;
 * - `TICKET_SYSTEM=jira`: `JIRA_BASE_URL`, `JIRA_EMAIL`, `JIRA_API_TOKEN` (Jira Cloud);
 * - `NOTIFY_WEBHOOK_URL`, `CONNECTIVITY_TIMEOUT_MS`.
 * Every invalid or missing setting is reported at once, as an `invalid_config` {@link AppError}; tokens never quoted.
 */
export function activitySettingsFromEnv(env: Env): ActivitySettings {
  const problems: string[] = [];
  const unused: string[] = [];
  const tickets = ticketSystemFromEnv(env, problems, unused);
  const timeout = setting(env, 'CONNECTIVITY_TIMEOUT_MS');
  if (timeout !== undefined && !/^[1-9]\d{0,6}$/.test(timeout)) {
    problems.push(`CONNECTIVITY_TIMEOUT_MS must be a whole number of milliseconds, e.g. 5000 (got "${timeout}")`);
  }
  const notifyWebhookUrl = setting(env, 'NOTIFY_WEBHOOK_URL');
  const notifyProblem = notifyWebhookUrl === undefined ? undefined : webhookUrlProblem(notifyWebhookUrl);
  if (notifyProblem) problems.push(`NOTIFY_WEBHOOK_URL ${notifyProblem}`);
  if (problems.length || !tickets) throw new AppError('invalid_config', 'The activity settings are invalid:', problems);
  return {
    tickets,
    ...(notifyWebhookUrl ? { notifyWebhookUrl } : {}),
    ...(timeout !== undefined ? { connectivityTimeoutMs: Number(timeout) } : {}),
    unused,
  };
}

function ticketSystemFromEnv(env: Env, problems: string[], unused: string[]): TicketSystemSettings | undefined {
  const kind = (setting(env, 'TICKET_SYSTEM') ?? 'file').toLowerCase();
  switch (kind) {
    case 'file':
      unused.push(...['ZENDESK_BASE_URL', 'JIRA_BASE_URL'].filter((name) => setting(env, name) !== undefined));
      return {
        kind: 'file',
        path: setting(env, 'TICKET_LOG_FILE') ?? join(setting(env, 'DATA_DIR') ?? '.data', 'ticket-comments.jsonl'),
      };
    case 'zendesk': {
      const s = apiSettings(env, 'ZENDESK', 'https://acme.zendesk.com', problems);
      return s && { kind: 'zendesk', ...s };
    }
    case 'jira': {
      const s = apiSettings(env, 'JIRA', 'https://acme.atlassian.net', problems);
      return s && { kind: 'jira', ...s };
    }
    default:
      problems.push(`TICKET_SYSTEM must be one of ${ticketSystemKinds.join(', ')} (got "${env.TICKET_SYSTEM}")`);
      return undefined;
  }
}

/** `<PREFIX>_BASE_URL`, `<PREFIX>_EMAIL`, `<PREFIX>_API_TOKEN`, each checked; the token is never quoted. */
function apiSettings(
  env: Env,
  prefix: 'ZENDESK' | 'JIRA',
  exampleUrl: string,
  problems: string[],
): TicketApiSettings | undefined {
  const before = problems.length;
  const baseUrl = setting(env, `${prefix}_BASE_URL`);
  const email = setting(env, `${prefix}_EMAIL`);
  const apiToken = setting(env, `${prefix}_API_TOKEN`);
  const system = prefix === 'ZENDESK' ? 'zendesk' : 'jira';
  if (baseUrl === undefined) {
    problems.push(`${prefix}_BASE_URL is required with TICKET_SYSTEM=${system}, e.g. ${exampleUrl}`);
  } else {
    const problem = baseUrlProblem(baseUrl);
    // A URL with user:password@ is not quoted back: it may hold the token.
    const got = problem?.startsWith('must not contain credentials') ? '' : ` (got "${baseUrl}")`;
    if (problem) problems.push(`${prefix}_BASE_URL ${problem}, e.g. ${exampleUrl}${got}`);
  }
  if (email === undefined) {
    problems.push(
      `${prefix}_EMAIL is required with TICKET_SYSTEM=${system}: the email of the account the token is for`,
    );
  } else if (!/^[^\s@]+@[^\s@]+$/.test(email)) {
    problems.push(`${prefix}_EMAIL must be an email address (got "${email}")`);
  }
  if (apiToken === undefined) problems.push(`${prefix}_API_TOKEN is required with TICKET_SYSTEM=${system}`);
  if (problems.length > before || baseUrl === undefined || email === undefined || apiToken === undefined) {
    return undefined;
  }
  return { baseUrl: baseUrl.replace(/\/+$/, ''), email, apiToken };
}

/** HTTPS, or plain HTTP to this machine only (local fakes, tunnels): secrets travel with every request. */
function secureOrLoopback(url: URL): boolean {
  const loopback = ['localhost', '127.0.0.1', '[::1]'].includes(url.hostname);
  return url.protocol === 'https:' || (url.protocol === 'http:' && loopback);
}

/**
 * Why a notification webhook URL cannot be used, or `undefined` when it can. Never quotes the URL: services put their
 * secret in its path (Slack's `/services/T…/B…/<secret>`) or query (Teams workflows' `sig=`); at most the scheme and
 * host are named.
 */
function webhookUrlProblem(value: string): string | undefined {
  let url: URL;
  try {
    url = new URL(value);
  } catch {
    return 'must be a URL, e.g. https://hooks.slack.com/services/…';
  }
  if (url.username || url.password) {
    return 'must not contain credentials (user:password@): they would travel with every notification and show up in errors; use a webhook URL whose service needs none in it';
  }
  if (!secureOrLoopback(url)) {
    return `must be an https:// URL (plain http only to this machine; got ${url.protocol}//${url.host})`;
  }
  return undefined;
}

/** Why a base URL cannot be used, or `undefined` when it can. */
function baseUrlProblem(value: string): string | undefined {
  let url: URL;
  try {
    url = new URL(value);
  } catch {
    return 'must be a URL';
  }
  // API tokens travel in a header: plain HTTP is only acceptable to this machine (local fakes, tunnels).
  if (!secureOrLoopback(url)) return 'must be an https:// URL';
  if (url.username || url.password) return 'must not contain credentials (use the _EMAIL and _API_TOKEN settings)';
  if (url.search || url.hash || url.pathname.replace(/\/+$/, '') !== '') {
    return 'must be the site address alone, without a path';
  }
  return undefined;
}
