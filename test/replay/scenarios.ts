import type { Client, WorkflowHandle } from '@temporalio/client';
import type { Cloud } from '../../src/domain/formats';
import type { ConnectionType, IntakeDraft } from '../../src/domain/intake';
import type { VendorConfig } from '../../src/domain/vendor-config';
import {
  applyEnablementEventUpdate,
  type EnablementEventInput,
  type EnablementResult,
  type StateView,
} from '../../src/temporal/messages';
import { readState } from '../../src/temporal/read-state';
import {
  bidirectionalLoopEvents,
  forwardLegEvents,
  reverseLegEvents,
  type TestEvent,
  onCloud,
  unidirectionalLoopEvents,
} from '../fixtures/events';
import { changeRequested, changeScripts, otherService } from '../fixtures/changes';
import { samples, validIntake } from '../fixtures/requests';
import { eventually } from '../helpers/eventually';
import { startRequest } from '../helpers/requests';

type Event = TestEvent;

/** A request's life, as recorded for replay: how it starts and the events it gets, in order. */
export interface Scenario {
  name: string;
  cloud: Cloud;
  type: ConnectionType;
  /** `start` starts with the intake; `signal-with-start` starts empty and submits by signal, as a webhook does. */
  start: 'start' | 'signal-with-start';
  intake?: (ticketId: string) => IntakeDraft;
  /**
   * Before the events are sent, wait until the request's state view satisfies this: for work the request does on its
   * own (the SLA clock's start and breach) that would otherwise race with the first event and order effects by chance.
   */
  settledWhen?: (view: StateView) => boolean;
  events: Event[];
  expected: EnablementResult['status'];
  /**
   * What only the recording (`npm run replay:record`) arranges, so that the corpus holds what a request meets in
   * days or on a bad day: SLA timers that fire, a ticket system that fails and an effect retried. The other runs of
   * the scenario (the uncached replay, the drills) play it without this and reach the same end.
   */
  recording?: {
    /** The SLA settings of the recording worker's vendor configuration, in place of the example's. */
    sla?: VendorConfig['sla'];
    /** The ticket system fails this many comment attempts for the request (a retryable error) before taking them. */
    failingComments?: number;
    /** Waited for, besides `settledWhen`, before the events are sent. */
    settledWhen?: (view: StateView) => boolean;
  };
}

/**
 * The recording's dev server suggests continue-as-new after this many history events, instead of Temporal's
 * thousands: above every scenario's history but the one that adds notes until it continues.
 */
export const RECORDING_SUGGEST_CONTINUE_AS_NEW = 300;

/** Enough notes for a run to pass RECORDING_SUGGEST_CONTINUE_AS_NEW events, and continue as new while they arrive. */
const NOTES_TO_CONTINUE = 60;

const forward = forwardLegEvents;
const reverse = reverseLegEvents;

/** A scenario as written: one that reaches `enabled` goes on to the connection's removal (see {@link scenarios}). */
type Draft = Omit<Scenario, 'expected'> & { expected: Scenario['expected'] | 'enabled' };

/** The change ticket that removes a scenario's connection. */
const REMOVAL_TICKET = 'REMOVE-1';

/**
 * The events that remove an enabled connection (docs/lifecycle.md): access revoked, the connection removed, and each
 * vendor endpoint to the customer's services deleted (one per verified reverse connection still connected).
 */
function removal(events: readonly Event[], type: ConnectionType): Event[] {
  const removedServices = events.filter(
    (e) => e.type === 'change.requested' && (e.change as { kind?: string }).kind === 'remove_service',
  ).length;
  const reverseConnections = events.filter((e) => e.type === 'reverse_connection.verified').length - removedServices;
  return [
    changeRequested(REMOVAL_TICKET, { kind: 'remove' }),
    // A reverse connection let no account of the customer's in: there is nothing to revoke or reject.
    ...(type === 'reverse' ? [] : [{ type: 'customer_access.revoked' }, { type: 'connection.removed' }]),
    ...Array.from({ length: reverseConnections }, () => ({ type: 'vendor_endpoint.deleted' })),
  ];
}

/** The events of the change of `kind` on a connection of `cloud` and `type` (test/fixtures/changes.ts). */
const change = (cloud: Cloud, type: ConnectionType, kind: string, changeTicketId: string): Event[] => {
  const script = changeScripts(cloud, type).find((s) => s.kind === kind)!;
  return [changeRequested(changeTicketId, script.change), ...script.events];
};

