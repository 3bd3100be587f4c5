import { createHmac } from 'node:crypto';
import fc from 'fast-check';
import { pino } from 'pino';
import type { FastifyInstance } from 'fastify';
import { eventFields, eventTypes } from '../../src/domain/events';
import { workflowIdForTicket } from '../../src/temporal/names';
import { bearer, buildTestApi, newWebhookSecret, signStandard, testCredentials } from '../helpers/api';
import { useTemporal } from '../helpers/temporal';

/**
 * Property: whatever arrives on a POST route (any JSON, near-valid shapes, raw bytes, any content type), the answer is
 * a 2xx or a 4xx problem document; never a 5xx.
 */
const temporal = useTemporal('dev-server');
const creds = testCredentials();
const secret = newWebhookSecret();
const ZENDESK_SECRET = 'fuzz-zendesk-secret';
const JIRA_SECRET = 'fuzz-jira-secret';
let api: FastifyInstance;
const errorsLogged: string[] = [];

beforeAll(() => {
  api = buildTestApi(temporal, {
    // Unexpected errors are logged by the API: a failing run shows them.
    logger: pino({ level: 'error' }, { write: (line: string) => errorsLogged.push(line) }),
    store: creds.store,
    webhooks: { tickets: [secret], zendesk: [ZENDESK_SECRET], jira: [JIRA_SECRET] },
  });
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
      const fields = eventFields(type);
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

/** Answers by status; `reached` is a webhook's `200 { accepted: false }` about a request (a repeat, a refusal, an ended one). */
let seen: Partial<Record<number | 'reached', number>> = {};
beforeEach(() => {
  seen = {};
});
/** The runs must also get past validation to Temporal (an answer from it or a workflow), or the property proves little. */
function expectSomeReachedTheWorkflow(answers: (number | 'reached')[]) {
  expect([seen, answers.reduce<number>((n, s) => n + (seen[s] ?? 0), 0) > 10]).toEqual([seen, true]);
}
function expectNo5xx(res: { statusCode: number; body: string; headers: Record<string, unknown> }) {
  seen[res.statusCode] = (seen[res.statusCode] ?? 0) + 1;
  if (res.statusCode === 200 && res.headers['content-type']?.toString().startsWith('application/json')) {
    const body: unknown = JSON.parse(res.body);
    if (typeof body === 'object' && body !== null && 'accepted' in body && 'ticketId' in body) {
      seen.reached = (seen.reached ?? 0) + 1;
    }
  }
  if (res.statusCode >= 500) {
    throw new Error(`answered ${res.statusCode}: ${res.body}\nlogged: ${errorsLogged.slice(-3).join('\n')}`);
  }
  if (res.statusCode >= 400) expect(String(res.headers['content-type'])).toMatch(/^application\/problem\+json/);
}

describe('bad input never yields a 5xx', () => {
  const started: string[] = [];
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
            if (res.statusCode === 201) started.push(res.json<{ ticketId: string }>().ticketId);
          }),
          { numRuns: 150 },
        )
        .then(() => expectSomeReachedTheWorkflow([201]))
        // End the requests it started, or their effects keep the next tests' workers busy.
        .then(() =>
          Promise.all(
            started.map((id) =>
              temporal.client.workflow
                .getHandle(workflowIdForTicket(id))
                .terminate('fuzz run over')
                // Requests that already ended (rejected as ineligible) need nothing.
                .catch((err: unknown) => expect(String(err)).toMatch(/already completed/)),
            ),
          ),
        ),
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
      expectSomeReachedTheWorkflow([200, 404, 409]);
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
          // Twice the others: about one body in eight gets through to Temporal here, and 150 runs left that count
          // near the floor of 10 often enough to fail now and then.
          { numRuns: 300 },
        )
        .then(() => expectSomeReachedTheWorkflow([202, 'reached', 404])),
    ));

  const description = fc
    .array(
      fc.oneof(fc.constantFrom('Company: Acme', 'Cloud: aws', 'Services: mysql 3306', 'AWS account: 1'), fc.string()),
    )
    .map((lines) => lines.join('\n'));

  it('POST /webhooks/zendesk (signed)', () =>
    temporal.withWorker(() =>
      fc
        .assert(
          fc.asyncProperty(
            bodies(
              fc.record({
                event: fc.constantFrom('created', 'created', 'updated', 'updated', 'x'),
                ticket: fc.record(
                  {
                    id: mostly(fc.integer({ min: 1, max: 1e9 }).map(String)),
                    title: mostly(
                      fc.constantFrom('PrivateLink support for Acme', 'PrivateLink for Beta', 'PrivateLink', 'hello'),
                    ),
                    description: mostly(description),
                    latest_public_comment: mostly(description),
                    created_at: mostly(fc.constantFrom('2026-11-02T15:00:00Z', 'yesterday')),
                  },
                  { requiredKeys: [] },
                ),
                intake: fc.oneof(nearIntake, fc.jsonValue()),
              }),
            ),
            async ({ payload, type }) => {
              const timestamp = new Date().toISOString();
              const res = await api.inject({
                method: 'POST',
                url: '/webhooks/zendesk',
                headers: {
                  'content-type': type,
                  'x-zendesk-webhook-signature': createHmac('sha256', ZENDESK_SECRET)
                    .update(timestamp + payload)
                    .digest('base64'),
                  'x-zendesk-webhook-signature-timestamp': timestamp,
                },
                payload,
              });
              expectNo5xx(res);
            },
          ),
          { numRuns: 300 },
        )
        .then(() => expectSomeReachedTheWorkflow([202, 'reached', 404])),
    ));

  it('POST /webhooks/jira (signed)', () =>
    temporal.withWorker(() =>
      fc
        .assert(
          fc.asyncProperty(
            bodies(
              fc.record({
                webhookEvent: mostly(
                  fc.constantFrom('jira:issue_created', 'jira:issue_created', 'jira:issue_updated', 'comment_created'),
                ),
                issue: mostly(
                  fc.record(
                    {
                      key: mostly(fc.integer({ min: 1, max: 99999 }).map((n) => `FZ-${n}`)),
                      fields: mostly(
                        fc.record(
                          {
                            summary: mostly(fc.constantFrom('PrivateLink support for Acme', 'PrivateLink', 'other')),
                            description: mostly(description),
                            created: mostly(fc.constantFrom('2026-11-02T10:00:00.000-0500', 'x')),
                          },
                          // A missing summary is one case; every optional level halving the rest left too few
                          // bodies that reach the request.
                          { requiredKeys: ['summary'] },
                        ),
                      ),
                    },
                    { requiredKeys: ['key'] },
                  ),
                ),
                comment: fc.jsonValue(),
                changelog: fc.jsonValue(),
              }),
            ),
            async ({ payload, type }) => {
              const res = await api.inject({
                method: 'POST',
                url: '/webhooks/jira',
                headers: {
                  'content-type': type,
                  'x-hub-signature': `sha256=${createHmac('sha256', JIRA_SECRET).update(payload).digest('hex')}`,
                },
                payload,
              });
              expectNo5xx(res);
            },
          ),
          { numRuns: 300 },
        )
        .then(() => expectSomeReachedTheWorkflow([202, 'reached', 404])),
    ));
});
