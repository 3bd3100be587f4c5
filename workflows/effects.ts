/**
 * Carries out the effects transitions ask for, in order, as activities: ticket comments, notifications and
 * connectivity checks. Comments and notifications queued one after another go out in one activity; every effect keeps
 * its own idempotency key (`<workflowId>/<seq>`), its own record and its own audit-timeline entry.
 */
import { RetryState } from '@temporalio/common';
import { ActivityFailure, type ActivityOptions, log, proxyActivities } from '@temporalio/workflow';
import type { BatchableEffect, ConnectivityResult, EnablementActivities } from '../activities';
import { checkPortsSummary, type CheckedPort } from '../src/domain/connectivity-check';
import { limits, truncateUtf8 } from '../src/domain/limits';
import type { Effect } from '../src/machines';
import { failureTypes } from '../src/temporal/failures';
import type { ConnectivityCheckView, EffectRecord } from '../src/temporal/messages';
import { batchSummary, effectSummary } from '../src/temporal/user-metadata';

/** How long one ticket comment or notification may take (a batch gets this per effect). */
const EFFECT_TIMEOUT_SECONDS = 30;

/** At most this many effects go out in one batch. */
const MAX_EFFECT_BATCH = 20;

/** Ticket comments and notifications: retried with backoff for a day; a 4xx from the outside system is final. */
const effectActivityOptions: ActivityOptions = {
  startToCloseTimeout: EFFECT_TIMEOUT_SECONDS * 1000,
  scheduleToCloseTimeout: '1 day',
  retry: {
    initialInterval: '2 seconds',
    backoffCoefficient: 2,
    maximumInterval: '5 minutes',
    nonRetryableErrorTypes: [failureTypes.outsideSystemRejected],
  },
};

/**
 * Tries of a single comment or notification before the request is listed as retrying it (the workflow hears of a
 * failure only when the activity gives up): 2 s and 4 s apart, plus up to 30 s each when the system does not answer.
 */
const FIRST_TRIES = 3;
const firstTryOptions: ActivityOptions = {
  ...effectActivityOptions,
  retry: { ...effectActivityOptions.retry, maximumAttempts: FIRST_TRIES },
};
/** The tries after the first ones: the next at once, then 8 s, 16 s, ... apart (up to 5 min), for another day. */
const laterTryOptions: ActivityOptions = {
  ...effectActivityOptions,
  retry: { ...effectActivityOptions.retry, initialInterval: '8 seconds' },
};
const { postTicketComment, sendNotification } = proxyActivities<EnablementActivities>(effectActivityOptions);

/** A connectivity check is a measurement: one retry for a lost worker, not for a closed port (that is a result). */
const checkActivityOptions: ActivityOptions = { startToCloseTimeout: '2 minutes', retry: { maximumAttempts: 2 } };
const { checkConnectivity } = proxyActivities<EnablementActivities>(checkActivityOptions);

/** An effect waiting to be carried out: its number in the request (the idempotency key's suffix) and what it is. */
interface QueuedEffect {
  seq: number;
  effect: Effect;
  /** Set on an effect a batch could not carry out: it is retried on its own, with backoff. */
  alone?: boolean;
  /**
   * A connectivity check's number for the notification it sends if a port does not connect, taken when the check is
   * queued: the notification's number (and key) must not depend on how many events arrived while the check ran, or a
   * worker that lost its cache mid-check would number the same history's effects differently.
   */
  followUpSeq?: number;
}

/** What the runner carries over when the workflow continues as new. */
export interface EffectRunnerState {
  effects: EffectRecord[];
  effectSeq: number;
  /** The product's latest connectivity check, if it ran one. */
  connectivityCheck?: ConnectivityCheckView;
}

/** The effects of one request: a queue, the one being carried out, and the record of each carried out. */
/** What the attention list shows a request for (see {@link EffectRunner.attention}). */
export type Attention = 'effect_failed' | 'effect_retrying' | 'check_failed';

