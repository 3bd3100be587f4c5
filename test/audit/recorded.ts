import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { historyFromJSON } from '@temporalio/common/lib/proto-utils';
import { temporal } from '@temporalio/proto';
import { first } from '../../src/audit/decode';
import type { RunHistory } from '../../src/audit/timeline';
import { checkEvent } from '../../src/domain/events';
import { submissionEventId } from '../../src/domain/ticket';
import type { VendorConfig } from '../../src/domain/vendor-config';
import { type Effect, startRequest } from '../../src/machines';
import { applyRequestEvent, requestOf, type RequestState } from '../../src/machines/request';
import type { EnablementEventInput } from '../../src/temporal/messages';
import { validIntake } from '../fixtures/requests';
import { RECORDER, recordedTicketId, type Scenario } from '../replay/scenarios';

const T = temporal.api.enums.v1.EventType;

export { RECORDER, recordedTicketId };

/**
 * A committed replay history, read as the SDK reads the stock CLI's JSON export (`temporal workflow show --output
 * json`): its first run (`<scenario>.json`).
 */
export function recordedRun(scenario: Scenario): RunHistory {
  return recordedRuns(scenario)[0]!;
}

/** Every run of a committed replay history, in order: `<scenario>.json`, then `<scenario>.run2.json`, ... */
export function recordedRuns(scenario: Scenario): RunHistory[] {
  const runs: RunHistory[] = [];
  for (let n = 1; ; n++) {
    const file = join(__dirname, '..', 'replay', 'histories', `${scenario.name}${n === 1 ? '' : `.run${n}`}.json`);
    if (n > 1 && !existsSync(file)) return runs;
    const events = historyFromJSON(JSON.parse(readFileSync(file, 'utf8')) as unknown).events ?? [];
    const runId = events[0]?.workflowExecutionStartedEventAttributes?.originalExecutionRunId ?? '';
    runs.push({ runId, events });
  }
}

/** The vendor configuration the run loaded (the result of its `loadVendorConfig` activity). */
function loadedVendorConfig(run: RunHistory): VendorConfig {
  const scheduled = run.events.find(
    (e) => e.activityTaskScheduledEventAttributes?.activityType?.name === 'loadVendorConfig',
  );
  const completed = run.events.find(
    (e) =>
      e.eventType === T.EVENT_TYPE_ACTIVITY_TASK_COMPLETED &&
      String(e.activityTaskCompletedEventAttributes?.scheduledEventId) === String(scheduled?.eventId),
  );
  const config = first(completed?.activityTaskCompletedEventAttributes?.result);
  if (!config) throw new Error('the recorded run loaded no vendor configuration');
  return config as VendorConfig;
}

/** What a scenario did, as the machine says it must have happened. */
export interface ExpectedRun {
  /** The events sent to the request, in order (with `ticket.submitted` when the request started empty). */
  sent: EnablementEventInput[];
  /** The request after the start, then after each sent event. */
  snapshots: RequestState[];
  /** Every effect the machine asked for, the SLA clock's aside. */
  effects: Effect[];
}

/** Runs the scenario's events through the pure machine, with the vendor configuration the recorded run loaded. */
export function expectedRun(scenario: Scenario, run: RunHistory): ExpectedRun {
  const ticketId = recordedTicketId(scenario);
  const intake = scenario.intake?.(ticketId) ?? validIntake(scenario.cloud, scenario.type, ticketId);
  const sent: EnablementEventInput[] = [
    ...(scenario.start === 'signal-with-start'
      ? [
          {
            type: 'ticket.submitted',
            actor: RECORDER,
            eventId: submissionEventId(ticketId),
            intake,
          } as EnablementEventInput,
        ]
      : []),
    ...scenario.events.map((event) => ({ actor: RECORDER, ...event }) as EnablementEventInput),
  ];
  const start = startRequest({
    ticketId,
    vendor: loadedVendorConfig(run),
    ...(scenario.start === 'start' ? { intake } : {}),
  });
  const snapshots = [requestOf(start.snapshot)];
  const effects = [...start.effects];
  for (const raw of sent) {
    const parsed = checkEvent(raw);
    if (!parsed.ok) throw new Error(`${scenario.name}: ${parsed.reason}`);
    const step = applyRequestEvent(snapshots.at(-1)!, parsed.event, '2026-11-02T15:00:00.000Z');
    if ('refused' in step) throw new Error(`${scenario.name}: ${step.message}`);
    snapshots.push(step.state);
    effects.push(...step.effects);
  }
  return { sent, snapshots, effects };
}

/** An effect as the timeline names it: the comment template, the notification kind, the check's target and ports. */
export function effectInWords(effect: Effect): string {
  switch (effect.type) {
    case 'postTicketComment':
      return `ticket comment: ${effect.params.template}`;
    case 'notify':
      return `notification: ${effect.params.kind}`;
    case 'runConnectivityCheck':
      return `connectivity check: ${effect.params.target}:${effect.params.ports.join(',')}`;
  }
}
