import { temporal } from '@temporalio/proto';
import { CHAIN_ALGORITHM, compareWithLive, type EntryKind, toCsv, verifyExport } from '../../src/audit/chain';
import { buildTimeline } from '../../src/audit/timeline';
import {
  requestStateName as stateName,
  requestStatus as statusOf,
  requestWaitingOn as waitingOnOf,
} from '../../src/machines/request';
import { WORKFLOW_TYPE, workflowIdForTicket } from '../../src/temporal/names';
import { scenarios } from '../replay/scenarios';
import { effectInWords, expectedRun, RECORDER, recordedRuns, recordedTicketId } from './recorded';

const T = temporal.api.enums.v1.EventType;

/** An event's fields but its type and sender, as text (`intake.<key>` for each intake field). */
function payloadOf(event: Record<string, unknown>): Record<string, string> {
  // A field sent as null (an assignment to nobody) is written empty, as every export writes a missing value.
  const text = (v: unknown) => (typeof v === 'string' ? v : v === null ? '' : JSON.stringify(v));
  const fields: Record<string, string> = {};
  for (const [key, value] of Object.entries(event)) {
    if (key === 'type' || key === 'actor' || value === undefined) continue;
    if (key === 'intake') {
      for (const [k, v] of Object.entries(value as object)) fields[`intake.${k}`] = text(v);
    } else fields[key] = text(value);
  }
  return fields;
}

/**
 * What an auditor sees for each committed replay history (one per scenario of test/replay/scenarios.ts), checked
 * against what the scenario sent and what the machine says those events must have done.
 */
