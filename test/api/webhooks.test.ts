import { temporal as proto } from '@temporalio/proto';
import type { FastifyInstance } from 'fastify';
import { workflowIdForTicket } from '../../src/temporal/names';
import type { StateView } from '../../src/temporal/messages';
import { readState } from '../../src/temporal/read-state';
import { validIntake } from '../fixtures/requests';
import { buildTestApi, newWebhookSecret, signStandard, standardSignature } from '../helpers/api';
import { eventually } from '../helpers/eventually';
import { useTemporal } from '../helpers/temporal';

const temporal = useTemporal('dev-server');
const oldSecret = newWebhookSecret();
const newSecret = newWebhookSecret();
let api: FastifyInstance;

beforeAll(() => {
  // Key rotation: the server accepts both secrets while senders move to the new one.
  api = buildTestApi(temporal, { webhooks: { tickets: [oldSecret, newSecret] } });
});
afterAll(() => api.close());

let n = 0;
const nextTicket = () => `WH-${Date.now().toString(36)}-${++n}`;

function created(ticketId: string) {
  return JSON.stringify({ type: 'ticket.created', data: validIntake('aws', 'unidirectional', ticketId) });
}

function post(body: string, headers: Record<string, string>) {
  return api.inject({ method: 'POST', url: '/webhooks/tickets', headers, payload: body });
}

const stateOf = (ticketId: string): Promise<StateView> =>
  readState(temporal.client.workflow.getHandle(workflowIdForTicket(ticketId)));

describe('Standard Webhooks signatures in these tests', () => {
  it("are computed from the specification, independently of the server's library: its published test vector", () => {
    // From the Standard Webhooks specification's test vectors.
    const signature = standardSignature(
      'whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw',
      'msg_p5jXN8AQM9LWM0D4loKWxJek',
      new Date(1614265330 * 1000),
      '{"test": 2432232314}',
    );
    expect(signature).toBe('v1,g0hM9SsE+OTPJTGt/tmIKtSyZlE3uFJELVlNIOLJ1OE=');
  });
});

describe('POST /webhooks/tickets signatures', () => {
  it('accepts a valid delivery with 202 and starts the request', () =>
    temporal.withWorker(async () => {
      const ticketId = nextTicket();
      const body = created(ticketId);
      const res = await post(body, signStandard(body, [newSecret]));
      expect(res.statusCode).toBe(202);
      expect(res.json()).toMatchObject({ accepted: true, ticketId, event: 'ticket.submitted' });
      const view = await eventually(
        () => stateOf(ticketId),
        (v) => v.events.length > 0,
      );
      expect(view.events[0]).toMatchObject({
        type: 'ticket.submitted',
        actor: 'ticket-system:tickets',
        result: 'applied',
      });
      expect(view.state).toBe('allowlisting');
    }));

  it('accepts a signature from either secret during rotation, and several signatures in one header', async () => {
    const body = JSON.stringify({ type: 'ticket.updated', data: { ticketId: 'ROT-1' } });
    for (const secrets of [[oldSecret], [newSecret], [newWebhookSecret(), oldSecret]]) {
      const res = await post(body, signStandard(body, secrets));
      // Verified, then the ticket is unknown: 404 proves the signature was accepted.
      expect(res.statusCode).toBe(404);
    }
  });

  const refusals: [string, (body: string) => { body: string; headers: Record<string, string> }, RegExp][] = [
    [
      'a tampered byte',
      (body) => ({ body: body.replace('Acme', 'Acmf'), headers: signStandard(body, [newSecret]) }),
      /no signature matches/,
    ],
    [
      're-serialized JSON (same data, different bytes)',
      (body) => ({ body: JSON.stringify(JSON.parse(body), null, 2), headers: signStandard(body, [newSecret]) }),
      /no signature matches/,
    ],
    [
      'a stale timestamp',
      (body) => ({ body, headers: signStandard(body, [newSecret], { timestamp: new Date(Date.now() - 6 * 60_000) }) }),
      /more than 5 minutes old/,
    ],
    [
      'a future timestamp',
      (body) => ({ body, headers: signStandard(body, [newSecret], { timestamp: new Date(Date.now() + 6 * 60_000) }) }),
      /in the future/,
    ],
    [
      'the wrong secret',
      (body) => ({ body, headers: signStandard(body, [newWebhookSecret()]) }),
      /no signature matches/,
    ],
    [
      'missing headers',
      (body) => ({ body, headers: { 'content-type': 'application/json' } }),
      /Missing Standard Webhooks header\(s\): webhook-id, webhook-timestamp, webhook-signature/,
    ],
  ];
  it.each(refusals)('refuses %s with 401 and starts nothing', async (_name, make, reason) => {
    const ticketId = nextTicket();
    const { body, headers } = make(created(ticketId));
    const res = await post(body, headers);
    expect(res.statusCode).toBe(401);
    expect(res.json<{ detail: string }>().detail).toMatch(reason);
    await expect(temporal.client.workflow.getHandle(workflowIdForTicket(ticketId)).describe()).rejects.toThrow(
      /not found/i,
    );
  });

  it('answers 400 for a signed body that is not JSON and 422 for one with the wrong shape', async () => {
    const notJson = '{"type": ';
    expect((await post(notJson, signStandard(notJson, [newSecret]))).statusCode).toBe(400);
    const wrong = JSON.stringify({ type: 'ticket.deleted', data: {} });
    const res = await post(wrong, signStandard(wrong, [newSecret]));
    expect(res.statusCode).toBe(422);
    expect(res.json<{ problems: string[] }>().problems).toEqual(
      expect.arrayContaining([
        'type: must be ticket.created or ticket.updated',
        expect.stringMatching(/^data.ticketId/),
      ]),
    );
  });

  it('reads a signed body up to 1 MiB and answers 413 past it', async () => {
    // A body of the wrong event type, padded in an ignored key: at the limit it is read and judged (422), past it
    // refused unread (413); either way nothing starts.
    const ofSize = (bytes: number) => {
      const base = JSON.stringify({ type: 'ticket.deleted', data: {}, pad: '' });
      return base.replace('"pad":""', `"pad":"${'x'.repeat(bytes - base.length)}"`);
    };
    const over = ofSize(1024 * 1024 + 1);
    const refused = await post(over, signStandard(over, [newSecret]));
    expect(refused.statusCode).toBe(413);
    expect(refused.headers['content-type']).toMatch(/^application\/problem\+json/);
    const at = ofSize(1024 * 1024);
    expect(Buffer.byteLength(at)).toBe(1024 * 1024);
    expect((await post(at, signStandard(at, [newSecret]))).statusCode).toBe(422);
  });

  it('is switched off (503, naming the variable) without a secret', async () => {
    const off = buildTestApi(temporal, { webhooks: {} });
    const body = created(nextTicket());
    const res = await off.inject({
      method: 'POST',
      url: '/webhooks/tickets',
      headers: signStandard(body, [newSecret]),
      payload: body,
    });
    expect(res.statusCode).toBe(503);
    expect(res.json<{ detail: string }>().detail).toContain('TICKET_WEBHOOK_SECRET');
    await off.close();
  });
});

