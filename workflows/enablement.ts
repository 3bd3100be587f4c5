import {
  type ActivityOptions,
  allHandlersFinished,
  ApplicationFailure,
  CancellationScope,
  condition,
  continueAsNew,
  currentUpdateInfo,
  log,
  proxyActivities,
  setHandler,
  sleep,
  upsertMemo,
  upsertSearchAttributes,
  workflowInfo,
} from '@temporalio/workflow';
import type { BatchableEffect, EnablementActivities } from '../activities';
import { checkEvent, type EnablementEvent, type EventCheck } from '../src/domain/events';
import type { VendorConfig } from '../src/domain/vendor-config';
import {
  applyEvent,
  companyOf,
  type Effect,
  type EnablementSnapshot,
  machineFor,
  startRequest,
  stateName,
  statusOf,
  waitingOnOf,
} from '../src/machines';
import {
  applyEnablementEventUpdate,
  type AuditEntry,
  type EffectRecord,
  enablementEventSignal,
  type EnablementEventInput,
  type EnablementResult,
  type EnablementWorkflowInput,
  enablementStateQuery,
  type ResumeState,
  type SlaRecord,
  STARTING,
} from '../src/temporal/messages';
import { AUDIT_MEMO_KEY, workflowIdForTicket } from '../src/temporal/names';
import { type FetchWindows, SlaTracker } from './sla';
import { searchAttributesOf, stateSummary, stateView } from './state-view';

/**
 * The vendor configuration, recorded in history at start. A regular activity rather than a local one: its result
 * must survive the workflow being evicted from the worker's cache while it runs.
 */
const { loadVendorConfig } = proxyActivities<EnablementActivities>({
  startToCloseTimeout: '10 seconds',
  retry: { initialInterval: '1 second', maximumInterval: '30 seconds' },
});

/** How long one ticket comment or notification may take (a batch gets this per effect). */
const EFFECT_TIMEOUT_SECONDS = 30;

/** Ticket comments and notifications: retried with backoff for a day; a 4xx from the outside system is final. */
const effectActivityOptions: ActivityOptions = {
  startToCloseTimeout: EFFECT_TIMEOUT_SECONDS * 1000,
  scheduleToCloseTimeout: '1 day',
  retry: {
    initialInterval: '2 seconds',
    backoffCoefficient: 2,
    maximumInterval: '5 minutes',
    nonRetryableErrorTypes: ['OutsideSystemRejected'],
  },
};
const { postTicketComment, sendNotification, businessWindows } =
  proxyActivities<EnablementActivities>(effectActivityOptions);

/** At most this many effects go out in one batch. */
const MAX_EFFECT_BATCH = 20;

/** An effect waiting to be carried out: its number in the request (the idempotency key's suffix) and what it is. */
interface QueuedEffect {
  seq: number;
  effect: Effect;
  /** Set on an effect a batch could not carry out: it is retried on its own, with backoff. */
  alone?: boolean;
}

/** Ticket comments and notifications go out in batches; connectivity checks, and effects being retried, alone. */
function batchable(item: QueuedEffect): boolean {
  return item.effect.type !== 'runConnectivityCheck' && !item.alone;
}

/** The template for comments, the kind for notifications, the target for checks. */
function effectWhat(effect: Effect): string {
  switch (effect.type) {
    case 'postTicketComment':
      return effect.params.template;
    case 'notify':
      return effect.params.kind;
    case 'runConnectivityCheck':
      return effect.params.target;
  }
}

/** A connectivity check is a measurement: one retry for a lost worker, not for a closed port (that is a result). */
const { checkConnectivity } = proxyActivities<EnablementActivities>({
  startToCloseTimeout: '2 minutes',
  retry: { maximumAttempts: 2 },
});

const TICKET_ID = /^[A-Za-z0-9._-]{1,64}$/;

/**
 * One PrivateLink enablement request, from ticket to enabled, rejected or cancelled. Hosts the machine for the
 * request's path with XState's pure transition functions; events arrive by signal (`enablementEvent`) or update
 * (`applyEnablementEvent`), and the effects each transition asks for run as activities, in order.
 */
