import { historyFromJSON } from '@temporalio/common/lib/proto-utils';
import { temporal } from '@temporalio/proto';
import { decode, record, timeOf } from '../../src/audit/decode';
import { buildTimeline, type RunHistory } from '../../src/audit/timeline';
import { AUDIT_MEMO_KEY, STARTED_BY_MEMO_KEY } from '../../src/temporal/names';
import { scenarios } from '../replay/scenarios';
import { recordedRun, recordedTicketId } from './recorded';

/** Histories written the way the stock CLI exports them (proto JSON), so they are read as a real export is. */
const b64 = (text: string) => Buffer.from(text).toString('base64');
const json = (value: unknown) => ({ metadata: { encoding: b64('json/plain') }, data: b64(JSON.stringify(value)) });
const notJson = { metadata: { encoding: b64('json/plain') }, data: b64('{"type": "connection.appro') };
const unknownEncoding = { metadata: { encoding: b64('binary/encrypted') }, data: b64('sealed') };

function history(runId: string, events: Record<string, unknown>[]): RunHistory {
  const numbered = events.map((e, i) => ({ eventId: String(i + 1), eventTime: `2026-01-05T10:00:${10 + i}Z`, ...e }));
  return { runId, events: historyFromJSON({ events: numbered }).events ?? [] };
}

const started = (input: unknown, extra: Record<string, unknown> = {}) => ({
  eventType: 'EVENT_TYPE_WORKFLOW_EXECUTION_STARTED',
  workflowExecutionStartedEventAttributes: {
    workflowType: { name: 'enablementWorkflow' },
    input: { payloads: [input] },
    identity: 'worker@host',
    memo: { fields: { [STARTED_BY_MEMO_KEY]: json('alice@vendor.example') } },
    ...extra,
  },
});
const signaled = (input: unknown) => ({
  eventType: 'EVENT_TYPE_WORKFLOW_EXECUTION_SIGNALED',
  workflowExecutionSignaledEventAttributes: {
    signalName: 'enablementEvent',
    input: { payloads: [input] },
    identity: 'webhook@host',
  },
});
const updateAccepted = (input: unknown) => ({
  eventType: 'EVENT_TYPE_WORKFLOW_EXECUTION_UPDATE_ACCEPTED',
  workflowExecutionUpdateAcceptedEventAttributes: {
    acceptedRequest: {
      meta: { updateId: 'u-1', identity: 'api@host' },
      input: { name: 'applyEnablementEvent', args: { payloads: [input] } },
    },
  },
});
const memo = (value: unknown) => ({
  eventType: 'EVENT_TYPE_WORKFLOW_PROPERTIES_MODIFIED',
  workflowPropertiesModifiedEventAttributes: { upsertedMemo: { fields: { [AUDIT_MEMO_KEY]: value } } },
});
const scheduled = (activity: string, input: unknown) => ({
  eventType: 'EVENT_TYPE_ACTIVITY_TASK_SCHEDULED',
  activityTaskScheduledEventAttributes: {
    activityId: '1',
    activityType: { name: activity },
    input: { payloads: [input] },
  },
});
const completed = (scheduledEventId: number, result: unknown) => ({
  eventType: 'EVENT_TYPE_ACTIVITY_TASK_COMPLETED',
  activityTaskCompletedEventAttributes: { scheduledEventId: String(scheduledEventId), result: { payloads: [result] } },
});

