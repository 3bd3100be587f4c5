import { type WorkflowHandle, WorkflowUpdateFailedError } from '@temporalio/client';
import { connect, createServer, type Server } from 'node:net';
import { networkInterfaces } from 'node:os';
import { createActivities } from '../../activities';
import { readTimeline } from '../../src/audit/history';
import { applyEnablementEventUpdate, type EnablementEventInput, type EventOutcome } from '../../src/temporal/messages';
import { workflowIdForTicket } from '../../src/temporal/names';
import { readState } from '../../src/temporal/read-state';
import { validIntake } from '../fixtures/requests';
import { eventually } from '../helpers/eventually';
import { startRequest } from '../helpers/requests';
import { useTemporal } from '../helpers/temporal';

/**
 * Issue 15, finding 3, on the real stack: a real Temporal server, the product's worker and its real activities. The
 * vendor endpoint's DNS name that support records becomes the connectivity check's target; it can point the worker at
 * nothing but the vendor configuration's blocks, and a target it may not reach is a recorded result of the check,
 * never a failed workflow task.
 */
const temporal = useTemporal('dev-server');
const actor = 'alice@vendor.example';
let ticketSeq = 0;
const nextTicket = () => `CC-${Date.now().toString(36)}-${++ticketSeq}`;

const servers: Server[] = [];
afterAll(() => Promise.all(servers.map((s) => new Promise((r) => s.close(r)))));

/** A listener on `address`; `connectionsSoFar` counts what reached it (its own probe connection waited for, then left out). */
async function listen(address: string): Promise<{ port: number; connectionsSoFar: () => Promise<number> }> {
  let connections = 0;
  const server = createServer((socket) => {
    connections++;
    socket.end();
  });
  servers.push(server);
  await new Promise<void>((resolve) => server.listen({ port: 0, host: address }, resolve));
  const { port } = server.address() as { port: number };
  return {
    port,
    connectionsSoFar: async () => {
      const before = connections;
      connect({ host: address, port }).on('error', () => undefined);
      await eventually(
        () => connections,
        (n) => n > before,
        { what: 'the listener to see its probe' },
      );
      return --connections;
    },
  };
}

const send = (handle: WorkflowHandle, event: Omit<EnablementEventInput, 'actor'>): Promise<EventOutcome> =>
  handle.executeUpdate(applyEnablementEventUpdate, { args: [{ actor, ...event } as EnablementEventInput] });

/** The message of an update the request refused (failing the test if it took the event). */
async function refusalOf(handle: WorkflowHandle, event: Omit<EnablementEventInput, 'actor'>): Promise<string> {
  const refused = await send(handle, event).then(
    () => undefined,
    (err: unknown) => err,
  );
  expect(refused).toBeInstanceOf(WorkflowUpdateFailedError);
  return String((refused as WorkflowUpdateFailedError).cause?.message);
}

/** A bidirectional AWS request to a customer service on `port`, moved to where the vendor records its endpoint. */
async function atVendorEndpoint(ticketId: string, port: number): Promise<WorkflowHandle> {
  const handle = await startRequest(temporal.client, ticketId, {
    intake: { ...validIntake('aws', 'bidirectional', ticketId), reverseServices: [{ name: 'mysql', port }] },
    taskQueue: temporal.taskQueue,
  });
  for (const event of [
    { type: 'customer_access.granted' },
    { type: 'endpoint.requested', endpointId: 'vpce-07f552b9497008761' },
    { type: 'connection.approved' },
    { type: 'ports.opened' },
    { type: 'connection.verified' },
    { type: 'principal.granted' },
  ] as const) {
    await send(handle, event);
  }
  return handle;
}

/** The connectivity check's record in the request's effects, once carried out. */
const checkRecord = (handle: WorkflowHandle) =>
  eventually(
    async () => (await readState(handle)).effects.done.find((e) => e.type === 'runConnectivityCheck'),
    (record) => record !== undefined,
    { what: 'the connectivity check to be recorded' },
  );

/** The `connectivity_check_failed` notifications staff got about a ticket, once effects have gone out. */
const failedCheckNotices = async (ticketId: string) => {
  const notices = () =>
    temporal.activities.notifications.received
      .map((r) => r.body as { ticketId: string; kind: string; message: string })
      .filter((n) => n.ticketId === ticketId && n.kind === 'connectivity_check_failed');
  await eventually(
    async () => (await readState(temporal.client.workflow.getHandle(workflowIdForTicket(ticketId)))).effects.pending,
    (pending) => pending === 0,
    { what: 'effects to go out' },
  );
  return notices();
};

