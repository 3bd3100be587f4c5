import type { FastifyInstance } from 'fastify';
import { validIntake } from '../fixtures/requests';
import { bearer, useTestApi } from '../helpers/api';

const { temporal, creds, ...testApi } = useTestApi('MET');
let api: FastifyInstance;
beforeAll(() => {
  api = testApi.api();
});

/** The value of one series in Prometheus' text format, or undefined when the series is absent. */
function sample(text: string, name: string, labels: Record<string, string>): number | undefined {
  const wanted = Object.entries(labels).map(([k, v]) => `${k}="${v}"`);
  for (const line of text.split('\n')) {
    const m = /^([a-z_:]+)\{([^}]*)\} (\S+)$/.exec(line);
    if (!m || m[1] !== name) continue;
    const have = m[2]!.split(',');
    if (wanted.every((w) => have.includes(w)) && have.length === wanted.length) return Number(m[3]);
  }
  return undefined;
}

describe('the API metrics at /metrics', () => {
  it('count and time every response by method, route template and status, for a monitor token only', () =>
    temporal.withWorker(async () => {
      const ticketId = `MET-${Date.now().toString(36)}`;
      const support = bearer(creds.tokens.support);
      expect(
        (
          await api.inject({
            method: 'POST',
            url: '/api/requests',
            headers: support,
            payload: validIntake('aws', 'unidirectional', ticketId),
          })
        ).statusCode,
      ).toBe(201);
      for (let i = 0; i < 2; i++) {
        expect((await api.inject({ url: `/api/requests/${ticketId}`, headers: support })).statusCode).toBe(200);
      }
      expect((await api.inject({ url: '/api/requests/NOPE-404', headers: support })).statusCode).toBe(404);
      expect((await api.inject({ url: `/wp-admin/${ticketId}.php` })).statusCode).toBe(404);

      // Who may scrape: a monitor or an admin; nobody anonymous, and not the roles that handle requests.
      expect((await api.inject({ url: '/metrics' })).statusCode).toBe(401);
      for (const role of ['support', 'automation', 'auditor'] as const) {
        expect((await api.inject({ url: '/metrics', headers: bearer(creds.tokens[role]) })).statusCode).toBe(403);
      }
      expect((await api.inject({ url: '/metrics', headers: bearer(creds.tokens.admin) })).statusCode).toBe(200);
      // A scraper's token reads nothing about requests.
      expect((await api.inject({ url: '/api/requests', headers: bearer(creds.tokens.monitor) })).statusCode).toBe(403);

      const res = await api.inject({ url: '/metrics', headers: bearer(creds.tokens.monitor) });
      expect(res.statusCode).toBe(200);
      expect(res.headers['content-type']).toMatch(/^text\/plain; version=0\.0\.4/);
      const text = res.body;
      const count = (method: string, route: string, status: string) =>
        sample(text, 'http_requests_total', { method, route, status_code: status });
      expect(count('POST', '/api/requests', '201')).toBe(1);
      expect(count('GET', '/api/requests/:ticketId', '200')).toBe(2);
      expect(count('GET', '/api/requests/:ticketId', '404')).toBe(1);
      expect(count('GET', '/metrics', '401')).toBe(1);
      expect(count('GET', '/metrics', '403')).toBe(3);
      expect(count('GET', '/api/requests', '403')).toBe(1);
      // Unknown paths share one series, and no ticket id ever becomes a label.
      expect(count('GET', 'unmatched', '404')).toBe(1);
      expect(text).not.toContain(ticketId);

      const timed = { method: 'GET', route: '/api/requests/:ticketId', status_code: '200' };
      expect(sample(text, 'http_request_duration_seconds_count', timed)).toBe(2);
      const seconds = sample(text, 'http_request_duration_seconds_sum', timed)!;
      expect(seconds).toBeGreaterThan(0);
      expect(seconds).toBeLessThan(60);
      expect(sample(text, 'http_request_duration_seconds_bucket', { le: '+Inf', ...timed })).toBe(2);
    }));
});
