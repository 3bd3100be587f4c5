import type { IncomingMessage, ServerResponse } from 'node:http';
import { richText } from '../../src/ticket-systems/jira';
import { type FakeFailure, FakeHttpService } from './fake-http';

/** A comment as Jira Cloud's REST API v3 returns it (the fields our adapter and tests read). */
export interface FakeJiraComment {
  id: string;
  author: { accountId: string; displayName: string };
  body: unknown;
  created: string;
  jsdPublic: boolean;
}

/**
 * A local Jira Cloud platform REST API v3 over real HTTP, for the endpoints the adapter uses: `GET /rest/api/3/myself`,
 * `GET /rest/api/3/issue/{key}/comment` (`startAt`/`maxResults`/`total` pagination, `orderBy=-created`) and
 * `POST /rest/api/3/issue/{key}/comment` with an ADF `body`. It checks Basic auth (`email:api_token`), the content
 * type and the ADF shape, answers errors as Jira does (`errorMessages`/`errors`; 401, 404, 429 with Retry-After,
 * 5xx), and records requests that break the documented shape in {@link violations}.
 */
export class FakeJira extends FakeHttpService<'GET' | 'POST'> {
  readonly email = 'privatelink-bot@vendor.example';
  readonly apiToken = 'ATATT-jira-5ecr3t-token';
  readonly accountId = '5b10ac8d82e05b22cc7d4ef5';
  readonly violations: string[] = [];
  private readonly issues = new Map<string, FakeJiraComment[]>();
  private nextId = 10_000;

  get basicCredentials(): string {
    return Buffer.from(`${this.email}:${this.apiToken}`).toString('base64');
  }

  addIssue(key: string): void {
    this.issues.set(key, []);
  }

  /** Adds a comment (ADF or plain text turned into one paragraph) as someone else, or as the API user. */
  addComment(key: string, body: unknown, accountId = '557058:customer'): FakeJiraComment {
    const comment: FakeJiraComment = {
      id: String(this.nextId++),
      author: { accountId, displayName: accountId === this.accountId ? 'PrivateLink bot' : 'Customer' },
      body:
        typeof body === 'string'
          ? { type: 'doc', version: 1, content: [{ type: 'paragraph', content: [{ type: 'text', text: body }] }] }
          : body,
      created: '2026-11-02T10:00:00.000-0500',
      jsdPublic: true,
    };
    this.issue(key).push(comment);
    return comment;
  }

  /** The comments of an issue as text, oldest first. */
  commentTexts(key: string): string[] {
    return this.issue(key).map((c) => richText(c.body));
  }

  comments(key: string): FakeJiraComment[] {
    return [...this.issue(key)];
  }

  private issue(key: string): FakeJiraComment[] {
    const comments = this.issues.get(key);
    if (!comments) throw new Error(`fake Jira has no issue ${key}`);
    return comments;
  }

  protected handle(req: IncomingMessage, raw: string, res: ServerResponse): void {
    const method = req.method ?? '';
    const url = new URL(req.url ?? '/', this.url);
    this.requests.push({ method, path: `${url.pathname}${url.search}` });
    const send = (status: number, json: unknown, headers: Record<string, string> = {}) =>
      void res
        .writeHead(status, { 'content-type': 'application/json;charset=UTF-8', ...headers })
        .end(JSON.stringify(json));
    const notFound = () =>
      send(404, { errorMessages: ['Issue does not exist or you do not have permission to see it.'], errors: {} });

    if (req.headers.authorization !== `Basic ${this.basicCredentials}`) {
      return void res
        .writeHead(401, { 'content-type': 'text/plain;charset=UTF-8' })
        .end('Client must be authenticated to access this resource.');
    }
    const failure = this.nextFailure(method);
    const fail = (f: FakeFailure) =>
      void (f.status === 429
        ? send(
            429,
            { errorMessages: ['Rate limit exceeded.'], errors: {} },
            {
              ...(f.retryAfter ? { 'retry-after': f.retryAfter } : {}),
            },
          )
        : f.status >= 500
          ? res.writeHead(f.status, { 'content-type': 'text/html' }).end('<html><body>Bad Gateway</body></html>')
          : send(f.status, { errorMessages: [`scripted ${f.status}`], errors: {} }));
    if (failure && !failure.afterCommit) return fail(failure);

    if (method === 'GET' && url.pathname === '/rest/api/3/myself') {
      return send(200, { accountId: this.accountId, emailAddress: this.email, displayName: 'PrivateLink bot' });
    }
    const commentPath = /^\/rest\/api\/3\/issue\/([^/]+)\/comment$/.exec(url.pathname);
    if (commentPath && method === 'GET') {
      const comments = this.issues.get(decodeURIComponent(commentPath[1] ?? ''));
      if (!comments) return notFound();
      const startAt = Number(url.searchParams.get('startAt') ?? 0);
      const maxResults = Math.min(Number(url.searchParams.get('maxResults') ?? 5000), 100);
      const ordered = url.searchParams.get('orderBy') === '-created' ? [...comments].reverse() : comments;
      return send(200, {
        startAt,
        maxResults,
        total: comments.length,
        comments: ordered.slice(startAt, startAt + maxResults),
      });
    }
    if (commentPath && method === 'POST') {
      if (!/^application\/json\b/.test(req.headers['content-type'] ?? '')) {
        this.violations.push(`POST ${url.pathname}: content-type ${req.headers['content-type']}`);
        return send(415, { errorMessages: ['Unsupported Media Type'], errors: {} });
      }
      const problem = adfCommentProblem(raw);
      if (problem) {
        this.violations.push(`POST ${url.pathname}: ${problem}`);
        return send(400, { errorMessages: [], errors: { comment: 'Comment body is not valid!' } });
      }
      const key = decodeURIComponent(commentPath[1] ?? '');
      if (!this.issues.has(key)) return notFound();
      const created = this.addComment(key, (JSON.parse(raw) as { body: unknown }).body, this.accountId);
      if (failure) return fail(failure);
      return send(201, { self: `${this.url}/rest/api/3/issue/${key}/comment/${created.id}`, ...created });
    }
    this.violations.push(`unexpected ${method} ${url.pathname}`);
    return send(404, { errorMessages: ['Not found'], errors: {} });
  }
}

/** What is wrong with an add-comment body, by the ADF rules Jira enforces (doc v1, typed nodes, no empty text). */
function adfCommentProblem(raw: string): string | undefined {
  let body: unknown;
  try {
    body = JSON.parse(raw);
  } catch {
    return 'body is not JSON';
  }
  const doc = (body as { body?: unknown })?.body as { type?: unknown; version?: unknown; content?: unknown };
  if (typeof doc !== 'object' || doc === null) return 'body.body must be an ADF document';
  if (doc.type !== 'doc' || doc.version !== 1 || !Array.isArray(doc.content)) {
    return 'body.body must be { type: "doc", version: 1, content: [...] }';
  }
  const check = (node: unknown): string | undefined => {
    const n = node as { type?: unknown; text?: unknown; content?: unknown };
    if (typeof n?.type !== 'string') return 'every ADF node needs a type';
    if (n.type === 'text' && (typeof n.text !== 'string' || n.text === '')) return 'ADF text nodes must not be empty';
    return Array.isArray(n.content) ? n.content.map(check).find(Boolean) : undefined;
  };
  return (doc.content as unknown[]).map(check).find(Boolean);
}
