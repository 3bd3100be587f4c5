/**
 * The HTTP layer's cost: `GET /api/requests/:ticketId` on the product's fastify API (bearer-token auth, the role
 * check, zod validation of the path, the response serializer, problem handlers) against a plain `node:http` server
 * answering the same JSON. Temporal is left out on purpose: the API here gets a stub requests service (bench only)
 * that answers a state view captured from a real run, so the figure is the HTTP layer alone. Load comes from
 * autocannon in a child process, so it does not share the servers' event loop.
 */
import { spawn } from 'node:child_process';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { Authenticator } from '../../src/api/auth';
import type { EnablementClient } from '../../src/temporal/enablement-client';
import { buildApiServer } from '../../src/api/server';
import type { StateView } from '../../src/temporal/messages';
import type { BenchEnvironment } from '../environment';
import { compare, THROUGHPUT_TARGET, type BenchmarkResult, type BenchSizes } from '../result';
import { round } from '../stats';

/** What autocannon reports for one run (the fields used here). */
interface CannonRun {
  requests: { total: number; average: number };
  latency: { p50: number; p99: number };
  duration: number;
  non2xx: number;
  errors: number;
}

/** Requests/second of each server over the timed runs. */
export interface RouteSamples {
  plain: { requests: number; seconds: number; p50Ms: number[] };
  api: { requests: number; seconds: number; p50Ms: number[] };
  bodyBytes: number;
}

const autocannon = require.resolve('autocannon/autocannon.js');

function cannon(
  url: string,
  seconds: number,
  connections: number,
  headers: Record<string, string>,
): Promise<CannonRun> {
  const args = [autocannon, '-j', '-c', String(connections), '-d', String(seconds)];
  for (const [k, v] of Object.entries(headers)) args.push('-H', `${k}=${v}`);
  args.push(url);
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, args, { stdio: ['ignore', 'pipe', 'pipe'] });
    let out = '';
    let err = '';
    child.stdout.on('data', (d: Buffer) => (out += d.toString()));
    child.stderr.on('data', (d: Buffer) => (err += d.toString()));
    child.once('error', reject);
    child.once('exit', (code) => {
      if (code !== 0) return reject(new Error(`autocannon exited ${code}: ${err.slice(-500)}`));
      try {
        resolve(JSON.parse(out.trim().split('\n').at(-1)!) as CannonRun);
      } catch (e) {
        reject(new Error(`autocannon printed no JSON (${(e as Error).message}): ${out.slice(-500)}`));
      }
    });
  });
}

function listenPlain(view: StateView): Promise<Server> {
  const server = createServer((_req, res) => {
    res.writeHead(200, { 'content-type': 'application/json; charset=utf-8' });
    res.end(JSON.stringify(view));
  });
  return new Promise((resolve) => server.listen(0, '127.0.0.1', () => resolve(server)));
}

/** Alternates the two servers: a warm-up run each, then the timed runs. */
export async function sampleRoute(env: BenchEnvironment, sizes: BenchSizes, view: StateView): Promise<RouteSamples> {
  const stub = { get: () => Promise.resolve(view) } as unknown as EnablementClient;
  const app = buildApiServer({ requests: stub, authenticator: new Authenticator(env.tokens.store) });
  await app.listen({ host: '127.0.0.1', port: 0 });
  const plain = await listenPlain(view);
  const path = `/api/requests/${encodeURIComponent(view.ticketId)}`;
  const targets = {
    plain: `http://127.0.0.1:${(plain.address() as AddressInfo).port}${path}`,
    api: `http://127.0.0.1:${(app.server.address() as AddressInfo).port}${path}`,
  };
  const headers = { authorization: `Bearer ${env.tokens.tokens.auditor}` };
  const check = await fetch(targets.api, { headers });
  const bodyBytes = (await check.arrayBuffer()).byteLength;
  if (check.status !== 200) throw new Error(`the stubbed API answered ${check.status}`);
  const out: RouteSamples = {
    plain: { requests: 0, seconds: 0, p50Ms: [] },
    api: { requests: 0, seconds: 0, p50Ms: [] },
    bodyBytes,
  };
  try {
    if (sizes.httpWarmupSeconds > 0) {
      for (const k of ['plain', 'api'] as const) {
        await cannon(targets[k], sizes.httpWarmupSeconds, sizes.httpConnections, headers);
      }
    }
    for (let r = 0; r < sizes.httpRounds; r++) {
      for (const k of ['plain', 'api'] as const) {
        const run = await cannon(targets[k], sizes.httpSeconds, sizes.httpConnections, headers);
        if (run.non2xx || run.errors) throw new Error(`${k}: ${run.non2xx} non-2xx answers, ${run.errors} errors`);
        out[k].requests += run.requests.total;
        out[k].seconds += run.duration;
        out[k].p50Ms.push(run.latency.p50);
      }
    }
  } finally {
    await app.close();
    await new Promise((r) => plain.close(r));
  }
  return out;
}

/** The requests/second comparison. */
export function routeResult(s: RouteSamples, sizes: BenchSizes): BenchmarkResult {
  const side = (k: 'plain' | 'api') => ({
    value: s[k].requests / s[k].seconds,
    unit: 'req/s',
    raw: { requests: s[k].requests, seconds: round(s[k].seconds), latencyP50Ms: s[k].p50Ms, bodyBytes: s.bodyBytes },
  });
  return compare(
    {
      id: 'api-route-cost',
      title: `GET /api/requests/:id, HTTP layer only (stub service), ${sizes.httpConnections} connections`,
      baselineIs: 'plain node:http server answering the same JSON',
      baseline: side('plain'),
      product: side('api'),
      note: 'bench-only stub EnablementClient: auth + role check + zod + fastify serialization, no Temporal',
    },
    THROUGHPUT_TARGET,
  );
}
