import fc from 'fast-check';
import type { FastifyInstance } from 'fastify';
import { eventSchemas, eventTypes } from '../../src/domain/events';
import { bearer, buildTestApi, newWebhookSecret, signStandard, testCredentials } from '../helpers/api';
import { useTemporal } from '../helpers/temporal';

/**
 * Property: whatever arrives on a POST route (any JSON, near-valid shapes, raw bytes, any content type), the answer is
 * a 2xx or a 4xx problem document; never a 5xx.
 */
const temporal = useTemporal('dev-server');
const creds = testCredentials();
const secret = newWebhookSecret();
let api: FastifyInstance;

beforeAll(() => {
  api = buildTestApi(temporal, { store: creds.store, webhooks: { tickets: [secret] } });
});
afterAll(() => api.close());

const ticketIds = fc.oneof(
  fc.constantFrom('T-1', 'FUZZ-1', 'bad id', '', 'x'.repeat(65), '../etc', '%00'),
  fc.stringMatching(/^[A-Za-z0-9._-]{1,12}$/),
);
let counter = 0;
const freshId = fc.constant(null).map(() => `FZ-${Date.now().toString(36)}-${++counter}`);
/** Mostly the right JSON type with arbitrary content; sometimes anything at all. */
const mostly = <T>(right: fc.Arbitrary<T>) => fc.oneof({ weight: 6, arbitrary: right }, fc.jsonValue());
const nearIntake = fc.record(
  {
    ticketId: fc.oneof({ weight: 4, arbitrary: freshId }, ticketIds, fc.jsonValue()),
    company: mostly(fc.string()),
    cloud: mostly(fc.constantFrom('aws', 'azure', 'gcp', '')),
    region: mostly(fc.string()),
    customerAccount: mostly(fc.string()),
    services: mostly(fc.array(fc.record({ name: fc.string(), port: fc.integer() }), { maxLength: 3 })),
    privateDns: mostly(fc.boolean()),
    submittedAt: mostly(
      fc.oneof(
        fc.string(),
        fc.date({ noInvalidDate: true }).map((d) => d.toISOString()),
      ),
    ),
  },
  { requiredKeys: [] },
);
/** An event of a known type with that type's own fields (mostly), or anything. */
const nearEvent = fc.oneof(
  {
    weight: 6,
    arbitrary: fc.constantFrom(...eventTypes).chain((type) => {
      const fields = Object.keys(eventSchemas[type].shape).filter((k) => !['type', 'actor'].includes(k));
      const values = Object.fromEntries(
        fields.map((f) => [f, f === 'intake' ? fc.oneof(nearIntake, fc.jsonValue()) : mostly(fc.string())]),
      );
      return fc.record(values, { requiredKeys: [] }).map((payload) => ({ type, ...payload }));
    }),
  },
  fc.record({ type: fc.oneof(fc.string(), fc.jsonValue()), extra: fc.jsonValue() }, { requiredKeys: [] }),
);
const bodies = (near: fc.Arbitrary<unknown>) =>
  fc.oneof(
    { weight: 5, arbitrary: near.map((v) => ({ payload: JSON.stringify(v), type: 'application/json' })) },
    fc.jsonValue().map((v) => ({ payload: JSON.stringify(v), type: 'application/json' })),
    fc.string().map((s) => ({ payload: s, type: 'application/json' })),
    fc
      .tuple(fc.string(), fc.constantFrom('text/plain', 'application/x-www-form-urlencoded', 'application/xml'))
      .map(([s, type]) => ({ payload: s, type })),
  );

let seen: Record<number, number> = {};
beforeEach(() => {
  seen = {};
});
/** The runs must also reach Temporal (a 2xx or a refusal by the workflow), or the property proves little. */
function expectSomeReachedTheWorkflow(statuses: number[]) {
  expect(statuses.reduce((n, s) => n + (seen[s] ?? 0), 0)).toBeGreaterThan(10);
}
function expectNo5xx(res: { statusCode: number; body: string; headers: Record<string, unknown> }) {
  seen[res.statusCode] = (seen[res.statusCode] ?? 0) + 1;
  if (res.statusCode >= 500) throw new Error(`answered ${res.statusCode}: ${res.body}`);
  if (res.statusCode >= 400) expect(String(res.headers['content-type'])).toMatch(/^application\/problem\+json/);
}

describe('bad input never yields a 5xx', () => {
  it('POST /api/requests', () =>
    temporal.withWorker(() =>
      fc
        .assert(
          fc.asyncProperty(bodies(nearIntake), async ({ payload, type }) => {
            const res = await api.inject({
              method: 'POST',
              url: '/api/requests',
              headers: { ...bearer(creds.tokens.support), 'content-type': type },
              payload,
            });
            expectNo5xx(res);
          }),
          { numRuns: 150 },
        )
        .then(() => expectSomeReachedTheWorkflow([201])),
    ));

  it('POST /api/requests/:ticketId/events', () =>
    temporal.withWorker(async () => {
      // One real request, so some events reach a workflow.
      await api.inject({
        method: 'POST',
        url: '/api/requests',
        headers: bearer(creds.tokens.support),
        payload: { ticketId: 'FUZZ-1', company: 'Fuzz' },
      });
      await fc.assert(
        fc.asyncProperty(
          fc.oneof({ weight: 5, arbitrary: fc.constant('FUZZ-1') }, ticketIds),
          bodies(nearEvent),
          async (ticketId, { payload, type }) => {
            const res = await api.inject({
              method: 'POST',
              url: `/api/requests/${encodeURIComponent(ticketId)}/events`,
              headers: { ...bearer(creds.tokens.admin), 'content-type': type },
              payload,
            });
            expectNo5xx(res);
          },
        ),
        { numRuns: 150 },
      );
      expectSomeReachedTheWorkflow([200, 409]);
    }));

  it('POST /webhooks/tickets (signed, so the body is what gets tested)', () =>
    temporal.withWorker(() =>
      fc
        .assert(
          fc.asyncProperty(
            bodies(
              fc.record({
                type: fc.constantFrom('ticket.created', 'ticket.updated', 'x'),
                data: nearIntake,
              }),
            ),
            async ({ payload, type }) => {
              const res = await api.inject({
                method: 'POST',
                url: '/webhooks/tickets',
                headers: { ...signStandard(payload, [secret]), 'content-type': type },
                payload,
              });
              expectNo5xx(res);
            },
          ),
          { numRuns: 150 },
        )
        .then(() => expectSomeReachedTheWorkflow([202, 404])),
    ));
});
