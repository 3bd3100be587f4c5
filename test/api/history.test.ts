import type { FastifyInstance } from 'fastify';
import {
  compareWithLive,
  parseCsv,
  type TimelineEntry,
  type TimelineExport,
  verifyExport,
} from '../../src/audit/chain';
import { readTimeline } from '../../src/audit/history';
import { MAX_PAYLOAD_VALUE } from '../../src/audit/payload';
import { verifySignedExport } from '../../src/audit/signing';
import type { StateView } from '../../src/temporal/messages';
import { readState } from '../../src/temporal/read-state';
import { validIntake } from '../fixtures/requests';
import { bearer, testCredentials } from '../helpers/api';
import { eventually } from '../helpers/eventually';
import { startRequest } from '../helpers/requests';
import { useTemporal } from '../helpers/temporal';
import { buildProductTestApi, stockCli, testSigningKey } from '../audit/product-api';
import { readPublicKeyPem } from '../../src/audit/signing';

/** `GET /api/requests/:ticketId/history`: the audit timeline as auditors export and verify it. */
const temporal = useTemporal('dev-server');
const creds = testCredentials();
const support = bearer(creds.tokens.support);
const auditor = bearer(creds.tokens.auditor);
const key = testSigningKey();
let api: FastifyInstance;
beforeAll(() => {
  api = buildProductTestApi(temporal, { store: creds.store, auditSigning: key.signing });
});
afterAll(() => api.close());

let n = 0;
const nextTicket = () => `HIST-${Date.now().toString(36)}-${++n}`;
const start = (ticketId: string, intake: object = validIntake('aws', 'unidirectional', ticketId)) =>
  api.inject({ method: 'POST', url: '/api/requests', headers: support, payload: intake });
const send = (ticketId: string, payload: object, headers = support) =>
  api.inject({ method: 'POST', url: `/api/requests/${ticketId}/events`, headers, payload });
const history = async (ticketId: string) => {
  const res = await api.inject({ method: 'GET', url: `/api/requests/${ticketId}/history`, headers: auditor });
  expect(res.statusCode).toBe(200);
  return { text: res.body, timeline: res.json<TimelineExport>() };
};
const csvOf = async (ticketId: string) =>
  api.inject({ method: 'GET', url: `/api/requests/${ticketId}/history?format=csv`, headers: auditor });
/** The CSV's rows as records, by column name. */
const csvRows = (text: string) => {
  const [header, ...rows] = parseCsv(text);
  return rows.map((r) => Object.fromEntries(header!.map((h, i) => [h, r[i] ?? ''])));
};
const settled = (ticketId: string) =>
  eventually(
    async () =>
      (await api.inject({ method: 'GET', url: `/api/requests/${ticketId}`, headers: support })).json<StateView>(),
    (v) => v.effects.pending === 0,
    { what: "the last transition's effects" },
  );