describe('the audit timeline of histories the recorded scenarios do not cover', () => {
  it('shows refused events, failed and timed-out effects, pending events and a termination as they happened', () => {
    const { entries, pending } = buildTimeline('T-9', [
      history('run-1', [
        started(json({ ticketId: 'T-9' })),
        updateAccepted(json({ type: 'connection.approved', actor: 'bob@vendor.example', comment: 'looks fine' })),
        memo(
          json({
            via: 'update',
            type: 'connection.approved',
            actor: 'bob@vendor.example',
            result: 'refused',
            from: 'awaitingSubmission',
            to: 'awaitingSubmission',
            reason: 'not allowed here',
          }),
        ),
        scheduled('postTicketComment', json({ ticketId: 'T-9', comment: { template: 'awaiting_information' } })),
        {
          eventType: 'EVENT_TYPE_ACTIVITY_TASK_FAILED',
          activityTaskFailedEventAttributes: {
            scheduledEventId: '4',
            failure: { message: 'Activity task failed', cause: { message: 'Zendesk answered 422' } },
          },
        },
        scheduled(
          'carryOutEffects',
          json({
            effects: [
              { seq: 1, effect: { type: 'postTicketComment', params: { template: 'sla_breached' } } },
              { seq: 2, effect: { type: 'notify', params: { kind: 'sla_breached' } } },
            ],
          }),
        ),
        {
          eventType: 'EVENT_TYPE_ACTIVITY_TASK_TIMED_OUT',
          activityTaskTimedOutEventAttributes: {
            scheduledEventId: '6',
            failure: { message: 'activity StartToClose timeout' },
          },
        },
        signaled(json({ type: 'ticket.updated', actor: 'carol@customer.example' })),
        {
          eventType: 'EVENT_TYPE_WORKFLOW_EXECUTION_TERMINATED',
          workflowExecutionTerminatedEventAttributes: { reason: 'stuck in review', identity: 'ops@vendor.example' },
        },
      ]),
    ]);
    expect(entries.map(({ kind, actor, type, result, detail }) => ({ kind, actor, type, result, detail }))).toEqual([
      {
        kind: 'request.started',
        actor: 'alice@vendor.example',
        type: 'enablementWorkflow',
        result: 'started',
        detail: 'waiting for ticket.submitted',
      },
      {
        kind: 'event',
        actor: 'bob@vendor.example',
        type: 'connection.approved',
        result: 'refused',
        detail: 'not allowed here; comment: looks fine',
      },
      {
        kind: 'effect',
        actor: 'system',
        type: 'ticket comment: awaiting_information',
        result: 'failed',
        detail: 'Zendesk answered 422',
      },
      {
        kind: 'sla',
        actor: 'system',
        type: 'ticket comment: sla_breached',
        result: 'failed',
        detail: 'timed out: activity StartToClose timeout',
      },
      {
        kind: 'sla',
        actor: 'system',
        type: 'notification: sla_breached',
        result: 'failed',
        detail: 'timed out: activity StartToClose timeout',
      },
      {
        // Sent, but the run ended before the workflow recorded a result: nothing will handle it now.
        kind: 'event',
        actor: 'carol@customer.example',
        type: 'ticket.updated',
        result: 'not handled',
        detail:
          'sent by signal at 2026-01-05T10:00:17.000Z (history event 8); the run ended before the workflow recorded a result',
      },
      {
        kind: 'request.ended',
        actor: 'ops@vendor.example',
        type: 'terminated',
        result: 'terminated',
        detail: 'stuck in review',
      },
    ]);
    // The refused event is shown when it was sent, not when its result was recorded.
    expect(entries[1]).toMatchObject({ at: '2026-01-05T10:00:11.000Z', historyEventId: 3 });
    expect(pending).toEqual([]);
  });

  it('lists an event as pending while its run is open', () => {
    const { entries, pending } = buildTimeline('T-9', [
      history('run-1', [
        started(json({ ticketId: 'T-9' })),
        signaled(json({ type: 'ticket.updated', actor: 'carol@customer.example', intake: { region: 'eu-west-1' } })),
      ]),
    ]);
    expect(entries.map((e) => e.kind)).toEqual(['request.started']);
    expect(pending).toEqual([
      {
        at: '2026-01-05T10:00:11.000Z',
        channel: 'signal',
        via: 'webhook@host',
        authenticated: false,
        actor: 'carol@customer.example',
        type: 'ticket.updated',
        payload: { 'intake.region': 'eu-west-1' },
        runId: 'run-1',
        historyEventId: 2,
      },
    ]);
  });

  it('follows a request across continue-as-new: one start, the continuation, then the next run', () => {
    const { entries } = buildTimeline('T-9', [
      history('run-1', [
        started(json({ ticketId: 'T-9' })),
        {
          eventType: 'EVENT_TYPE_WORKFLOW_EXECUTION_CONTINUED_AS_NEW',
          workflowExecutionContinuedAsNewEventAttributes: { newExecutionRunId: 'run-2' },
        },
      ]),
      history('run-2', [
        started(json({ ticketId: 'T-9' }), { continuedExecutionRunId: 'run-1' }),
        {
          eventType: 'EVENT_TYPE_WORKFLOW_EXECUTION_COMPLETED',
          workflowExecutionCompletedEventAttributes: {
            result: { payloads: [json({ status: 'cancelled', state: 'cancelled', events: 1 })] },
          },
        },
      ]),
    ]);
    expect(entries.map(({ kind, runId, detail }) => ({ kind, runId, detail }))).toEqual([
      { kind: 'request.started', runId: 'run-1', detail: 'waiting for ticket.submitted' },
      { kind: 'run.continued', runId: 'run-1', detail: 'continued in run run-2' },
      { kind: 'request.ended', runId: 'run-2', detail: '1 event(s)' },
    ]);
  });
});