export async function enablementWorkflow(input: EnablementWorkflowInput): Promise<EnablementResult> {
  const ticketId = typeof input?.ticketId === 'string' ? input.ticketId : '';
  if (!TICKET_ID.test(ticketId)) {
    throw ApplicationFailure.nonRetryable(
      `ticketId must be 1 to 64 letters, digits, '.', '_' or '-' (got ${JSON.stringify(input?.ticketId)})`,
      'InvalidWorkflowInput',
    );
  }
  const { workflowId } = workflowInfo();
  if (workflowId !== workflowIdForTicket(ticketId)) {
    throw ApplicationFailure.nonRetryable(
      `The workflow for ticket ${ticketId} must have id ${workflowIdForTicket(ticketId)} (one workflow per ticket), not ${workflowId}`,
      'InvalidWorkflowInput',
    );
  }

  const events: AuditEntry[] = input.resume?.events ?? [];
  const effects: EffectRecord[] = input.resume?.effects ?? [];
  const seenEventIds = new Set(events.filter((e) => e.result === 'applied' && e.eventId).map((e) => e.eventId!));
  const queue: QueuedEffect[] = [];
  let effectSeq = input.resume?.effectSeq ?? 0;
  // The effect being carried out right now, if any: still pending until its activity finishes.
  let inFlight = 0;
  const pending = () => queue.length + inFlight;
  // Set once the vendor configuration is loaded; until then events wait (see the handlers below).
  let snapshot: EnablementSnapshot | undefined;
  let sla: SlaTracker | undefined;
  // Bumped when the SLA clock pauses or resumes, to re-arm the SLA timer.
  let slaVersion = 0;
  const earlySignals: EnablementEventInput[] = [];

  const enqueue = (list: Effect[]) => {
    for (const effect of list) queue.push({ seq: ++effectSeq, effect });
  };
  let lastSearchAttributes = '';
  const publish = (current: EnablementSnapshot) => {
    const pairs = searchAttributesOf(current, { breached: sla?.breached ?? false, deadline: sla?.deadline() });
    const key = JSON.stringify(pairs);
    if (key !== lastSearchAttributes) upsertSearchAttributes(pairs);
    lastSearchAttributes = key;
  };

  /** Records one event in the audit trail. */
  const audit = (entry: Omit<AuditEntry, 'seq' | 'at'>): void => {
    const full: AuditEntry = { seq: events.length + 1, at: new Date().toISOString(), ...entry };
    events.push(full);
    // The result of each event, written into Temporal's event history (the audit timeline reads it from there).
    const { comment: _comment, ...marker } = full;
    upsertMemo({ [AUDIT_MEMO_KEY]: marker });
  };

  // The validator's verdict on the update it just accepted, for its handler in the same activation: each live update
  // is then checked and transitioned once, not twice. Used only while the snapshot is the one it was made against.
  let validated:
    | { updateId: string; against: EnablementSnapshot; parsed: EventCheck; step?: ReturnType<typeof applyEvent> }
    | undefined;

  /** Applies an event, or records why not. Returns the refusal reason, if any. */
  const receive = (
    current: EnablementSnapshot,
    raw: EnablementEventInput,
    via: AuditEntry['via'],
    updateId?: string,
  ): string | undefined => {
    const reuse = updateId && validated?.updateId === updateId && validated.against === current ? validated : undefined;
    validated = undefined;
    const from = stateName(current);
    const parsed = reuse?.parsed ?? checkEvent(raw);
    const base = {
      type: typeof raw?.type === 'string' ? raw.type : String(raw?.type),
      actor: typeof raw?.actor === 'string' ? raw.actor : '(unknown)',
      via,
      ...(typeof raw?.eventId === 'string' ? { eventId: raw.eventId } : {}),
      ...(typeof raw?.comment === 'string' ? { comment: raw.comment } : {}),
      from,
    };
    if (!parsed.ok) {
      audit({ ...base, result: 'refused', to: from, reason: parsed.reason });
      return parsed.reason;
    }
    const event: EnablementEvent = parsed.event;
    if (event.eventId && seenEventIds.has(event.eventId)) {
      audit({ ...base, result: 'duplicate', to: from });
      return undefined;
    }
    const step = reuse?.step ?? applyEvent(current, event);
    if ('refused' in step) {
      audit({ ...base, result: 'refused', to: from, reason: step.message });
      return step.message;
    }
    snapshot = step.snapshot;
    if (event.eventId) seenEventIds.add(event.eventId);
    audit({ ...base, result: 'applied', to: stateName(step.snapshot) });
    enqueue(step.effects);
    trackPause(step.snapshot);
    publish(step.snapshot);
    return undefined;
  };

  /** Pauses or resumes the SLA clock as the request starts or stops waiting on the customer (policy permitting). */
  const trackPause = (current: EnablementSnapshot) => {
    const waiting = current.status === 'active' && waitingOnOf(current) === 'customer';
    if (sla?.waitingOnCustomer(waiting, Date.now())) slaVersion++;
  };
  const view = (current: EnablementSnapshot) =>
    stateView(ticketId, current, events, effects, pending(), sla?.view(Date.now()) ?? null);

  // Handlers are registered before the first await: an update or query that arrives while the vendor configuration
  // loads must find them (the SDK rejects updates that meet no handler).
  setHandler(enablementStateQuery, () => {
    if (!snapshot) throw new Error(`Request ${ticketId} ${STARTING}; ask again in a moment.`);
    return view(snapshot);
  });
  setHandler(enablementEventSignal, (raw) => {
    if (snapshot) receive(snapshot, raw, 'signal');
    else earlySignals.push(raw);
  });
  setHandler(
    applyEnablementEventUpdate,
    async (raw) => {
      const updateId = currentUpdateInfo()?.id;
      if (!snapshot) await condition(() => snapshot !== undefined);
      // Only an update that arrived while starting can be refused here; the validator refused all others.
      const refusal = receive(snapshot!, raw, 'update', updateId);
      if (refusal) throw ApplicationFailure.nonRetryable(refusal, 'EventRefused');
      // `receive` recorded this event last (applied or duplicate); later ones wait for this handler to return.
      return {
        ...stateSummary(ticketId, snapshot!, sla?.view(Date.now()) ?? null),
        event: events.at(-1)!,
        effects: { pending: pending() },
      };
    },
    {
      // Refusals here leave no trace in the history: the caller learns at once, and nothing changes.
      validator: (raw) => {
        validated = undefined;
        const parsed = checkEvent(raw);
        if (!parsed.ok) throw new Error(parsed.reason);
        if (!snapshot || (parsed.event.eventId && seenEventIds.has(parsed.event.eventId))) return;
        const step = applyEvent(snapshot, parsed.event);
        if ('refused' in step) throw new Error(step.message);
        const updateId = currentUpdateInfo()?.id;
        if (updateId) validated = { updateId, against: snapshot, parsed, step };
      },
    },
  );

  const vendor: VendorConfig = input.resume?.vendor ?? (await loadVendorConfig());
  sla = new SlaTracker(vendor.sla, input.resume?.sla);
  if (input.resume) {
    const { machine, value, context } = input.resume.snapshot;
    snapshot = machineFor(machine).resolveState({ value, context: context as never });
  } else {
    const first = startRequest({ ticketId, vendor, intake: input.intake });
    snapshot = first.snapshot;
    enqueue(first.effects);
  }
  publish(snapshot);
  for (const raw of earlySignals.splice(0)) receive(snapshot, raw, 'signal');

  /** Records what became of an effect, for the state view (`effects.done`). */
  const recordEffect = (
    { seq, effect }: QueuedEffect,
    status: EffectRecord['status'],
    detail?: string,
    at = new Date().toISOString(),
  ) => effects.push({ seq, type: effect.type, what: effectWhat(effect), status, at, ...(detail ? { detail } : {}) });

  /** Carries out one effect; a permanent failure is recorded, never fatal to the request. */
  const run = async (item: QueuedEffect) => {
    const { seq, effect } = item;
    const idempotencyKey = `${workflowId}/${seq}`;
    try {
      switch (effect.type) {
        case 'postTicketComment':
          await postTicketComment({ ticketId, comment: effect.params, idempotencyKey });
          recordEffect(item, 'done');
          break;
        case 'notify':
          await sendNotification({ ticketId, notification: effect.params, idempotencyKey });
          recordEffect(item, 'done');
          break;
        case 'runConnectivityCheck': {
          const results = await checkConnectivity({ target: effect.params.target, ports: effect.params.ports });
          recordEffect(
            item,
            'done',
            results
              .map((r) => `${r.port} ${r.outcome}${r.connectMs !== undefined ? ` in ${r.connectMs} ms` : ''}`)
              .join(', '),
          );
          break;
        }
      }
    } catch (err) {
      const detail = causeOf(err);
      log.warn('effect failed', { ticketId, seq, type: effect.type, detail });
      recordEffect(item, 'failed', detail);
    }
  };

  /**
   * Carries out comments and notifications queued one after another in one activity: one activity (and one workflow
   * task after it) for a backlog instead of one per effect. Each effect keeps its idempotency key and its own record;
   * an effect that failed for a reason that may pass goes back to the head of the queue to be retried alone.
   */
  const runBatch = async (batch: QueuedEffect[]) => {
    // Each effect is bounded as a single one is; a lost worker's batch is retried whole (keys make repeats harmless).
    const { carryOutEffects } = proxyActivities<EnablementActivities>({
      ...effectActivityOptions,
      startToCloseTimeout: batch.length * EFFECT_TIMEOUT_SECONDS * 1000,
    });
    try {
      const { outcomes, stopped } = await carryOutEffects({
        ticketId,
        effects: batch.map(({ seq, effect }) => ({
          seq,
          idempotencyKey: `${workflowId}/${seq}`,
          effect: effect as BatchableEffect,
        })),
      });
      for (const o of outcomes) {
        const item = batch.find((b) => b.seq === o.seq);
        if (!item) continue;
        if (o.status === 'failed')
          log.warn('effect failed', { ticketId, seq: o.seq, type: item.effect.type, detail: o.detail });
        recordEffect(item, o.status, o.detail, o.at);
      }
      if (stopped) {
        const rest = batch.slice(batch.findIndex((b) => b.seq === stopped.seq));
        log.warn('effect failed; retrying it alone', { ticketId, seq: stopped.seq, detail: stopped.detail });
        queue.unshift({ ...rest[0]!, alone: true }, ...rest.slice(1));
      }
    } catch (err) {
      // Out of retries (a day of lost workers) or a bug: every effect of the batch is recorded as failed.
      const detail = causeOf(err);
      log.warn('effect batch failed', { ticketId, seqs: batch.map((b) => b.seq), detail });
      for (const item of batch) recordEffect(item, 'failed', detail);
    }
  };

  /** How many effects at the head of the queue can go out in one batch. */
  const batchableAtHead = (): number => {
    let n = 0;
    while (n < queue.length && n < MAX_EFFECT_BATCH && batchable(queue[n]!)) n++;
    return n;
  };

  const current = () => snapshot!;
  const clock = sla;
  const fetchWindows: FetchWindows = (fromMs, toMs) => businessWindows({ calendar: vendor.sla.calendar, fromMs, toMs });
  // The instant the SLA timer that last fired was set for. A fired timer proves its instant has come even when the
  // activation it woke carries an older workflow time: seen after a Temporal server restart (test/drills), where the
  // workflow then found nothing due, dropped the warning and re-armed the same timer (the breach came a whole timer
  // late), and a replay, which sees the right time, no longer matched the history. Without that fault it is a no-op.
  let timerFiredFor = 0;
  // The SLA timer armed for the next SLA instant, kept while the loop wakes for events and effects: re-arming it on
  // every wake-up would cost a timer start and a cancel in the history per event.
  let slaTimer: { at: number; scope: CancellationScope; fired: boolean } | undefined;
  const armSlaTimer = (at: number) => {
    const timer = { at, scope: new CancellationScope(), fired: false };
    timer.scope
      .run(() => sleep(at - Date.now()))
      .then(
        () => {
          timer.fired = true;
        },
        () => undefined, // cancelled: the instant changed
      );
    return timer;
  };
  for (;;) {
    if (current().status === 'active') {
      if (!clock.started && current().context.draft) {
        await clock.start(clockStart(current(), Date.now()), Date.now(), fetchWindows);
        trackPause(current());
        publish(current());
      }
      if (clock.needsMoreWindows()) await clock.extend(fetchWindows);
      for (const record of clock.due(Math.max(Date.now(), timerFiredFor))) {
        // A due SLA event implies a running clock, so the deadline is known.
        enqueue(slaEffects(record, current(), vendor.sla.calendar.timeZone, clock.deadline()!));
        publish(current());
      }
    }
    const version = slaVersion;
    const wake = () =>
      queue.length > 0 ||
      current().status !== 'active' ||
      workflowInfo().continueAsNewSuggested ||
      slaVersion !== version ||
      (!clock.started && current().context.draft !== undefined);
    const next = current().status === 'active' ? clock.nextAt() : undefined;
    if (slaTimer && slaTimer.at !== next) {
      slaTimer.scope.cancel();
      slaTimer = undefined;
    }
    if (next !== undefined && next > Date.now()) slaTimer ??= armSlaTimer(next);
    if (next === undefined || next > Date.now()) await condition(() => wake() || slaTimer?.fired === true);
    if (slaTimer?.fired) {
      timerFiredFor = slaTimer.at;
      slaTimer = undefined;
    }
    while (queue.length) {
      const n = batchableAtHead();
      if (n > 1) {
        const batch = queue.splice(0, n);
        inFlight = batch.length;
        await runBatch(batch);
        inFlight = 0;
        continue;
      }
      const item = queue.shift()!;
      inFlight = 1;
      await run(item);
      inFlight = 0;
    }
    if (current().status !== 'active' || workflowInfo().continueAsNewSuggested) {
      // Let updates in flight finish (their effects join the queue) before ending or continuing.
      await condition(allHandlersFinished);
      if (queue.length) continue;
      const last = current();
      if (last.status !== 'active') return result(ticketId, last, events.length);
      const resume: ResumeState = {
        vendor,
        snapshot: { machine: last.context.connectionType, value: stateName(last), context: last.context },
        events,
        effects,
        effectSeq,
        sla: clock.state,
      };
      return continueAsNew<typeof enablementWorkflow>({ ticketId, resume });
    }
  }
}

