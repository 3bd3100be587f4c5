import type { WorkflowHandle } from '@temporalio/client';
import { createActivities } from '../../activities';
import type { VendorConfig } from '../../src/domain/vendor-config';
import { applyEnablementEventUpdate, type EventOutcome, type StateView } from '../../src/temporal/messages';
import { searchAttributes } from '../../src/temporal/names';
import { readState } from '../../src/temporal/read-state';
import { allDayVendorConfig, validIntake } from '../fixtures/requests';
import { eventually } from '../helpers/eventually';
import { startRequest } from '../helpers/requests';
import { useTemporal } from '../helpers/temporal';

// Timers are the point here: the time-skipping server lets hours pass in milliseconds.
const temporal = useTemporal('time-skipping');

const MIN = 60_000;
const HOUR = 60 * MIN;
/** A 24/7 calendar with a 4-hour target: business time is wall time, so every instant is easy to state. */
function vendorWith(policy: { pause: boolean }): VendorConfig {
  return allDayVendorConfig({ hours: 4, pause: policy.pause });
}
const iso = (ms: number) => new Date(ms).toISOString();

/**
 * SLA events as (kind, percent/escalation, dueAt), after checking each was acted on in its turn, in Temporal's time:
 * never before it was due, and before the next one was due (the last: within the smallest gap between two dues). So a
 * late task on a loaded machine is not mistaken for a wrong instant, and an early or skipped timer is still caught.
 */
function onTime(events: { kind: string; percent?: number; escalation?: number; dueAt: string; at: string }[] = []) {
  const dues = events.map((e) => Date.parse(e.dueAt));
  const gaps = dues.slice(1).map((due, i) => due - dues[i]!);
  const lastWindow = gaps.length ? Math.min(...gaps) : HOUR;
  events.forEach((e, i) => {
    const at = Date.parse(e.at);
    const until = i + 1 < dues.length ? dues[i + 1]! : dues[i]! + lastWindow;
    expect({ event: e.kind, inTurn: at >= dues[i]! && at < until }).toEqual({ event: e.kind, inTurn: true });
  });
  return events.map(({ at: _at, ...rest }) => rest);
}

/** Requests started by the current test; any still open after it are terminated, so a failure stays local. */
const open: WorkflowHandle[] = [];
afterEach(async () => {
  for (const handle of open.splice(0)) await handle.terminate('test over').catch(() => undefined);
});

async function startAt(ticketId: string, submittedAt: number): Promise<WorkflowHandle> {
  const handle = await startRequest(temporal.client, ticketId, {
    intake: { ...validIntake('aws', 'unidirectional', ticketId), submittedAt: iso(submittedAt) },
    taskQueue: temporal.taskQueue,
  });
  open.push(handle);
  return handle;
}
/** The state once the SLA clock has started (it needs one activity to fetch the calendar's windows). */
function started(handle: WorkflowHandle): Promise<StateView> {
  return eventually(
    () => readState(handle),
    (view) => view.sla !== null,
    {
      intervalMs: 25,
      what: 'the SLA clock to start',
    },
  );
}
const send = (handle: WorkflowHandle, event: object): Promise<EventOutcome> =>
  handle.executeUpdate(applyEnablementEventUpdate, { args: [{ actor: 'alice@vendor.example', ...event } as never] });
const slaNotifications = (ticketId: string) =>
  temporal.activities.notifications.received
    .map((r) => r.body as { ticketId: string; kind: string })
    .filter((b) => b.ticketId === ticketId && b.kind.startsWith('sla_'))
    .map((b) => b.kind);
const slaComments = (ticketId: string) =>
  temporal.activities.tickets
    .comments(ticketId)
    .map((c) => c.body)
    .filter((b) => /past its due time|within five business days/.test(b));