describe('odd input', () => {
  const scenario = scenarios.find((s) => s.events.length > 0)!;
  const run = recordedRun(scenario);
  const ticketId = recordedTicketId(scenario);

  it('ignores history event kinds it has no handler for, and events without a kind', () => {
    const unknown = { ...run.events[1]!, eventType: 9999 as never };
    const kindless = { ...run.events[1]!, eventType: undefined };
    const timer = history('x', [
      {
        eventType: 'EVENT_TYPE_TIMER_STARTED',
        timerStartedEventAttributes: { timerId: '1', startToFireTimeout: '60s' },
      },
    ]).events[0]!;
    const noisy = { ...run, events: [run.events[0]!, unknown, kindless, timer, ...run.events.slice(1)] };
    expect(buildTimeline(ticketId, [noisy])).toEqual(buildTimeline(ticketId, [run]));
  });

  it('does not throw on payloads that do not decode: they read as missing', () => {
    const read = () =>
      buildTimeline('T-9', [
        history('run-1', [
          started(unknownEncoding),
          signaled(notJson),
          memo(unknownEncoding),
          scheduled('postTicketComment', notJson),
          completed(4, notJson),
          {
            eventType: 'EVENT_TYPE_WORKFLOW_EXECUTION_COMPLETED',
            workflowExecutionCompletedEventAttributes: { result: { payloads: [notJson] } },
          },
        ]),
      ]);
    expect(read).not.toThrow();
    const { entries, pending } = read();
    expect(entries.map(({ kind, type, result, via }) => ({ kind, type, result, via }))).toEqual([
      { kind: 'request.started', type: 'enablementWorkflow', result: 'started', via: 'worker@host' },
      { kind: 'effect', type: 'ticket comment: ', result: 'done', via: '' },
      { kind: 'event', type: '', result: 'not handled', via: 'webhook@host' },
      { kind: 'request.ended', type: '', result: 'completed', via: '' },
    ]);
    // The signal's content is unreadable, so only who delivered it is known; it got no readable result.
    expect(pending).toEqual([]);
  });

  it('reads a history from the server (binary, Long numbers) as it reads the same history exported as JSON', () => {
    const History = temporal.api.history.v1.History;
    const fromServer = History.decode(History.encode({ events: [...run.events] }).finish());
    expect(fromServer.events[0]!.eventTime!.seconds).not.toEqual(expect.any(Number));
    expect(buildTimeline(ticketId, [{ runId: run.runId, events: fromServer.events }])).toEqual(
      buildTimeline(ticketId, [run]),
    );
  });

  it('reads payloads, records and times defensively', () => {
    expect(decode(undefined)).toBeUndefined();
    expect(decode(historyPayload(notJson))).toBeUndefined();
    expect(record([1, 2])).toEqual({});
    expect(record(null)).toEqual({});
    expect(timeOf({})).toBe('1970-01-01T00:00:00.000Z');
  });
});

function historyPayload(payload: typeof notJson) {
  return history('x', [signaled(payload)]).events[0]!.workflowExecutionSignaledEventAttributes!.input!.payloads![0]!;
}