export class EffectRunner {
  /** What became of each effect (the state view's `effects.done`). */
  readonly records: EffectRecord[];
  private seq: number;
  private readonly queue: QueuedEffect[] = [];
  /** Effects being carried out right now: still pending until their activity finishes. */
  private inFlight = 0;
  /** The latest connectivity check's result (the state view's `connectivityCheck`). */
  private lastCheck: ConnectivityCheckView | undefined;
  /** True while a comment or notification that failed its first tries is being retried. */
  private retrying = false;
  private retryEnded = false;
  /** Called when {@link attention} changes while effects run (the workflow publishes its search attributes). */
  onAttentionChange: (() => void) | undefined;

  /**
   * @param startedBy who started the request: a ticket system's comments go only to requests it started itself
   *   (activities/ports.ts `TicketSystem.system`)
   */
  constructor(
    private readonly ticketId: string,
    private readonly workflowId: string,
    private readonly startedBy: string | undefined,
    resumed?: EffectRunnerState,
  ) {
    this.records = resumed?.effects ?? [];
    this.seq = resumed?.effectSeq ?? 0;
    this.lastCheck = resumed?.connectivityCheck;
  }

  /** The product's latest connectivity check, or null when it ran none. */
  get connectivityCheck(): ConnectivityCheckView | null {
    return this.lastCheck ?? null;
  }

  /**
   * What needs a person's attention (`PrivateLinkAttention`): `effect_failed` while the latest ticket comment or the
   * latest notification failed (a ticket system refusing comments), `effect_retrying` while one that failed its first
   * tries is retried (a ticket system not answering), `check_failed` while the product's latest connectivity check did
   * not connect every port. Each clears once the next one succeeds.
   */
  get attention(): Attention[] {
    const latest = (type: EffectRecord['type']) => [...this.records].reverse().find((r) => r.type === type);
    const failed = (['postTicketComment', 'notify'] as const).some((t) => latest(t)?.status === 'failed');
    return [
      ...(failed ? ['effect_failed' as const] : []),
      ...(this.retrying ? ['effect_retrying' as const] : []),
      ...(this.lastCheck && !this.lastCheck.ok ? ['check_failed' as const] : []),
    ];
  }

  /** Queues effects behind those already waiting, numbering each. */
  enqueue(effects: readonly Effect[]): void {
    for (const effect of effects) {
      const seq = ++this.seq;
      this.queue.push(
        effect.type === 'runConnectivityCheck' ? { seq, effect, followUpSeq: ++this.seq } : { seq, effect },
      );
    }
  }

  /** True while effects wait to be carried out. */
  get queued(): boolean {
    return this.queue.length > 0;
  }

  /** Effects not carried out yet, the one in flight included (the state view's `effects.pending`). */
  get pending(): number {
    return this.queue.length + this.inFlight;
  }

  /** What to carry over on continue-as-new (only called with an empty queue). */
  get state(): EffectRunnerState {
    return {
      effects: this.records,
      effectSeq: this.seq,
      ...(this.lastCheck ? { connectivityCheck: this.lastCheck } : {}),
    };
  }

  /** Carries out every queued effect, in order, including any queued while it runs. */
  async runQueued(): Promise<void> {
    while (this.queue.length) {
      const n = this.batchableAtHead();
      const batch = this.queue.splice(0, Math.max(n, 1));
      this.inFlight = batch.length;
      if (n > 1) await this.runBatch(batch);
      else await this.runOne(batch[0]!);
      this.inFlight = 0;
      if (this.retryEnded) {
        this.retryEnded = false;
        this.onAttentionChange?.();
      }
    }
  }

