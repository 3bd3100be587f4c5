import { ApplicationFailure } from '@temporalio/activity';
import { commentFooter, hasCommentFooter } from '../src/webhooks/description';
import { jiraIssueKeyPattern, richText } from '../src/webhooks/jira';
import { callJsonApi } from './json-api';
import { HttpStatusError, type TicketSystem } from './ports';

/** How to reach Jira Cloud: the site URL and an API token of the account that comments (id.atlassian.com). */
export interface JiraSettings {
  /** The site's URL, e.g. `https://acme.atlassian.net`. */
  baseUrl: string;
  /** Email of the Atlassian account the API token belongs to; comments are posted as this account. */
  email: string;
  apiToken: string;
  /** Bound on each HTTP request. */
  timeoutMs?: number;
}

/** Comment pages read when looking for an earlier post (100 comments each, newest first). */
const maxPages = 50;

/** An Atlassian Document Format document. */
export interface AdfDocument {
  type: 'doc';
  version: 1;
  content: { type: 'paragraph'; content: ({ type: 'text'; text: string } | { type: 'hardBreak' })[] }[];
}

/** Plain text as ADF: blank-line-separated blocks become paragraphs, single line breaks `hardBreak`s. */
export function adfDocument(text: string): AdfDocument {
  const paragraphs = text
    .split(/\n\s*\n/)
    .map((block) => block.split('\n'))
    .filter((lines) => lines.some((line) => line !== ''));
  return {
    type: 'doc',
    version: 1,
    content: paragraphs.map((lines) => ({
      type: 'paragraph',
      // ADF refuses empty text nodes, so blank lines inside a block are only breaks.
      content: lines.flatMap((line, i) => [
        ...(i > 0 ? [{ type: 'hardBreak' as const }] : []),
        ...(line ? [{ type: 'text' as const, text: line }] : []),
      ]),
    })),
  };
}

/**
 * Posts issue comments through the Jira Cloud platform REST API v3 (`POST /rest/api/3/issue/{key}/comment`, body in
 * ADF). Our ticket ids are issue keys.
 *
 * Jira has no idempotency keys, so every comment ends with a `[ref: <idempotency key>]` line, and before posting the
 * adapter reads the issue's comments (`GET /rest/api/3/issue/{key}/comment`, newest first) for one written by its own
 * account (`GET /rest/api/3/myself`) with that line. A retry after a post whose answer was lost therefore finds the
 * first comment instead of posting again; a customer quoting the line does not count, since the author must be us.
 */
export class JiraTicketSystem implements TicketSystem {
  readonly name: string;
  private readonly baseUrl: URL;
  private readonly authorization: string;
  private readonly secrets: string[];
  private readonly timeoutMs: number;
  private accountId: Promise<string> | undefined;

  constructor(settings: JiraSettings) {
    this.baseUrl = new URL(settings.baseUrl);
    this.name = `jira:${this.baseUrl.origin}`;
    const credentials = Buffer.from(`${settings.email}:${settings.apiToken}`).toString('base64');
    this.authorization = `Basic ${credentials}`;
    this.secrets = [settings.apiToken, credentials];
    this.timeoutMs = settings.timeoutMs ?? 15_000;
  }

  async postComment(ticketId: string, body: string, idempotencyKey: string) {
    if (!jiraIssueKeyPattern.test(ticketId)) {
      throw ApplicationFailure.nonRetryable(
        `${this.name} cannot comment on ticket "${ticketId}": Jira tickets are issue keys such as PL-42`,
        'TicketNotInSystem',
      );
    }
    const authorId = await this.currentAccountId();
    const existing = await this.findComment(ticketId, authorId, idempotencyKey);
    if (existing !== undefined) return { commentId: existing, duplicate: true };
    const answer = await this.request('POST', `/rest/api/3/issue/${encodeURIComponent(ticketId)}/comment`, {
      body: adfDocument(`${body}\n\n${commentFooter(idempotencyKey)}`),
    });
    const id = isRecord(answer) ? answer.id : undefined;
    return { commentId: typeof id === 'string' || typeof id === 'number' ? String(id) : 'unknown', duplicate: false };
  }

  /** The account id of the API user, once per process: comments are ours only when written by it. */
  private currentAccountId(): Promise<string> {
    this.accountId ??= this.request('GET', '/rest/api/3/myself').then((answer) => {
      const id = isRecord(answer) ? answer.accountId : undefined;
      if (typeof id !== 'string' || !id) {
        throw new HttpStatusError(
          this.name,
          401,
          'Jira did not identify the API user: check JIRA_EMAIL and JIRA_API_TOKEN',
        );
      }
      return id;
    });
    this.accountId.catch(() => (this.accountId = undefined));
    return this.accountId;
  }

  private async findComment(key: string, authorId: string, idempotencyKey: string): Promise<string | undefined> {
    let startAt = 0;
    for (let page = 0; page < maxPages; page++) {
      const answer = await this.request(
        'GET',
        `/rest/api/3/issue/${encodeURIComponent(key)}/comment?startAt=${startAt}&maxResults=100&orderBy=-created`,
      );
      if (!isRecord(answer) || !Array.isArray(answer.comments)) return undefined;
      for (const c of answer.comments) {
        if (!isRecord(c) || !isRecord(c.author) || c.author.accountId !== authorId) continue;
        if (hasCommentFooter(richText(c.body), idempotencyKey)) return typeof c.id === 'string' ? c.id : String(c.id);
      }
      startAt += answer.comments.length;
      const total = typeof answer.total === 'number' ? answer.total : 0;
      if (!answer.comments.length || startAt >= total) return undefined;
    }
    return undefined;
  }

  private request(method: 'GET' | 'POST', path: string, body?: unknown): Promise<unknown> {
    return callJsonApi(
      {
        name: this.name,
        baseUrl: this.baseUrl,
        authorization: this.authorization,
        secrets: this.secrets,
        timeoutMs: this.timeoutMs,
        errorDetail,
      },
      method,
      path,
      body,
    );
  }
}

/**
 * Jira's own words for an error (`{ errorMessages: [...], errors: { field: message } }`), plus the wait it asks for
 * on 429. Retrying is Temporal's job: the wait is reported, not slept.
 */
function errorDetail(response: Response, text: string): string {
  let detail = '';
  try {
    const json = JSON.parse(text) as unknown;
    if (isRecord(json)) {
      const messages: unknown[] = Array.isArray(json.errorMessages) ? json.errorMessages : [];
      const fields = isRecord(json.errors) ? Object.entries(json.errors).map(([f, m]) => `${f}: ${String(m)}`) : [];
      const parts = [...messages, ...fields, json.message].filter(
        (p): p is string => typeof p === 'string' && p !== '',
      );
      detail = parts.join('; ');
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
        ? `; rate limited, Jira asks to retry after ${retryAfter} s`
        : `; rate limited, Jira asks to retry at ${retryAfter}`;
  }
  return detail;
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}
