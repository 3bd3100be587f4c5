import {
  allHandlersFinished,
  ApplicationFailure,
  condition,
  continueAsNew,
  currentUpdateInfo,
  proxyActivities,
  setCurrentDetails,
  setHandler,
  upsertMemo,
  upsertSearchAttributes,
  workflowInfo,
} from '@temporalio/workflow';
import type { EnablementActivities } from '../activities';
import { TICKET_ID_PATTERN, TICKET_ID_RULE } from '../src/domain/ticket';
import type { VendorConfig } from '../src/domain/vendor-config';
import { changeSlaEffects, slaEffects, startRequest } from '../src/machines';
import {
  connectionOf,
  persistRequest,
  requestOf,
  requestOpen,
  type RequestState,
  requestWaitingOn,
  resumeRequest,
} from '../src/machines/request';
import { slaClockStart } from '../src/sla/clock-start';
import { failureTypes } from '../src/temporal/failures';
import { currentDetails } from '../src/temporal/user-metadata';
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
import { CONNECTION_MEMO_KEY, searchAttributes, STARTED_BY_MEMO_KEY, workflowIdForTicket } from '../src/temporal/names';
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
  summary: 'load the vendor configuration (projects, principals, endpoint services, SLA)',
  startToCloseTimeout: '10 seconds',
  retry: { initialInterval: '1 second', maximumInterval: '30 seconds' },
});