describe('the SLA of a request', () => {
  it('warns at 50/75/90 %, breaches at the deadline and escalates each further business day, each once, on time', async () => {
    const activities = createActivities({ ...temporal.activities.deps, vendorConfig: vendorWith({ pause: false }) });
    await temporal.withWorker(
      async () => {
        const t0 = await temporal.env.currentTimeMs();
        const handle = await startAt('SLA-1', t0);
        const first = await started(handle);
        expect(first.sla).toMatchObject({
          startedAt: iso(t0),
          deadline: iso(t0 + 4 * HOUR),
          targetHours: 4,
          breached: false,
        });
        expect(first.sla?.deadlineLocal).toBe(
          `${iso(t0 + 4 * HOUR)
            .slice(0, 16)
            .replace('T', ' ')} UTC`,
        );

        await temporal.env.sleep(2 * HOUR + MIN);
        expect(onTime((await readState(handle)).sla?.events)).toEqual([
          { kind: 'warning', percent: 50, dueAt: iso(t0 + 2 * HOUR) },
        ]);

        await temporal.env.sleep(2 * HOUR + 2 * 48 * MIN);
        const view = await readState(handle);
        expect(onTime(view.sla?.events)).toEqual([
          { kind: 'warning', percent: 50, dueAt: iso(t0 + 2 * HOUR) },
          { kind: 'warning', percent: 75, dueAt: iso(t0 + 3 * HOUR) },
          { kind: 'warning', percent: 90, dueAt: iso(t0 + 3.6 * HOUR) },
          { kind: 'breach', dueAt: iso(t0 + 4 * HOUR) },
          {
            kind: 'escalation',
            escalation: 1,
            dueAt: iso(t0 + 4 * HOUR + 48 * MIN),
          },
          {
            kind: 'escalation',
            escalation: 2,
            dueAt: iso(t0 + 4 * HOUR + 96 * MIN),
          },
        ]);
        expect(view.sla).toMatchObject({
          breached: true,
          escalations: 2,
          leftHours: 0,
        });
        expect(slaNotifications('SLA-1')).toEqual([
          'sla_warning',
          'sla_warning',
          'sla_warning',
          'sla_breached',
          'sla_escalation',
          'sla_escalation',
        ]);
        const comments = slaComments('SLA-1');
        expect(comments).toHaveLength(3);
        // Every message names the request's deadline, in the calendar's zone.
        const due = `${iso(t0 + 4 * HOUR)
          .slice(0, 16)
          .replace('T', ' ')} UTC`;
        for (const comment of comments) expect(comment).toContain(due);
        expect(comments[2]).toContain('2 business days past its due time');
        const notes = temporal.activities.notifications.received
          .map((r) => r.body as { ticketId: string; kind: string; message: string })
          .filter((b) => b.ticketId === 'SLA-1' && b.kind.startsWith('sla_'));
        expect(notes).toHaveLength(6);
        for (const n of notes) expect(n.message).toContain(`due ${iso(t0 + 4 * HOUR)}`);
        const attributes = (await handle.describe()).typedSearchAttributes;
        expect(attributes.get(searchAttributes.slaBreached)).toBe(true);
        expect(attributes.get(searchAttributes.slaDeadline)?.toISOString()).toBe(iso(t0 + 4 * HOUR));

        // Once the request ends, nothing fires any more.
        await send(handle, { type: 'request.cancelled', reason: 'done' });
        await temporal.env.sleep(10 * HOUR);
        expect(slaNotifications('SLA-1')).toHaveLength(6);
        expect(await handle.result()).toMatchObject({ status: 'cancelled' });
      },
      { activities },
    );
  });

  it('escalates a ticket that arrives already past its deadline at once, without warnings first', async () => {
    const activities = createActivities({ ...temporal.activities.deps, vendorConfig: vendorWith({ pause: false }) });
    await temporal.withWorker(
      async () => {
        const t0 = await temporal.env.currentTimeMs();
        const submitted = t0 - 6 * HOUR; // 2 h past a 4 h deadline: 2.5 escalation steps of 48 min
        const handle = await startAt('SLA-LATE', submitted);
        await started(handle);
        const view = await readState(handle);
        expect(view.sla?.events).toHaveLength(1);
        expect(view.sla?.events[0]).toMatchObject({ kind: 'breach', dueAt: iso(submitted + 4 * HOUR) });
        expect(view.sla).toMatchObject({ breached: true, escalations: 2, warningsSent: [] });
        // The next (third) repeat is due 3 x 48 min after the deadline: 24 min from now.
        await temporal.env.sleep(25 * MIN);
        expect(onTime((await readState(handle)).sla?.events.slice(-1)).at(-1)).toEqual({
          kind: 'escalation',
          escalation: 3,
          dueAt: iso(submitted + 4 * HOUR + 3 * 48 * MIN),
        });
        expect(slaNotifications('SLA-LATE')).toEqual(['sla_breached', 'sla_escalation']);
        await send(handle, { type: 'request.cancelled', reason: 'done' });
        // End it before this worker stops, so no task waits on a stopped worker while time is skipped.
        await handle.result();
      },
      { activities },
    );
  });

  it('pauses while waiting on the customer (policy) and moves the deadline by the pause', async () => {
    const activities = createActivities({ ...temporal.activities.deps, vendorConfig: vendorWith({ pause: true }) });
    await temporal.withWorker(
      async () => {
        const t0 = await temporal.env.currentTimeMs();
        const handle = await startAt('SLA-PAUSE', t0);
        await started(handle);
        await temporal.env.sleep(HOUR);
        const waiting = await send(handle, { type: 'customer_access.granted' }); // now waiting on the customer
        expect(waiting.sla).toMatchObject({ paused: true, deadline: null });
        await temporal.env.sleep(2 * HOUR);
        const paused = await readState(handle);
        expect(paused.sla).toMatchObject({ paused: true, events: [] });
        expect(paused.sla?.usedHours).toBeCloseTo(1, 1);
        const resumed = await send(handle, { type: 'endpoint.requested', endpointId: 'vpce-016024d7f43e757c2' }); // the vendor's turn
        const pausedFor = Date.parse(resumed.event.at) - Date.parse(waiting.event.at);
        expect(resumed.sla).toMatchObject({ paused: false, deadline: iso(t0 + 4 * HOUR + pausedFor) });
        await temporal.env.sleep(1.5 * HOUR);
        expect((await readState(handle)).sla?.events).toEqual([
          expect.objectContaining({ kind: 'warning', percent: 50, dueAt: iso(t0 + 2 * HOUR + pausedFor) }),
        ]);
        await send(handle, { type: 'request.cancelled', reason: 'done' });
        // End it before this worker stops, so no task waits on a stopped worker while time is skipped.
        await handle.result();
      },
      { activities },
    );
  });

  it('keeps one timer for the next SLA instant while events and their effects come and go', async () => {
    await temporal.withWorker(async () => {
      const t0 = await temporal.env.currentTimeMs();
      const handle = await startAt('SLA-ONE-TIMER', t0);
      await started(handle);
      await send(handle, { type: 'customer_access.granted' });
      await send(handle, { type: 'endpoint.requested', endpointId: 'vpce-016024d7f43e757c2' });
      for (const text of ['checked the console', 'called the customer', 'waiting on approval'])
        await send(handle, { type: 'note.added', text });
      const view = await readState(handle);
      expect(view.sla?.events).toEqual([]);
      // Each event and each effect woke the workflow; none of those wake-ups is a reason to touch the timer.
      const events = (await handle.fetchHistory()).events ?? [];
      const count = (attributes: 'timerStartedEventAttributes' | 'timerCanceledEventAttributes') =>
        events.filter((e) => e[attributes]).length;
      expect({
        started: count('timerStartedEventAttributes'),
        cancelled: count('timerCanceledEventAttributes'),
      }).toEqual({
        started: 1,
        cancelled: 0,
      });
      await send(handle, { type: 'request.cancelled', reason: 'done' });
      await handle.result();
    });
  });

  it('sends nothing when the request is enabled before its first threshold', async () => {
    await temporal.withWorker(async () => {
      const t0 = await temporal.env.currentTimeMs();
      const handle = await startAt('SLA-FAST', t0);
      await started(handle);
      for (const type of [
        'customer_access.granted',
        'endpoint.requested',
        'connection.approved',
        'ports.opened',
        'connection.verified',
      ]) {
        await send(handle, {
          type,
          ...(type === 'endpoint.requested' ? { endpointId: 'vpce-016024d7f43e757c2' } : {}),
        });
      }
      const enabled = await readState(handle);
      expect(enabled).toMatchObject({ status: 'enabled', state: 'active' });
      expect(enabled.sla).toMatchObject({ breached: false, stoppedAt: expect.any(String) });
      // The connection's record stays open for good, but the enablement's clock stopped: nothing more falls due, and
      // the time used stays what it was at enablement.
      await temporal.env.sleep(30 * 24 * HOUR);
      expect(slaNotifications('SLA-FAST')).toEqual([]);
      const later = await readState(handle);
      expect(later.sla).toEqual({ ...enabled.sla });
      expect(later.sla!.usedHours).toBe(enabled.sla!.usedHours);
    });
  });
});