describe('audit history', () => {
  it('builds the timeline from the event history, chained, as JSON and CSV that both verify', () =>
    temporal.withWorker(async () => {
      const ticketId = nextTicket();
      await start(ticketId);
      await send(ticketId, { type: 'connection.approved' }, bearer(creds.tokens.support)); // refused by the validator
      await send(ticketId, { type: 'customer_access.granted' });
      await send(ticketId, { type: 'note.added', text: 'called the customer' }, bearer(creds.tokens.admin));
      await settled(ticketId);
      const { text, timeline } = await history(ticketId);
      const kinds = timeline.entries.map((e) => `${e.kind} ${e.type} ${e.result}`.trim());
      expect(kinds[0]).toBe('request.started enablementWorkflow started');
      expect(timeline.entries).toEqual(
        expect.arrayContaining([
          expect.objectContaining({
            kind: 'event',
            type: 'ticket.submitted',
            actor: creds.subjects.support,
            result: 'applied',
          }),
          expect.objectContaining({ kind: 'state.changed', to: 'allowlisting' }),
          expect.objectContaining({ kind: 'effect', type: 'ticket comment: intake_accepted', result: 'done' }),
          expect.objectContaining({ kind: 'event', type: 'customer_access.granted', result: 'applied' }),
          expect.objectContaining({ kind: 'state.changed', to: 'awaitingEndpoint', actor: creds.subjects.support }),
          expect.objectContaining({
            kind: 'event',
            type: 'note.added',
            actor: creds.subjects.admin,
            result: 'applied',
          }),
        ]),
      );
      expect(verifyExport(text)).toMatchObject({ ok: true, head: timeline.head });

      const csv = await csvOf(ticketId);
      expect(csv.headers['content-type']).toMatch(/^text\/csv/);
      expect(csv.body.split('\r\n')[0]).toBe(
        'seq,ticketId,at,kind,actor,via,authenticated,type,result,from,to,detail,payload,runId,historyEventId,prevHash,hash',
      );
      expect(verifyExport(csv.body)).toMatchObject({ ok: true, head: timeline.head });
      const tampered = csv.body.replace(creds.subjects.admin, 'mallory@vendor.example');
      expect(verifyExport(tampered)).toMatchObject({ ok: false });
    }));

  it('shows the SLA breach, notification and ticket comment, for a ticket submitted long ago', () =>
    temporal.withWorker(async () => {
      const ticketId = nextTicket();
      const submittedAt = new Date(Date.now() - 20 * 24 * 3_600_000).toISOString();
      await start(ticketId, { ...validIntake('aws', 'unidirectional', ticketId), submittedAt });
      const entries = await eventually(
        async () => (await history(ticketId)).timeline.entries,
        (list) => list.some((e) => e.kind === 'sla' && e.type === 'ticket comment: sla_breached'),
        { what: 'the SLA breach in the history', intervalMs: 100 },
      );
      const sla = entries.filter((e) => e.kind === 'sla').map((e) => `${e.type} ${e.result}`);
      expect(sla).toEqual(
        expect.arrayContaining(['notification: sla_breached done', 'ticket comment: sla_breached done']),
      );
    }));
});