/**
 * One PrivateLink request, from ticket to enabled, rejected or cancelled, and then the connection's record until it is
 * removed (docs/lifecycle.md). Hosts the machine for the request's path, then each change's machine, with XState's
 * pure transition functions; events arrive by signal (`enablementEvent`) or update (`applyEnablementEvent`), and the
 * effects each transition asks for run as activities, in order.
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
  let request: RequestState | undefined;
  let sla: SlaTracker | undefined;
  // The open change's own SLA clock (docs/lifecycle.md): from the change ticket's submission.
  let changeSla: SlaTracker | undefined;
  // Bumped when an SLA clock pauses, resumes or stops, to re-aim the SLA timer.
  let slaVersion = 0;
  const earlySignals: EnablementEventInput[] = [];
  const desk = new EventDesk(trail);

  /**
   * Upserts the search attributes and the connection's memo when they changed (each upsert is a history event). An
   * upsert names only the attributes whose value changed since this run's previous one (Temporal keeps the others),
   * plus the state, status and waiting-on, which the audit timeline reads a state change from; the first of a run
   * names them all.
   */
  const lastSearchAttributes = new Map<string, string>();
  let lastConnection = '';
  const publish = (current: RequestState) => {
    const pairs = searchAttributesOf(
      current,
      { breached: sla?.breached ?? false, deadline: sla?.deadline() },
      { breached: changeSla?.breached ?? false, deadline: changeSla?.deadline() },
      effects.attention,
    );
    const changed = pairs.filter((p) => lastSearchAttributes.get(p.key.name) !== JSON.stringify(p.value));
    // With the time of the change, which the console's inbox follows (workflow time: the same on replay).
    if (changed.length) {
      for (const p of changed) lastSearchAttributes.set(p.key.name, JSON.stringify(p.value));
      const named = pairs.filter((p) => changed.includes(p) || alwaysUpserted.has(p.key.name));
      upsertSearchAttributes([...named, { key: searchAttributes.updatedAt, value: new Date() }]);
    }
    const connection = connectionOf(current);
    const record = connection ? JSON.stringify(connection) : '';
    if (record !== lastConnection) upsertMemo({ [CONNECTION_MEMO_KEY]: connection });
    lastConnection = record;
    // Shown by the Temporal UI (no history event): where the request stands, in words.
    setCurrentDetails(currentDetails(stateSummary(ticketId, current, slaView(), changeSlaView())));
  };

  /** Pauses or resumes the SLA clocks as the request (or its change) starts or stops waiting on the customer. */
  const trackPause = (current: RequestState) => {
    const now = Date.now();
    const open = requestOpen(current);
    if (!current.lifecycle) {
      if (sla?.waitingOnCustomer(open && requestWaitingOn(current) === 'customer', now)) slaVersion++;
      return;
    }
    if (sla && !sla.stopped) {
      sla.stop(now);
      slaVersion++;
    }
    if (changeSla?.waitingOnCustomer(open && requestWaitingOn(current) === 'customer', now)) slaVersion++;
  };

  /** After a transition: a change that opened gets its SLA clock, one that ended drops it. */
  const trackChange = (before: RequestState, after: RequestState) => {
    const was = before.lifecycle?.change?.changeTicketId;
    const is = after.lifecycle?.change?.changeTicketId;
    if (was === is) return;
    changeSla = is === undefined ? undefined : new SlaTracker(vendorSla());
    slaVersion++;
  };

  /** Applies an event, or records why not; an applied one moves the request and queues its effects. */
  const receive = (
    current: RequestState,
    raw: EnablementEventInput,
    via: AuditEntry['via'],
    updateId?: string,
  ): Received => {
    const received = desk.receive(current, raw, via, updateId);
    if (received.applied) {
      request = received.applied.state;
      effects.enqueue(received.applied.effects);
      trackChange(current, request);
      trackPause(request);
      publish(request);
    }
    // A refused change that reached no person (a ticket system's) is answered on its ticket.
    if (received.answer) effects.enqueue(received.answer);
    return received;
  };

  const slaView = () => sla?.view(Date.now()) ?? null;
  const changeSlaView = () => changeSla?.view(Date.now()) ?? null;

  // Handlers are registered before the first await: an update or query that arrives while the vendor configuration
  // loads must find them (the SDK rejects updates that meet no handler).
  setHandler(enablementStateQuery, () => {
    if (!request) throw new Error(`Request ${ticketId} ${STARTING}; ask again in a moment.`);
    const events = {
      recent: trail.recent,
      count: { total: trail.count, repeats: trail.repeatCount, notes: trail.noteCount },
    };
    const effectView = {
      done: effects.records,
      pending: effects.pending,
      connectivityCheck: effects.connectivityCheck,
    };
    return stateView(ticketId, request, events, effectView, slaView(), changeSlaView());
  });
  setHandler(enablementEventSignal, (raw) => {
    if (request) receive(request, raw, 'signal');
    else earlySignals.push(raw);
  });
  setHandler(
    applyEnablementEventUpdate,
    async (raw): Promise<EventOutcome> => {
      const updateId = currentUpdateInfo()?.id;
      if (!request) await condition(() => request !== undefined);
      // Only an update that arrived while starting can be refused here; the validator refused all others.
      const { entry, refusal, failureType } = receive(request!, raw, 'update', updateId);
      if (refusal) throw ApplicationFailure.nonRetryable(refusal, failureType ?? failureTypes.eventRefused);
      return {
        ...stateSummary(ticketId, request!, slaView(), changeSlaView()),
        event: entry,
        effects: { pending: effects.pending },
      };
    },
    {
      // Refusals here leave no trace in the history: the caller learns at once, and nothing changes. So do repeats:
      // an update whose event was applied already is turned away here, and the client answers it as a duplicate.
      validator: (raw: EnablementEventInput) => desk.validate(request, raw),
    },
  );

  // Start, or resume where the previous run left off.
  const vendor: VendorConfig = input.resume?.vendor ?? (await loadVendorConfig());
  const vendorSla = () => vendor.sla;
  const clock = new SlaTracker(vendor.sla, input.resume?.sla);
  sla = clock;
  if (input.resume) {
    request = resumeRequest(input.resume.request);
    if (input.resume.changeSla) changeSla = new SlaTracker(vendor.sla, input.resume.changeSla);
  } else {
    const first = startRequest({ ticketId, vendor, intake: input.intake });
    request = requestOf(first.snapshot);
    effects.enqueue(first.effects);
  }
  publish(request);
  for (const raw of earlySignals.splice(0)) receive(request, raw, 'signal');

  const current = () => request!;
  // A comment or notification being retried shows on the attention list while it is, not only once it ends.
  effects.onAttentionChange = () => publish(current());
  const fetchWindows = fetchBusinessWindows(vendor.sla.calendar);
  const { timeZone } = vendor.sla.calendar;

  /** Starts the SLA clock at the ticket's submission time (an activity fetches the calendar's business windows). */
  const startSlaClock = async () => {
    const { intake, draft } = current().enablement.context;
    await clock.start(slaClockStart(intake?.submittedAt ?? draft?.submittedAt, Date.now()), Date.now(), fetchWindows);
    trackPause(current());
    publish(current());
  };

  /** Starts the open change's clock at its ticket's submission time. */
  const startChangeSlaClock = async (changeClock: SlaTracker, submittedAt: string) => {
    await changeClock.start(slaClockStart(submittedAt, Date.now()), Date.now(), fetchWindows);
    trackPause(current());
    publish(current());
  };

  /** Queues what the SLAs ask for now: a warning, the breach, an escalation (of the request, or of its change). */
  const queueDueSlaEffects = () => {
    for (const record of clock.due(slaTimer.now())) {
      // A due SLA event implies a running clock, so the deadline is known.
      effects.enqueue(slaEffects(record, current().enablement, timeZone, clock.deadline()!));
      publish(current());
    }
    const change = current().lifecycle?.change;
    if (!change || !changeSla) return;
    for (const record of changeSla.due(slaTimer.now())) {
      effects.enqueue(
        changeSlaEffects(record, change, current().lifecycle!.connection, timeZone, changeSla.deadline()!),
      );
      publish(current());
    }
  };

  /** The clock that needs its start: the request's (once its intake arrives), or the open change's. */
  const clockToStart = () => {
    // Even once stopped (a request enabled before its calendar arrived): the view then shows the time it took.
    if (!clock.started && current().enablement.context.draft) return 'request' as const;
    if (changeSla && !changeSla.started && current().lifecycle?.change) return 'change' as const;
    return undefined;
  };

  // Each turn awaits only what there is to do: an await with nothing behind it still costs a round of the workflow's
  // promise machinery on every wake-up and on every replayed event.
  for (;;) {
    if (requestOpen(current())) {
      const toStart = clockToStart();
      if (toStart === 'request') await startSlaClock();
      if (toStart === 'change') await startChangeSlaClock(changeSla!, current().lifecycle!.change!.submittedAt);
      if (clock.needsMoreWindows()) await clock.extend(fetchWindows);
      if (changeSla?.needsMoreWindows()) await changeSla.extend(fetchWindows);
      queueDueSlaEffects();
    }

    // Sleep until an event, a queued effect, the SLAs' next instant, the request's end, or time to continue as new.
    const version = slaVersion;
    const wake = () =>
      effects.queued ||
      !requestOpen(current()) ||
      workflowInfo().continueAsNewSuggested ||
      slaVersion !== version ||
      clockToStart() !== undefined;
    const next = requestOpen(current()) ? earliest(clock.nextAt(), changeSla?.nextAt()) : undefined;
    slaTimer.aim(next);
    if (next === undefined || next > Date.now()) await condition(() => wake() || slaTimer.fired);
    slaTimer.settle();

    if (effects.queued) {
      await effects.runQueued();
      // A failed comment or check shows on the attention list (an upsert only when that changed).
      publish(current());
    }

    if (!requestOpen(current()) || workflowInfo().continueAsNewSuggested) {
      // Let updates in flight finish (their effects join the queue) before ending or continuing.
      await condition(allHandlersFinished);
      if (effects.queued) continue;
      const last = current();
      if (!requestOpen(last)) return requestResult(ticketId, last, trail.count);
      const resume: ResumeState = {
        vendor,
        request: persistRequest(last),
        trail: trail.state,
        ...(startedBy !== undefined ? { startedBy } : {}),
        ...effects.state,
        sla: clock.state,
        ...(changeSla ? { changeSla: changeSla.state } : {}),
      };
      return continueAsNew<typeof enablementWorkflow>({ ticketId, resume });
    }
  }
}

/** The search attributes every upsert names, changed or not: the audit timeline reads each state change from them. */
const alwaysUpserted = new Set([
  searchAttributes.state.name,
  searchAttributes.status.name,
  searchAttributes.waitingOn.name,
]);

/** The earlier of two instants, either possibly unknown. */
function earliest(a: number | undefined, b: number | undefined): number | undefined {
  if (a === undefined) return b;
  return b === undefined ? a : Math.min(a, b);
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
