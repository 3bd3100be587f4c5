import { createServer, type Server } from 'node:http';
import { mkdtempSync } from 'node:fs';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { temporal as proto } from '@temporalio/proto';
import { createActivities } from '../../activities';
import { validIntake } from '../fixtures/requests';
import { activityDepsFromEnv } from '../helpers/activities';
import { eventually } from '../helpers/eventually';
import { startRequest } from '../helpers/requests';
import { useTemporal } from '../helpers/temporal';
import { NOTIFICATION_MAX_CHARS } from '../../activities/notifier';
import type { IntakeDraft } from '../../src/domain/intake';
import { enablementEventSignal } from '../../src/temporal/messages';

const temporal = useTemporal('dev-server');
let n = 0;
const nextTicket = () => `N-${Date.now().toString(36)}-${++n}`;

/** The notifications the vendor's channel (a real HTTP receiver) got for a ticket, once there is one of `kind`. */
async function notificationOf(ticketId: string, kind: string): Promise<string> {
  const sent = await eventually(
    () =>
      temporal.activities.notifications.received
        .map((r) => r.body as { ticketId?: string; kind?: string; message: string })
        .filter((b) => b.ticketId === ticketId && b.kind === kind),
    (found) => found.length > 0,
    { what: `the ${kind} notification of ${ticketId}`, timeoutMs: 20_000 },
  );
  return sent[0]!.message;
}

/** Starts a request on the real workflow and worker with this intake and returns its `rejected` notification. */
function rejection(intake: (ticketId: string) => IntakeDraft): Promise<string> {
  const ticketId = nextTicket();
  return temporal.withWorker(async () => {
    await startRequest(temporal.client, ticketId, { taskQueue: temporal.taskQueue, intake: intake(ticketId) });
    return notificationOf(ticketId, 'rejected');
  });
}

/** Starts a valid request, cancels it with this reason, and returns its `cancelled` notification. */
function cancellation(reason: string): Promise<string> {
  const ticketId = nextTicket();
  return temporal.withWorker(async () => {
    const handle = await startRequest(temporal.client, ticketId, { taskQueue: temporal.taskQueue });
    await handle.signal(enablementEventSignal, {
      type: 'request.cancelled',
      actor: 'support@vendor.example',
      eventId: `cancel-${ticketId}`,
      reason,
    });
    return notificationOf(ticketId, 'cancelled');
  });
}

describe('notifications carry customer text escaped and bounded', () => {
  it('escapes chat markup from a project id, so <!channel> and disguised links reach the channel as text', async () => {
    const message = await rejection((ticketId) => ({
      ...validIntake('aws', 'unidirectional', ticketId),
      projectId: '<!channel> <http://evil.example|click> & <@U024BE7LH>',
      environment: 'integration',
    }));
    expect(message).not.toMatch(/[<>]/);
    expect(message).toContain('&lt;!channel&gt; &lt;http://evil.example|click&gt; &amp; &lt;@U024BE7LH&gt;');
    // The product's own words are untouched.
    expect(message).toMatch(/^\[N-[a-z0-9]+-\d+\] Request rejected as ineligible: environment: .*; projectId: /);
  });

  it('takes control characters out, so a reason cannot fake a second line', async () => {
    const message = await cancellation('duplicate\n[T-9999] Request enabled\u0007\u202e\r\tby support');
    // eslint-disable-next-line no-control-regex
    expect(message).not.toMatch(/[\u0000-\u001f\u007f-\u009f\u200b-\u200f\u202a-\u202e\u2066-\u2069]/);
    expect(message).toMatch(/\] Request cancelled: duplicate \[T-9999\] Request enabled +by support$/);
  });

  it('bounds the message: a long reason is cut in the middle, keeping its start and its end', async () => {
    const reason = `START ${'<x>'.repeat(600)} END`;
    const message = await cancellation(reason);
    expect(message.length).toBeLessThanOrEqual(NOTIFICATION_MAX_CHARS);
    expect(message).toMatch(/^\[N-[a-z0-9]+-\d+\] Request cancelled: START &lt;x&gt;&lt;x&gt;/);
    expect(message).toMatch(/&lt;x&gt;&lt;x&gt; END$/);
    expect(message).toContain(' … ');
    // An escape is never cut in half.
    expect(message).not.toMatch(/&(?!lt;|gt;|amp;)/);
  });
});

describe('a failing notification webhook', () => {
  let server: Server;
  let origin: string;
  beforeAll(async () => {
    // A receiver that refuses every notification with a page echoing the request, as many web frameworks' 404 pages do.
    server = createServer((req, res) => {
      req.resume();
      req.on('end', () => res.writeHead(404, { 'content-type': 'text/html' }).end(`<pre>Cannot POST ${req.url}</pre>`));
    });
    await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
    origin = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  });
  afterAll(() => new Promise((r) => server.close(r)));

  it("leaves the URL's secret path and query out of the workflow history, naming the host only", async () => {
    const ticketId = nextTicket();
    const deps = activityDepsFromEnv({
      NOTIFY_WEBHOOK_URL: `${origin}/services/T0001/B0001/PATHSECRET42?token=QUERYSECRET42`,
      TICKET_LOG_FILE: join(mkdtempSync(join(tmpdir(), 'notify-')), 'comments.jsonl'),
    });
    const history = await temporal.withWorker(
      async () => {
        const handle = await startRequest(temporal.client, ticketId, { taskQueue: temporal.taskQueue });
        // The 404 is permanent: the notification's outcome is recorded as failed and the request goes on.
        return eventually(
          async () => Buffer.from(proto.api.history.v1.History.encode(await handle.fetchHistory()).finish()),
          (bytes) => bytes.includes('answered 404'),
          { what: `the refused notification of ${ticketId} in its history`, timeoutMs: 20_000 },
        );
      },
      { activities: createActivities(deps) },
    );
    expect(history.includes(`webhook:${origin} answered 404`)).toBe(true);
    expect(history.includes('PATHSECRET42')).toBe(false);
    expect(history.includes('QUERYSECRET42')).toBe(false);
  });
});