describe('POST /webhooks/tickets hostile bodies', () => {
  it('refuses a signed body nested 5,000 levels deep with 400, and nothing starts', () =>
    temporal.withWorker(async () => {
      const ticketId = nextTicket();
      const intake = JSON.stringify(validIntake('aws', 'unidirectional', ticketId));
      const deep = '['.repeat(5000) + ']'.repeat(5000);
      const body = `{"type":"ticket.created","data":${intake.slice(0, -1)},"note":${deep}}}`;
      const res = await post(body, signStandard(body, [newSecret]));
      expect(res.statusCode).toBe(400);
      expect(res.json<{ detail: string }>().detail).toContain('more than 128 levels deep');
      const count = await temporal.client.workflow.count(`WorkflowId = "${workflowIdForTicket(ticketId)}"`);
      expect(count.count).toBe(0);
    }));

  it('takes a ticket whose text is longer than any intake value, and tells it which field is too long', () =>
    temporal.withWorker(async () => {
      const ticketId = nextTicket();
      const data = { ...validIntake('aws', 'unidirectional', ticketId), projectId: 'p'.repeat(50_000) };
      const body = JSON.stringify({ type: 'ticket.created', data });
      const res = await post(body, signStandard(body, [newSecret]));
      expect(res.statusCode).toBe(202);
      const view = await stateOf(ticketId);
      expect(view.status).toBe('awaiting_information');
      expect(view.request.problems).toEqual([
        expect.objectContaining({
          field: 'projectId',
          message: expect.stringMatching(/^is 4,096 bytes long; it may be at most 100 bytes$/),
        }),
      ]);
    }));
});

