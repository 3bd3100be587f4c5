/**
 * The inbox's index of running requests (src/console/request-index.ts) over a real dev server and worker: it answers
 * every filter as Temporal's visibility does, finds parts of ticket ids, companies, accounts and endpoint ids, orders
 * by time to breach, pages without gaps, follows changes as workflows make them, and marks requests that end.
 */
import { RequestIndex } from '../../src/console/request-index';
import { EnablementClient } from '../../src/temporal/enablement-client';
import { workflowIdForTicket } from '../../src/temporal/names';
import { type ListFilters, listRequests } from '../../src/temporal/visibility';
import { changeRequested } from '../fixtures/changes';
import { forwardLegEvents } from '../fixtures/events';
import { validIntake } from '../fixtures/requests';
import { useTestApi } from '../helpers/api';
import { eventually } from '../helpers/eventually';

const { temporal, nextTicket, start, send } = useTestApi('IDX');

const ENDPOINT = 'vpce-0a1b2c3d4e5f60718';

/** Every ticket visibility lists for `filters` (all pages), among `ours`. */
async function visibilityTickets(filters: ListFilters, ours: string[]): Promise<string[]> {
  const found: string[] = [];
  let token: string | undefined;
  do {
    const page = await listRequests(temporal.client, filters, 200, token);
    found.push(...page.requests.map((r) => r.ticketId));
    token = page.nextPageToken ?? undefined;
  } while (token);
  return found.filter((t) => ours.includes(t)).sort();
}

/** Every ticket the index lists for `filters`, among `ours`, in its order. */
function indexTickets(index: RequestIndex, filters: ListFilters, ours: string[]): string[] {
  const page = index.search(filters, 10_000);
  if (!page) throw new Error('the index could not answer');
  return page.rows.map((r) => r.ticketId).filter((t) => ours.includes(t));
}