describe('the connectivity check on a real worker', () => {
  it('never reaches a loopback listener named as the vendor endpoint: the check is recorded as not allowed, and the request goes on', async () => {
    const local = await listen('127.0.0.2');
    await temporal.withWorker(async () => {
      const ticketId = nextTicket();
      const handle = await atVendorEndpoint(ticketId, local.port);
      await send(handle, {
        type: 'vendor_endpoint.created',
        endpointId: 'vpce-063c51c5620a37baf',
        endpointDns: '127.0.0.2',
      });
      await send(handle, { type: 'reverse_connection.approved' });

      // The state view says why, once, after the ports.
      expect(await checkRecord(handle)).toMatchObject({
        what: '127.0.0.2',
        status: 'done',
        detail: `${local.port} not_allowed (not allowed: 127.0.0.2 is a loopback address)`,
      });
      expect(await local.connectionsSoFar()).toBe(0);
      const timeline = await readTimeline(temporal.client, ticketId);
      expect(timeline.entries).toContainEqual(
        expect.objectContaining({
          kind: 'effect',
          type: `connectivity check: 127.0.0.2:${local.port}`,
          result: 'done',
          detail: `${local.port} not_allowed`,
        }),
      );
      // The activity's own answer, in the history (and the Temporal UI), says why.
      const answers = ((await handle.fetchHistory()).events ?? []).flatMap(
        (e) => e.activityTaskCompletedEventAttributes?.result?.payloads ?? [],
      );
      expect(answers.map((p) => Buffer.from(p.data ?? []).toString()).join('\n')).toContain(
        '"detail":"not allowed: 127.0.0.2 is a loopback address"',
      );
      // Staff hear of the failed check at once; the state view shows it; the customer's own test is not blocked.
      const told = await failedCheckNotices(ticketId);
      expect(told).toHaveLength(1);
      expect(told[0]!.message).toContain(
        `Our connectivity check from the vendor's network to 127.0.0.2 failed: ${local.port} not_allowed`,
      );
      expect((await readState(handle)).connectivityCheck).toMatchObject({
        target: '127.0.0.2',
        ok: false,
        ports: [{ port: local.port, outcome: 'not_allowed', detail: 'not allowed: 127.0.0.2 is a loopback address' }],
      });
      // The customer is told to test the name support recorded, never the endpoint id.
      const verify = temporal.activities.tickets
        .comments(ticketId)
        .map((c) => c.body)
        .find((body) => body.includes('verify the connection from our network'))!;
      expect(verify).toContain(`curl -v telnet://127.0.0.2:${local.port}`);
      expect(verify).not.toContain('vpce-');
      expect(await send(handle, { type: 'reverse_connection.verified' })).toMatchObject({
        status: 'enabled',
        state: 'active',
      });
    });
  });

  it('refuses a vendor endpoint without the DNS name the customer must test with, saying what the event takes', async () => {
    await temporal.withWorker(async () => {
      const ticketId = nextTicket();
      const handle = await atVendorEndpoint(ticketId, 3306);
      const message = await refusalOf(handle, {
        type: 'vendor_endpoint.created',
        endpointId: 'vpce-063c51c5620a37baf',
      });
      expect(message).toContain('endpointDns: is required');
      expect(message).toContain('vendor_endpoint.created takes endpointId, endpointDns, [eventId], [comment]');
      expect((await readState(handle)).state).toBe('creatingVendorEndpoint');
      await send(handle, { type: 'request.cancelled', reason: 'test over' });
    });
  });

  it('connects to a listener inside the blocks the vendor configuration allows', async () => {
    const host = Object.values(networkInterfaces())
      .flat()
      .find((i) => i && i.family === 'IPv4' && !i.internal)?.address;
    if (!host) throw new Error('this test needs a non-loopback IPv4 address on this machine');
    const vpc = await listen(host);
    const { deps } = temporal.activities;
    const activities = createActivities({
      ...deps,
      vendorConfig: { ...deps.vendorConfig, connectivity: { allowedCidrs: [`${host}/32`] } },
    });
    await temporal.withWorker(
      async () => {
        const ticketId = nextTicket();
        const handle = await atVendorEndpoint(ticketId, vpc.port);
        await send(handle, {
          type: 'vendor_endpoint.created',
          endpointId: 'vpce-063c51c5620a37baf',
          endpointDns: host,
        });
        await send(handle, { type: 'reverse_connection.approved' });
        expect((await checkRecord(handle))?.detail).toMatch(new RegExp(`^${vpc.port} connected in [\\d.]+ ms$`));
        expect(await vpc.connectionsSoFar()).toBe(1);
        expect((await readState(handle)).connectivityCheck).toMatchObject({
          target: host,
          ok: true,
          ports: [{ port: vpc.port, outcome: 'connected' }],
        });
        // After a fix the product checks again (the customer's failed test does not stop it from trying).
        await send(handle, { type: 'reverse_connection.failed', details: 'timed out from staging' });
        await send(handle, { type: 'troubleshooting.resolved' });
        await eventually(
          async () => (await readState(handle)).effects.done.filter((e) => e.type === 'runConnectivityCheck').length,
          (n) => n === 2,
          { what: 'the second check' },
        );
        expect(await vpc.connectionsSoFar()).toBe(2);
        expect(await failedCheckNotices(ticketId)).toEqual([]);
        await send(handle, { type: 'request.cancelled', reason: 'test over' });
      },
      { activities },
    );
  });

  it('numbers the notification of a failed check after the check itself, however many events arrive while it runs', async () => {
    // The first check is held until the customer has failed their own test and support has resolved it, so comments
    // and a second check are queued while it runs. Its notification still takes the number right after the check's,
    // so a worker replaying the history without its cache numbers every effect the same (the cache-eviction drill).
    const { deps } = temporal.activities;
    const real = createActivities(deps);
    let held: () => void = () => undefined;
    const release = new Promise<void>((resolve) => (held = resolve));
    let calls = 0;
    let reached: () => void = () => undefined;
    const firstCheckRunning = new Promise<void>((resolve) => (reached = resolve));
    const activities = {
      ...real,
      checkConnectivity: async (input: { target: string; ports: number[] }) => {
        if (++calls === 1) {
          reached();
          await release;
        }
        return real.checkConnectivity(input);
      },
    };
    await temporal.withWorker(
      async () => {
        const ticketId = nextTicket();
        const handle = await atVendorEndpoint(ticketId, 3306);
        await send(handle, {
          type: 'vendor_endpoint.created',
          endpointId: 'vpce-063c51c5620a37baf',
          endpointDns: '127.0.0.2',
        });
        await send(handle, { type: 'reverse_connection.approved' });
        await firstCheckRunning;
        await send(handle, { type: 'reverse_connection.failed', details: 'timed out from staging' });
        await send(handle, { type: 'troubleshooting.resolved' });
        held();
        expect(await failedCheckNotices(ticketId)).toHaveLength(2);
        const done = (await readState(handle)).effects.done;
        const checks = done.filter((e) => e.type === 'runConnectivityCheck').map((e) => e.seq);
        const notices = done
          .filter((e) => e.type === 'notify' && e.what === 'connectivity_check_failed')
          .map((e) => e.seq);
        expect(checks).toHaveLength(2);
        expect(notices).toEqual(checks.map((seq) => seq + 1));
        // Every effect has its own number.
        expect(new Set(done.map((e) => e.seq)).size).toBe(done.length);
        await send(handle, { type: 'request.cancelled', reason: 'test over' });
      },
      { activities },
    );
  });

  it("refuses a vendor endpoint DNS name that is not the request's cloud's, and takes a right one after", async () => {
    await temporal.withWorker(async () => {
      const ticketId = nextTicket();
      const handle = await atVendorEndpoint(ticketId, 3306);
      const message = await refusalOf(handle, {
        type: 'vendor_endpoint.created',
        endpointId: 'vpce-063c51c5620a37baf',
        endpointDns: 'metadata.google.internal',
      });
      expect(message).toContain(
        'endpointDns "metadata.google.internal" is not an AWS endpoint DNS name (vpce-<id>-<suffix>[-<zone>].vpce-svc-<id>.<region>.vpce.amazonaws.com) or an IP address',
      );
      expect((await readState(handle)).state).toBe('creatingVendorEndpoint');
      const dns = 'vpce-0a1b2c3d4e5f67890-x1y2z3w4.vpce-svc-0123456789abcdef0.us-east-1.vpce.amazonaws.com';
      expect(
        (
          await send(handle, {
            type: 'vendor_endpoint.created',
            endpointId: 'vpce-063c51c5620a37baf',
            endpointDns: dns,
          })
        ).state,
      ).toBe('awaitingReverseApproval');
      await send(handle, { type: 'request.cancelled', reason: 'test over' });
    });
  });
});
