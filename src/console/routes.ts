/**
 * The staff console's routes under `/console`: sign-in (a token turned into a session cookie), the inbox, a request's
 * page and its forms, the history tab and its exports. Roles are the API's (`allows`), checked on the server for every
 * page and form; every form carries the session's CSRF token; errors are pages, never JSON.
 */
import { existsSync, readFileSync } from 'node:fs';
import type { ServerResponse } from 'node:http';
import { createRequire } from 'node:module';
import { join } from 'node:path';
import formbody from '@fastify/formbody';
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { toCsv } from '../audit/chain';
import { projectRoot } from '../paths';
import { readTimeline } from '../audit/history';
import { readCookie, setCookie } from './cookies';
import { type AuditSigningKey, exportTimeline, verifySignedExport } from '../audit/signing';
import { AUDIT_SIGNATURE_HEADER, auditSignatureHeader } from '../api/routes/requests';
import { isEventType } from '../domain/events';
import { AppError, httpStatusOfCode } from '../errors';
import { type Action, allows, type Authenticator } from '../api/auth';
import { toAppError } from '../api/problem';
import { recordEvent } from '../api/record-event';
import { listQuerySchema, ticketIdSchema } from '../api/schemas';
import type { EnablementClient } from '../temporal/enablement-client';
import { PageTokens } from '../temporal/page-token';
import { listQuery } from '../temporal/visibility';
import { eventForm, eventFromForm, problemsByField } from './forms';
import { attentionPage } from './attention';
import { historyPage } from './history-page';
import { HEARTBEAT_MS, LiveRequests, MAX_LISTENERS, sseEvent } from './live';
import { html, queryString } from './html';
import { defaultInboxFilters, inboxPage, type InboxFilters, type InboxView, NOBODY } from './inbox';
import { RequestIndex, type RequestIndexOptions } from './request-index';
import { page, type PageFrame, waitingOnText } from './layout';
import { stateLabel } from './steps';
import { type FormState, requestPage } from './request-page';
import { OIDC_COOKIE, PRESESSION_COOKIE, SESSION_COOKIE, SESSION_HOURS, type Session, SessionKeys } from './session';
import type { SlaPolicy } from './sla-badge';
import { signInPage } from './sign-in';
import { type OidcSignIn, PENDING_SECONDS, type PendingSignIn } from './oidc-sign-in';

declare module 'fastify' {
  interface FastifyContextConfig {
    /** What a console page does, for authorization; `public` pages need no session. */
    console?: 'public' | Action;
  }
  interface FastifyRequest {
    /** The signed-in person of a console page. */
    consoleSession?: Session;
  }
}

/** What the console needs. */
export interface ConsoleOptions {
  requests: EnablementClient;
  authenticator?: Authenticator;
  /** Signs session cookies and CSRF tokens; without it, a key made for this process. */
  sessions?: SessionKeys;
  /** Signs the inbox's page tokens (the API's own). */
  pageTokens?: PageTokens;
  auditSigning?: AuditSigningKey;
  /** The vendor's SLA calendar and pause policy, for the inbox's badges; without it they count wall-clock time. */
  slaPolicy?: SlaPolicy;
  /** The clock (tests). */
  now?: () => number;
  /** How often a live page's request is read (tests make it short). */
  livePollMs?: number;
  /** The Temporal UI's address, for links to a request's workflow (`npm start`'s own, or `TEMPORAL_UI_URL`). */
  temporalUiUrl?: string;
  /** Signing in with the organisation's identity provider (OIDC, authorization code with PKCE) instead of a token. */
  oidc?: OidcSignIn;
  /** The inbox's index of every request (how often it reads; tests make it quick), or false to list from visibility. */
  index?: Pick<RequestIndexOptions, 'pollMs' | 'rebuildMs' | 'maxRows'> | false;
}

/** Largest form the console takes. */
const FORM_BODY_LIMIT = 64 * 1024;
const INBOX_PAGE_SIZE = 50;
/** How often a live inbox page's view is checked against the index (a check is free unless the index changed). */
const INBOX_POLL_MS = 2_000;
/** Requests each attention group shows at most. */
const ATTENTION_PAGE_SIZE = 50;

