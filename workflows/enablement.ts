import {
  allHandlersFinished,
  ApplicationFailure,
  condition,
  continueAsNew,
  currentUpdateInfo,
  proxyActivities,
  setHandler,
  upsertSearchAttributes,
  workflowInfo,
} from '@temporalio/workflow';
import type { EnablementActivities } from '../activities';
import { TICKET_ID_PATTERN, TICKET_ID_RULE } from '../src/domain/ticket';
import type { VendorConfig } from '../src/domain/vendor-config';
import { type EnablementSnapshot, machineFor, slaEffects, startRequest, stateName, waitingOnOf } from '../src/machines';
import { slaClockStart } from '../src/sla/clock-start';
import { failureTypes } from '../src/temporal/failures';
import {
  applyEnablementEventUpdate,
  type AuditEntry,
  enablementEventSignal,
  type EnablementEventInput,
  type EnablementResult,
  type EnablementWorkflowInput,
  enablementStateQuery,
  type EventOutcome,
  type ResumeState,
  STARTING,
} from '../src/temporal/messages';
import { STARTED_BY_MEMO_KEY, workflowIdForTicket } from '../src/temporal/names';
import { AuditTrail } from './audit-trail';
import { EffectRunner } from './effects';
import { EventDesk, type Received } from './event-desk';
import { SlaTracker } from './sla';
import { fetchBusinessWindows, SlaTimer } from './sla-timer';
import { requestResult, searchAttributesOf, stateSummary, stateView } from './state-view';

/**
 * The vendor configuration, recorded in history at start. A regular activity rather than a local one: its result
 * must survive the workflow being evicted from the worker's cache while it runs.
 */
const { loadVendorConfig } = proxyActivities<EnablementActivities>({
  startToCloseTimeout: '10 seconds',
  retry: { initialInterval: '1 second', maximumInterval: '30 seconds' },
});

/**
 * One PrivateLink enablement request, from ticket to enabled, rejected or cancelled. Hosts the machine for the
 * request's path with XState's pure transition functions; events arrive by signal (`enablementEvent`) or update
 * (`applyEnablementEvent`), and the effects each transition asks for run as activities, in order.
 */