describe.each(scenarios.map((s) => [s.name, s] as const))('the audit timeline of %s', (_name, scenario) => {
  const ticketId = recordedTicketId(scenario);
  const runs = recordedRuns(scenario);
  const expected = expectedRun(scenario, runs[0]!);
  const states = expected.snapshots.map(stateName);
  const { entries, pending } = buildTimeline(ticketId, runs);
  const entriesOf = (kind: EntryKind) => entries.filter((e) => e.kind === kind);

  it('starts with request.started, once, saying whether the intake came with it', () => {
    expect(entries[0]).toMatchObject({
      kind: 'request.started',
      type: WORKFLOW_TYPE,
      result: 'started',
      detail: scenario.start === 'start' ? 'started with intake data' : 'waiting for ticket.submitted',
    });
    expect(entriesOf('request.started')).toHaveLength(1);
  });

  it('lists its entries in time order (an event at when it was recorded)', () => {
    const times = entries.map((e) => e.at);
    expect(times).toEqual([...times].sort());
  });

  it('lists every event the scenario sent, once, applied, with its sender and the states it moved between', () => {
    expect(entriesOf('event').map(({ type, actor, result, from, to }) => ({ type, actor, result, from, to }))).toEqual(
      expected.sent.map((event, i) => ({
        type: event.type,
        actor: RECORDER,
        result: 'applied',
        from: states[i],
        to: states[i + 1],
      })),
    );
    expect(pending).toEqual([]);
  });

  it('carries the fields of each event as it was sent: reasons, ids, service names, note text, intake fields', () => {
    expect(entriesOf('event').map((e) => e.payload)).toEqual(expected.sent.map(payloadOf));
    // Entries that are no event carry no payload, but for a start with its intake.
    for (const entry of entries.filter((e) => e.kind !== 'event' && e.kind !== 'request.started')) {
      expect(entry.payload).toEqual({});
    }
  });

  it("follows the machine's path from state to state, each change by whoever caused it", () => {
    // The machine's path without the events that left the state as it was (a note, a resolved loop back, ...).
    const path = expected.snapshots.filter((s, i, all) => i === 0 || stateName(s) !== stateName(all[i - 1]!));
    expect(
      entriesOf('state.changed').map(({ actor, type, from, to, detail }) => ({ actor, type, from, to, detail })),
    ).toEqual(
      path.map((snapshot, i) => ({
        // The first state is the workflow's doing; every later one follows an event the recorder sent.
        actor: i === 0 ? 'system' : RECORDER,
        type: statusOf(snapshot),
        from: i === 0 ? '' : stateName(path[i - 1]!),
        to: stateName(snapshot),
        detail: `waiting on ${waitingOnOf(snapshot)}`,
      })),
    );
  });

  it('shows each effect the machine asked for, carried out by the system, with the outside answer', () => {
    const effects = entriesOf('effect');
    // Besides what the machine asked for, each check with a port that did not connect told staff (the workflow's doing).
    const failedChecks = effects.filter(
      (e) => e.type.startsWith('connectivity check:') && !/^(\d+ connected in [\d.]+ ms(, )?)+$/.test(e.detail),
    );
    expect(effects.map((e) => e.type).sort()).toEqual(
      [
        ...expected.effects.map(effectInWords),
        ...failedChecks.map(() => 'notification: connectivity_check_failed'),
      ].sort(),
    );
    for (const effect of effects) {
      expect(effect).toMatchObject({ actor: 'system', result: 'done' });
      if (effect.type.startsWith('ticket comment:')) expect(effect.detail).toMatch(/^comment \S+/);
    }
    for (const check of expected.effects.filter((e) => e.type === 'runConnectivityCheck')) {
      const entry = effects.find((e) => e.type === effectInWords(check))!;
      // One outcome per port, in the order checked.
      expect(entry.detail.split(', ').map((outcome) => outcome.split(' ')[0])).toEqual(check.params.ports.map(String));
    }
  });

  const submittedAt = (scenario.intake?.(ticketId) ?? {}).submittedAt;
  if (scenario.recording?.sla) {
    it('shows the warning, the breach and a repeated escalation its clock of seconds reached, in order', () => {
      const sla = entriesOf('sla').map((e) => e.type);
      // The warning goes to the vendor's staff; the breach and each escalation to the ticket as well.
      const once = ['notification: sla_warning', 'ticket comment: sla_breached', 'notification: sla_breached'];
      expect(sla.filter((t) => once.includes(t))).toEqual(expect.arrayContaining(once));
      expect(sla.filter((t) => once.includes(t))).toHaveLength(once.length);
      expect(sla.indexOf('notification: sla_warning')).toBeLessThan(sla.indexOf('notification: sla_breached'));
      expect(sla.lastIndexOf('ticket comment: sla_escalation')).toBeGreaterThan(
        sla.indexOf('ticket comment: sla_breached'),
      );
      for (const entry of entriesOf('sla')) expect(entry).toMatchObject({ actor: 'system', result: 'done' });
    });
  } else if (submittedAt) {
    it('shows the SLA breach of a ticket that arrived after its deadline, on the ticket and to the vendor', () => {
      const sla = entriesOf('sla');
      expect(sla.map((e) => e.type)).toEqual(
        expect.arrayContaining(['ticket comment: sla_breached', 'notification: sla_breached']),
      );
      for (const entry of sla) expect(entry).toMatchObject({ actor: 'system', result: 'done' });
    });
  } else {
    it('shows no SLA entries for a request handled within seconds of its submission', () => {
      expect(entriesOf('sla')).toEqual([]);
    });
  }

  it(`continues as new ${runs.length - 1} time(s), each run named where it continues`, () => {
    expect(entriesOf('run.continued').map((e) => e.detail)).toEqual(
      runs.slice(1).map((r) => `continued in run ${r.runId}`),
    );
  });

  it(`ends with request.ended, ${scenario.expected}, in the state the machine reached`, () => {
    const final = states.at(-1)!;
    expect(entries.at(-1)).toMatchObject({
      kind: 'request.ended',
      actor: 'system',
      type: scenario.expected,
      result: 'completed',
      from: final,
      to: final,
      detail: `${expected.sent.length} event(s)`,
    });
    expect(entriesOf('request.ended')).toHaveLength(1);
  });

  it('chains every entry: the JSON and CSV exports verify, an altered entry does not', () => {
    const head = entries.at(-1)!.hash;
    const exported = {
      ticketId,
      workflowId: workflowIdForTicket(ticketId),
      algorithm: CHAIN_ALGORITHM,
      head,
      entries,
      pending,
    };
    expect(verifyExport(JSON.stringify(exported))).toEqual({
      ok: true,
      entries: entries.length,
      ticketId,
      head,
      algorithm: CHAIN_ALGORITHM,
    });
    expect(verifyExport(toCsv(entries))).toMatchObject({ ok: true, head });
    const altered = entries.map((e, i) => (i === 1 ? { ...e, actor: 'someone else' } : e));
    expect(verifyExport(JSON.stringify({ ...exported, entries: altered }))).toMatchObject({ ok: false });
  });

  it('shows the last event as pending while its result is not recorded, the entries before it unchanged', () => {
    const received = [T.EVENT_TYPE_WORKFLOW_EXECUTION_SIGNALED, T.EVENT_TYPE_WORKFLOW_EXECUTION_UPDATE_ACCEPTED];
    // The last event arrived in the last run.
    const run = runs.at(-1)!;
    const cut = run.events.reduce(
      (last, e, i) => (e.eventType != null && received.includes(e.eventType) ? i : last),
      -1,
    );
    if (expected.sent.length === 0) {
      expect(cut).toBe(-1);
      return;
    }
    const partial = buildTimeline(ticketId, [
      ...runs.slice(0, -1),
      { runId: run.runId, events: run.events.slice(0, cut + 1) },
    ]);
    const last = expected.sent.at(-1)!;
    expect(partial.pending).toEqual([
      {
        at: expect.any(String),
        channel: scenario.events.length ? 'update' : 'signal',
        via: expect.any(String),
        authenticated: expect.any(Boolean),
        actor: RECORDER,
        type: last.type,
        payload: payloadOf(last),
        runId: run.runId,
        historyEventId: Number(run.events[cut]!.eventId),
      },
    ]);
    expect(partial.entries.filter((e) => e.kind === 'event')).toHaveLength(expected.sent.length - 1);
    // A later export repeats an earlier one's entries, hash for hash.
    expect(compareWithLive(partial.entries, entries, { prefix: true })).toMatchObject({ ok: true });
  });
});