/**
 * Every path and loop of both machines, on both clouds (endpoint ids in each scenario's cloud's format), and each kind
 * of change after enablement. A request's workflow ends only when its connection is removed, so every scenario that
 * reaches `enabled` goes on to a `remove` change ticket.
 */
export const scenarios: Scenario[] = (
  [
    {
      name: 'aws-unidirectional',
      cloud: 'aws',
      type: 'unidirectional',
      start: 'start',
      events: forward,
      expected: 'enabled',
    },
    {
      name: 'azure-unidirectional',
      cloud: 'azure',
      type: 'unidirectional',
      start: 'start',
      events: forward,
      expected: 'enabled',
    },
    {
      name: 'aws-bidirectional',
      cloud: 'aws',
      type: 'bidirectional',
      start: 'signal-with-start',
      events: [...forward, ...reverse],
      expected: 'enabled',
    },
    {
      name: 'azure-bidirectional-loops',
      cloud: 'azure',
      type: 'bidirectional',
      start: 'start',
      intake: (ticketId) => {
        const { customerAccount: _missing, ...draft } = validIntake('azure', 'bidirectional', ticketId);
        return draft;
      },
      events: [
        { type: 'note.added', text: 'asked the customer for the subscription id' },
        { type: 'ticket.updated', intake: { customerAccount: '3f2504e0-4f89-41d3-9a0c-0305e82c3301' } },
        ...bidirectionalLoopEvents,
      ],
      expected: 'enabled',
    },
    {
      name: 'azure-bidirectional',
      cloud: 'azure',
      type: 'bidirectional',
      start: 'signal-with-start',
      events: [...forward, ...reverse],
      expected: 'enabled',
    },
    {
      // Azure lists a second target service: the reverse leg runs again for it before the request is enabled.
      name: 'azure-bidirectional-two-targets',
      cloud: 'azure',
      type: 'bidirectional',
      start: 'start',
      intake: (ticketId) => ({
        ...validIntake('azure', 'bidirectional', ticketId),
        azure: {
          clusterId: 'cl-7x2k9',
          targetResourceIds: [samples.AZURE_SERVICE.replace('acme-db', 'acme-queue')],
        },
      }),
      events: [
        ...forward,
        ...reverse,
        { type: 'vendor_endpoint.created', endpointId: 'vpce-0e4d0e4d0000000b3', endpointDns: '127.0.0.1' },
        { type: 'reverse_connection.approved' },
        { type: 'reverse_connection.verified' },
      ],
      expected: 'enabled',
    },
    {
      name: 'aws-unidirectional-loops',
      cloud: 'aws',
      type: 'unidirectional',
      start: 'start',
      events: unidirectionalLoopEvents,
      expected: 'enabled',
    },
    {
      // A ticket that arrives long after its submission: breached and escalated at once, the next escalation's timer
      // armed, then cancelled when the request is enabled.
      name: 'aws-sla-breached',
      cloud: 'aws',
      type: 'unidirectional',
      start: 'start',
      intake: (ticketId) => ({
        ...validIntake('aws', 'unidirectional', ticketId),
        submittedAt: '2026-01-05T14:00:00Z',
      }),
      settledWhen: (view) => view.effects.done.some((e) => e.what === 'sla_breached' && e.type === 'postTicketComment'),
      events: forward,
      expected: 'enabled',
    },
    {
      // A clock of seconds (24/7, a target of 7.2 s, a warning at half of it): the warning, the breach and a repeated
      // escalation fire by timer while the recording waits, and the next escalation's timer is cancelled at the end.
      name: 'aws-sla-timers',
      cloud: 'aws',
      type: 'unidirectional',
      start: 'start',
      events: forward,
      expected: 'enabled',
      recording: {
        sla: {
          calendar: {
            timeZone: 'UTC',
            week: Object.fromEntries(
              ['mon', 'tue', 'wed', 'thu', 'fri', 'sat', 'sun'].map((day) => [day, [['00:00', '24:00']]]),
            ),
            holidays: [],
            slaBusinessHours: 0.002,
          },
          pauseWhileWaitingOnCustomer: false,
          warnAtPercent: [50],
        },
        settledWhen: (view) =>
          view.effects.done.some((e) => e.what === 'sla_escalation' && e.type === 'postTicketComment'),
      },
    },
    {
      // The ticket system fails the first comment in its batch and once more alone: the batch stops there, the
      // comment is retried alone with backoff (its second attempt is in the history) before the notification after it.
      name: 'aws-effect-retry',
      cloud: 'aws',
      type: 'unidirectional',
      start: 'start',
      events: forward,
      expected: 'enabled',
      recording: {
        // The batch's try, three tries alone, and the first of the later ones: the request is listed as retrying it.
        failingComments: 5,
        settledWhen: (view) => view.effects.done.some((e) => e.type === 'postTicketComment' && e.status === 'done'),
      },
    },
    {
      // Notes until Temporal suggests continue-as-new (the recording's server does so early): the request continues
      // in a second run, which takes the rest of the events. Each run is recorded (aws-continued-as-new.json, .run2).
      name: 'aws-continued-as-new',
      cloud: 'aws',
      type: 'unidirectional',
      start: 'start',
      events: [
        ...forward.slice(0, 2),
        ...Array.from({ length: NOTES_TO_CONTINUE }, (_, i) => ({ type: 'note.added', text: `note ${i + 1}` })),
        ...forward.slice(2),
      ],
      expected: 'enabled',
    },
    {
      // Claimed, handed over and given up on the way: request.assigned and its search attribute.
      name: 'aws-assigned',
      cloud: 'aws',
      type: 'unidirectional',
      start: 'start',
      events: [
        { type: 'request.assigned', assignee: 'alice@vendor.example', expected: null },
        forward[0]!,
        { type: 'request.assigned', assignee: 'bob@vendor.example', expected: 'alice@vendor.example' },
        ...forward.slice(1),
        { type: 'request.assigned', assignee: null },
      ],
      expected: 'enabled',
    },
    {
      name: 'aws-cancelled',
      cloud: 'aws',
      type: 'bidirectional',
      start: 'start',
      events: [forward[0]!, { type: 'request.cancelled', reason: 'customer withdrew' }],
      expected: 'cancelled',
    },
    {
      name: 'azure-cancelled',
      cloud: 'azure',
      type: 'unidirectional',
      start: 'signal-with-start',
      intake: (ticketId) => {
        const { azure: _missing, ...draft } = validIntake('azure', 'unidirectional', ticketId);
        return draft;
      },
      events: [{ type: 'request.cancelled', reason: 'customer withdrew while we waited for the cluster id' }],
      expected: 'cancelled',
    },
    {
      name: 'aws-rejected',
      cloud: 'aws',
      type: 'unidirectional',
      start: 'start',
      intake: (ticketId) => ({ ...validIntake('aws', 'unidirectional', ticketId), environment: 'integration' }),
      events: [],
      expected: 'rejected',
    },
    {
      name: 'azure-rejected',
      cloud: 'azure',
      type: 'bidirectional',
      start: 'signal-with-start',
      intake: (ticketId) => ({ ...validIntake('azure', 'bidirectional', ticketId), environment: 'local' }),
      events: [],
      expected: 'rejected',
    },
    {
      name: 'alibaba-unidirectional',
      cloud: 'alibaba',
      type: 'unidirectional',
      start: 'start',
      events: forward,
      expected: 'enabled',
    },
    {
      name: 'alibaba-bidirectional',
      cloud: 'alibaba',
      type: 'bidirectional',
      start: 'signal-with-start',
      events: [...forward, ...reverse],
      expected: 'enabled',
    },
    {
      // Seed 002: the vendor only consumes the customer's service.
      name: 'aws-reverse',
      cloud: 'aws',
      type: 'reverse',
      start: 'start',
      events: reverse,
      expected: 'enabled',
    },
    {
      // The customer's Alibaba endpoint service accepts connections by itself: no acceptance step.
      name: 'alibaba-reverse-auto-accept',
      cloud: 'alibaba',
      type: 'reverse',
      start: 'signal-with-start',
      intake: (ticketId) => {
        const draft = validIntake('alibaba', 'reverse', ticketId);
        return { ...draft, alibaba: { ...(draft.alibaba as object), autoAcceptConnections: true } };
      },
      events: reverse.filter((e) => e.type !== 'reverse_connection.approved'),
      expected: 'enabled',
    },
    {
      // A change of account in the safe order, then the removal.
      name: 'aws-change-account',
      cloud: 'aws',
      type: 'unidirectional',
      start: 'start',
      events: [...forward, ...change('aws', 'unidirectional', 'change_account', 'CHG-1')],
      expected: 'enabled',
    },
    {
      // One more customer service connected, the first one disconnected, then the removal.
      name: 'azure-services-changed',
      cloud: 'azure',
      type: 'bidirectional',
      start: 'start',
      events: [
        ...forward,
        ...reverse,
        ...change('azure', 'bidirectional', 'add_service', 'CHG-1'),
        ...change('azure', 'bidirectional', 'remove_service', 'CHG-2'),
      ],
      expected: 'enabled',
    },
    {
      // A change cancelled half-way (nothing changed yet), a note on the record, then the removal.
      name: 'aws-change-cancelled',
      cloud: 'aws',
      type: 'bidirectional',
      start: 'signal-with-start',
      events: [
        ...forward,
        ...reverse,
        changeRequested('CHG-1', { kind: 'add_service', customerServiceName: otherService('aws') }),
        { type: 'principal.granted' },
        { type: 'change.cancelled', reason: 'the customer postponed the new service' },
        { type: 'note.added', text: 'customer will come back in January' },
      ],
      expected: 'enabled',
    },
    {
      // Notes while a change is open until Temporal suggests continue-as-new: the change goes on in the second run.
      name: 'aws-change-continued-as-new',
      cloud: 'aws',
      type: 'unidirectional',
      start: 'start',
      events: [
        ...forward,
        ...change('aws', 'unidirectional', 'change_account', 'CHG-1').slice(0, 3),
        ...Array.from({ length: NOTES_TO_CONTINUE }, (_, i) => ({ type: 'note.added', text: `change note ${i + 1}` })),
        ...change('aws', 'unidirectional', 'change_account', 'CHG-1').slice(3),
      ],
      expected: 'enabled',
    },
  ] satisfies Draft[]
).map((draft): Scenario => {
  const events = onCloud(draft.cloud, draft.events);
  return draft.expected === 'enabled'
    ? { ...draft, events: [...events, ...removal(events, draft.type)], expected: 'removed' }
    : { ...draft, events, expected: draft.expected };
});