export async function enablementWorkflow(input: EnablementWorkflowInput): Promise<EnablementResult> {
  const ticketId = checkedTicketId(input);
  const { workflowId } = workflowInfo();
  const trail = new AuditTrail(input.resume?.trail);
  // Who started the request, as its start recorded it (the API's caller, a ticket system's webhook).
  const startedMemo = workflowInfo().memo?.[STARTED_BY_MEMO_KEY];
  const startedBy = input.resume?.startedBy ?? (typeof startedMemo === 'string' ? startedMemo : undefined);
  const effects = new EffectRunner(ticketId, workflowId, startedBy, input.resume);
  const slaTimer = new SlaTimer();
  // Set once the vendor configuration is loaded; until then signals wait here and updates wait in their handler.
  let snapshot: EnablementSnapshot | undefined;
  let sla: SlaTracker | undefined;
  // Bumped when the SLA clock pauses or resumes, to re-aim the SLA timer.
  let slaVersion = 0;
  const earlySignals: EnablementEventInput[] = [];
  const desk = new EventDesk(trail);

  /** Upserts the search attributes when they changed (each upsert is a history event). */
  let lastSearchAttributes = '';
  const publish = (current: EnablementSnapshot) => {
    const pairs = searchAttributesOf(current, { breached: sla?.breached ?? false, deadline: sla?.deadline() });
    const key = JSON.stringify(pairs);
    if (key !== lastSearchAttributes) upsertSearchAttributes(pairs);
    lastSearchAttributes = key;
  };

  /** Pauses or resumes the SLA clock as the request starts or stops waiting on the customer (policy permitting). */
  const trackPause = (current: EnablementSnapshot) => {
    const waiting = current.status === 'active' && waitingOnOf(current) === 'customer';
    if (sla?.waitingOnCustomer(waiting, Date.now())) slaVersion++;
  };

  /** Applies an event, or records why not; an applied one moves the request and queues its effects. */
  const receive = (
    current: EnablementSnapshot,
    raw: EnablementEventInput,
    via: AuditEntry['via'],
    updateId?: string,
  ): Received => {
    const received = desk.receive(current, raw, via, updateId);
    if (received.applied) {
      snapshot = received.applied.snapshot;
      effects.enqueue(received.applied.effects);
      trackPause(snapshot);
      publish(snapshot);
    }
    return received;
  };

  const slaView = () => sla?.view(Date.now()) ?? null;

  // Handlers are registered before the first await: an update or query that arrives while the vendor configuration
  // loads must find them (the SDK rejects updates that meet no handler).
  setHandler(enablementStateQuery, () => {
    if (!snapshot) throw new Error(`Request ${ticketId} ${STARTING}; ask again in a moment.`);
    const events = {
      recent: trail.recent,
      count: { total: trail.count, repeats: trail.repeatCount, notes: trail.noteCount },
    };
    const effectView = {
      done: effects.records,
      pending: effects.pending,
      connectivityCheck: effects.connectivityCheck,
    };
    return stateView(ticketId, snapshot, events, effectView, slaView());
  });
  setHandler(enablementEventSignal, (raw) => {
    if (snapshot) receive(snapshot, raw, 'signal');
    else earlySignals.push(raw);
  });
  setHandler(
    applyEnablementEventUpdate,
    async (raw): Promise<EventOutcome> => {
      const updateId = currentUpdateInfo()?.id;
      if (!snapshot) await condition(() => snapshot !== undefined);
      // Only an update that arrived while starting can be refused here; the validator refused all others.
      const { entry, refusal, failureType } = receive(snapshot!, raw, 'update', updateId);
      if (refusal) throw ApplicationFailure.nonRetryable(refusal, failureType ?? failureTypes.eventRefused);
      return { ...stateSummary(ticketId, snapshot!, slaView()), event: entry, effects: { pending: effects.pending } };
    },
    {
      // Refusals here leave no trace in the history: the caller learns at once, and nothing changes. So do repeats:
      // an update whose event was applied already is turned away here, and the client answers it as a duplicate.
      validator: (raw: EnablementEventInput) => desk.validate(snapshot, raw),
    },
  );

  // Start, or resume where the previous run left off.
  const vendor: VendorConfig = input.resume?.vendor ?? (await loadVendorConfig());
  const clock = new SlaTracker(vendor.sla, input.resume?.sla);
  sla = clock;
  if (input.resume) {
    const { machine, value, context } = input.resume.snapshot;
    snapshot = machineFor(machine).resolveState({ value, context: context as never });
  } else {
    const first = startRequest({ ticketId, vendor, intake: input.intake });
    snapshot = first.snapshot;
    effects.enqueue(first.effects);
  }
  publish(snapshot);
  for (const raw of earlySignals.splice(0)) receive(snapshot, raw, 'signal');

  const current = () => snapshot!;
  const fetchWindows = fetchBusinessWindows(vendor.sla.calendar);

  /** Starts the SLA clock at the ticket's submission time (an activity fetches the calendar's business windows). */
  const startSlaClock = async () => {
    const { intake, draft } = current().context;
    await clock.start(slaClockStart(intake?.submittedAt ?? draft?.submittedAt, Date.now()), Date.now(), fetchWindows);
    trackPause(current());
    publish(current());
  };

  /** Queues what the SLA asks for now: a warning, the breach, an escalation. */
  const queueDueSlaEffects = () => {
    for (const record of clock.due(slaTimer.now())) {
      // A due SLA event implies a running clock, so the deadline is known.
      effects.enqueue(slaEffects(record, current(), vendor.sla.calendar.timeZone, clock.deadline()!));
      publish(current());
    }
  };

  // Each turn awaits only what there is to do: an await with nothing behind it still costs a round of the workflow's
  // promise machinery on every wake-up and on every replayed event.
  for (;;) {
    if (current().status === 'active') {
      if (!clock.started && current().context.draft) await startSlaClock();
      if (clock.needsMoreWindows()) await clock.extend(fetchWindows);
      queueDueSlaEffects();
    }

    // Sleep until an event, a queued effect, the SLA's next instant, the request's end, or time to continue as new.
    const version = slaVersion;
    const wake = () =>
      effects.queued ||
      current().status !== 'active' ||
      workflowInfo().continueAsNewSuggested ||
      slaVersion !== version ||
      (!clock.started && current().context.draft !== undefined);
    const next = current().status === 'active' ? clock.nextAt() : undefined;
    slaTimer.aim(next);
    if (next === undefined || next > Date.now()) await condition(() => wake() || slaTimer.fired);
    slaTimer.settle();

    if (effects.queued) await effects.runQueued();

    if (current().status !== 'active' || workflowInfo().continueAsNewSuggested) {
      // Let updates in flight finish (their effects join the queue) before ending or continuing.
      await condition(allHandlersFinished);
      if (effects.queued) continue;
      const last = current();
      if (last.status !== 'active') return requestResult(ticketId, last, trail.count);
      const resume: ResumeState = {
        vendor,
        snapshot: { machine: last.context.connectionType, value: stateName(last), context: last.context },
        trail: trail.state,
        ...(startedBy !== undefined ? { startedBy } : {}),
        ...effects.state,
        sla: clock.state,
      };
      return continueAsNew<typeof enablementWorkflow>({ ticketId, resume });
    }
  }
}

/** The ticket id of a well-formed input; anything else ends the workflow at once (no request can have it). */
function checkedTicketId(input: EnablementWorkflowInput): string {
  const ticketId = typeof input?.ticketId === 'string' ? input.ticketId : '';
  if (!TICKET_ID_PATTERN.test(ticketId)) {
    throw ApplicationFailure.nonRetryable(
      `ticketId ${TICKET_ID_RULE} (got ${JSON.stringify(input?.ticketId)})`,
      failureTypes.invalidWorkflowInput,
    );
  }
  const { workflowId } = workflowInfo();
  if (workflowId !== workflowIdForTicket(ticketId)) {
    throw ApplicationFailure.nonRetryable(
      `The workflow for ticket ${ticketId} must have id ${workflowIdForTicket(ticketId)} (one workflow per ticket), not ${workflowId}`,
      failureTypes.invalidWorkflowInput,
    );
  }
  return ticketId;
}