  /**
   * How many effects at the head of the queue can go out in one batch: comments and notifications not being retried,
   * to the same ticket.
   */
  private batchableAtHead(): number {
    let n = 0;
    const ticket = this.queue[0] ? this.target(this.queue[0].effect).ticketId : undefined;
    while (n < this.queue.length && n < MAX_EFFECT_BATCH) {
      const item = this.queue[n]!;
      if (item.effect.type === 'runConnectivityCheck' || item.alone || this.target(item.effect).ticketId !== ticket)
        break;
      n++;
    }
    return n;
  }

  /** The ticket an effect goes to, and who started that ticket's request or change: its own target, else the request's. */
  private target(effect: Effect): { ticketId: string; startedBy: string | undefined } {
    return effect.to
      ? { ticketId: effect.to.ticketId, startedBy: effect.to.startedBy }
      : { ticketId: this.ticketId, startedBy: this.startedBy };
  }

  private key(seq: number): string {
    return `${this.workflowId}/${seq}`;
  }

  /** Records what became of an effect, for the state view (`effects.done`). */
  private record({ seq, effect }: QueuedEffect, status: EffectRecord['status'], detail?: string, at?: string): void {
    const when = at ?? new Date().toISOString();
    this.records.push({
      seq,
      type: effect.type,
      what: truncateUtf8(effectWhat(effect), limits.identifierBytes),
      status,
      at: when,
      ...(detail ? { detail: truncateUtf8(detail, limits.recordedTextBytes) } : {}),
    });
    // The state view shows the most recent; the audit history has every effect and its answer.
    if (this.records.length > limits.recentEffects) this.records.splice(0, this.records.length - limits.recentEffects);
  }

  /** Carries out one effect; a permanent failure is recorded, never fatal to the request. */
  private async runOne(item: QueuedEffect): Promise<void> {
    const { seq, effect } = item;
    const { ticketId, startedBy } = this.target(effect);
    const idempotencyKey = this.key(seq);
    try {
      switch (effect.type) {
        case 'postTicketComment':
          await this.retried((options) =>
            postTicketComment.executeWithOptions({ ...options, summary: effectSummary(ticketId, effect) }, [
              { ticketId, comment: effect.params, idempotencyKey, startedBy },
            ]),
          );
          this.record(item, 'done');
          break;
        case 'notify':
          await this.retried((options) =>
            sendNotification.executeWithOptions({ ...options, summary: effectSummary(ticketId, effect) }, [
              { ticketId, notification: effect.params, idempotencyKey },
            ]),
          );
          this.record(item, 'done');
          break;
        case 'runConnectivityCheck': {
          const results = await checkConnectivity.executeWithOptions(
            { ...checkActivityOptions, summary: effectSummary(ticketId, effect) },
            [{ target: effect.params.target, ports: effect.params.ports }],
          );
          const ports = this.keepCheck(effect.params.target, results);
          const detail = checkPortsSummary(ports);
          this.record(item, 'done', detail);
          if (!this.lastCheck?.ok) this.tellStaff(item, effect.params.target, detail);
          break;
        }
      }
    } catch (err) {
      const detail = causeOf(err);
      log.warn('effect failed', { ticketId, seq, type: effect.type, detail });
      this.record(item, 'failed', detail);
    }
  }

  /**
   * Runs a comment or notification: a few tries, then, if they all failed for a reason that may pass, the rest of the
   * day's tries with the request listed as retrying it (`effect_retrying`) until they end.
   */
  private async retried(run: (options: ActivityOptions) => Promise<unknown>): Promise<void> {
    try {
      await run(firstTryOptions);
      return;
    } catch (err) {
      if (!(err instanceof ActivityFailure) || err.retryState !== RetryState.MAXIMUM_ATTEMPTS_REACHED) throw err;
      log.warn('effect failed its first tries; retrying it', { ticketId: this.ticketId, detail: causeOf(err) });
    }
    this.retrying = true;
    this.onAttentionChange?.();
    try {
      await run(laterTryOptions);
    } finally {
      // Said once the effect's record is written (runQueued), so the list never shows it neither retrying nor failed.
      this.retrying = false;
      this.retryEnded = true;
    }
  }

