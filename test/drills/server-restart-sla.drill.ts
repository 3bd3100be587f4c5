import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { WorkflowHandle } from '@temporalio/client';
import { tsToMs } from '@temporalio/common/lib/time';
import type { StateView } from '../../src/temporal/messages';
import { readState } from '../../src/temporal/read-state';
import { validIntake } from '../fixtures/requests';
import {
  type DrillServer,
  distinctNotifications,
  EventType,
  killProcess,
  readTicketFile,
  replayFailures,
  startDrillServer,
  startWorkerProcess,
  waitForCount,
  type WorkerProcess,
  writeVendorConfig,
} from '../helpers/drill-stack';
import { waitFor } from '../helpers/eventually';
import { startRequest } from '../helpers/requests';
import { WebhookReceiver } from '../helpers/webhook-receiver';

/**
 * Drill (issue 7): the Temporal server stops and starts again (same port, same SQLite file) while SLA timers are
 * pending; the worker process keeps running through the outage. Every warning and breach fires once: one notification
 * each, one breach comment on each ticket, the SlaBreached flag set; a warning whose deadline also passed before the
 * request could run again is folded into the breach (the product's rule for missed warnings), never sent late or twice.
 * Every history still replays with the workflow code.
 *
 * The calendar is 24/7 UTC with a 1-hour target, and tickets were "submitted" almost an hour ago, so their deadlines
 * fall seconds from now. Warnings at 50 % (long past: sent at once) and 99.8 % (7.2 s before the deadline); the first
 * escalation would come 12 minutes after the deadline, far beyond the drill.
 */

const REQUESTS = 10;
const HOUR_MS = 3_600_000;
const LAST_WARNING = 99.8;
/** Deadlines from the moment the requests start: 12 s, 13.5 s, … 25.5 s. */
const deadlineOffsetMs = (i: number) => 12_000 + 1_500 * i;
/**
 * The server stays down at least until this long after the start, and in any case until just past the first deadline
 * still to come when it goes down, so some timers fall due while it is down however long the set-up took.
 */
const OUTAGE_UNTIL_MS = 14_000;
/** Deadlines still ahead when the server goes down that the drill needs: some fall in the outage, some after it. */
const MIN_PENDING = 4;
/**
 * How late after its due time, or after the server is back, an SLA event may be acted on. A task the server queued
 * for the worker's sticky queue before the worker reconnected waits out the sticky schedule-to-start timeout (10 s)
 * and may then meet a workflow task timeout (10 s) before it moves to the shared queue.
 */
const MAX_RECOVERY_MS = 25_000;
const instantOfPercent = (deadline: number, percent: number) => deadline - HOUR_MS * (1 - percent / 100);

/**
 * The drill, restarting the dev server (default) or what `startServer`'s server restarts (server-restart-sla.test.ts,
 * and the native cluster's history service).
 */