describe('the SLA of a change after enablement', () => {
  it('runs from the change ticket’s submission: warnings, breach and escalation to the change ticket, searchable, then stops', async () => {
    const activities = createActivities({ ...temporal.activities.deps, vendorConfig: vendorWith({ pause: false }) });
    await temporal.withWorker(
      async () => {
        const t0 = await temporal.env.currentTimeMs();
        const handle = await startAt('SLA-CHG', t0);
        await started(handle);
        await send(handle, { type: 'customer_access.granted' });
        await send(handle, { type: 'endpoint.requested', endpointId: 'vpce-016024d7f43e757c2' });
        for (const type of ['connection.approved', 'ports.opened', 'connection.verified']) await send(handle, { type });
        // The change ticket was submitted half an hour before it reached us: its clock counts from then.
        const submitted = (await temporal.env.currentTimeMs()) - 30 * MIN;
        const opened = await send(handle, {
          type: 'change.requested',
          changeTicketId: 'SLA-CHG-C1',
          change: { kind: 'remove' },
          submittedAt: iso(submitted),
        });
        expect(opened.change).toMatchObject({ ticketId: 'SLA-CHG-C1', kind: 'remove', waitingOn: 'vendor' });
        const clock = await eventually(
          () => readState(handle),
          (view) => view.change?.sla != null,
          { what: "the change's SLA clock to start" },
        );
        expect(clock.change!.sla).toMatchObject({
          startedAt: iso(submitted),
          deadline: iso(submitted + 4 * HOUR),
          breached: false,
        });

        await temporal.env.sleep(4 * HOUR + 48 * MIN + MIN);
        const view = await readState(handle);
        expect(onTime(view.change!.sla!.events)).toEqual([
          { kind: 'warning', percent: 50, dueAt: iso(submitted + 2 * HOUR) },
          { kind: 'warning', percent: 75, dueAt: iso(submitted + 3 * HOUR) },
          { kind: 'warning', percent: 90, dueAt: iso(submitted + 3.6 * HOUR) },
          { kind: 'breach', dueAt: iso(submitted + 4 * HOUR) },
          { kind: 'escalation', escalation: 1, dueAt: iso(submitted + 4 * HOUR + 48 * MIN) },
        ]);
        // Told to staff under the change ticket, and on the change ticket: not on the connection's own ticket.
        expect(slaNotifications('SLA-CHG-C1')).toEqual([
          'sla_warning',
          'sla_warning',
          'sla_warning',
          'sla_breached',
          'sla_escalation',
        ]);
        expect(slaNotifications('SLA-CHG')).toEqual([]);
        const comments = temporal.activities.tickets.comments('SLA-CHG-C1').map((c) => c.body);
        expect(
          comments.filter((b) =>
            b.includes('We did not complete this change to your PrivateLink connection within five business days'),
          ),
        ).toHaveLength(1);
        expect(comments.filter((b) => b.includes('1 business day past its due time'))).toHaveLength(1);
        // The enablement's own SLA was met and stays so; the change's breach is searchable.
        expect(view.sla).toMatchObject({ breached: false });
        const breached = await eventually(
          async () => (await handle.describe()).typedSearchAttributes,
          (attributes) => attributes.get(searchAttributes.changeSlaBreached) === true,
          { what: 'PrivateLinkChangeSlaBreached' },
        );
        expect(breached.get(searchAttributes.slaBreached)).toBe(false);
        expect(breached.get(searchAttributes.changeTicket)).toBe('SLA-CHG-C1');
        // The change's own deadline, searchable and sorted by in the console's inbox: the one its state view shows.
        expect(breached.get(searchAttributes.changeSlaDeadline)?.toISOString()).toBe(view.change?.sla?.deadline);

        // The change ends: its clock goes with it, and nothing more fires.
        await send(handle, { type: 'change.cancelled', reason: 'the customer keeps the connection' });
        await temporal.env.sleep(10 * HOUR);
        expect(slaNotifications('SLA-CHG-C1')).toHaveLength(5);
        const after = await readState(handle);
        expect(after).toMatchObject({ change: null, state: 'active' });
        const attributes = (await handle.describe()).typedSearchAttributes;
        expect(attributes.get(searchAttributes.changeSlaBreached)).toBeUndefined();
        expect(attributes.get(searchAttributes.changeSlaDeadline)).toBeUndefined();
      },
      { activities },
    );
  });
});
