/**
 * The console's inbox at scale: with `inboxRequests` open requests running, one page of the default view ("waiting on
 * the vendor", 50 rows, with SLA badges), and one with a Find term, each through the listening API's console (HTTP,
 * signed-in session, HTML), against the baseline of Temporal's own visibility answering the same filter for one page
 * of 50 (the raw client's `listWorkflowExecutions`, no HTML, no badges). The API's `GET /api/requests`, which lists
 * from visibility, is reported too, and so are the time the console's index takes to read every running request at
 * start (its heap is not told apart from the worker's, which runs in the same process).
 */
import type { AddressInfo } from 'node:net';
import { Authenticator } from '../../src/api/auth';
import { buildApiServer } from '../../src/api/server';
import { SessionKeys } from '../../src/console/session';
import { EnablementClient } from '../../src/temporal/enablement-client';
import { listQuery } from '../../src/temporal/visibility';
import type { BenchEnvironment } from '../environment';
import { compare, LATENCY_TARGET, type BenchmarkResult, type BenchSizes } from '../result';
import { median, percentile, pool, round, since } from '../stats';
import { benchTicket, startProduct } from './common';

export interface InboxSamples {
  requests: number;
  visibilityMs: number[];
  inboxMs: number[];
  findMs: number[];
  apiListMs: number[];
  indexReadMs: number;
  populateSeconds: number;
}

/** Longest wait for the requests to start and for the index to read them. */
const WAIT_MS = 15 * 60_000;

async function timed(rounds: number, fn: () => Promise<void>): Promise<number[]> {
  await fn(); // warm-up
  const out: number[] = [];
  for (let i = 0; i < rounds; i++) {
    const t = performance.now();
    await fn();
    out.push(since(t));
  }
  return out;
}

async function ok(res: Response, what: string, reads?: string): Promise<void> {
  const body = await res.text();
  if (res.status !== 200) throw new Error(`${what} answered ${res.status}: ${body.slice(0, 300)}`);
  if (reads && !body.includes(reads)) throw new Error(`${what} does not read "${reads}"`);
}

export async function sampleInbox(env: BenchEnvironment, sizes: BenchSizes): Promise<InboxSamples> {
  const n = sizes.inboxRequests;
  const client = env.client;
  const populateStart = performance.now();
  const tickets = await pool(n, 32, async (i) => {
    const ticketId = benchTicket('INBOX', i);
    await startProduct(client, env.queues.product, ticketId);
    return ticketId;
  });
  // Wait until visibility shows them all waiting on the vendor (their intake accepted, allowlisting next).
  const vendorQuery = `${listQuery({ waitingOn: 'vendor' })} AND WorkflowId STARTS_WITH "privatelink-INBOX-"`;
  const giveUp = performance.now() + WAIT_MS;
  for (;;) {
    const { count } = await client.workflow.count(vendorQuery);
    if (count >= n) break;
    if (performance.now() > giveUp) throw new Error(`only ${count} of ${n} requests waited on the vendor after 15 min`);
    await new Promise((r) => setTimeout(r, 500));
  }
  const populateSeconds = since(populateStart) / 1000;

  const sessions = SessionKeys.random();
  const app = buildApiServer({
    requests: new EnablementClient(client, env.queues.product),
    authenticator: new Authenticator(env.tokens.store),
    console: { sessions, index: { pollMs: 1000 } },
  });
  await app.listen({ host: '127.0.0.1', port: 0 });
  const url = `http://127.0.0.1:${(app.server.address() as AddressInfo).port}`;
  try {
    const readStart = performance.now();
    const cookie = `plconsole=${sessions.open({ subject: env.tokens.subjects.support, role: 'support' }, 'token').cookie}`;
    // The index is ready when the inbox says how many match (visibility's answer does not).
    for (;;) {
      const body = await (await fetch(`${url}/console`, { headers: { cookie } })).text();
      if (/\d+ requests? match/.test(body)) break;
      if (since(readStart) > WAIT_MS) throw new Error('the inbox index was not ready after 15 min');
      await new Promise((r) => setTimeout(r, 20));
    }
    const indexReadMs = since(readStart);

    const rounds = sizes.inboxRounds;
    const visibilityQuery = listQuery({ waitingOn: 'vendor' });
    const visibilityMs = await timed(rounds, async () => {
      await client.workflowService.listWorkflowExecutions({
        namespace: env.namespace,
        query: visibilityQuery,
        pageSize: 50,
      });
    });
    const inboxMs = await timed(rounds, async () =>
      ok(await fetch(`${url}/console`, { headers: { cookie } }), 'the inbox', 'soonest SLA breach first'),
    );
    const part = tickets[Math.floor(n / 2)]!.slice(-10);
    const findMs = await timed(rounds, async () =>
      ok(await fetch(`${url}/console?q=${encodeURIComponent(part)}`, { headers: { cookie } }), 'Find', part),
    );
    const bearer = { authorization: `Bearer ${env.tokens.tokens.support}` };
    const apiListMs = await timed(rounds, async () =>
      ok(await fetch(`${url}/api/requests?waitingOn=vendor&pageSize=50`, { headers: bearer }), 'GET /api/requests'),
    );
    return {
      requests: n,
      visibilityMs,
      inboxMs,
      findMs,
      apiListMs,
      indexReadMs,
      populateSeconds,
    };
  } finally {
    await app.close();
  }
}

export function inboxResults(s: InboxSamples): BenchmarkResult[] {
  const baseline = {
    value: round(median(s.visibilityMs), 3),
    unit: 'ms',
    raw: { p50: median(s.visibilityMs), p99: percentile(s.visibilityMs, 99), samples: s.visibilityMs },
  };
  const baselineIs = `visibility's own page of 50 (raw client, same filter) at ${s.requests} open requests`;
  const side = (ms: number[]) => ({
    value: round(median(ms), 3),
    unit: 'ms',
    raw: { p50: median(ms), p99: percentile(ms, 99), samples: ms },
  });
  const note = `${s.requests} requests started in ${round(s.populateSeconds, 1)} s; the index read them all in ${round(s.indexReadMs)} ms`;
  return [
    compare(
      {
        id: 'inbox-page',
        title: `Console inbox, default view (50 rows, badges), ${s.requests} open`,
        baselineIs,
        baseline,
        product: side(s.inboxMs),
        note,
      },
      LATENCY_TARGET,
    ),
    compare(
      {
        id: 'inbox-find',
        title: `Console inbox, Find part of a ticket id, ${s.requests} open`,
        baselineIs,
        baseline,
        product: side(s.findMs),
      },
      LATENCY_TARGET,
    ),
    compare(
      {
        id: 'api-list',
        title: `GET /api/requests?waitingOn=vendor (visibility), ${s.requests} open`,
        baselineIs,
        baseline,
        product: side(s.apiListMs),
      },
      null,
    ),
  ];
}
