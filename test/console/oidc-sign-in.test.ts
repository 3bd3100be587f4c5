/**
 * Signing in to the console with an OIDC provider (authorization code with PKCE), against a local provider speaking
 * the protocol over HTTP (test/helpers/fake-idp.ts) and the real API over a dev server and worker: the round trip, the
 * person recorded as the actor, and every way a sign-in is refused.
 */
import type { FastifyInstance } from 'fastify';
import { apiSecurity } from '../../src/api/security';
import { buildApiServer } from '../../src/api/server';
import { apiSettingsFromEnv } from '../../src/config/api';
import { EnablementClient } from '../../src/temporal/enablement-client';
import { useTestApi } from '../helpers/api';
import { FakeIdentityProvider } from '../helpers/fake-idp';

const { temporal, nextTicket, start } = useTestApi('OIDC');

const CONSOLE_URL = 'http://127.0.0.1:3999';
const client = { clientId: 'privatelink-console', redirectUri: `${CONSOLE_URL}/console/sign-in/callback` };
const idp = new FakeIdentityProvider({ ...client, clientSecret: 'console-secret' });
let api: FastifyInstance;

beforeAll(async () => {
  await idp.start();
  const security = apiSecurity(
    apiSettingsFromEnv({
      OIDC_ISSUER: idp.issuer,
      OIDC_JWKS_URL: `${idp.url}/jwks`,
      OIDC_AUDIENCE: 'privatelink-api',
      CONSOLE_OIDC_CLIENT_ID: client.clientId,
      CONSOLE_OIDC_CLIENT_SECRET: 'console-secret',
      CONSOLE_URL,
    }),
  );
  expect(security.summary.join('\n')).toContain(`console sign-in with ${new URL(idp.issuer).host} (OIDC`);
  expect(security.summary.join('\n')).not.toContain('console-secret');
  api = buildApiServer({
    requests: new EnablementClient(temporal.client, temporal.taskQueue),
    authenticator: security.authenticator,
    console: { sessions: security.sessions, ...(security.consoleOidc ? { oidc: security.consoleOidc } : {}) },
  });
});
afterAll(async () => {
  await api?.close();
  await idp.stop();
});

