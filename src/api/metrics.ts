import type { FastifyInstance } from 'fastify';
import { collectDefaultMetrics, Counter, Histogram, Registry } from 'prom-client';

/** Seconds; from a fast cached read (a few ms) to an update that waited on a busy worker. */
const LATENCY_BUCKETS = [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10];

/**
 * Counts every HTTP response by method, route and status, times it, and serves the result at `GET /metrics` in
 * Prometheus' text format to callers allowed the `metrics` action (roles `monitor` and `admin`). The route label is
 * the route's template (`/api/requests/:ticketId`), never the raw URL, so ticket ids and probes of unknown paths
 * (`unmatched`) cannot blow up the number of series.
 *
 * @param opts.processMetrics also export the Node process' own metrics (heap, event-loop delay, GC, file handles);
 *   for the product's entry points, where there is one API per process
 */
export function installMetrics(app: FastifyInstance, opts: { processMetrics?: boolean } = {}): Registry {
  const registry = new Registry();
  if (opts.processMetrics) collectDefaultMetrics({ register: registry });
  const labelNames = ['method', 'route', 'status_code'] as const;
  const responses = new Counter({
    name: 'http_requests_total',
    help: 'HTTP responses sent, by method, route template and status code.',
    labelNames,
    registers: [registry],
  });
  const duration = new Histogram({
    name: 'http_request_duration_seconds',
    help: 'Time from receiving an HTTP request to sending its response, by method, route template and status code.',
    labelNames,
    buckets: LATENCY_BUCKETS,
    registers: [registry],
  });

  app.addHook('onResponse', (request, reply, done) => {
    const labels = {
      method: request.method,
      route: request.routeOptions.url ?? 'unmatched',
      status_code: String(reply.statusCode),
    };
    responses.inc(labels);
    duration.observe(labels, reply.elapsedTime / 1000);
    done();
  });

  app.get('/metrics', { schema: { hide: true }, config: { action: 'metrics' } }, async (_request, reply) => {
    void reply.type(registry.contentType);
    return registry.metrics();
  });
  return registry;
}
