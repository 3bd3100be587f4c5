import { ApplicationFailure } from '@temporalio/activity';
import { isRecord } from '../src/domain/json';
import { failureTypes } from '../src/temporal/failures';
import { commentFooter, hasCommentFooter } from '../src/ticket-systems/comment-ref';
import { zendeskTicketNumber } from '../src/ticket-systems/zendesk';
import { basicAuthApi, callJsonApi, type JsonApi } from './json-api';
import { HttpStatusError, type TicketSystem } from './ports';

/** How to reach Zendesk: the account URL and an API token (Admin Center > Apps and integrations > Zendesk API). */
export interface ZendeskSettings {
  /** The account's URL, e.g. `https://acme.zendesk.com`. */
  baseUrl: string;
  /** Email of the agent the API token acts as; comments are posted as this agent. */
  email: string;
  apiToken: string;
  /** Bound on each HTTP request. */
  timeoutMs?: number;
}

/** Comment pages read when looking for an earlier post (100 comments each, newest first). */
const maxPages = 50;

/**
 * Posts ticket comments through the Zendesk Support API (`PUT /api/v2/tickets/{id}.json` with a public comment).
 * Our ticket ids are `ZD-<ticket number>`.
 *
 * Zendesk has no idempotency keys, so every comment ends with a `[ref: <idempotency key>]` line, and before posting
 * the adapter reads the ticket's comments (`GET /api/v2/tickets/{id}/comments.json`, newest first) for one written by
 * its own API user with that line. A retry after a post whose answer was lost therefore finds the first comment
 * instead of posting again; a customer quoting the line in a reply does not count, since the author must be us.
 */
export class ZendeskTicketSystem implements TicketSystem {
  readonly name: string;
  readonly system = 'zendesk';
  private readonly api: JsonApi;
  private userId: Promise<number> | undefined;

  constructor(settings: ZendeskSettings) {
    this.api = basicAuthApi({
      system: 'Zendesk',
      baseUrl: settings.baseUrl,
      // An API token authenticates as `<agent email>/token`.
      user: `${settings.email}/token`,
      apiToken: settings.apiToken,
      timeoutMs: settings.timeoutMs,
      errorParts,
    });
    this.name = this.api.name;
  }

  async postComment(ticketId: string, body: string, idempotencyKey: string) {
    const number = zendeskTicketNumber(ticketId);
    if (number === undefined) {
      throw ApplicationFailure.nonRetryable(
        `${this.name} cannot comment on ticket "${ticketId}": Zendesk tickets are ZD-<ticket number>`,
        failureTypes.ticketNotInSystem,
      );
    }
    const authorId = await this.currentUserId();
    const existing = await this.findComment(number, authorId, idempotencyKey);
    if (existing !== undefined) return { commentId: existing, duplicate: true };

    const answer = await this.request('PUT', `/api/v2/tickets/${number}.json`, {
      ticket: { comment: { body: `${body}\n\n${commentFooter(idempotencyKey)}`, public: true } },
    });
    // The update's audit holds the new comment as its `Comment` event, whose id is the comment's id.
    const events: unknown = isRecord(answer) && isRecord(answer.audit) ? answer.audit.events : undefined;
    const event: unknown = Array.isArray(events) ? events.find((e) => isRecord(e) && e.type === 'Comment') : undefined;
    const commentId = isRecord(event) ? idText(event.id) : await this.findComment(number, authorId, idempotencyKey);
    return { commentId: commentId ?? 'unknown', duplicate: false };
  }

  /** The id of the API user, once per process: comments are ours only when written by it. */
  private currentUserId(): Promise<number> {
    this.userId ??= this.request('GET', '/api/v2/users/me.json').then((answer) => {
      const id = isRecord(answer) && isRecord(answer.user) ? answer.user.id : undefined;
      // Zendesk answers an unauthenticated /users/me with an anonymous user (no id) rather than a 401.
      if (typeof id !== 'number') {
        throw new HttpStatusError(
          this.name,
          401,
          'Zendesk did not accept the API credentials: check ZENDESK_EMAIL and ZENDESK_API_TOKEN, and that token access is enabled',
        );
      }
      return id;
    });
    this.userId.catch(() => (this.userId = undefined));
    return this.userId;
  }

  private async findComment(number: number, authorId: number, key: string): Promise<string | undefined> {
    let path: string | undefined = `/api/v2/tickets/${number}/comments.json?sort_order=desc&page[size]=100`;
    for (let page = 0; path && page < maxPages; page++) {
      const answer = await this.request('GET', path);
      if (!isRecord(answer)) return undefined;
      const comments = Array.isArray(answer.comments) ? answer.comments : [];
      for (const c of comments) {
        if (!isRecord(c) || c.author_id !== authorId) continue;
        const text = typeof c.body === 'string' ? c.body : typeof c.plain_body === 'string' ? c.plain_body : '';
        if (hasCommentFooter(text, key)) return idText(c.id);
      }
      const meta = isRecord(answer.meta) ? answer.meta : {};
      const links = isRecord(answer.links) ? answer.links : {};
      const next = meta.has_more === true ? links.next : answer.next_page;
      path = typeof next === 'string' ? this.sameOriginPath(next) : undefined;
    }
    return undefined;
  }

  /** A pagination link as a path, only if it points at our Zendesk (credentials are never sent elsewhere). */
  private sameOriginPath(link: string): string | undefined {
    try {
      const url = new URL(link, this.api.baseUrl);
      return url.origin === this.api.baseUrl.origin ? `${url.pathname}${url.search}` : undefined;
    } catch {
      return undefined;
    }
  }

  private request(method: 'GET' | 'PUT', path: string, body?: unknown): Promise<unknown> {
    return callJsonApi(this.api, method, path, body);
  }
}

/** Zendesk's own words for an error: `{ error, description, details: { field: [{ description }] } }`. */
function errorParts(json: Record<string, unknown>): unknown[] {
  const parts: unknown[] = isRecord(json.error) ? [json.error.title, json.error.message] : [json.error];
  parts.push(json.description);
  if (isRecord(json.details)) {
    for (const [field, problems] of Object.entries(json.details)) {
      for (const p of Array.isArray(problems) ? problems : []) {
        if (isRecord(p) && typeof p.description === 'string') parts.push(`${field}: ${p.description}`);
      }
    }
  }
  return parts;
}

/** An id from a JSON answer as text (Zendesk ids are numbers). */
function idText(value: unknown): string | undefined {
  return typeof value === 'number' || typeof value === 'string' ? String(value) : undefined;
}