/** Who sends every event of a recorded scenario. */
export const RECORDER = 'replay-recorder@vendor.example';

/** The ticket a scenario's committed history was recorded for (`npm run replay:record`). */
export function recordedTicketId(scenario: Pick<Scenario, 'name'>): string {
  return `REPLAY-${scenario.name}`;
}

/** How a scenario is run: who sends its events, and how its state is read (a drill waits out worker restarts). */
export interface RunOptions {
  actor?: string;
  read?: (handle: WorkflowHandle) => Promise<StateView>;
  /** Awaited before the scenario's `index`-th event is sent (a drill holds runs open there). */
  beforeEvent?: (index: number) => Promise<void>;
  /** Waited for, besides the scenario's `settledWhen`, before its events are sent (the recording's). */
  settledWhen?: (view: StateView) => boolean;
}

/**
 * Runs a scenario to its end through the product's signal and update, as its clients do: started with its intake, or
 * empty and submitted by signal-with-start as a webhook does; returns its handle and result. The final state view is
 * the caller's to read, when its workers are up (a query of an ended request needs a worker to replay it).
 */
export async function runScenario(
  client: Client,
  taskQueue: string,
  scenario: Scenario,
  ticketId: string,
  { actor = RECORDER, read = (handle) => readState(handle), beforeEvent, settledWhen }: RunOptions = {},
): Promise<{ handle: WorkflowHandle & { readonly firstExecutionRunId: string }; result: EnablementResult }> {
  const intake = scenario.intake?.(ticketId) ?? validIntake(scenario.cloud, scenario.type, ticketId);
  const handle = await startRequest(client, ticketId, { intake, taskQueue, via: scenario.start, actor });
  // The intake is taken in (a signal is applied asynchronously), and the scenario's own condition holds.
  await eventually(
    () => read(handle),
    (view) =>
      (scenario.start !== 'signal-with-start' || view.events.length > 0) &&
      (scenario.settledWhen?.(view) ?? true) &&
      (settledWhen?.(view) ?? true),
    { timeoutMs: 30_000, intervalMs: 25, what: `${scenario.name} to settle before its events` },
  );
  for (const [index, event] of scenario.events.entries()) {
    await beforeEvent?.(index);
    await handle.executeUpdate(applyEnablementEventUpdate, { args: [{ actor, ...event } as EnablementEventInput] });
  }
  return { handle, result: await handle.result() };
}
