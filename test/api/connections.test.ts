/**
 * The connection lifecycle through the API (docs/lifecycle.md): change requests on the events route (409 naming the
 * open change), and `GET /api/connections`, the auditor's "which customer accounts can reach us right now, since when,
 * approved by whom", held to the order that keeps access safe.
 */
import type { FastifyInstance } from 'fastify';
import type { EventOutcome } from '../../src/temporal/messages';
import type { ConnectionPage } from '../../src/temporal/visibility';
import { changeRequested, changeScripts, otherAccount } from '../fixtures/changes';
import { forwardLegEvents, reverseLegEvents, type TestEvent } from '../fixtures/events';
import { validIntake } from '../fixtures/requests';
import { bearer, useTestApi } from '../helpers/api';
import { eventually } from '../helpers/eventually';

const { temporal, creds, support, nextTicket, start, send, ...testApi } = useTestApi('CONN');
let api: FastifyInstance;
beforeAll(() => {
  api = testApi.api();
});
const auditor = bearer(creds.tokens.auditor);

const inventory = (query: Record<string, string>, headers = auditor) =>
  api.inject({ url: `/api/connections?${new URLSearchParams(query).toString()}`, headers });

async function sendAll(ticketId: string, events: TestEvent[], headers = support): Promise<EventOutcome[]> {
  const outcomes: EventOutcome[] = [];
  for (const event of events) {
    const res = await send(ticketId, event, headers);
    expect({ type: event.type, status: res.statusCode }).toEqual({ type: event.type, status: 200 });
    outcomes.push(res.json<EventOutcome>());
  }
  return outcomes;
}

/** A request for a company of its own, started and enabled through the API. */
async function enabledConnection(company: string, type: 'unidirectional' | 'bidirectional' = 'unidirectional') {
  const ticketId = nextTicket();
  const intake = { ...validIntake('aws', type, ticketId), company, subject: `PrivateLink support for ${company}` };
  expect((await start(ticketId, intake)).statusCode).toBe(201);
  await sendAll(ticketId, [...forwardLegEvents, ...(type === 'bidirectional' ? reverseLegEvents : [])]);
  return ticketId;
}

/** The inventory's rows for a company, once visibility shows `accounts` for its connection (or none). */
async function accountsOf(company: string, expected: string[] | null) {
  const page = await eventually(
    async () => (await inventory({ company })).json<ConnectionPage>(),
    (p) =>
      expected === null
        ? p.connections.length === 0
        : p.connections.length === 1 &&
          sameSet(
            p.connections[0]!.accounts.map((a) => a.account),
            expected,
          ),
    { timeoutMs: 15_000, intervalMs: 100, what: `the inventory to show ${company} with ${JSON.stringify(expected)}` },
  );
  return page;
}
const sameSet = (a: string[], b: string[]) => a.length === b.length && a.every((x) => b.includes(x));

