import type { IncomingMessage, ServerResponse } from 'node:http';
import { type FakeFailure, FakeHttpService } from './fake-http';

/** A comment as Zendesk's Ticket Comments API returns it (the fields our adapter and tests read). */
export interface FakeZendeskComment {
  id: number;
  type: 'Comment';
  author_id: number;
  body: string;
  plain_body: string;
  public: boolean;
  created_at: string;
}

interface FakeTicket {
  status: string;
  comments: FakeZendeskComment[];
}

/**
 * A local Zendesk Support API over real HTTP, speaking the documented shapes of the endpoints the adapter uses:
 * `GET /api/v2/users/me.json`, `GET /api/v2/tickets/{id}/comments.json` (cursor pagination, `sort_order`) and
 * `PUT /api/v2/tickets/{id}.json` with `{ ticket: { comment: { body, public } } }`. It checks the API-token Basic
 * auth, the content type and the body shape, answers errors as Zendesk does (401, 404, 422, 429 with Retry-After,
 * 5xx), and records requests that break the documented shape in {@link violations}.
 */
export class FakeZendesk extends FakeHttpService<'GET' | 'PUT'> {
  readonly email = 'privatelink-bot@vendor.example';
  readonly apiToken = 'zd-api-token-5ecr3t-value';
  /** The API user's id: comments the adapter posts are authored by it. */
  readonly userId = 9001;
  readonly violations: string[] = [];
  private readonly tickets = new Map<number, FakeTicket>();
  private nextId = 1_000_000;

  /** Credentials as the adapter should send them: `Basic base64({email}/token:{api_token})`. */
  get basicCredentials(): string {
    return Buffer.from(`${this.email}/token:${this.apiToken}`).toString('base64');
  }

  /** Creates a ticket (status `open` unless given). */
  addTicket(id: number, status = 'open'): void {
    this.tickets.set(id, { status, comments: [] });
  }

  /** Adds a comment as someone else (a customer, an agent) or as the API user. */
  addComment(ticket: number, body: string, authorId = 424242): FakeZendeskComment {
    const comment: FakeZendeskComment = {
      id: this.nextId++,
      type: 'Comment',
      author_id: authorId,
      body,
      plain_body: body,
      public: true,
      created_at: new Date(Date.UTC(2026, 10, 2, 15, 0, 0) + this.nextId * 1000).toISOString().replace('.000', ''),
    };
    this.ticket(ticket).comments.push(comment);
    return comment;
  }

  /** The comments of a ticket, oldest first. */
  comments(ticket: number): FakeZendeskComment[] {
    return [...this.ticket(ticket).comments];
  }

  private ticket(id: number): FakeTicket {
    const ticket = this.tickets.get(id);
    if (!ticket) throw new Error(`fake Zendesk has no ticket ${id}`);
    return ticket;
  }