describe('who wrote each entry into Temporal', () => {
  const cli = stockCli(temporal);

  it("names the product's API and worker, and marks what the stock CLI sent straight to Temporal as not authenticated", () =>
    temporal.withWorker(async () => {
      const ticketId = nextTicket();
      await start(ticketId);
      await send(ticketId, { type: 'customer_access.granted' });
      // The stock CLI, with no credentials of the product, claims to be support staff.
      await cli(
        'workflow',
        'signal',
        '--workflow-id',
        `privatelink-${ticketId}`,
        '--name',
        'enablementEvent',
        '--input',
        JSON.stringify({
          type: 'endpoint.requested',
          actor: creds.subjects.support,
          endpointId: 'vpce-0de7697b121819303',
        }),
      );
      await eventually(
        async () => (await history(ticketId)).timeline.entries,
        (entries) => entries.some((e) => e.type === 'endpoint.requested'),
        { what: 'the signalled event in the history' },
      );
      await settled(ticketId);
      const { timeline } = await history(ticketId);

      const byApi = timeline.entries.filter(
        (e) => e.kind === 'request.started' || e.type === 'customer_access.granted',
      );
      expect(byApi.map((e) => e.kind)).toEqual(['request.started', 'event']);
      for (const e of byApi) {
        expect(e).toMatchObject({
          via: expect.stringMatching(/^privatelink-api\/\d+\.\d+\.\d+.*@.+:\d+$/),
          authenticated: true,
        });
      }
      const byWorker = timeline.entries.filter((e) => ['state.changed', 'effect'].includes(e.kind));
      expect(byWorker.length).toBeGreaterThan(2);
      for (const e of byWorker) {
        expect(e).toMatchObject({ via: expect.stringMatching(/^privatelink-worker\//), authenticated: true });
      }
      // Applied by the workflow like any other event, but not through the product: its actor is only a claim.
      const forged = timeline.entries.find((e) => e.type === 'endpoint.requested')!;
      expect(forged).toMatchObject({
        kind: 'event',
        actor: creds.subjects.support,
        result: 'applied',
        authenticated: false,
      });
      expect(forged.via).not.toBe('');
      expect(forged.via).not.toMatch(/^privatelink-/);
      // The state change it caused is the product worker's doing, but the event behind it is not authenticated.
      expect(timeline.entries.filter((e) => !e.authenticated)).toEqual([forged]);

      const csv = await csvOf(ticketId);
      const row = csvRows(csv.body).find((r) => r.type === 'endpoint.requested')!;
      expect(row).toMatchObject({ via: forged.via, authenticated: 'false', actor: creds.subjects.support });
      expect(csvRows(csv.body).filter((r) => r.authenticated === 'true')).toHaveLength(timeline.entries.length - 1);
      expect(verifyExport(csv.body)).toMatchObject({ ok: true, head: timeline.head });
    }));
});

describe("each event's payload", () => {
  const cli = stockCli(temporal);
  const byType = (entries: TimelineEntry[], type: string) =>
    entries.filter((e) => e.kind === 'event' && e.type === type);

  it('carries what each event said: intake changes, service names, endpoint ids and DNS names, reasons, details, notes', () =>
    temporal.withWorker(async () => {
      const ticketId = nextTicket();
      const { customerAccount: _missing, ...incomplete } = validIntake('aws', 'bidirectional', ticketId);
      expect((await start(ticketId, incomplete)).statusCode).toBeLessThan(300);
      const sent: Record<string, unknown>[] = [
        { type: 'ticket.updated', intake: { customerAccount: '123456789012', environment: 'production' } },
        { type: 'note.added', text: 'asked for the account id on the phone' },
        {
          type: 'customer_access.granted',
          vendorServiceName: 'com.amazonaws.vpce.us-east-1.vpce-svc-0e4d0e4d000000001',
          comment: 'allowlisted in console',
        },
        { type: 'endpoint.requested', endpointId: 'vpce-0ccc741a6c2e29ef6', eventId: 'zd-4711' },
        { type: 'connection.rejected', reason: 'endpoint in the wrong account' },
        {
          type: 'endpoint.requested',
          endpointId: 'vpce-0297d939f388d2b23',
          endpointDns: 'vpce-0297d939f388d2b23-x1y2z3w4.vpce-svc-0e4d0e4d000000001.us-east-1.vpce.amazonaws.com',
        },
        { type: 'connection.approved' },
        { type: 'ports.opened' },
        { type: 'connection.failed', details: 'telnet: Connection timed out', failingSide: 'customer' },
        { type: 'troubleshooting.resolved' },
        { type: 'connection.verified' },
        { type: 'principal.granted', customerServiceName: 'com.amazonaws.vpce.us-east-1.vpce-svc-0c0c0c0c000000001' },
        { type: 'vendor_endpoint.created', endpointId: 'vpce-063c51c5620a37baf', endpointDns: '127.0.0.1' },
      ];
      for (const event of sent) {
        const res = await send(ticketId, event);
        expect({ type: event.type, status: res.statusCode }).toEqual({ type: event.type, status: 200 });
      }
      await settled(ticketId);
      const { timeline } = await history(ticketId);
      expect(byType(timeline.entries, 'ticket.updated')[0]!.payload).toEqual({
        'intake.customerAccount': '123456789012',
        'intake.environment': 'production',
      });
      expect(byType(timeline.entries, 'note.added')[0]!.payload).toEqual({
        text: 'asked for the account id on the phone',
      });
      expect(byType(timeline.entries, 'customer_access.granted')[0]!.payload).toEqual({
        vendorServiceName: 'com.amazonaws.vpce.us-east-1.vpce-svc-0e4d0e4d000000001',
        comment: 'allowlisted in console',
      });
      expect(byType(timeline.entries, 'endpoint.requested').map((e) => e.payload)).toEqual([
        { endpointId: 'vpce-0ccc741a6c2e29ef6', eventId: 'zd-4711' },
        {
          endpointId: 'vpce-0297d939f388d2b23',
          endpointDns: 'vpce-0297d939f388d2b23-x1y2z3w4.vpce-svc-0e4d0e4d000000001.us-east-1.vpce.amazonaws.com',
        },
      ]);
      expect(byType(timeline.entries, 'connection.rejected')[0]!.payload).toEqual({
        reason: 'endpoint in the wrong account',
      });
      expect(byType(timeline.entries, 'connection.failed')[0]!.payload).toEqual({
        details: 'telnet: Connection timed out',
        failingSide: 'customer',
      });
      expect(byType(timeline.entries, 'connection.failed')[0]!.to).toBe('customerTroubleshooting');
      expect(byType(timeline.entries, 'connection.approved')[0]!.payload).toEqual({});
      expect(byType(timeline.entries, 'principal.granted')[0]!.payload).toEqual({
        customerServiceName: 'com.amazonaws.vpce.us-east-1.vpce-svc-0c0c0c0c000000001',
      });
      expect(byType(timeline.entries, 'vendor_endpoint.created')[0]!.payload).toEqual({
        endpointId: 'vpce-063c51c5620a37baf',
        endpointDns: '127.0.0.1',
      });
      // The API starts a request with its ticket's submission: the intake as it came, one field each.
      const submitted = byType(timeline.entries, 'ticket.submitted')[0]!.payload;
      expect(submitted).toMatchObject({
        'intake.ticketId': ticketId,
        'intake.cloud': 'aws',
        'intake.services': JSON.stringify(incomplete.services),
      });
      expect(submitted).not.toHaveProperty('intake.customerAccount');

      // The CSV has the same payloads, as JSON in one cell.
      const csv = await csvOf(ticketId);
      const rows = csvRows(csv.body);
      expect(rows.map((r) => JSON.parse(r.payload!) as unknown)).toEqual(timeline.entries.map((e) => e.payload));
      expect(verifyExport(csv.body)).toMatchObject({ ok: true, head: timeline.head });
      // A payload changed in the export is caught.
      const edited = csv.body.replace('vpce-0297d939f388d2b23', 'vpce-0third');
      expect(verifyExport(edited)).toMatchObject({ ok: false });
    }));

  it('bounds what anything speaking Temporal sent: long values cut with a marker, extra fields counted, the CSV safe', () =>
    temporal.withWorker(async () => {
      const ticketId = nextTicket();
      await start(ticketId);
      const text = `=HYPERLINK("http://evil.example")${'x'.repeat(50_000)}`;
      const extra = Object.fromEntries(
        Array.from({ length: 100 }, (_, i) => [`field${String(i).padStart(3, '0')}`, 'y']),
      );
      await cli(
        'workflow',
        'signal',
        '--workflow-id',
        `privatelink-${ticketId}`,
        '--name',
        'enablementEvent',
        '--input',
        JSON.stringify({ type: 'note.added', actor: 'mallory', text, ...extra }),
      );
      const entry = await eventually(
        async () => byType((await history(ticketId)).timeline.entries, 'note.added')[0],
        (e) => e !== undefined,
        { what: 'the signalled note in the history' },
      );
      expect(entry).toMatchObject({ result: 'refused', actor: 'mallory', authenticated: false });
      expect(entry!.payload.text).toBe(`${text.slice(0, MAX_PAYLOAD_VALUE)}… [cut: ${text.length} characters in all]`);
      expect(Object.keys(entry!.payload)).toHaveLength(65);
      expect(entry!.payload['…']).toBe('37 more field(s) not shown');

      const csv = await csvOf(ticketId);
      expect(verifyExport(csv.body)).toMatchObject({ ok: true });
      // No cell starts with what a spreadsheet would run as a formula.
      for (const row of parseCsv(csv.body)) for (const cell of row) expect(cell).not.toMatch(/^[=+\-@]/);
    }));
});

describe('signed exports', () => {
  it('signs the head, ticket, entry count and export time with the configured key; an altered export fails', () =>
    temporal.withWorker(async () => {
      const ticketId = nextTicket();
      await start(ticketId);
      await settled(ticketId);
      const { text, timeline } = await history(ticketId);
      expect(timeline.signature).toEqual({ algorithm: 'Ed25519', keyId: key.keyId, value: expect.any(String) });
      expect(Date.parse(timeline.exportedAt)).not.toBeNaN();
      const publicKey = readPublicKeyPem(key.publicKeyPem);
      expect(verifySignedExport(text, { publicKey }).signature).toEqual({
        status: 'verified',
        keyId: key.keyId,
        exportedAt: timeline.exportedAt,
      });
      // Changing what the signature covers, even re-chaining the entries consistently, fails.
      const later = JSON.stringify({ ...timeline, exportedAt: new Date(Date.now() + 86_400_000).toISOString() });
      expect(verifySignedExport(later, { publicKey }).signature).toMatchObject({ status: 'failed' });
      const cut = { ...timeline, entries: timeline.entries.slice(0, -1), head: timeline.entries.at(-2)!.hash };
      expect(verifyExport(JSON.stringify(cut))).toMatchObject({ ok: true });
      expect(verifySignedExport(JSON.stringify(cut), { publicKey }).signature).toMatchObject({ status: 'failed' });
      // Another key does not verify it.
      const other = readPublicKeyPem(testSigningKey().publicKeyPem);
      expect(verifySignedExport(text, { publicKey: other }).signature).toMatchObject({
        status: 'failed',
        problem: expect.stringContaining(`signed with key ${key.keyId}`),
      });

      // The CSV's signature comes in a header, as the signature file plctl writes next to it.
      const csv = await csvOf(ticketId);
      const signatureFile = Buffer.from(String(csv.headers['audit-signature']), 'base64').toString('utf8');
      expect(verifySignedExport(csv.body, { publicKey, signatureFile }).signature).toMatchObject({
        status: 'verified',
      });
    }));

  it('says an export is unsigned when the API has no key', () =>
    temporal.withWorker(async () => {
      const unsigned = buildProductTestApi(temporal, { store: creds.store });
      try {
        const ticketId = nextTicket();
        await unsigned.inject({
          method: 'POST',
          url: '/api/requests',
          headers: support,
          payload: validIntake('aws', 'unidirectional', ticketId),
        });
        const res = await unsigned.inject({
          method: 'GET',
          url: `/api/requests/${ticketId}/history`,
          headers: auditor,
        });
        expect(res.json<TimelineExport>()).toMatchObject({ signature: null, exportedAt: expect.any(String) });
        expect(verifySignedExport(res.body).signature).toEqual({ status: 'unsigned' });
        expect(verifySignedExport(res.body, { publicKey: readPublicKeyPem(key.publicKeyPem) }).signature).toEqual({
          status: 'failed',
          problem: expect.stringContaining('not signed'),
        });
      } finally {
        await unsigned.close();
      }
    }));
});

describe('the audit timeline is append-only', () => {
  it('keeps an unhandled event out of the chain, and a later export repeats every earlier entry', async () => {
    const ticketId = nextTicket();
    // No worker yet: the request is started and sent an event that nothing handles.
    const handle = await startRequest(temporal.client, ticketId, { taskQueue: temporal.taskQueue });
    await handle.signal('enablementEvent', { type: 'customer_access.granted', actor: 'alice@vendor.example' });
    const before = await readTimeline(temporal.client, ticketId);
    expect(before.entries.map((e) => e.kind)).toEqual(['request.started']);
    expect(before.pending).toEqual([expect.objectContaining({ type: 'customer_access.granted', channel: 'signal' })]);

    await temporal.withWorker(async () => {
      await eventually(
        () => readState(handle),
        (v) => v.state === 'awaitingEndpoint',
        { what: 'the signalled event to be handled' },
      );
    });
    const after = await readTimeline(temporal.client, ticketId);
    expect(after.pending).toEqual([]);
    expect(after.entries.slice(0, before.entries.length)).toEqual(before.entries);
    expect(after.entries).toEqual(
      expect.arrayContaining([
        expect.objectContaining({ kind: 'event', type: 'customer_access.granted', actor: 'alice@vendor.example' }),
      ]),
    );
    expect(compareWithLive(before.entries, after.entries, { prefix: true })).toMatchObject({ ok: true });
    expect(compareWithLive(after.entries.slice(1), after.entries, { prefix: true })).toMatchObject({ ok: false });
    await handle.terminate('test over');
  });
});
