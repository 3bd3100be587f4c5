import { join } from 'node:path';
import type { VendorConfig } from '../src/domain/vendor-config';
import { AppError } from '../src/errors';
import type { ActivityDeps } from './index';
import { JiraTicketSystem } from './jira';
import { type ActivityLogger, WebhookNotifier } from './notifier';
import type { TicketSystem } from './ports';
import { FileTicketSystem } from './ticket-file';
import { ZendeskTicketSystem } from './zendesk';

/** The ticket systems `TICKET_SYSTEM` can name. */
export const ticketSystems = ['file', 'zendesk', 'jira'] as const;

/**
 * The adapters `npm start` and `npm run worker` use, from the environment:
 * - `TICKET_SYSTEM=file` (default): comments go to `TICKET_LOG_FILE` (default `<DATA_DIR>/ticket-comments.jsonl`);
 * - `TICKET_SYSTEM=zendesk`: `ZENDESK_BASE_URL`, `ZENDESK_EMAIL`, `ZENDESK_API_TOKEN`;
 * - `TICKET_SYSTEM=jira`: `JIRA_BASE_URL`, `JIRA_EMAIL`, `JIRA_API_TOKEN` (Jira Cloud);
 * notifications are logged and, with `NOTIFY_WEBHOOK_URL`, POSTed there. Every invalid or missing setting is reported
 * at once, as an `invalid_config` {@link AppError}.
 */
export function activityDepsFromEnv(
  env: NodeJS.ProcessEnv,
  vendorConfig: VendorConfig,
  log: ActivityLogger,
): ActivityDeps {
  const problems: string[] = [];
  const tickets = ticketSystemFromEnv(env, problems, log);
  const timeout = setting(env, 'CONNECTIVITY_TIMEOUT_MS');
  if (timeout !== undefined && !/^[1-9]\d{0,6}$/.test(timeout)) {
    problems.push(`CONNECTIVITY_TIMEOUT_MS must be a whole number of milliseconds, e.g. 5000 (got "${timeout}")`);
  }
  if (problems.length || !tickets) throw new AppError('invalid_config', 'The activity settings are invalid:', problems);
  return {
    tickets,
    notifier: new WebhookNotifier(env.NOTIFY_WEBHOOK_URL || undefined, log),
    vendorConfig,
    connectivityTimeoutMs: timeout !== undefined ? Number(timeout) : undefined,
  };
}

function ticketSystemFromEnv(
  env: NodeJS.ProcessEnv,
  problems: string[],
  log: ActivityLogger,
): TicketSystem | undefined {
  const kind = (setting(env, 'TICKET_SYSTEM') ?? 'file').toLowerCase();
  switch (kind) {
    case 'file': {
      const unused = ['ZENDESK_BASE_URL', 'JIRA_BASE_URL'].filter((name) => setting(env, name) !== undefined);
      if (unused.length) {
        log.warn({ unused }, `${unused.join(' and ')} set but TICKET_SYSTEM is file: comments go to the ticket file`);
      }
      return new FileTicketSystem(env.TICKET_LOG_FILE || join(env.DATA_DIR || '.data', 'ticket-comments.jsonl'));
    }
    case 'zendesk': {
      const s = apiSettings(env, 'ZENDESK', 'https://acme.zendesk.com', problems);
      return s && new ZendeskTicketSystem(s);
    }
    case 'jira': {
      const s = apiSettings(env, 'JIRA', 'https://acme.atlassian.net', problems);
      return s && new JiraTicketSystem(s);
    }
    default:
      problems.push(`TICKET_SYSTEM must be one of ${ticketSystems.join(', ')} (got "${env.TICKET_SYSTEM}")`);
      return undefined;
  }
}

/** `<PREFIX>_BASE_URL`, `<PREFIX>_EMAIL`, `<PREFIX>_API_TOKEN`, each checked; the token is never quoted. */
function apiSettings(
  env: NodeJS.ProcessEnv,
  prefix: 'ZENDESK' | 'JIRA',
  exampleUrl: string,
  problems: string[],
): { baseUrl: string; email: string; apiToken: string } | undefined {
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

/** Why a base URL cannot be used, or `undefined` when it can. */
function baseUrlProblem(value: string): string | undefined {
  let url: URL;
  try {
    url = new URL(value);
  } catch {
    return 'must be a URL';
  }
  const loopback = ['localhost', '127.0.0.1', '[::1]'].includes(url.hostname);
  // API tokens travel in a header: plain HTTP is only acceptable to this machine (local fakes, tunnels).
  if (url.protocol !== 'https:' && !(url.protocol === 'http:' && loopback)) return 'must be an https:// URL';
  if (url.username || url.password) return 'must not contain credentials (use the _EMAIL and _API_TOKEN settings)';
  if (url.search || url.hash || url.pathname.replace(/\/+$/, '') !== '') {
    return 'must be the site address alone, without a path';
  }
  return undefined;
}

/** A setting's value; empty counts as unset, as in `VAR= npm start`. */
function setting(env: NodeJS.ProcessEnv, name: string): string | undefined {
  const value = env[name]?.trim();
  return value ? value : undefined;
}