/** An ISO 8601 instant with a four-digit year and an offset, as tickets give their submission time. */
const ISO_INSTANT = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}(?::\d{2}(?:\.\d+)?)?(?:Z|[+-]\d{2}:\d{2})$/;

/**
 * When the SLA clock starts: the ticket's own submission time if it gave a valid one, else now. A valid one is a plain
 * instant not after now (a waiting ticket's draft is not validated, and a deadline thousands of years away fits no
 * search attribute).
 */
function clockStart(snapshot: EnablementSnapshot, now: number): number {
  const submitted = snapshot.context.intake?.submittedAt ?? snapshot.context.draft?.submittedAt;
  const ms = typeof submitted === 'string' && ISO_INSTANT.test(submitted) ? Date.parse(submitted) : NaN;
  return Number.isNaN(ms) || ms > now ? now : ms;
}

/**
 * The effects of an SLA event: notify the vendor; at breach and each escalation, also tell the ticket. Every message
 * names the request's deadline (not the instant the event itself was due).
 */
function slaEffects(record: SlaRecord, snapshot: EnablementSnapshot, timeZone: string, deadlineMs: number): Effect[] {
  const deadline = new Date(deadlineMs).toISOString();
  const { ticketId } = snapshot.context;
  const company = companyOf(snapshot.context) ?? '';
  const state = stateName(snapshot);
  switch (record.kind) {
    case 'warning':
      return [
        {
          type: 'notify',
          params: {
            kind: 'sla_warning',
            message: `[${ticketId}] ${record.percent}% of the SLA used: due ${deadline}, in ${state}, waiting on ${waitingOnOf(snapshot)}`,
          },
        },
      ];
    case 'breach':
      return [
        {
          type: 'notify',
          params: {
            kind: 'sla_breached',
            message: `[${ticketId}] SLA breached: due ${deadline}, still in ${state}, waiting on ${waitingOnOf(snapshot)}`,
          },
        },
        {
          type: 'postTicketComment',
          params: { template: 'sla_breached', data: { ticketId, company, deadline, timeZone } },
        },
      ];
    case 'escalation':
      return [
        {
          type: 'notify',
          params: {
            kind: 'sla_escalation',
            message: `[${ticketId}] ${record.escalation} business day(s) past the SLA (due ${deadline}), still in ${state}, waiting on ${waitingOnOf(snapshot)}`,
          },
        },
        {
          type: 'postTicketComment',
          params: {
            template: 'sla_escalation',
            data: { ticketId, company, deadline, timeZone, escalation: record.escalation ?? 1 },
          },
        },
      ];
  }
}

function result(ticketId: string, snapshot: EnablementSnapshot, events: number): EnablementResult {
  const { intake } = snapshot.context;
  return {
    ticketId,
    status: statusOf(snapshot) as EnablementResult['status'],
    state: stateName(snapshot),
    connectionType: snapshot.context.connectionType,
    cloud: intake?.cloud ?? null,
    company: intake?.company ?? null,
    events,
    endedAt: new Date().toISOString(),
  };
}

/** The innermost message of an activity failure (the outside system's own words). */
function causeOf(err: unknown): string {
  let current: unknown = err;
  while (current instanceof Error && current.cause instanceof Error) current = current.cause;
  return current instanceof Error ? current.message : String(current);
}
