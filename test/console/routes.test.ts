/**
 * The staff console's pages and forms over a real dev server and worker (fastify inject): sign-in and sessions, roles,
 * CSRF, each page, each form's refusals shown as the API words them, and errors as pages.
 */
import { type IncomingMessage, request as httpRequest } from 'node:http';
import type { FastifyInstance, LightMyRequestResponse } from 'fastify';
import { Authenticator } from '../../src/api/auth';
import { buildApiServer } from '../../src/api/server';
import { SessionKeys } from '../../src/console/session';
import { EnablementClient } from '../../src/temporal/enablement-client';
import type { StateView } from '../../src/temporal/messages';
import { changeRequested } from '../fixtures/changes';
import { forwardLegEvents } from '../fixtures/events';
import { exampleVendorConfig, validIntake } from '../fixtures/requests';
import { bearer, useTestApi } from '../helpers/api';
import { eventually } from '../helpers/eventually';

const { temporal, creds, nextTicket, start, send } = useTestApi('CON');

/** The console over the test's server, with a clock the test moves. */
let clock = Date.now();
let api: FastifyInstance;
beforeAll(() => {
  api = buildApiServer({
    requests: new EnablementClient(temporal.client, temporal.taskQueue),
    authenticator: new Authenticator(creds.store),
    console: {
      sessions: SessionKeys.random(),
      now: () => clock,
      slaPolicy: exampleVendorConfig().sla,
      livePollMs: 200,
      index: { pollMs: 200 },
      temporalUiUrl: 'http://ui.example:8233/',
    },
  });
});
afterAll(() => api.close());

/** A browser's cookies and the page's CSRF token, as a person signed in has them. */
interface Browser {
  cookie: string;
  csrf: string;
}