  /** Keeps a check's result for the state view; answers its ports as kept (bounded). */
  private keepCheck(target: string, results: ConnectivityResult[]): CheckedPort[] {
    const ports = results.map((r) => ({
      port: r.port,
      outcome: r.outcome,
      ...(r.connectMs !== undefined ? { connectMs: r.connectMs } : {}),
      ...(r.detail ? { detail: truncateUtf8(r.detail, limits.reasonBytes) } : {}),
    }));
    this.lastCheck = {
      at: new Date().toISOString(),
      target: truncateUtf8(target, limits.identifierBytes),
      ok: ports.length > 0 && ports.every((p) => p.outcome === 'connected'),
      ports,
    };
    return ports;
  }

  /**
   * A port did not connect: staff are told at once (the next effect out, under the number the check took for it). The
   * product's check never moves the request (the customer's own test does), so nothing else would.
   */
  private tellStaff(check: QueuedEffect, target: string, summary: string): void {
    const message = `Our connectivity check from the vendor's network to ${target} failed: ${summary}. The customer's own test goes on; check the vendor endpoint (its DNS name, its state, the connection accepted) and the customer's service before they reply.`;
    this.queue.unshift({
      seq: check.followUpSeq ?? ++this.seq,
      effect: { type: 'notify', params: { kind: 'connectivity_check_failed', message } },
    });
  }

  /**
   * Carries out comments and notifications queued one after another in one activity: one activity (and one workflow
   * task after it) for a backlog instead of one per effect. An effect that failed for a reason that may pass goes
   * back to the head of the queue to be retried alone, before anything after it goes out.
   */
  private async runBatch(batch: QueuedEffect[]): Promise<void> {
    const { ticketId, startedBy } = this.target(batch[0]!.effect);
    // Each effect is bounded as a single one is; a lost worker's batch is retried whole (keys make repeats harmless).
    const { carryOutEffects } = proxyActivities<EnablementActivities>({
      ...effectActivityOptions,
      startToCloseTimeout: batch.length * EFFECT_TIMEOUT_SECONDS * 1000,
      summary: batchSummary(
        ticketId,
        batch.map((b) => b.effect),
      ),
    });
    try {
      const { outcomes, stopped } = await carryOutEffects({
        ticketId,
        ...(startedBy !== undefined ? { startedBy } : {}),
        effects: batch.map(({ seq, effect }) => ({
          seq,
          idempotencyKey: this.key(seq),
          effect: { type: effect.type, params: effect.params } as BatchableEffect,
        })),
      });
      for (const o of outcomes) {
        const item = batch.find((b) => b.seq === o.seq);
        if (!item) continue;
        if (o.status === 'failed') {
          log.warn('effect failed', { ticketId, seq: o.seq, type: item.effect.type, detail: o.detail });
        }
        this.record(item, o.status, o.detail, o.at);
      }
      if (stopped) {
        const rest = batch.slice(batch.findIndex((b) => b.seq === stopped.seq));
        log.warn('effect failed; retrying it alone', { ticketId, seq: stopped.seq, detail: stopped.detail });
        this.queue.unshift({ ...rest[0]!, alone: true }, ...rest.slice(1));
      }
    } catch (err) {
      // Out of retries (a day of lost workers) or a bug: every effect of the batch is recorded as failed.
      const detail = causeOf(err);
      log.warn('effect batch failed', { ticketId, seqs: batch.map((b) => b.seq), detail });
      for (const item of batch) this.record(item, 'failed', detail);
    }
  }
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

/** The innermost message of an activity failure (the outside system's own words). */
function causeOf(err: unknown): string {
  let current: unknown = err;
  while (current instanceof Error && current.cause instanceof Error) current = current.cause;
  return current instanceof Error ? current.message : String(current);
}