const here = createRequire(__filename);
/** The console's own files: next to this module (src/, and dist/ in the image), else in the product's src/. */
const ownAssets = [join(__dirname, 'assets'), join(projectRoot(), 'src', 'console', 'assets')].find((dir) =>
  existsSync(join(dir, 'console.js')),
);
/** The console's static files, read once: htmx from its npm package, the console's own script and style. */
const assets: Record<string, { type: string; body: Buffer }> = {
  'htmx.min.js': { type: 'text/javascript', body: readFileSync(here.resolve('htmx.org/dist/htmx.min.js')) },
  'console.js': { type: 'text/javascript', body: readFileSync(join(ownAssets ?? '', 'console.js')) },
  'console.css': { type: 'text/css', body: readFileSync(join(ownAssets ?? '', 'console.css')) },
};

/** The content security policy of every console answer: nothing but this server's own files. */
const CSP =
  "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:; connect-src 'self'; frame-ancestors 'none'; form-action 'self'; base-uri 'none'; object-src 'none'";

/** A path inside the console to go back to after signing in; anything else goes to the inbox (no open redirect). */
export function safeNext(next: unknown): string {
  return typeof next === 'string' && /^\/console(\/|\?|$)/.test(next) && !next.includes('//') && next.length < 2_000
    ? next
    : '/console';
}

/** The host of an `Origin` header; none when it is not a URL. */
function hostOf(origin: string): string | undefined {
  try {
    return new URL(origin).host;
  } catch {
    return undefined;
  }
}

