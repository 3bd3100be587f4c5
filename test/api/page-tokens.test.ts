import { createHash } from 'node:crypto';
import type { FastifyInstance } from 'fastify';
import { Authenticator } from '../../src/api/auth';
import { buildApiServer } from '../../src/api/server';
import { EnablementClient } from '../../src/temporal/enablement-client';
import { PageTokens } from '../../src/temporal/page-token';
import { listQuery } from '../../src/temporal/visibility';
import { validIntake } from '../fixtures/requests';
import { useTestApi } from '../helpers/api';
import { eventually } from '../helpers/eventually';

const { temporal, creds, support, nextTicket, start } = useTestApi('PAGE');
const company = `Pageco${Date.now().toString(36)}`;
const KEY = 'k'.repeat(40);

/** An API process over this file's Temporal server, with its own page-token key(s). */
const apis: FastifyInstance[] = [];
function apiWith(pageTokens: PageTokens): FastifyInstance {
  const api = buildApiServer({
    requests: new EnablementClient(temporal.client, temporal.taskQueue),
    authenticator: new Authenticator(creds.store),
    pageTokens,
  });
  apis.push(api);
  return api;
}
afterAll(() => Promise.all(apis.map((a) => a.close())));

type Page = { requests: { ticketId: string }[]; nextPageToken: string | null };
const list = (api: FastifyInstance, token?: string) =>
  api.inject({
    url: `/api/requests?company=${company}&pageSize=2${token === undefined ? '' : `&pageToken=${token}`}`,
    headers: support,
  });

beforeAll(() =>
  temporal.withWorker(async () => {
    for (let i = 0; i < 3; i++) {
      const ticketId = nextTicket();
      expect((await start(ticketId, { ...validIntake('aws', 'unidirectional', ticketId), company })).statusCode).toBe(
        201,
      );
    }
  }),
);

/** The first page from an API, once visibility lists all three requests. */
async function firstPage(api: FastifyInstance): Promise<Page> {
  const all = await eventually(
    async () => (await api.inject({ url: `/api/requests?company=${company}`, headers: support })).json<Page>(),
    (page) => page.requests.length === 3,
    { what: 'visibility to list the three requests', intervalMs: 100 },
  );
  expect(all.requests).toHaveLength(3);
  const first = (await list(api)).json<Page>();
  expect(first.nextPageToken).toEqual(expect.any(String));
  return first;
}

describe('page tokens are signed by the API', () => {
  it('another API process with the same PAGE_TOKEN_KEY takes a token; one with another key answers 400', async () => {
    const a = apiWith(PageTokens.withKeys([KEY]));
    const first = await firstPage(a);
    const b = apiWith(PageTokens.withKeys([KEY]));
    const second = await list(b, first.nextPageToken!);
    expect(second.statusCode).toBe(200);
    const ids = [...first.requests, ...second.json<Page>().requests].map((r) => r.ticketId);
    expect(new Set(ids).size).toBe(3);
    // Rotation: a process that signs with a new key still takes tokens signed with the old one.
    expect((await list(apiWith(PageTokens.withKeys(['n'.repeat(40), KEY])), first.nextPageToken!)).statusCode).toBe(
      200,
    );

    const other = await list(apiWith(PageTokens.withKeys(['o'.repeat(40)])), first.nextPageToken!);
    expect(other.statusCode).toBe(400);
    expect(other.json<{ detail: string }>().detail).toMatch(/^pageToken is not a nextPageToken from this API/);
  });

  it('answers 400 with a clear problem, never a 500, for a token altered or made up', async () => {
    const api = apiWith(PageTokens.withKeys([KEY]));
    const { nextPageToken } = await firstPage(api);
    const bytes = Buffer.from(nextPageToken!, 'base64url');
    const flipped = Buffer.from(bytes);
    flipped[flipped.length - 1]! ^= 1;
    const query = listQuery({ company });
    const tag = createHash('sha256').update(query).digest('base64url').slice(0, 16);
    for (const token of [
      // Temporal's token replaced, under a valid-looking query tag (what an unsigned token allowed).
      Buffer.from(JSON.stringify({ q: tag, t: Buffer.from('garbage').toString('base64') })).toString('base64url'),
      Buffer.from(JSON.stringify({ q: tag, t: Buffer.from('{"LastID":"x"}').toString('base64') })).toString(
        'base64url',
      ),
      flipped.toString('base64url'),
      bytes.subarray(0, 40).toString('base64url'),
      'garbage',
    ]) {
      const res = await list(api, token);
      expect({ token, status: res.statusCode }).toEqual({ token, status: 400 });
      expect(res.headers['content-type']).toMatch(/^application\/problem\+json/);
      expect(res.json<{ detail: string }>().detail).toMatch(/^pageToken is not a nextPageToken from this API/);
    }
  });

  it('refuses a token with other filters than the list it came from', async () => {
    const api = apiWith(PageTokens.withKeys([KEY]));
    const { nextPageToken } = await firstPage(api);
    const res = await api.inject({
      url: `/api/requests?company=${company}x&pageToken=${nextPageToken}`,
      headers: support,
    });
    expect(res.statusCode).toBe(400);
    expect(res.json<{ detail: string }>().detail).toBe(
      'pageToken belongs to a list with other filters; start again without it.',
    );
  });
});