describe('POST /webhooks/tickets while no worker runs', () => {
  it('queues the event by signal after the delivery timeout (202 queued), and the request takes it once a worker runs', async () => {
    const ticketId = nextTicket();
    const body = created(ticketId);
    const res = await post(body, signStandard(body, [newSecret]));
    expect(res.statusCode).toBe(202);
    expect(res.json()).toMatchObject({ accepted: true, queued: true, ticketId, event: 'ticket.submitted' });
    // A redelivery while the worker is still away is queued too; the request applies the submission once.
    expect((await post(body, signStandard(body, [newSecret]))).json()).toMatchObject({ queued: true });
    await temporal.withWorker(async () => {
      const view = await eventually(
        () => stateOf(ticketId),
        (v) => v.state === 'allowlisting',
      );
      expect(view.events.map((e) => `${e.type} ${e.result}`)).toEqual(['ticket.submitted applied']);
    });
  }, 30_000);
});

describe('POST /webhooks/tickets deliveries', () => {
  it('a redelivery of the same webhook-id and parallel deliveries of one ticket give one workflow and one transition', () =>
    temporal.withWorker(async () => {
      const ticketId = nextTicket();
      const body = created(ticketId);
      const headers = signStandard(body, [newSecret], { id: 'msg_same' });
      // Ten parallel deliveries: five redeliveries of one message, five distinct messages for the same ticket.
      const results = await Promise.all([
        ...Array.from({ length: 5 }, () => post(body, headers)),
        ...Array.from({ length: 5 }, () => post(body, signStandard(body, [newSecret]))),
      ]);
      // One delivery applies; every other is answered as the repeat it is, and nothing will come of it.
      expect(results.filter((r) => r.statusCode === 202).map((r) => r.json<unknown>())).toEqual([
        expect.objectContaining({ accepted: true, event: 'ticket.submitted', state: 'allowlisting' }),
      ]);
      expect(results.filter((r) => r.statusCode === 200).map((r) => r.json<unknown>())).toEqual(
        Array(9).fill(expect.objectContaining({ accepted: false, duplicate: true })),
      );
      const view = await stateOf(ticketId);
      expect(view.events.map((e) => `${e.type} ${e.result}`)).toEqual(['ticket.submitted applied']);
      // Every delivery landed in the same execution, started once; repeats turned away by the request's validator
      // left nothing in its history, and those that arrived while it started are counted, not listed.
      const history = await temporal.client.workflow.getHandle(workflowIdForTicket(ticketId)).fetchHistory();
      const types = (history.events ?? []).map((e) => e.eventType);
      const T = proto.api.enums.v1.EventType;
      expect(types.filter((t) => t === T.EVENT_TYPE_WORKFLOW_EXECUTION_STARTED)).toHaveLength(1);
      expect(types.filter((t) => t === T.EVENT_TYPE_WORKFLOW_EXECUTION_SIGNALED)).toHaveLength(0);
      expect(types.filter((t) => t === T.EVENT_TYPE_WORKFLOW_EXECUTION_UPDATE_ACCEPTED)).toHaveLength(
        1 + view.eventCount.repeats,
      );
      const executions = await eventually(
        () => temporal.client.workflow.count(`WorkflowId = "${workflowIdForTicket(ticketId)}"`),
        (c) => c.count > 0,
      );
      expect(executions.count).toBe(1);
      expect(view.state).toBe('allowlisting');
    }));

  it('forwards ticket.updated as ticket.updated, deduped on the webhook-id', () =>
    temporal.withWorker(async () => {
      const ticketId = nextTicket();
      const intake = validIntake('aws', 'unidirectional', ticketId);
      delete intake.region;
      const first = JSON.stringify({ type: 'ticket.created', data: intake });
      expect((await post(first, signStandard(first, [newSecret]))).statusCode).toBe(202);
      await eventually(
        () => stateOf(ticketId),
        (v) => v.status === 'awaiting_information',
      );
      const update = JSON.stringify({ type: 'ticket.updated', data: { ticketId, region: 'us-east-1' } });
      const headers = signStandard(update, [newSecret], { id: 'msg_update_1' });
      expect((await post(update, headers)).statusCode).toBe(202);
      const again = await post(update, headers);
      expect(again.statusCode).toBe(200);
      expect(again.json()).toMatchObject({ accepted: false, duplicate: true, eventId: 'tickets:msg_update_1' });
      const view = await stateOf(ticketId);
      expect(view.events.map((e) => `${e.type} ${e.result}`)).toEqual([
        'ticket.submitted applied',
        'ticket.updated applied',
      ]);
      expect(view.state).toBe('allowlisting');
    }));

  it('answers 404 for ticket.updated of a ticket with no request, so the sender retries after ticket.created', async () => {
    const body = JSON.stringify({ type: 'ticket.updated', data: { ticketId: 'NEVER-SEEN' } });
    const res = await post(body, signStandard(body, [newSecret]));
    expect(res.statusCode).toBe(404);
    expect(res.json<{ detail: string }>().detail).toContain('ticket.created');
  });
});