describe('the inbox index', () => {
  it('answers each filter as visibility does, finds parts of ids and companies, and orders by time to breach', () =>
    temporal.withWorker(async () => {
      const zephyr = nextTicket();
      const plain = nextTicket();
      const withEndpoint = nextTicket();
      const cancelled = nextTicket();
      const ours = [zephyr, plain, withEndpoint, cancelled];
      expect(
        (
          await start(zephyr, {
            ...validIntake('aws', 'unidirectional', zephyr),
            company: 'Zephyr Logistics',
            customerAccount: '210987654321',
          })
        ).statusCode,
      ).toBe(201);
      for (const t of [plain, withEndpoint, cancelled]) expect((await start(t)).statusCode).toBe(201);
      expect((await send(withEndpoint, { type: 'customer_access.granted' })).statusCode).toBe(200);
      expect((await send(withEndpoint, { type: 'endpoint.requested', endpointId: ENDPOINT })).statusCode).toBe(200);
      expect((await send(cancelled, { type: 'request.cancelled', reason: 'customer withdrew' })).statusCode).toBe(200);
      // Visibility catches up on its own time: wait until it shows each request's latest attributes.
      await eventually(
        () => visibilityTickets({ q: ENDPOINT }, ours),
        (found) => found.length === 1,
        { what: 'the endpoint id in visibility' },
      );
      await eventually(
        () => visibilityTickets({ status: 'in_progress' }, ours),
        (found) => found.length === 3,
        { what: 'three requests in progress' },
      );
      await eventually(
        () => visibilityTickets({ status: 'cancelled' }, ours),
        (found) => found.length === 1,
        { what: 'the cancelled request closed' },
      );

      const index = new RequestIndex(temporal.client);
      expect(index.search({}, 10)).toBeUndefined(); // not read yet: the inbox asks visibility
      await index.rebuild();
      expect(index.ready).toBe(true);

      // The same answer as visibility for every filter the inbox offers.
      const views: ListFilters[] = [
        {},
        { waitingOn: 'vendor' },
        { waitingOn: 'customer' },
        { company: 'Acme' },
        { company: 'Zephyr Logistics', cloud: 'aws', connectionType: 'unidirectional' },
        { cloud: 'azure' },
        { assignee: '' },
        { status: 'in_progress', breached: false },
        { q: ENDPOINT },
        { q: '210987654321' },
        { q: zephyr },
        { status: 'cancelled' },
        { q: cancelled },
      ];
      for (const filters of views) {
        expect({ filters, tickets: [...indexTickets(index, filters, ours)].sort() }).toEqual({
          filters,
          tickets: await visibilityTickets(filters, ours),
        });
      }
      // Ended requests come last.
      expect(indexTickets(index, {}, ours).at(-1)).toBe(cancelled);

      // Parts, in any case: what a person types in the inbox's Find box (visibility matches whole values only).
      expect(indexTickets(index, { q: 'zephyr' }, ours)).toEqual([zephyr]);
      expect(indexTickets(index, { q: '0987654' }, ours)).toEqual([zephyr]);
      expect(indexTickets(index, { q: ENDPOINT.slice(5, 14).toUpperCase() }, ours)).toEqual([withEndpoint]);
      expect(indexTickets(index, { q: withEndpoint.slice(-6) }, ours)).toContain(withEndpoint);
      expect(await visibilityTickets({ q: 'zephyr' }, ours)).toEqual([]);

      // Soonest breach first: each running clock's deadline no later than the next one's.
      const page = index.search({}, 10_000)!;
      const deadlines = page.rows
        .filter((r) => ours.includes(r.ticketId) && r.status === 'in_progress')
        .map((r) => Date.parse(r.slaDeadline!));
      expect(deadlines).toHaveLength(3);
      expect([...deadlines].sort((a, b) => a - b)).toEqual(deadlines);

      // Pages follow each other without a gap or a repeat.
      const all = index.search({}, 10_000)!.rows.map((r) => r.ticketId);
      const paged: string[] = [];
      let after: string | undefined;
      do {
        const p = index.search({}, 2, after)!;
        expect(p.total).toBe(all.length);
        paged.push(...p.rows.map((r) => r.ticketId));
        after = p.next ?? undefined;
      } while (after);
      expect(paged).toEqual(all);
      expect(() => index.search({}, 2, 'not-a-cursor')).toThrow(/not valid/);
    }));

  it('follows each change as the workflows make it, and marks requests that end', () =>
    temporal.withWorker(async () => {
      const index = new RequestIndex(temporal.client, { pollMs: 100 });
      index.start();
      try {
        await eventually(
          () => index.ready,
          (ready) => ready,
          { what: 'the first read' },
        );
        const ticketId = nextTicket();
        const terminated = nextTicket();
        expect((await start(ticketId)).statusCode).toBe(201);
        expect((await start(terminated)).statusCode).toBe(201);
        const row = (t: string) => index.search({ q: t }, 10)?.rows.find((r) => r.ticketId === t);
        await eventually(
          () => row(ticketId),
          (r) => r?.waitingOn === 'vendor' && r.slaDeadline !== null,
          { what: 'the new request in the index' },
        );

        const assigned = await send(ticketId, { type: 'request.assigned', assignee: 'dana@example.com' });
        expect(assigned.statusCode).toBe(200);
        await eventually(
          () => row(ticketId),
          (r) => r?.assignee === 'dana@example.com',
          { what: 'the assignee in the index' },
        );
        expect(index.search({ assignee: 'dana@example.com' }, 10)?.rows.map((r) => r.ticketId)).toEqual([ticketId]);

        expect((await send(ticketId, { type: 'request.cancelled', reason: 'duplicate' })).statusCode).toBe(200);
        await eventually(
          () => row(ticketId),
          (r) => r?.status === 'cancelled' && r.closedAt !== null,
          { what: 'the request cancelled and ended in the index' },
        );

        // Terminated by hand: no search attribute changes, so only the next full read sees that it ended.
        await eventually(
          () => row(terminated),
          (r) => r !== undefined,
          { what: 'the second request in the index' },
        );
        await temporal.client.workflow.getHandle(workflowIdForTicket(terminated)).terminate('test over');
        expect(row(terminated)?.closedAt).toBeNull();
        await eventually(
          async () => {
            await index.rebuild();
            return row(terminated);
          },
          (r) => r?.closedAt !== null,
          { what: 'the terminated request ended after a full read' },
        );
      } finally {
        await index.stop();
      }
    }));

  it("lists an enabled connection's open change by the change's own SLA, found by the change's ticket", () =>
    temporal.withWorker(async () => {
      // Started in this order, so that by start time alone the change would come last.
      const changed = nextTicket();
      const enabled = nextTicket();
      const waiting = nextTicket();
      const late = nextTicket();
      const ours = [changed, enabled, waiting, late];
      for (const t of [changed, enabled, late]) expect((await start(t)).statusCode).toBe(201);
      // Its ticket came in three days ago: due before any change opened now, whatever the time of day.
      const submittedAt = new Date(Date.now() - 3 * 24 * 3_600_000).toISOString();
      expect((await start(waiting, { ...validIntake('aws', 'unidirectional', waiting), submittedAt })).statusCode).toBe(
        201,
      );
      for (const t of [enabled, changed, late]) {
        for (const event of forwardLegEvents) expect((await send(t, event)).statusCode).toBe(200);
      }
      const changeTicket = `${changed}-ADD`;
      const opened = await send(changed, changeRequested(changeTicket, { kind: 'remove' }));
      expect(opened.statusCode).toBe(200);
      // A change ticket submitted weeks ago: its own SLA is breached at once (the request's was met).
      const lateChange = changeRequested(`${late}-OLD`, { kind: 'remove' }, { submittedAt: '2026-11-02T15:00:00Z' });
      expect((await send(late, lateChange)).statusCode).toBe(200);

      // The API's row names the change and its own clock (a fresh one: five business days from now, so no sooner than
      // the request's, which started first; the same instant when both started outside business hours).
      const requests = new EnablementClient(temporal.client, temporal.taskQueue);
      const found = await eventually(
        () => requests.list({ q: changeTicket }, 10),
        (page) => page.requests.length === 1 && page.requests[0]!.openChange?.slaDeadline != null,
        { what: 'the change in visibility' },
      );
      const row = found.requests[0]!;
      expect(row).toMatchObject({ ticketId: changed, status: 'enabled', waitingOn: 'vendor' });
      expect(row.openChange).toMatchObject({ ticketId: changeTicket, kind: 'remove', slaBreached: false });
      expect(Date.parse(row.openChange!.slaDeadline!)).toBeGreaterThanOrEqual(Date.parse(row.slaDeadline!));
      await eventually(
        () => visibilityTickets({ status: 'enabled' }, ours),
        (t) => t.length === 3,
        { what: 'the connections enabled in visibility' },
      );
      await eventually(
        () => visibilityTickets({ breached: true }, ours),
        (t) => t.length === 1,
        { what: "the late change's breach in visibility" },
      );

      const index = new RequestIndex(temporal.client);
      await index.rebuild();
      // Among running clocks: the breached change first, the fresh one after the request still in intake (due sooner),
      // both before the enabled connection (no clock runs).
      expect(indexTickets(index, {}, ours)).toEqual([late, waiting, changed, enabled]);
      // "SLA breached" means the clock the row shows: the request's, or its open change's; as visibility answers it.
      for (const breached of [true, false]) {
        expect([...indexTickets(index, { breached }, ours)].sort()).toEqual(
          await visibilityTickets({ breached }, ours),
        );
      }
      expect(indexTickets(index, { breached: true }, ours)).toEqual([late]);
      const listed = index.search({ q: changed }, 10)!.rows[0]!;
      expect(listed.openChange).toEqual(row.openChange);
      // Found by part of the change's ticket, in any case; by visibility by the whole of it.
      expect(indexTickets(index, { q: changeTicket.slice(-8).toLowerCase() }, ours)).toEqual([changed]);
      expect(await visibilityTickets({ q: changeTicket }, ours)).toEqual([changed]);
    }));

  it('the API finds a request by a whole ticket id, company, account or endpoint id', () =>
    temporal.withWorker(async () => {
      const ticketId = nextTicket();
      await start(ticketId, {
        ...validIntake('aws', 'unidirectional', ticketId),
        company: 'Quill & Co',
        customerAccount: '555566667777',
      });
      const requests = new EnablementClient(temporal.client, temporal.taskQueue);
      for (const q of [ticketId, 'Quill & Co', '555566667777']) {
        const found = await eventually(
          () => requests.list({ q }, 10),
          (page) => page.requests.length > 0,
          { what: `a request found by ${q}` },
        );
        expect(found.requests.map((r) => r.ticketId)).toEqual([ticketId]);
      }
    }));
});