describe('GET /api/connections', () => {
  it('answers an auditor which accounts can reach us, since when and approved by whom, filtered', () =>
    temporal.withWorker(async () => {
      const company = `Inv-${Date.now().toString(36)}`;
      const ticketId = await enabledConnection(company, 'bidirectional');
      const page = await accountsOf(company, ['123456789012']);
      const row = page.connections[0]!;
      expect(row).toMatchObject({
        ticketId,
        workflowId: `privatelink-${ticketId}`,
        company,
        cloud: 'aws',
        region: 'us-east-1',
        connectionType: 'bidirectional',
        customerAccount: '123456789012',
        accounts: [
          { account: '123456789012', approvedBy: creds.subjects.support, endpointId: 'vpce-07f552b9497008761' },
        ],
        services: validIntake('aws', 'bidirectional').services,
        reverseServices: [
          expect.objectContaining({ endpointId: 'vpce-063c51c5620a37baf', approvedBy: creds.subjects.support }),
        ],
        openChange: null,
      });
      expect(Date.parse(row.since)).not.toBeNaN();
      expect(page.query).toContain('PrivateLinkStatus = "enabled"');
      // Filters narrow it: by account (any account that can connect), region and cloud; a miss is an empty page.
      const filters: Record<string, string>[] = [
        { account: '123456789012' },
        { region: 'us-east-1' },
        { cloud: 'aws' },
      ];
      for (const filter of filters) {
        const found = (await inventory({ company, ...filter })).json<ConnectionPage>();
        expect(found.connections.map((c) => c.ticketId)).toEqual([ticketId]);
      }
      expect((await inventory({ company, region: 'eu-west-1' })).json<ConnectionPage>().connections).toEqual([]);
      expect((await inventory({ company, cloud: 'azure' })).json<ConnectionPage>().connections).toEqual([]);
      // Bad filters are refused with the rule; no token, no inventory.
      const bad = await inventory({ cloud: 'gcp' });
      expect(bad.statusCode).toBe(400);
      expect(bad.body).toContain('must be one of aws, azure');
      expect((await api.inject({ url: '/api/connections' })).statusCode).toBe(401);
    }));

  it('change_account: at no point does the inventory show neither account; remove: the connection leaves it', () =>
    temporal.withWorker(async () => {
      const company = `Move-${Date.now().toString(36)}`;
      const ticketId = await enabledConnection(company);
      const script = changeScripts('aws', 'unidirectional').find((s) => s.kind === 'change_account')!;
      const expectations = [
        ['123456789012'], // change requested
        ['123456789012'], // new account allowlisted
        ['123456789012'], // its endpoint asks to connect
        ['123456789012', otherAccount('aws')], // approved
        ['123456789012', otherAccount('aws')], // verified
        [otherAccount('aws')], // old access revoked
      ];
      const steps = [changeRequested(`${ticketId}-C1`, script.change), ...script.events];
      for (const [i, event] of steps.entries()) {
        await sendAll(ticketId, [event]);
        const page = await accountsOf(company, expectations[i]!);
        expect(page.connections[0]!.accounts.length).toBeGreaterThan(0);
        expect(page.connections[0]!.openChange).toEqual(
          i < steps.length - 1 ? { ticketId: `${ticketId}-C1`, kind: 'change_account' } : null,
        );
      }
      await sendAll(ticketId, [
        changeRequested(`${ticketId}-C2`, { kind: 'remove' }),
        { type: 'customer_access.revoked' },
        { type: 'connection.removed' },
      ]);
      await accountsOf(company, null);
      const view = (await api.inject({ url: `/api/requests/${ticketId}`, headers: auditor })).json<EventOutcome>();
      expect(view).toMatchObject({ status: 'removed', state: 'removed', waitingOn: 'none', allowedEvents: [] });
    }));
});

describe('change requests on the events route', () => {
  it('a second change is 409 naming the open one; a senseless change is refused with its reason', () =>
    temporal.withWorker(async () => {
      const ticketId = await enabledConnection(`Two-${Date.now().toString(36)}`);
      await sendAll(ticketId, [changeRequested(`${ticketId}-C1`, { kind: 'remove' })], bearer(creds.tokens.automation));
      const second = await send(
        ticketId,
        changeRequested(`${ticketId}-C2`, { kind: 'change_account', customerAccount: otherAccount('aws') }),
      );
      expect(second.statusCode).toBe(409);
      expect(second.json()).toMatchObject({
        detail: `Change ${ticketId}-C1 (remove) is open on this connection, in state revokingAccess: one change at a time. Finish it or cancel it (change.cancelled) first.`,
        openChange: { ticketId: `${ticketId}-C1`, kind: 'remove', state: 'revokingAccess' },
      });
      // Automation may open a change (a change ticket), but the steps are support staff's.
      const byAutomation = await send(ticketId, { type: 'customer_access.revoked' }, bearer(creds.tokens.automation));
      expect(byAutomation.statusCode).toBe(403);
      await sendAll(ticketId, [{ type: 'change.cancelled', reason: 'opened by mistake' }]);
      const same = await send(
        ticketId,
        changeRequested(`${ticketId}-C3`, { kind: 'change_account', customerAccount: '123456789012' }),
      );
      expect(same.statusCode).toBe(409);
      expect(same.json<{ detail: string }>().detail).toBe(
        "This change cannot be made: change.customerAccount 123456789012 already connects: the connection's accounts are 123456789012.",
      );
      const malformed = await send(ticketId, changeRequested(`${ticketId}-C4`, { kind: 'rename' }));
      expect(malformed.statusCode).toBe(422);
      expect(malformed.body).toContain(
        'change.kind: must name a change: kind remove, change_account, add_service, remove_service or troubleshoot',
      );
    }));
});