const cookiesOf = (res: LightMyRequestResponse) => res.cookies.map((c) => `${c.name}=${c.value}`).join('; ');
const csrfOf = (body: string) => /name="_csrf" value="([^"]+)"/.exec(body)?.[1] ?? '';
/** What a person reads of a page: the text without tags, entities decoded, spaces collapsed. */
const text = (body: string) =>
  body
    .replace(/<[^>]+>/g, ' ')
    .replace(/&quot;/g, '"')
    .replace(/&#39;/g, "'")
    .replace(/&lt;/g, '<')
    .replace(/&gt;/g, '>')
    .replace(/&amp;/g, '&')
    .replace(/\s+/g, ' ');

async function signIn(token: string, next?: string): Promise<{ res: LightMyRequestResponse; browser: Browser }> {
  const form = await api.inject({ url: `/console/sign-in${next ? `?next=${encodeURIComponent(next)}` : ''}` });
  const pre = cookiesOf(form);
  const res = await api.inject({
    method: 'POST',
    url: '/console/sign-in',
    headers: { cookie: pre, 'content-type': 'application/x-www-form-urlencoded' },
    payload: new URLSearchParams({ _csrf: csrfOf(form.body), token, next: next ?? '/console' }).toString(),
  });
  const cookie = res.cookies.find((c) => c.name === 'plconsole');
  const browser = { cookie: cookie ? `plconsole=${cookie.value}` : '', csrf: '' };
  if (cookie) {
    const inbox = await api.inject({ url: '/console', headers: { cookie: browser.cookie } });
    browser.csrf = csrfOf(inbox.body);
  }
  return { res, browser };
}

const get = (browser: Browser, url: string) => api.inject({ url, headers: { cookie: browser.cookie } });
const post = (browser: Browser | undefined, url: string, fields: Record<string, string>) =>
  api.inject({
    method: 'POST',
    url,
    headers: { ...(browser ? { cookie: browser.cookie } : {}), 'content-type': 'application/x-www-form-urlencoded' },
    payload: new URLSearchParams({ ...(browser ? { _csrf: browser.csrf } : {}), ...fields }).toString(),
  });
const stateOf = async (ticketId: string) =>
  (await api.inject({ url: `/api/requests/${ticketId}`, headers: bearer(creds.tokens.support) })).json<StateView>();

describe('signing in', () => {
  it('sends a person without a session to the sign-in page, and back where they were after it', async () => {
    const res = await api.inject({ url: '/console/requests/T-1?x=1' });
    expect(res.statusCode).toBe(303);
    expect(res.headers.location).toBe('/console/sign-in?next=%2Fconsole%2Frequests%2FT-1%3Fx%3D1');
    const { res: signedIn } = await signIn(creds.tokens.support, '/console/requests/T-1?x=1');
    expect(signedIn.statusCode).toBe(303);
    expect(signedIn.headers.location).toBe('/console/requests/T-1?x=1');
  });

  it('keeps the session in an httpOnly, SameSite=Strict cookie that holds no token', async () => {
    const { res } = await signIn(creds.tokens.support);
    const cookie = res.cookies.find((c) => c.name === 'plconsole')!;
    expect(cookie).toMatchObject({ httpOnly: true, sameSite: 'Strict', path: '/console' });
    expect(cookie.value).not.toContain(creds.tokens.support);
    expect(Buffer.from(cookie.value.split('.')[0]!, 'base64url').toString()).not.toContain(creds.tokens.support);
  });

  it('refuses a wrong token, a form without its CSRF token, and a role that may not read', async () => {
    const wrong = await signIn('tok_not_a_real_token');
    expect(wrong.res.statusCode).toBe(401);
    expect(text(wrong.res.body)).toContain('That token is not valid.');
    expect(wrong.res.cookies.find((c) => c.name === 'plconsole')).toBeUndefined();

    const forged = await post(undefined, '/console/sign-in', { token: creds.tokens.support });
    expect(forged.statusCode).toBe(403);
    expect(forged.cookies.find((c) => c.name === 'plconsole')).toBeUndefined();

    const monitor = await signIn(creds.tokens.monitor);
    expect(monitor.res.statusCode).toBe(403);
    expect(text(monitor.res.body)).toContain('has role monitor, which may not read requests');
  });

  it('never sends a person to another site after signing in', async () => {
    for (const next of ['https://evil.example/', '//evil.example/console', '/api/requests', '/consolex']) {
      const { res } = await signIn(creds.tokens.support, next);
      expect(res.headers.location).toBe('/console');
    }
  });

  it('ends a session at sign-out and after ten hours', async () => {
    const { browser } = await signIn(creds.tokens.support);
    expect((await get(browser, '/console')).statusCode).toBe(200);
    const out = await post(browser, '/console/sign-out', {});
    expect(out.statusCode).toBe(303);
    expect((await get(browser, '/console')).statusCode).toBe(303);

    const { browser: later } = await signIn(creds.tokens.support);
    clock += 10 * 3_600_000 + 1_000;
    try {
      const res = await get(later, '/console');
      expect(res.statusCode).toBe(303);
      expect(res.headers.location).toMatch(/^\/console\/sign-in/);
    } finally {
      clock = Date.now();
    }
  });
});

describe('the inbox and a request page', () => {
  let support: Browser;
  let auditor: Browser;
  beforeAll(async () => {
    support = (await signIn(creds.tokens.support)).browser;
    auditor = (await signIn(creds.tokens.auditor)).browser;
  });

  it('lists what waits on the vendor by default, with its SLA badge; the filters live in the URL', () =>
    temporal.withWorker(async () => {
      const ticketId = nextTicket();
      expect((await start(ticketId)).statusCode).toBe(201);
      // Visibility is eventually consistent: the row comes first, its SLA deadline once the clock has started.
      const badge = new RegExp(`${ticketId} .* ◷ \\d+h( \\d+m)? left`);
      const inbox = await eventuallyPage(support, '/console', badge);
      expect(inbox).toMatch(new RegExp(`<a href="/console/requests/${ticketId}">${ticketId}</a>`));
      expect(inbox).toMatch(/<option value="vendor"\s+selected>/);
      const customer = await get(support, '/console?waitingOn=customer');
      expect(customer.body).not.toContain(`>${ticketId}<`);
      const bad = await get(support, '/console?waitingOn=martians');
      expect(bad.statusCode).toBe(400);
      expect(bad.headers['content-type']).toMatch(/^text\/html/);
      expect(text(bad.body)).toContain('waitingOn: must be one of vendor, customer, none');
    }));

  it('finds a request by part of its company or account, soonest breach first, and says how many match', () =>
    temporal.withWorker(async () => {
      const ticketId = nextTicket();
      const intake = { ...validIntake('aws', 'unidirectional', ticketId), company: 'Brightwater Analytics' };
      expect((await start(ticketId, { ...intake, customerAccount: '314159265358' })).statusCode).toBe(201);
      const found = await eventuallyPage(support, '/console?waitingOn=&q=brightwater', new RegExp(ticketId));
      expect(text(found)).toMatch(/1 request match; 1 request on this page, soonest SLA breach first/);
      expect(found).toMatch(/<input\s+name="q"\s+type="search"\s+value="brightwater"/);
      expect(text(await eventuallyPage(support, '/console?q=4159265', new RegExp(ticketId)))).toContain(
        'Brightwater Analytics',
      );
      expect(text((await get(support, '/console?q=no-such-company-anywhere')).body)).toContain(
        'No request matches these filters.',
      );
      // Ended requests too, by status.
      expect(
        (
          await api.inject({
            method: 'POST',
            url: `/api/requests/${ticketId}/events`,
            headers: bearer(creds.tokens.admin),
            payload: { type: 'request.cancelled', reason: 'asked twice' },
          })
        ).statusCode,
      ).toBe(200);
      const ended = await eventuallyPage(support, '/console?status=cancelled&q=brightwater', new RegExp(ticketId));
      expect(text(ended)).toContain('1 request match');
      const garbled = await get(support, '/console?after=%21%21');
      expect(garbled.statusCode).toBe(400);
      expect(text(garbled.body)).toContain('The link to this page is not valid');
      const long = await get(support, `/console?q=${'x'.repeat(300)}`);
      expect(long.statusCode).toBe(400);
      expect(text(long.body)).toContain('q: must be at most 256 characters');
    }));

  it("lists an enabled connection's open change as the change: its ticket, its kind and its own SLA", () =>
    temporal.withWorker(async () => {
      const ticketId = nextTicket();
      const changeTicket = `${ticketId}-C1`;
      expect((await start(ticketId)).statusCode).toBe(201);
      for (const event of forwardLegEvents) expect((await send(ticketId, event)).statusCode).toBe(200);
      expect((await send(ticketId, changeRequested(changeTicket, { kind: 'remove' }))).statusCode).toBe(200);
      // The default view (waiting on the vendor), found by the change's ticket.
      const inbox = await eventuallyPage(support, `/console?q=${changeTicket}`, /Change SLA: \d+h/);
      expect(text(inbox)).toMatch(
        new RegExp(
          `${ticketId} change ${changeTicket} .* change open change: remove vendor \\(us\\) nobody ◷ \\d+h( \\d+m)? left`,
        ),
      );
      expect(inbox).toMatch(/class="sla sla-ok" title="Change SLA: \d+h( \d+m)? of business time left/);
    }));

  it('marks the current step, offers only the steps allowed now, and records a step as the person signed in', () =>
    temporal.withWorker(async () => {
      const ticketId = nextTicket();
      await start(ticketId);
      const page = await get(support, `/console/requests/${ticketId}`);
      expect(page.statusCode).toBe(200);
      expect(page.body).toMatch(
        /<li class="current"\s+aria-current="step">\s*<span[^>]*>▶<\/span\s*>\s*Allowlist the customer&#39;s account/,
      );
      const forms = [...page.body.matchAll(/data-event="([^"]+)"/g)].map((m) => m[1]);
      expect(forms).toEqual(['customer_access.granted', 'ticket.updated', 'request.cancelled', 'note.added']);

      const sent = await post(support, `/console/requests/${ticketId}/events`, {
        type: 'customer_access.granted',
        seen: '1',
        comment: 'allowlisted in the console',
      });
      expect(sent.statusCode).toBe(303);
      expect(sent.headers.location).toBe(`/console/requests/${ticketId}?recorded=customer_access.granted`);
      const view = await stateOf(ticketId);
      expect(view.state).toBe('awaitingEndpoint');
      expect(view.events.at(-1)).toMatchObject({
        type: 'customer_access.granted',
        actor: creds.subjects.support,
        comment: 'allowlisted in the console',
      });
      const after = await get(support, sent.headers.location as string);
      expect(text(after.body)).toContain('Recorded customer_access.granted.');
      expect(after.body).toMatch(/aria-current="step">\s*<span[^>]*>▶<\/span\s*>\s*Customer creates the endpoint/);
    }));

  it("shows the API's refusal next to the field, keeps what was typed, and records nothing", () =>
    temporal.withWorker(async () => {
      const ticketId = nextTicket();
      await start(ticketId);
      await post(support, `/console/requests/${ticketId}/events`, { type: 'customer_access.granted', seen: '1' });
      const res = await post(support, `/console/requests/${ticketId}/events`, {
        type: 'endpoint.requested',
        seen: '2',
        endpointId: '',
        endpointDns: 'vpce-1.example.com',
      });
      expect(res.statusCode).toBe(422);
      expect(res.body).toMatch(/id="endpoint-requested-endpointId"[^>]*aria-invalid="true"/);
      expect(res.body).toContain('Endpoint id: is required: the id of the customer&#39;s endpoint');
      expect(res.body).toMatch(/id="endpoint-requested-endpointDns"[^>]*value="vpce-1.example.com"/);
      expect((await stateOf(ticketId)).state).toBe('awaitingEndpoint');
    }));

  it('warns instead of recording when someone else recorded a step since the page was opened', () =>
    temporal.withWorker(async () => {
      const ticketId = nextTicket();
      await start(ticketId);
      const page = await get(support, `/console/requests/${ticketId}`);
      const seen = /name="seen" value="(\d+)"/.exec(page.body)![1]!;
      // Someone else, through the API.
      await api.inject({
        method: 'POST',
        url: `/api/requests/${ticketId}/events`,
        headers: bearer(creds.tokens.admin),
        payload: { type: 'customer_access.granted' },
      });
      const res = await post(support, `/console/requests/${ticketId}/events`, {
        type: 'customer_access.granted',
        seen,
      });
      expect(res.statusCode).toBe(409);
      expect(text(res.body)).toContain(
        `since you opened this page, ${creds.subjects.admin} recorded customer_access.granted`,
      );
      expect((await stateOf(ticketId)).events.filter((e) => e.type === 'customer_access.granted')).toHaveLength(1);
    }));

  it('asks for a confirmation before an irreversible step, and the server checks it', () =>
    temporal.withWorker(async () => {
      const ticketId = nextTicket();
      await start(ticketId);
      const unconfirmed = await post(support, `/console/requests/${ticketId}/events`, {
        type: 'request.cancelled',
        seen: '1',
        reason: 'customer withdrew',
      });
      expect(unconfirmed.statusCode).toBe(422);
      expect(text(unconfirmed.body)).toContain('Tick "I understand this cannot be undone" to confirm.');
      expect((await stateOf(ticketId)).status).toBe('in_progress');
      const confirmed = await post(support, `/console/requests/${ticketId}/events`, {
        type: 'request.cancelled',
        seen: '1',
        reason: 'customer withdrew',
        confirm: 'yes',
      });
      expect(confirmed.statusCode).toBe(303);
      expect((await stateOf(ticketId)).status).toBe('cancelled');
      const ended = await get(support, `/console/requests/${ticketId}`);
      expect(ended.body).not.toContain('data-event=');
      expect(text(ended.body)).toContain('The request has ended: it takes no more steps.');
    }));

  it('refuses a form without the CSRF token or from another site, and records nothing', () =>
    temporal.withWorker(async () => {
      const ticketId = nextTicket();
      await start(ticketId);
      const forged = await post({ ...support, csrf: 'x' }, `/console/requests/${ticketId}/events`, {
        type: 'customer_access.granted',
        seen: '1',
      });
      expect(forged.statusCode).toBe(403);
      expect(text(forged.body)).toContain('The form has expired or did not come from this console.');
      const crossSite = await api.inject({
        method: 'POST',
        url: `/console/requests/${ticketId}/events`,
        headers: {
          cookie: support.cookie,
          origin: 'https://evil.example',
          'content-type': 'application/x-www-form-urlencoded',
        },
        payload: new URLSearchParams({ _csrf: support.csrf, type: 'customer_access.granted', seen: '1' }).toString(),
      });
      expect(crossSite.statusCode).toBe(403);
      expect((await stateOf(ticketId)).state).toBe('allowlisting');
    }));

  it('shows an auditor the request read-only, and refuses their forms', () =>
    temporal.withWorker(async () => {
      const ticketId = nextTicket();
      await start(ticketId);
      const page = await get(auditor, `/console/requests/${ticketId}`);
      expect(page.statusCode).toBe(200);
      expect(page.body).not.toContain('data-event=');
      expect(text(page.body)).toContain('Your role (auditor) records no steps: this page is read-only for you.');
      const res = await post(auditor, `/console/requests/${ticketId}/events`, {
        type: 'customer_access.granted',
        seen: '1',
      });
      expect(res.statusCode).toBe(403);
      expect(text(res.body)).toContain('has role auditor, which may not send customer_access.granted');
      expect((await stateOf(ticketId)).state).toBe('allowlisting');
    }));

  it('lets a person claim a request, tells the second of two claims who won, and lists it under Mine', () =>
    temporal.withWorker(async () => {
      const ticketId = nextTicket();
      await start(ticketId);
      const admin = (await signIn(creds.tokens.admin)).browser;
      // Both open the page while nobody has it; support claims first.
      const claim = { type: 'request.assigned', expected: '' };
      const first = await post(support, `/console/requests/${ticketId}/events`, {
        ...claim,
        assignee: creds.subjects.support,
      });
      expect(first.statusCode).toBe(303);
      const second = await post(admin, `/console/requests/${ticketId}/events`, {
        ...claim,
        assignee: creds.subjects.admin,
      });
      expect(second.statusCode).toBe(409);
      expect(text(second.body)).toContain(
        `Not assigned: The request is assigned to ${creds.subjects.support} now, not nobody: someone changed it first.`,
      );
      expect(text(second.body)).toContain(
        `Assignee: ${creds.subjects.support} Take over from ${creds.subjects.support}`,
      );
      const view = await stateOf(ticketId);
      expect(view.assignee).toBe(creds.subjects.support);
      expect(view.events.filter((e) => e.type === 'request.assigned').map((e) => [e.actor, e.result])).toEqual([
        [creds.subjects.support, 'applied'],
      ]);

      const mine = await eventuallyPage(
        support,
        `/console?assignee=${encodeURIComponent(creds.subjects.support)}`,
        new RegExp(ticketId),
      );
      expect(mine).toMatch(/<a href="\/console\?assignee=[^"]+"\s+aria-current="page">Mine<\/a>/);
      expect(text(mine)).toContain('My requests');
      const page = await get(support, `/console/requests/${ticketId}`);
      expect(text(page.body)).toContain(`Assignee: ${creds.subjects.support} Unclaim`);

      const unclaim = await post(support, `/console/requests/${ticketId}/events`, {
        type: 'request.assigned',
        expected: creds.subjects.support,
        assignee: '',
      });
      expect(unclaim.statusCode).toBe(303);
      expect((await stateOf(ticketId)).assignee).toBeNull();
      await eventuallyPage(support, '/console?assignee=-&waitingOn=', new RegExp(ticketId));
    }));

  it('tells an open page, as it happens, that someone else recorded a step (Server-Sent Events)', () =>
    temporal.withWorker(async () => {
      const ticketId = nextTicket();
      await start(ticketId);
      const page = await get(support, `/console/requests/${ticketId}`);
      const seen = /data-seen="(\d+)"/.exec(page.body)![1]!;
      const {
        req,
        res,
        text: streamed,
      } = await openStream(support, `/console/requests/${ticketId}/live?seen=${seen}&assignee=`);
      try {
        expect(res.statusCode).toBe(200);
        expect(res.headers['content-type']).toMatch(/^text\/event-stream/);
        const read = (until: RegExp) =>
          eventually(
            () => streamed(),
            (text) => until.test(text),
            { what: `the stream to say ${until}`, timeoutMs: 15_000 },
          );
        await read(/: live/);
        await api.inject({
          method: 'POST',
          url: `/api/requests/${ticketId}/events`,
          headers: bearer(creds.tokens.admin),
          payload: { type: 'customer_access.granted' },
        });
        await read(/event: changed\ndata: .*\n\n/);
        const change = JSON.parse(/event: changed\ndata: (.*)\n/.exec(streamed())![1]!) as Record<string, unknown>;
        expect(change).toMatchObject({
          state: 'awaitingEndpoint',
          said: `${creds.subjects.admin} recorded customer_access.granted`,
        });
        expect(change.seen).toBeGreaterThan(Number(seen));
      } finally {
        req.destroy();
      }
    }));

  it('tells an open inbox page when a request it lists changes, so the person can refresh it', () =>
    temporal.withWorker(async () => {
      const ticketId = nextTicket();
      await start(ticketId);
      const view = `/console?waitingOn=&q=${ticketId}`;
      const page = await eventuallyPage(support, view, new RegExp(`1 request match`));
      const live = /data-inbox-live="([^"]+)"/.exec(page)![1]!.replace(/&amp;/g, '&');
      expect(live).toMatch(/^\/console\/inbox\/live\?.*fp=[A-Za-z0-9_-]+$/);
      expect(live).toContain(`q=${ticketId}`);
      const { req, res, text: streamed } = await openStream(support, live);
      try {
        expect(res.statusCode).toBe(200);
        await eventually(
          () => streamed(),
          (t) => t.includes(': live'),
          { what: 'the stream to open' },
        );
        expect(streamed()).not.toContain('event: changed');
        await api.inject({
          method: 'POST',
          url: `/api/requests/${ticketId}/events`,
          headers: bearer(creds.tokens.admin),
          payload: { type: 'request.assigned', assignee: 'erin@vendor.example' },
        });
        await eventually(
          () => streamed(),
          (t) => /event: changed\ndata: \{"said":"the list has changed"\}\n\n/.test(t),
          { what: 'the inbox told of the change', timeoutMs: 15_000 },
        );
      } finally {
        req.destroy();
      }
      const bad = await get(support, '/console/inbox/live?fp=%3Cscript%3E');
      expect(bad.statusCode).toBe(400);
    }));

  it('lists what needs attention: a request past its SLA, and one whose notification was refused', () =>
    temporal.withWorker(async () => {
      const [late, refused] = [nextTicket(), nextTicket()];
      await start(late, { ...validIntake('aws', 'unidirectional', late), submittedAt: '2026-01-05T14:00:00Z' });
      temporal.activities.notifications.failNext(refused, 400);
      await start(refused);
      const page = await eventuallyPage(
        support,
        '/console/attention',
        new RegExp(`Past their SLA .*${late}.*Ticket comments or notifications failed .*${refused}.*Connectivity`),
      );
      expect(page).toMatch(/<a href="\/console\/attention"\s+aria-current="page">Needs attention<\/a>/);
      // Engineers go from a request to its workflow.
      expect(page).toContain(`href="http://ui.example:8233/namespaces/default/workflows/privatelink-${refused}"`);
      const view = await stateOf(refused);
      expect(view.effects.done.find((e) => e.type === 'notify')).toMatchObject({ status: 'failed' });
    }));

  it('lists a request while its notification is being retried, and takes it off once it went out', () =>
    temporal.withWorker(async () => {
      const ticketId = nextTicket();
      // The notification channel answers 503 to the batch, to the three first tries alone, and to the next one.
      temporal.activities.notifications.failNext(ticketId, 503, 503, 503, 503, 503);
      await start(ticketId);
      const listed = new RegExp(`being retried .*${ticketId}.*Connectivity checks failed`);
      const page = await eventuallyPage(support, '/console/attention', listed);
      expect(text(page)).not.toMatch(new RegExp(`failed The ticket system .*${ticketId}.*being retried`));
      // Then done, once, and off the list (a busy API may answer an error for a moment: asked again).
      const done = await eventually(
        () => stateOf(ticketId),
        (v) => v.effects?.done.some((e) => e.type === 'notify' && e.status === 'done') === true,
        { what: 'the notification out after its retries', timeoutMs: 30_000 },
      );
      expect(done.effects.done.filter((e) => e.type === 'notify').map((e) => e.status)).toEqual(['done']);
      await eventually(
        async () => text((await get(support, '/console/attention')).body),
        (body) => !listed.test(body),
        { what: 'the request off the attention list', timeoutMs: 15_000 },
      );
    }));

  it('shows the history with its verified chain, and exports it as JSON and CSV', () =>
    temporal.withWorker(async () => {
      const ticketId = nextTicket();
      await start(ticketId);
      await post(support, `/console/requests/${ticketId}/events`, {
        type: 'note.added',
        seen: '1',
        text: 'called the customer',
      });
      const history = await get(auditor, `/console/requests/${ticketId}/history`);
      expect(history.statusCode).toBe(200);
      expect(text(history.body)).toMatch(/✓ Chain verified: \d+ entries/);
      expect(text(history.body)).toContain(creds.subjects.support);
      const json = await get(auditor, `/console/requests/${ticketId}/history.json`);
      expect(json.headers['content-disposition']).toContain(`${ticketId}-history.json`);
      expect(json.json<{ entries: { type: string }[] }>().entries.map((e) => e.type)).toContain('note.added');
      const csv = await get(auditor, `/console/requests/${ticketId}/history.csv`);
      expect(csv.headers['content-type']).toMatch(/^text\/csv/);
      expect(csv.headers['audit-signature']).toBeTruthy();
      expect(csv.body.split('\r\n')[0]).toContain('prevHash');
    }));

  it('escapes what a ticket says: a company name cannot put markup in the page', () =>
    temporal.withWorker(async () => {
      const ticketId = nextTicket();
      const evil = '<script>alert(1)</script><img src=x onerror=alert(2)>';
      await start(ticketId, { ...validIntake('aws', 'unidirectional', ticketId), company: evil });
      const page = await get(support, `/console/requests/${ticketId}`);
      expect(page.body).not.toContain('<script>alert');
      expect(page.body).not.toContain('<img src=x');
      expect(page.body).toContain('&lt;script&gt;alert(1)&lt;/script&gt;');
      expect(page.headers['content-security-policy']).toContain("script-src 'self'");
    }));

  it('answers a page that does not exist, or a ticket that has no request, with a page', async () => {
    const missing = await get(support, '/console/requests/NO-SUCH-TICKET-1');
    expect(missing.statusCode).toBe(404);
    expect(missing.headers['content-type']).toMatch(/^text\/html/);
    expect(text(missing.body)).toContain('No request for ticket NO-SUCH-TICKET-1');
    const nowhere = await get(support, '/console/nowhere');
    expect(nowhere.statusCode).toBe(404);
    expect(nowhere.headers['content-type']).toMatch(/^text\/html/);
  });
});