  protected handle(req: IncomingMessage, raw: string, res: ServerResponse): void {
    const method = req.method ?? '';
    const url = new URL(req.url ?? '/', this.url);
    this.requests.push({ method, path: `${url.pathname}${url.search}` });
    const send = (status: number, json: unknown, headers: Record<string, string> = {}) =>
      void res
        .writeHead(status, { 'content-type': 'application/json; charset=utf-8', ...headers })
        .end(JSON.stringify(json));

    if (req.headers.accept !== undefined && !/json|\*\/\*/.test(req.headers.accept)) {
      this.violations.push(`${method} ${url.pathname}: Accept ${req.headers.accept}`);
    }
    const authorized = req.headers.authorization === `Basic ${this.basicCredentials}`;
    // Zendesk answers an unauthenticated /users/me with the anonymous user rather than a 401.
    if (!authorized && method === 'GET' && url.pathname === '/api/v2/users/me.json') {
      return send(200, { user: { id: null, name: 'Anonymous user', email: 'invalid@example.com', role: 'end-user' } });
    }
    if (!authorized) return send(401, { error: "Couldn't authenticate you" });

    const failure = this.nextFailure(method);
    const fail = (f: FakeFailure) =>
      void (f.status === 429
        ? send(
            429,
            { error: 'TooManyRequests', description: 'Rate limit exceeded' },
            {
              ...(f.retryAfter ? { 'retry-after': f.retryAfter } : {}),
            },
          )
        : f.status >= 500
          ? res
              .writeHead(f.status, { 'content-type': 'text/html' })
              .end('<html><body>Service Unavailable</body></html>')
          : send(f.status, { error: 'Error', description: `scripted ${f.status}` }));
    if (failure && !failure.afterCommit) return fail(failure);

    if (method === 'GET' && url.pathname === '/api/v2/users/me.json') {
      return send(200, { user: { id: this.userId, name: 'PrivateLink bot', email: this.email, role: 'agent' } });
    }
    const commentsPath = /^\/api\/v2\/tickets\/(\d+)\/comments\.json$/.exec(url.pathname);
    if (method === 'GET' && commentsPath) {
      const ticket = this.tickets.get(Number(commentsPath[1]));
      if (!ticket) return send(404, { error: 'RecordNotFound', description: 'Not found' });
      return send(200, this.commentsPage(ticket, url));
    }
    const ticketPath = /^\/api\/v2\/tickets\/(\d+)\.json$/.exec(url.pathname);
    if (method === 'PUT' && ticketPath) {
      if (!/^application\/json\b/.test(req.headers['content-type'] ?? '')) {
        this.violations.push(`PUT ${url.pathname}: content-type ${req.headers['content-type']}`);
        return send(415, { error: 'UnsupportedMediaType', description: 'Content-Type must be application/json' });
      }
      const shapeProblem = commentShapeProblem(raw);
      if (shapeProblem) {
        this.violations.push(`PUT ${url.pathname}: ${shapeProblem}`);
        return send(400, { error: 'InvalidEndpoint', description: shapeProblem });
      }
      const id = Number(ticketPath[1]);
      const ticket = this.tickets.get(id);
      if (!ticket) return send(404, { error: 'RecordNotFound', description: 'Not found' });
      if (ticket.status === 'closed') {
        return send(422, {
          error: 'RecordInvalid',
          description: 'Record validation errors',
          details: { status: [{ description: 'Status: closed prevents ticket update' }] },
        });
      }
      const { comment } = (JSON.parse(raw) as { ticket: { comment: { body: string; public: boolean } } }).ticket;
      const created = this.addComment(id, comment.body, this.userId);
      created.public = comment.public;
      if (failure) return fail(failure);
      return send(200, {
        ticket: { id, status: ticket.status, updated_at: created.created_at },
        audit: {
          id: this.nextId++,
          ticket_id: id,
          author_id: this.userId,
          created_at: created.created_at,
          events: [
            { id: created.id, type: 'Comment', author_id: this.userId, body: created.body, public: created.public },
          ],
        },
      });
    }
    this.violations.push(`unexpected ${method} ${url.pathname}`);
    return send(404, { error: 'InvalidEndpoint', description: 'Not found' });
  }

  /** Cursor pagination as Zendesk documents it: `page[size]`, `page[after]`, `meta.has_more`, `links.next`. */
  private commentsPage(ticket: FakeTicket, url: URL): unknown {
    const size = Math.min(Number(url.searchParams.get('page[size]') ?? 100) || 100, 100);
    const order = url.searchParams.get('sort_order') === 'desc' ? 'desc' : 'asc';
    const all = order === 'desc' ? [...ticket.comments].reverse() : ticket.comments;
    const after = url.searchParams.get('page[after]');
    const start = after ? Number(Buffer.from(after, 'base64url').toString()) : 0;
    const page = all.slice(start, start + size);
    const hasMore = start + size < all.length;
    const cursor = Buffer.from(String(start + size)).toString('base64url');
    const next = new URL(url.pathname, this.url);
    next.search = `page[size]=${size}&sort_order=${order}&page[after]=${cursor}`;
    return {
      comments: page,
      meta: { has_more: hasMore, after_cursor: hasMore ? cursor : null, before_cursor: null },
      links: { prev: null, next: hasMore ? next.toString() : null },
    };
  }
}

/** What is wrong with a ticket update that should add a comment, by the documented shape. */
function commentShapeProblem(raw: string): string | undefined {
  let body: unknown;
  try {
    body = JSON.parse(raw);
  } catch {
    return 'body is not JSON';
  }
  const comment = (body as { ticket?: { comment?: { body?: unknown; public?: unknown } } })?.ticket?.comment;
  if (!comment) return 'body must be { ticket: { comment: { ... } } }';
  if (typeof comment.body !== 'string' || comment.body.trim() === '') return 'ticket.comment.body must be text';
  if (typeof comment.public !== 'boolean') return 'ticket.comment.public must be true or false';
  return undefined;
}