const text = (body: string) =>
  body
    .replace(/<[^>]+>/g, ' ')
    .replace(/&#39;/g, "'")
    .replace(/&amp;/g, '&')
    .replace(/\s+/g, ' ');

/** The browser's trip: the console sends it to the provider, which sends it back; what comes back, and its cookie. */
async function toProviderAndBack(next = '/console'): Promise<{ callback: string; cookie: string }> {
  const begin = await api.inject({ url: `/console/sign-in/oidc?next=${encodeURIComponent(next)}` });
  expect(begin.statusCode).toBe(303);
  const set = begin.cookies.find((c) => c.name === 'plconsole_oidc');
  expect(set).toMatchObject({ httpOnly: true, sameSite: 'Lax', path: '/console' });
  const location = new URL(begin.headers.location as string);
  expect(location.origin).toBe(idp.url);
  expect(location.searchParams.get('code_challenge_method')).toBe('S256');
  expect(location.searchParams.get('redirect_uri')).toBe(client.redirectUri);
  // The PKCE verifier stays on the server's side: only its hash travels.
  expect(begin.headers.location).not.toContain(set!.value.slice(0, 20));
  const atProvider = await fetch(location, { redirect: 'manual' });
  expect(atProvider.status).toBe(302);
  const back = new URL(atProvider.headers.get('location')!);
  expect(back.origin).toBe(CONSOLE_URL);
  return { callback: `${back.pathname}${back.search}`, cookie: `plconsole_oidc=${set!.value}` };
}

describe('console sign-in with OIDC', () => {
  it('offers the provider instead of the token form, and refuses a token', async () => {
    const page = await api.inject({ url: '/console/sign-in?next=%2Fconsole%2Fattention' });
    expect(text(page.body)).toContain(`Sign in with ${new URL(idp.issuer).host}`);
    expect(page.body).toContain('href="/console/sign-in/oidc?next=%2Fconsole%2Fattention"');
    expect(page.body).not.toContain('name="token"');
    const token = await api.inject({
      method: 'POST',
      url: '/console/sign-in',
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
      payload: 'token=tok_anything',
    });
    expect(token.statusCode).toBe(403);
    expect(text(token.body)).toContain('This console signs in with');
  });

  it('signs a person in through the provider, and records what they do as them', () =>
    temporal.withWorker(async () => {
      idp.user = { sub: 'dana@vendor.example', roles: ['support'] };
      const ticketId = nextTicket();
      expect((await start(ticketId)).statusCode).toBe(201);
      const { callback, cookie } = await toProviderAndBack(`/console/requests/${ticketId}`);
      const done = await api.inject({ url: callback, headers: { cookie } });
      expect(done.statusCode).toBe(200);
      // A page that moves on by itself: the new SameSite=Strict cookie would not follow a redirect from the provider.
      expect(done.body).toContain(`<meta http-equiv="refresh" content="0;url=/console/requests/${ticketId}"`);
      expect(done.cookies.find((c) => c.name === 'plconsole_oidc')?.maxAge).toBe(0);
      const session = done.cookies.find((c) => c.name === 'plconsole');
      expect(session).toMatchObject({ httpOnly: true, sameSite: 'Strict' });
      const browser = `plconsole=${session!.value}`;

      const pageRes = await api.inject({ url: `/console/requests/${ticketId}`, headers: { cookie: browser } });
      expect(pageRes.statusCode).toBe(200);
      expect(text(pageRes.body)).toContain('dana@vendor.example');
      const csrf = /name="_csrf" value="([^"]+)"/.exec(pageRes.body)![1]!;
      const claim = await api.inject({
        method: 'POST',
        url: `/console/requests/${ticketId}/events`,
        headers: { cookie: browser, 'content-type': 'application/x-www-form-urlencoded' },
        payload: new URLSearchParams({
          _csrf: csrf,
          type: 'request.assigned',
          assignee: 'dana@vendor.example',
          expected: '',
        }).toString(),
      });
      expect(claim.statusCode).toBe(303);
      const history = await api.inject({
        url: `/console/requests/${ticketId}/history.json`,
        headers: { cookie: browser },
      });
      const entries = history.json<{ entries: { type?: string; actor?: string }[] }>().entries;
      expect(entries.find((e) => e.type === 'request.assigned')?.actor).toBe('dana@vendor.example');
    }));

  it('refuses a sign-in it did not start, an answer for another sign-in, a used code and a declined one', async () => {
    idp.user = { sub: 'dana@vendor.example', roles: ['support'] };
    const { callback, cookie } = await toProviderAndBack();
    const withoutCookie = await api.inject({ url: callback });
    expect(withoutCookie.statusCode).toBe(401);
    expect(text(withoutCookie.body)).toContain('This sign-in was not started here');
    expect(withoutCookie.cookies.find((c) => c.name === 'plconsole')).toBeUndefined();

    // Someone else's code, brought to this browser (login CSRF): the state does not match this browser's sign-in.
    const other = await toProviderAndBack();
    const swapped = await api.inject({ url: other.callback, headers: { cookie } });
    expect(swapped.statusCode).toBe(401);
    expect(text(swapped.body)).toContain('not for this sign-in');

    expect((await api.inject({ url: callback, headers: { cookie } })).statusCode).toBe(200);
    const again = await api.inject({ url: callback, headers: { cookie } });
    expect(again.statusCode).toBe(401);
    expect(text(again.body)).toContain('refused the sign-in code (invalid_grant)');

    idp.denyNext = 'access_denied';
    const declined = await toProviderAndBack();
    const res = await api.inject({ url: declined.callback, headers: { cookie: declined.cookie } });
    expect(res.statusCode).toBe(401);
    expect(text(res.body)).toContain('did not sign you in (access_denied: The user declined.)');

    const forged = await api.inject({ url: callback, headers: { cookie: 'plconsole_oidc=eyJzdGF0ZSI6IngifQ.AAAA' } });
    expect(forged.statusCode).toBe(401);
  });

  it('refuses a person whose role may not read requests', async () => {
    idp.user = { sub: 'grafana@vendor.example', roles: ['monitor'] };
    const { callback, cookie } = await toProviderAndBack();
    const res = await api.inject({ url: callback, headers: { cookie } });
    expect(res.statusCode).toBe(403);
    expect(text(res.body)).toContain('has role monitor, which may not read requests');
    expect(res.cookies.find((c) => c.name === 'plconsole')).toBeUndefined();
  });

  it('says what is missing in the settings', () => {
    const problems = (env: Record<string, string>) => {
      try {
        apiSettingsFromEnv(env);
        return [];
      } catch (err) {
        return (err as { problems?: string[] }).problems ?? [];
      }
    };
    expect(problems({ CONSOLE_OIDC_CLIENT_ID: 'c', CONSOLE_URL: CONSOLE_URL })).toContain(
      'CONSOLE_OIDC_CLIENT_ID: set OIDC_ISSUER, OIDC_JWKS_URL and OIDC_AUDIENCE too',
    );
    const oidc = { OIDC_ISSUER: 'https://idp.example', OIDC_JWKS_URL: 'https://idp.example/jwks', OIDC_AUDIENCE: 'a' };
    for (const url of [undefined, 'http://console.example.com', 'https://x.example/?next=evil']) {
      expect(
        problems({ ...oidc, CONSOLE_OIDC_CLIENT_ID: 'c', ...(url ? { CONSOLE_URL: url } : {}) }).join('\n'),
      ).toContain('CONSOLE_URL: with CONSOLE_OIDC_CLIENT_ID, the https address');
    }
    expect(problems({ ...oidc, CONSOLE_OIDC_CLIENT_SECRET: 's' })).toContain(
      'CONSOLE_OIDC_CLIENT_SECRET: set CONSOLE_OIDC_CLIENT_ID with it',
    );
  });
});
