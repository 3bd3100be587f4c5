import { ApplicationFailure } from '@temporalio/activity';
import { isRecord } from '../src/domain/json';
import { failureTypes } from '../src/temporal/failures';
import { commentFooter, hasCommentFooter } from '../src/ticket-systems/comment-ref';
import { jiraIssueKeyPattern, richText } from '../src/ticket-systems/jira';
import { basicAuthApi, callJsonApi, type JsonApi } from './json-api';
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
  readonly system = 'jira';
  private readonly api: JsonApi;
  private accountId: Promise<string> | undefined;

  constructor(settings: JiraSettings) {
    this.api = basicAuthApi({
      system: 'Jira',
      baseUrl: settings.baseUrl,
      user: settings.email,
      apiToken: settings.apiToken,
      timeoutMs: settings.timeoutMs,
      errorParts,
    });
    this.name = this.api.name;
  }

  async postComment(ticketId: string, body: string, idempotencyKey: string) {
    if (!jiraIssueKeyPattern.test(ticketId)) {
      throw ApplicationFailure.nonRetryable(
        `${this.name} cannot comment on ticket "${ticketId}": Jira tickets are issue keys such as PL-42`,
        failureTypes.ticketNotInSystem,
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
    return callJsonApi(this.api, method, path, body);
  }
}

/** Jira's own words for an error: `{ errorMessages: [...], errors: { field: message }, message }`. */
function errorParts(json: Record<string, unknown>): unknown[] {
  const messages: unknown[] = Array.isArray(json.errorMessages) ? json.errorMessages : [];
  const fields = isRecord(json.errors) ? Object.entries(json.errors).map(([f, m]) => `${f}: ${String(m)}`) : [];
  return [...messages, ...fields, json.message];
}