describe('the way in', () => {
  it('links the console from /, and keeps its pages out of the API description', async () => {
    const root = await api.inject({ url: '/' });
    expect(root.statusCode).toBe(200);
    expect(root.body).toContain('<a href="/console">Staff console</a>');
    const doc = (await api.inject({ url: '/openapi.json' })).json<{ paths: Record<string, unknown> }>();
    expect(Object.keys(doc.paths).filter((p) => p.startsWith('/console') || p === '/')).toEqual([]);
  });

  it('serves htmx and its own files from this server', async () => {
    for (const file of ['htmx.min.js', 'console.js', 'console.css']) {
      const res = await api.inject({ url: `/console/assets/${file}` });
      expect(res.statusCode).toBe(200);
      expect(res.body.length).toBeGreaterThan(100);
    }
    expect((await api.inject({ url: '/console/assets/..%2F..%2Fpackage.json' })).statusCode).toBe(404);
  });
});

/**
 * A page's Server-Sent Events stream, over node:http as a browser's EventSource (its connection closes when the page
 * goes): the answer, and everything it has said so far. The server listens on a port from the first call on.
 */
async function openStream(
  browser: Browser,
  path: string,
): Promise<{ req: ReturnType<typeof httpRequest>; res: IncomingMessage; text: () => string }> {
  const address = api.server.listening
    ? `http://127.0.0.1:${(api.server.address() as { port: number }).port}`
    : await api.listen({ port: 0, host: '127.0.0.1' });
  const req = httpRequest(`${address}${path}`, { headers: { cookie: browser.cookie } });
  req.end();
  const res = await new Promise<IncomingMessage>((resolve, reject) => {
    req.once('response', resolve);
    req.once('error', reject);
  });
  let said = '';
  res.on('data', (chunk: Buffer) => (said += chunk.toString('utf8')));
  return { req, res, text: () => said };
}

/** The page once it reads as expected (visibility is eventually consistent). */
async function eventuallyPage(browser: Browser, url: string, reads: RegExp): Promise<string> {
  return eventually(
    async () => (await get(browser, url)).body,
    (body) => reads.test(text(body)),
    { what: `${url} to read ${reads}`, timeoutMs: 15_000, intervalMs: 200 },
  );
}