/** Registers the console's routes; the server mounts them under `/console` (in their own scope: form bodies, cookies, HTML errors). */
export function consoleRoutes(scope: FastifyInstance, opts: ConsoleOptions): void {
  const sessions = opts.sessions ?? SessionKeys.random();
  const pageTokens = opts.pageTokens ?? PageTokens.random();
  const now = opts.now ?? Date.now;
  const { requests } = opts;

  // Pages, not API operations: kept out of /openapi.json.
  scope.addHook('onRoute', (route) => {
    route.schema = { ...route.schema, hide: true };
  });
  void scope.register(formbody, { bodyLimit: FORM_BODY_LIMIT });

  const frameOf = (request: FastifyRequest, title: string, extra: Partial<PageFrame> = {}): PageFrame => {
    const session = request.consoleSession;
    return { title, ...(session ? { session, csrf: sessions.csrfToken(session.id) } : {}), ...extra };
  };
  /** What a request page needs to keep its SLA badge counting in the browser. */
  const badgeOpts = () => ({ now: now(), ...(opts.slaPolicy ? { policy: opts.slaPolicy } : {}) });
  const sendPage = (reply: FastifyReply, status: number, body: { text: string }) =>
    reply.code(status).type('text/html; charset=utf-8').send(body.text);

  scope.addHook('onSend', async (_request, reply, payload) => {
    void reply.header('content-security-policy', CSP);
    void reply.header('x-content-type-options', 'nosniff');
    void reply.header('referrer-policy', 'same-origin');
    if (!reply.hasHeader('cache-control')) void reply.header('cache-control', 'no-store');
    return payload;
  });

  // Who is signed in, and may they see this page? Before the body is read.
  scope.addHook('onRequest', async (request, reply) => {
    const need = request.routeOptions.config?.console;
    if (!need || need === 'public') return;
    const session = sessions.read(readCookie(request, SESSION_COOKIE), now());
    if (!session) {
      if (request.method === 'GET') {
        return reply.redirect(`/console/sign-in?next=${encodeURIComponent(request.url)}`, 303);
      }
      throw new AppError('unauthenticated', 'Your session has ended. Sign in again; what you typed was not recorded.');
    }
    if (!allows(session.role, need)) {
      throw new AppError(
        'forbidden',
        `${session.subject} has role ${session.role}, which may not ${need === 'read' ? 'read requests' : 'record steps'}.`,
      );
    }
    request.consoleSession = session;
    return undefined;
  });

  // Every form of a signed-in person carries the session's CSRF token; and a form posted from another site is refused.
  scope.addHook('preHandler', (request, _reply, done) => {
    if (request.method !== 'POST' || !request.consoleSession) return done();
    const origin = request.headers.origin;
    if (origin && origin !== 'null' && hostOf(origin) !== request.headers.host) {
      return done(new AppError('forbidden', 'The form was sent from another site.'));
    }
    const token = (request.body as Record<string, unknown> | undefined)?._csrf;
    if (!sessions.checkCsrf(request.consoleSession.id, token)) {
      return done(
        new AppError(
          'forbidden',
          'The form has expired or did not come from this console. Reload the page and try again.',
        ),
      );
    }
    return done();
  });

  scope.setErrorHandler((err, request, reply) => {
    const known = err instanceof AppError ? err : toAppError(err as Parameters<typeof toAppError>[0]);
    if (!(known instanceof AppError)) {
      request.log.error({ err }, 'unexpected error');
      return sendPage(
        reply,
        500,
        errorPage(request, 'Something went wrong', `The error is logged with request id ${request.id}.`),
      );
    }
    const status = httpStatusOfCode[known.code];
    const title =
      status === 401 ? 'Sign in' : status === 403 ? 'Not allowed' : status === 404 ? 'Not found' : 'Something is wrong';
    return sendPage(reply, status, errorPage(request, title, known.message.split('\n')[0]!, known.problems));
  });
  scope.setNotFoundHandler((request, reply) =>
    sendPage(reply, 404, errorPage(request, 'Not found', `There is no console page at ${request.url.split('?')[0]}.`)),
  );
  const errorPage = (request: FastifyRequest, title: string, detail: string, problems: readonly string[] = []) =>
    page(
      frameOf(request, title),
      html`<h1>${title}</h1>
        <p role="alert" data-focus>${detail}</p>
        ${
          problems.length
            ? html`<ul>
                ${problems.map((p) => html`<li>${p}</li>`)}
              </ul>`
            : ''
        }
        <p>
          ${request.consoleSession ? html`<a href="/console">Back to the inbox</a>` : html`<a href="/console/sign-in">Sign in</a>`}
        </p>`,
    );

  scope.get('/assets/:file', { config: { console: 'public' } }, (request, reply) => {
    const asset = assets[(request.params as { file: string }).file];
    if (!asset) throw new AppError('not_found', 'No such file.');
    return reply.type(`${asset.type}; charset=utf-8`).header('cache-control', 'public, max-age=3600').send(asset.body);
  });

  // Sign-in: a token (the same as the API's bearer tokens) checked once and turned into a session cookie.
  // With OIDC sign-in configured, the identity provider instead (below).
  const provider = opts.oidc?.providerName;
  scope.get('/sign-in', { config: { console: 'public' } }, (request, reply) => {
    const pre = presession(request, reply);
    const next = safeNext((request.query as { next?: unknown }).next);
    return sendPage(
      reply,
      200,
      signInPage(frameOf(request, 'Sign in'), { csrf: sessions.csrfToken(`pre:${pre}`), next, provider }),
    );
  });
  scope.post('/sign-in', { config: { console: 'public' } }, async (request, reply) => {
    const body = (request.body ?? {}) as Record<string, unknown>;
    const pre = readCookie(request, PRESESSION_COOKIE);
    const next = safeNext(body.next);
    if (provider !== undefined) {
      const error = `This console signs in with ${provider}, not with a token.`;
      return sendPage(reply, 403, signInPage(frameOf(request, 'Sign in'), { csrf: '', next, provider, error }));
    }
    if (!pre || !sessions.checkCsrf(`pre:${pre}`, body._csrf)) {
      const fresh = presession(request, reply, true);
      return sendPage(
        reply,
        403,
        signInPage(frameOf(request, 'Sign in'), {
          csrf: sessions.csrfToken(`pre:${fresh}`),
          next,
          error: 'The sign-in form expired. Paste your token again.',
        }),
      );
    }
    const retry = (status: number, error: string) =>
      sendPage(
        reply,
        status,
        signInPage(frameOf(request, 'Sign in'), { csrf: sessions.csrfToken(`pre:${pre}`), next, error }),
      );
    const token = typeof body.token === 'string' ? body.token.trim() : '';
    if (!token) return retry(422, 'Paste your API token.');
    if (!opts.authenticator)
      return retry(503, 'No credentials are configured on this server: set AUTH_TOKENS_FILE and restart.');
    let principal;
    try {
      principal = await opts.authenticator.authenticate(`Bearer ${token}`);
    } catch (err) {
      if (err instanceof AppError && err.code === 'unauthenticated') return retry(401, 'That token is not valid.');
      throw err;
    }
    if (!allows(principal.role, 'read')) {
      return retry(
        403,
        `${principal.subject} has role ${principal.role}, which may not read requests: the console is not for it.`,
      );
    }
    const { cookie: value } = sessions.open(principal, 'token', now());
    setCookie(request, reply, PRESESSION_COOKIE, '', 0);
    setCookie(request, reply, SESSION_COOKIE, value, SESSION_HOURS * 3600);
    request.log.info({ subject: principal.subject, role: principal.role }, 'console sign-in');
    return reply.redirect(next, 303);
  });
  if (opts.oidc) oidcRoutes(opts.oidc);
  /** OIDC sign-in: to the identity provider with a PKCE challenge, and back with a code the API exchanges. */
  function oidcRoutes(oidc: OidcSignIn): void {
    const failed = (request: FastifyRequest, reply: FastifyReply, err: unknown, next = '/console') => {
      if (!(err instanceof AppError)) throw err;
      const status = err.code === 'unavailable' ? 503 : err.code === 'forbidden' ? 403 : 401;
      request.log.info({ code: err.code }, 'console OIDC sign-in refused');
      return sendPage(
        reply,
        status,
        signInPage(frameOf(request, 'Sign in'), { csrf: '', next, provider, error: err.message }),
      );
    };
    scope.get('/sign-in/oidc', { config: { console: 'public' } }, async (request, reply) => {
      const next = safeNext((request.query as { next?: unknown }).next);
      try {
        const { location, pending } = await oidc.begin(next);
        // Lax: the provider sends the browser back from its own site, and a Strict cookie would not come with it.
        setCookie(request, reply, OIDC_COOKIE, sessions.seal('oidc', pending), PENDING_SECONDS, 'Lax');
        return reply.redirect(location, 303);
      } catch (err) {
        return failed(request, reply, err, next);
      }
    });
    // Its address carries the provider's code and state: kept out of the request log (warnings only).
    scope.get('/sign-in/callback', { config: { console: 'public' }, logLevel: 'warn' }, async (request, reply) => {
      const pending = pendingOf(sessions.unseal('oidc', readCookie(request, OIDC_COOKIE)));
      setCookie(request, reply, OIDC_COOKIE, '', 0, 'Lax');
      let principal;
      try {
        principal = await oidc.finish(request.query as Record<string, unknown>, pending);
        if (!allows(principal.role, 'read')) {
          throw new AppError(
            'forbidden',
            `${principal.subject} has role ${principal.role}, which may not read requests: the console is not for it.`,
          );
        }
      } catch (err) {
        return failed(request, reply, err, pending?.next);
      }
      const { cookie: value } = sessions.open(principal, 'oidc', now());
      setCookie(request, reply, SESSION_COOKIE, value, SESSION_HOURS * 3600);
      request.log.info({ subject: principal.subject, role: principal.role }, 'console sign-in (OIDC)');
      // A page, not a redirect: the browser came from the provider's site, and would not send the new SameSite=Strict
      // cookie along a redirect that started there; from this page on, the navigation is the console's own.
      const next = safeNext(pending!.next);
      const page = html`<!doctype html>
        <html lang="en">
          <head>
            <meta charset="utf-8" />
            <meta http-equiv="refresh" content="0;url=${next}" />
            <title>Signed in</title>
          </head>
          <body>
            <p>Signed in as ${principal.subject}. <a href="${next}">Continue</a></p>
          </body>
        </html>`;
      return sendPage(reply, 200, page);
    });
  }

  scope.post('/sign-out', { config: { console: 'read' } }, (request, reply) => {
    sessions.signOut(request.consoleSession!, now());
    setCookie(request, reply, SESSION_COOKIE, '', 0);
    return reply.redirect('/console/sign-in', 303);
  });

  function presession(request: FastifyRequest, reply: FastifyReply, renew = false): string {
    let pre = readCookie(request, PRESESSION_COOKIE);
    if (renew || !pre || !/^[A-Za-z0-9_-]{16,64}$/.test(pre)) {
      pre = sessions.open({ subject: 'pre-session', role: 'auditor' }, 'token', now()).session.id;
      setCookie(request, reply, PRESESSION_COOKIE, pre, 3600);
    }
    return pre;
  }

  // The inbox: from the index (every request, in this process's memory) once it has read them, else visibility.
  const index =
    opts.index === false
      ? undefined
      : new RequestIndex(requests.client, {
          ...opts.index,
          pauseWhileWaitingOnCustomer: opts.slaPolicy?.pauseWhileWaitingOnCustomer ?? false,
          log: (message, err) => scope.log.warn({ err }, message),
        });
  if (index) {
    scope.addHook('onReady', (done) => {
      index.start();
      done();
    });
    scope.addHook('onClose', async () => index.stop());
  }
  /** The inbox's view from its URL: the API's filters (validated as the API does), and where the page starts. */
  const inboxViewOf = (query: unknown) => {
    const raw = (query ?? {}) as Record<string, unknown>;
    const given = Object.keys(raw).length ? raw : defaultInboxFilters;
    const set = Object.fromEntries(
      Object.entries(given).filter(([k, v]) => typeof v === 'string' && v.trim() !== '' && k !== 'fp'),
    ) as Record<string, string>;
    const { after, ...rest } = set;
    // `assignee=-` is the inbox's "nobody" (an empty value means any, as for every filter); the API's is empty.
    const parsed = listQuerySchema.safeParse({
      ...rest,
      ...(rest.assignee === NOBODY ? { assignee: '' } : {}),
      pageSize: String(INBOX_PAGE_SIZE),
    });
    if (!parsed.success) {
      throw new AppError(
        'bad_request',
        "The view's filters are not valid:",
        parsed.error.issues.map((i) => `${i.path.join('.')}: ${i.message}`),
      );
    }
    const { pageSize, pageToken, ...filters } = parsed.data;
    return { set, after, pageSize, pageToken, filters };
  };

  scope.get('/', { config: { console: 'read' } }, async (request, reply) => {
    const { set, after, pageSize, pageToken, filters } = inboxViewOf(request.query);
    const mine = set.assignee === request.consoleSession!.subject && Object.keys(set).length === 1;
    const inboxFilters: InboxFilters = Object.fromEntries(
      Object.entries(set).filter(([k]) => k !== 'pageToken' && k !== 'after'),
    );
    const frame = frameOf(request, mine ? 'Mine' : 'Inbox', { nav: mine ? 'mine' : 'inbox' });
    const fromIndex = pageToken === undefined ? index?.search(filters, pageSize, after) : undefined;
    if (fromIndex) {
      const view: InboxView = {
        filters: inboxFilters,
        rows: fromIndex.rows,
        next: fromIndex.next ? { after: fromIndex.next } : null,
        paged: after !== undefined,
        order: 'breach',
        total: fromIndex.total,
        syncedAt: fromIndex.syncedAt,
        // The page listens for changes to what it shows (below).
        live: `/console/inbox/live${queryString({ ...set, fp: fromIndex.fingerprint })}`,
      };
      return sendPage(reply, 200, inboxPage(frame, view, opts.slaPolicy, now()));
    }
    // Visibility: while the index is read at start (or has grown past its bound), and for visibility's own page links.
    const query = listQuery(filters);
    const serverToken = pageToken === undefined ? undefined : pageTokens.open(pageToken, query).toString('base64url');
    const result = await requests.list(filters, pageSize, serverToken);
    const next = result.nextPageToken && pageTokens.seal(Buffer.from(result.nextPageToken, 'base64url'), result.query);
    const view: InboxView = {
      filters: inboxFilters,
      rows: result.requests,
      next: next ? { pageToken: next } : null,
      paged: pageToken !== undefined,
      order: 'newest',
    };
    return sendPage(reply, 200, inboxPage(frame, view, opts.slaPolicy, now()));
  });

  // A live inbox page: told once when the rows it shows (or how they stand) changed, to offer a refresh.
  let inboxListeners = 0;
  scope.get('/inbox/live', { config: { console: 'read' } }, (request, reply) => {
    if (!index) throw new AppError('not_found', 'The inbox is not live on this server.');
    const { after, pageSize, filters } = inboxViewOf(request.query);
    const fp = (request.query as { fp?: unknown }).fp;
    if (typeof fp !== 'string' || !/^[A-Za-z0-9_-]{1,32}$/.test(fp)) {
      throw new AppError('bad_request', 'fp: must be the fingerprint the page shows.');
    }
    if (inboxListeners >= MAX_LISTENERS) {
      throw new AppError('unavailable', 'Too many live pages are open on this server; reload later.');
    }
    inboxListeners++;
    let told = false;
    let send: (text: string) => void = () => undefined;
    const watch = setInterval(() => {
      const current = index.fingerprint(filters, pageSize, after);
      if (told || current === undefined || current === fp) return;
      told = true;
      send(sseEvent('changed', { said: 'the list has changed' }));
    }, opts.livePollMs ?? INBOX_POLL_MS);
    watch.unref();
    send = openStream(request, reply, () => {
      clearInterval(watch);
      inboxListeners--;
    });
  });

  scope.get('/attention', { config: { console: 'read' } }, async (request, reply) => {
    const lists = await requests.attention(ATTENTION_PAGE_SIZE);
    const ui = opts.temporalUiUrl?.replace(/\/+$/, '');
    const namespace = requests.client.options.namespace;
    return sendPage(
      reply,
      200,
      attentionPage(frameOf(request, 'Needs attention', { nav: 'attention' }), lists, {
        policy: opts.slaPolicy,
        now: now(),
        ...(ui
          ? {
              temporalUi: (workflowId: string) =>
                `${ui}/namespaces/${encodeURIComponent(namespace)}/workflows/${encodeURIComponent(workflowId)}`,
            }
          : {}),
      }),
    );
  });

  const ticketOf = (request: FastifyRequest): string => {
    const parsed = ticketIdSchema.safeParse((request.params as { ticketId?: unknown }).ticketId);
    if (!parsed.success) throw new AppError('not_found', 'That is not a ticket id.');
    return parsed.data;
  };

  scope.get('/requests/:ticketId', { config: { console: 'read' } }, async (request, reply) => {
    const ticketId = ticketOf(request);
    const view = await requests.get(ticketId);
    const recorded = (request.query as { recorded?: unknown }).recorded;
    const flash =
      recorded === 'request.assigned'
        ? { tone: 'ok' as const, text: view.assignee ? `Assigned to ${view.assignee}.` : 'Nobody works on it now.' }
        : isEventType(recorded)
          ? {
              tone: 'ok' as const,
              text: `Recorded ${recorded}. Now: ${stateLabel(view.state)}, waiting on ${waitingOnText(view.waitingOn)}.`,
            }
          : undefined;
    const session = request.consoleSession!;
    return sendPage(
      reply,
      200,
      requestPage(frameOf(request, ticketId, flash ? { flash } : {}), view, session, {
        ...badgeOpts(),
        csrf: sessions.csrfToken(session.id),
      }),
    );
  });

  scope.post('/requests/:ticketId/events', { config: { console: 'read' } }, async (request, reply) => {
    const ticketId = ticketOf(request);
    const session = request.consoleSession!;
    const values = Object.fromEntries(
      Object.entries((request.body ?? {}) as Record<string, unknown>).map(([k, v]) => [
        k,
        Array.isArray(v) ? String(v.at(-1)) : String(v),
      ]),
    );
    const type = values.type;
    if (!isEventType(type) || type === 'ticket.submitted')
      throw new AppError('bad_request', 'The form names no step the console records.');
    if (type === 'request.assigned') return assignFromForm(request, reply, ticketId, values);
    const form = eventForm(type);
    const again = async (status: number, state: Omit<FormState, 'type' | 'values'>, flash?: string) => {
      const view = await requests.get(ticketId);
      // A step no longer allowed has no form on the page to show its problems: the page's head says them.
      const shown = view.allowedEvents.includes(type)
        ? flash
        : (flash ?? `Not recorded: ${[...state.other, ...Object.values(state.fields)].join(' ')}`);
      const frame = frameOf(request, ticketId, shown ? { flash: { tone: 'error', text: shown } } : {});
      return sendPage(
        reply,
        status,
        requestPage(frame, view, session, {
          ...badgeOpts(),
          csrf: sessions.csrfToken(session.id),
          state: { type, values, ...state },
        }),
      );
    };
    if (form.irreversible && values.confirm !== 'yes') {
      return again(422, { fields: {}, other: ['Tick "I understand this cannot be undone" to confirm.'] });
    }
    // Someone else recorded a step since this form was shown: show them what, and let the person decide again.
    const seen = Number(values.seen);
    if (Number.isInteger(seen) && type !== 'note.added') {
      const view = await requests.get(ticketId);
      const newer = view.events.filter((e) => e.seq > seen && e.result === 'applied' && e.type !== 'note.added');
      if (newer.length) {
        const said = newer.map((e) => `${e.actor} recorded ${e.type}`).join('; ');
        return again(
          409,
          { fields: {}, other: [] },
          `Not recorded: since you opened this page, ${said}. Check the request and send the form again if it still applies.`,
        );
      }
    }
    const built = eventFromForm(form, values);
    if (!built.ok) return again(422, { fields: built.problems, other: [] });
    try {
      await recordEvent(requests, ticketId, session, built.body);
    } catch (err) {
      if (err instanceof AppError && (err.code === 'invalid' || err.code === 'conflict')) {
        const sorted = problemsByField(form, err.problems.length ? err.problems : [err.message]);
        return again(httpStatusOfCode[err.code], sorted);
      }
      throw err;
    }
    return reply.redirect(
      `/console/requests/${encodeURIComponent(ticketId)}?recorded=${encodeURIComponent(type)}`,
      303,
    );
  });

  /** Claim, unclaim, take over, assign: `request.assigned` with the assignee the page showed as `expected`. */
  async function assignFromForm(
    request: FastifyRequest,
    reply: FastifyReply,
    ticketId: string,
    values: Record<string, string>,
  ) {
    const session = request.consoleSession!;
    const person = (value: string | undefined) => (value?.trim() ? value.trim() : null);
    try {
      await recordEvent(requests, ticketId, session, {
        type: 'request.assigned',
        assignee: person(values.assignee),
        ...('expected' in values ? { expected: person(values.expected) } : {}),
      });
    } catch (err) {
      if (err instanceof AppError && (err.code === 'invalid' || err.code === 'conflict')) {
        const view = await requests.get(ticketId);
        const text = `Not assigned: ${err.problems.length ? err.problems.join('; ') : err.message.split('\n')[0]!}`;
        const frame = frameOf(request, ticketId, { flash: { tone: 'error', text } });
        return sendPage(
          reply,
          httpStatusOfCode[err.code],
          requestPage(frame, view, session, { ...badgeOpts(), csrf: sessions.csrfToken(session.id) }),
        );
      }
      throw err;
    }
    return reply.redirect(`/console/requests/${encodeURIComponent(ticketId)}?recorded=request.assigned`, 303);
  }

  // Live pages: who recorded what on a request, as it happens (Server-Sent Events).
  const live = new LiveRequests(requests, opts.livePollMs);
  // Before the server waits for requests in flight: an open stream is one, and would never finish.
  const streams = new Set<ServerResponse>();
  scope.addHook('preClose', (done) => {
    live.close();
    for (const stream of streams) stream.destroy();
    done();
  });
  scope.get('/requests/:ticketId/live', { config: { console: 'read' } }, (request, reply) => {
    const ticketId = ticketOf(request);
    const query = request.query as { seen?: unknown; assignee?: unknown };
    const seen = Number(query.seen);
    if (!Number.isInteger(seen) || seen < 0)
      throw new AppError('bad_request', 'seen: must be the event count the page shows.');
    const assignee = typeof query.assignee === 'string' && query.assignee ? query.assignee.slice(0, 256) : null;
    const stream: { send?: (text: string) => void } = {};
    const remove = live.listen(ticketId, {
      seen,
      assignee,
      send: (change) => stream.send?.(sseEvent('changed', change)),
      end: () => reply.raw.destroy(),
    });
    if (!remove) throw new AppError('unavailable', 'Too many live pages are open on this server; reload later.');
    stream.send = openStream(request, reply, remove);
  });

  /**
   * Turns a page's request into a stream of Server-Sent Events that lasts until the browser leaves, the session ends
   * (the page is told, and asks its person to sign in again) or the server closes; `closed` runs once at the end.
   */
  function openStream(request: FastifyRequest, reply: FastifyReply, closed: () => void): (text: string) => void {
    const session = request.consoleSession!;
    const raw = reply.raw;
    const send = (text: string) => {
      if (!raw.writableEnded) raw.write(text);
    };
    void reply.hijack();
    streams.add(raw);
    const socket = raw.socket;
    raw.writeHead(200, {
      'content-type': 'text/event-stream; charset=utf-8',
      'cache-control': 'no-store',
      'x-content-type-options': 'nosniff',
      'x-accel-buffering': 'no',
    });
    send(': live\n\n');
    const beat = setInterval(() => send(': beat\n\n'), HEARTBEAT_MS);
    const expiry = setTimeout(
      () => {
        send(sseEvent('signed-out', {}));
        raw.end();
      },
      Math.max(0, session.expiresAt - now()),
    );
    beat.unref();
    expiry.unref();
    let ended = false;
    const end = () => {
      if (ended) return;
      ended = true;
      streams.delete(raw);
      // A stream never finishes: its connection is of no further use (and would hold the server open at shutdown).
      socket?.destroy();
      clearInterval(beat);
      clearTimeout(expiry);
      closed();
    };
    // The response's close, not the request's (which closes as soon as its body has been read); or already gone.
    raw.on('close', end);
    if (raw.destroyed) end();
    return send;
  }

  const exportOf = async (ticketId: string) =>
    exportTimeline(await readTimeline(requests.client, ticketId), opts.auditSigning, new Date(now()));

  scope.get('/requests/:ticketId/history', { config: { console: 'read' } }, async (request, reply) => {
    const ticketId = ticketOf(request);
    const exported = await exportOf(ticketId);
    const check = verifySignedExport(
      JSON.stringify(exported),
      opts.auditSigning ? { publicKey: opts.auditSigning.publicKey } : {},
    );
    return sendPage(reply, 200, historyPage(frameOf(request, `${ticketId} history`), exported, check));
  });
  scope.get('/requests/:ticketId/history.json', { config: { console: 'read' } }, async (request, reply) => {
    const ticketId = ticketOf(request);
    const exported = await exportOf(ticketId);
    return reply
      .type('application/json; charset=utf-8')
      .header('content-disposition', `attachment; filename="${ticketId}-history.json"`)
      .send(JSON.stringify(exported, null, 2));
  });
  scope.get('/requests/:ticketId/history.csv', { config: { console: 'read' } }, async (request, reply) => {
    const ticketId = ticketOf(request);
    const exported = await exportOf(ticketId);
    return reply
      .type('text/csv; charset=utf-8')
      .header('content-disposition', `attachment; filename="${ticketId}-history.csv"`)
      .header(AUDIT_SIGNATURE_HEADER, auditSignatureHeader(exported))
      .send(toCsv(exported.entries));
  });
}

/** What the OIDC cookie kept, if it is that (it was signed by this server, so only its shape is checked). */
function pendingOf(value: unknown): PendingSignIn | undefined {
  const p = value as Partial<PendingSignIn> | undefined;
  return p &&
    typeof p.state === 'string' &&
    typeof p.verifier === 'string' &&
    typeof p.nonce === 'string' &&
    typeof p.next === 'string' &&
    typeof p.until === 'number'
    ? (p as PendingSignIn)
    : undefined;
}