export function defineServerRestartSlaDrill(
  opts: { what?: string; startServer?: () => Promise<DrillServer> } = {},
): void {
  let server: DrillServer;
  let receiver: WebhookReceiver;
  let dir: string;
  let worker: WorkerProcess | undefined;

  beforeAll(async () => {
    [server, receiver] = await Promise.all([(opts.startServer ?? startDrillServer)(), new WebhookReceiver().start()]);
    dir = mkdtempSync(join(tmpdir(), 'drill-restart-'));
    // A native cluster takes longer to start (and is built on a machine's first run).
  }, 40 * 60_000);

  afterAll(async () => {
    await killProcess(worker);
    await server?.teardown();
    await receiver?.stop();
    rmSync(dir, { recursive: true, force: true });
  }, 120_000);

  const iso = (ms: number) => new Date(ms).toISOString();
  const slaKinds = (view: StateView): string[] =>
    (view.sla?.events ?? []).map((e) => (e.kind === 'warning' ? `warning ${e.percent}` : e.kind));

  describe(`drill: restart the Temporal ${opts.what ?? 'server'} while SLA timers are pending`, () => {
    it('fires every warning and breach once, on a worker that rode out the outage', async () => {
      const ticketFile = join(dir, 'ticket-comments.jsonl');
      worker = startWorkerProcess({
        TEMPORAL_ADDRESS: server.address,
        VENDOR_CONFIG: writeVendorConfig(dir, { hours: 1, warnAtPercent: [50, LAST_WARNING] }),
        TICKET_SYSTEM: 'file',
        TICKET_LOG_FILE: ticketFile,
        NOTIFY_WEBHOOK_URL: receiver.url,
      });
      await worker.ready;

      const runId = Date.now().toString(36);
      const t0 = Date.now();
      const requests = await Promise.all(
        Array.from({ length: REQUESTS }, async (_, i) => {
          const ticketId = `SLA-${runId}-${i}`;
          const deadline = t0 + deadlineOffsetMs(i);
          const handle: WorkflowHandle = await startRequest(server.client, ticketId, {
            intake: { ...validIntake('aws', 'unidirectional', ticketId), submittedAt: iso(deadline - HOUR_MS) },
          });
          return { ticketId, deadline, handle };
        }),
      );

      // Every clock runs (the 50 % warning went out at once) before the server goes down.
      await waitFor(
        async () => {
          const views = await Promise.all(requests.map((r) => readState(r.handle)));
          return views.every((v) => v.sla !== null && v.effects.pending === 0);
        },
        20_000,
        'every SLA clock to start',
      );
      const before = await Promise.all(requests.map((r) => readState(r.handle)));
      for (const [i, view] of before.entries()) {
        expect({ i, deadline: view.sla?.deadline }).toEqual({ i, deadline: iso(requests[i]!.deadline) });
      }
      const pendingAtStop = {
        warnings: before.filter((v) => !v.sla?.warningsSent.includes(LAST_WARNING)).length,
        breaches: before.filter((v) => !v.sla?.breached).length,
      };

      const stoppedAt = Date.now();
      // The deadlines still ahead: a slow set-up (on a loaded machine) leaves fewer, and the outage is placed among them.
      const ahead = requests.filter((r) => r.deadline > stoppedAt + 500);
      expect({ setUpMs: stoppedAt - t0, ahead: ahead.length >= MIN_PENDING }).toEqual({
        setUpMs: stoppedAt - t0,
        ahead: true,
      });
      await server.stop();
      // The outage is the drill's parameter: wall time, not a state to wait for.
      const outageUntil = Math.max(t0 + OUTAGE_UNTIL_MS, ahead[0]!.deadline + 500);
      await new Promise((r) => setTimeout(r, Math.max(0, outageUntil - Date.now())));
      await server.start();
      const upAt = Date.now();
      // Timers due while the server was down, and still to come after it is back: the drill covers both.
      const dueDuringOutage = requests.filter((r) => r.deadline > stoppedAt && r.deadline < upAt).length;
      expect(pendingAtStop.breaches).toBeGreaterThanOrEqual(ahead.length);
      expect(pendingAtStop.warnings).toBeGreaterThan(0);
      expect(dueDuringOutage).toBeGreaterThan(0);
      expect(dueDuringOutage).toBeLessThan(REQUESTS);

      const last = requests.at(-1)!;
      await waitFor(
        async () => {
          const views = await Promise.all(requests.map((r) => readState(r.handle).catch(() => undefined)));
          return views.every((v) => v?.sla?.breached === true && v.effects.pending === 0);
        },
        Math.max(0, last.deadline - Date.now()) + 30_000,
        'every request to breach',
      );
      expect(worker.child.exitCode).toBeNull();

      const comments = readTicketFile(ticketFile);
      const notifications = distinctNotifications(receiver.received);
      const problems: string[] = [];
      let folded = 0;
      for (const { ticketId, deadline, handle } of requests) {
        const view = await readState(handle);
        const history = await handle.fetchHistory();
        // The product's rule: a warning still pending when the deadline has passed is folded into the breach (no stale
        // warnings after an outage). So the last warning is sent exactly when the request ran (a workflow task that
        // completed; one cut off by the outage decided nothing) between its due time and the deadline.
        const warningDue = instantOfPercent(deadline, LAST_WARNING);
        const events = history.events ?? [];
        const startedAt = new Map(events.map((e) => [String(e.eventId), tsToMs(e.eventTime)]));
        const firstRunAfterWarning = Math.min(
          ...events
            .filter((e) => e.eventType === EventType.EVENT_TYPE_WORKFLOW_TASK_COMPLETED)
            .map((e) => startedAt.get(String(e.workflowTaskCompletedEventAttributes?.startedEventId)) ?? 0)
            .filter((t) => t >= warningDue),
        );
        const warned = firstRunAfterWarning < deadline;
        if (!warned) folded++;
        const expected = ['warning 50', ...(warned ? [`warning ${LAST_WARNING}`] : []), 'breach'];
        if (JSON.stringify(slaKinds(view)) !== JSON.stringify(expected)) {
          const when = (ms: number) => `${((ms - t0) / 1000).toFixed(1)}s`;
          const timeline = events
            .map((e) => ({
              at: tsToMs(e.eventTime),
              type: String(EventType[e.eventType ?? 0]).replace('EVENT_TYPE_', ''),
            }))
            .filter((e) => e.at >= stoppedAt && /^(TIMER_|WORKFLOW_TASK_(?!SCHEDULED))/.test(e.type))
            .map((e) => `${when(e.at)} ${e.type}`);
          problems.push(
            `${ticketId}: SLA events ${slaKinds(view).join(', ')}; expected ${expected.join(', ')} ` +
              `(warning due ${when(warningDue)}, deadline ${when(deadline)}, server down ${when(stoppedAt)}-${when(upAt)}; ` +
              `history: ${timeline.join(', ')})`,
          );
        }
        // Never before it was due, and no later than the outage made unavoidable.
        for (const e of view.sla?.events ?? []) {
          const due = Date.parse(e.dueAt);
          const late = Date.parse(e.at) - Math.max(due, upAt);
          if (Date.parse(e.at) < due || late > MAX_RECOVERY_MS) {
            problems.push(`${ticketId}: ${e.kind} due ${e.dueAt} acted on at ${e.at}`);
          }
        }
        if (view.sla?.escalations !== 0 || view.sla?.breached !== true) {
          problems.push(`${ticketId}: breached ${view.sla?.breached}, escalations ${view.sla?.escalations}`);
        }
        // What the vendor's channel got (one per idempotency key: a receiver drops repeats) and what the customer read.
        const sent = notifications
          .filter((n) => n.ticketId === ticketId && n.kind.startsWith('sla_'))
          .map(
            (n) =>
              `${n.kind}${/^\[\S+\] (\S+)%/.exec(n.message)?.[1] ?? ''} ${n.message.includes(`due ${iso(deadline)}`)}`,
          );
        const expectedSent = [
          'sla_warning50 true',
          ...(warned ? [`sla_warning${LAST_WARNING} true`] : []),
          'sla_breached true',
        ];
        if (JSON.stringify(sent) !== JSON.stringify(expectedSent)) {
          problems.push(`${ticketId}: notifications ${sent.join(', ')}; expected ${expectedSent.join(', ')}`);
        }
        const mine = comments.filter((c) => c.ticketId === ticketId);
        const breachComments = mine.filter((c) => c.body.includes('did not complete this PrivateLink request')).length;
        const escalationComments = mine.filter((c) => c.body.includes('past its due time')).length;
        if (breachComments !== 1 || escalationComments !== 0) {
          problems.push(`${ticketId}: ${breachComments} breach and ${escalationComments} escalation comments`);
        }
      }
      expect(problems).toEqual([]);
      // Each run's history replays with the workflow code: after a restart, the next cache eviction must not find a
      // history the code no longer produces.
      expect(await replayFailures(requests.map((r) => r.handle))).toEqual([]);
      await waitForCount(server.client, 'PrivateLinkSlaBreached = true', REQUESTS, 10_000);
      process.stderr.write(
        `[drill restart] down ${((upAt - stoppedAt) / 1000).toFixed(1)} s; pending at stop: ${pendingAtStop.warnings} warnings, ${pendingAtStop.breaches} breaches; ${dueDuringOutage} deadlines fell in the outage; ${folded} last warnings folded into the breach\n`,
      );
    }, 120_000);
  });
}
