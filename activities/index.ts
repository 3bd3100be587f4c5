/**
 * The only place with I/O. The worker calls {@link createActivities} with real adapters; tests pass the same adapters
 * pointed at local files and servers.
 */
import { ApplicationFailure } from '@temporalio/activity';
import { ticketSystemActor } from '../src/domain/actors';
import type { SlaCalendar } from '../src/domain/sla-calendar';
import type { VendorConfig } from '../src/domain/vendor-config';
import { businessWindows } from '../src/sla/calendar';
import type { Effect, Notification, TicketComment } from '../src/machines';
import { renderComment } from '../src/machines/templates';
import { failureTypes } from '../src/temporal/failures';
import { checkConnectivity, type ConnectivityResult } from './connectivity';
import { HttpStatusError, type Notifier, type TicketSystem } from './ports';

export type { ConnectivityResult } from './connectivity';
export { HttpStatusError, type Notifier, type OutgoingNotification, type TicketSystem } from './ports';

/** What the activities need, injected by the worker. */
export interface ActivityDeps {
  tickets: TicketSystem;
  notifier: Notifier;
  /** The vendor configuration the worker loaded at start (VENDOR_CONFIG). */
  vendorConfig: VendorConfig;
  /** Bound on each connectivity check, name resolution included. */
  connectivityTimeoutMs?: number;
}

/** An effect that can go out in a batch: a ticket comment or a notification (connectivity checks run alone). */
export type BatchableEffect = Extract<Effect, { type: 'postTicketComment' | 'notify' }>;

/** What happened to one effect of a batch. */
export interface EffectOutcome {
  seq: number;
  status: 'done' | 'failed';
  /** When it was carried out (or refused). */
  at: string;
  /** The outside system's refusal, for a failed effect. */
  detail?: string;
  /** The posted comment, for a ticket comment. */
  commentId?: string;
  /** True when the ticket system already had the comment (a retried batch). */
  duplicate?: boolean;
}

/**
 * The outcomes of a batch, in order. A batch stops at the first effect that failed for a reason that may pass (a 5xx,
 * a timeout, a refused connection): that effect and the ones after it have no outcome here, and `stopped` says why.
 * The workflow then retries that effect alone, with backoff.
 */
export interface EffectBatchResult {
  outcomes: EffectOutcome[];
  stopped?: { seq: number; detail: string };
}

/** Turns a permanent refusal from an outside system into a non-retryable failure; anything else is retried. */
function classify(err: unknown): never {
  if (err instanceof HttpStatusError && err.permanent) {
    throw ApplicationFailure.nonRetryable(err.message, failureTypes.outsideSystemRejected, {
      system: err.system,
      status: err.status,
    });
  }
  throw err;
}

/** The activity implementations registered on the enablement worker. */
export function createActivities(deps: ActivityDeps) {
  // The two effects on people, shared by the single activities and the batch (each handles failures its own way).
  const post = (ticketId: string, comment: TicketComment, idempotencyKey: string, startedBy: string | undefined) => {
    const { system } = deps.tickets;
    if (system && startedBy !== ticketSystemActor(system)) {
      throw ApplicationFailure.nonRetryable(
        `Not posted: the request for ${ticketId} was started ${startedBy ? `by ${startedBy}` : 'straight through Temporal'}, not by the ${system} webhook, and comments go only to ${system} tickets whose request ${system} itself started (an API caller must not be able to comment on any ${system} ticket it names).`,
        failureTypes.ticketNotInSystem,
      );
    }
    return deps.tickets.postComment(ticketId, renderComment(comment), idempotencyKey);
  };
  const notify = (ticketId: string, notification: Notification, idempotencyKey: string) =>
    deps.notifier.send({ ticketId, ...notification, idempotencyKey });
  return {
    /** The vendor configuration, recorded in the workflow's history so replays never depend on the worker's files. */
    loadVendorConfig(): Promise<VendorConfig> {
      return Promise.resolve(deps.vendorConfig);
    },

    /** Renders and posts a ticket comment; idempotent on `idempotencyKey`. */
    async postTicketComment(input: {
      ticketId: string;
      comment: TicketComment;
      idempotencyKey: string;
      /** Who started the request (its `ticket.submitted` sender); see {@link TicketSystem.system}. */
      startedBy?: string;
    }): Promise<{ commentId: string; duplicate: boolean }> {
      try {
        return await post(input.ticketId, input.comment, input.idempotencyKey, input.startedBy);
      } catch (err) {
        return classify(err);
      }
    },

    /** Sends a notification to the vendor's channel; receivers dedupe on `idempotencyKey`. */
    async sendNotification(input: {
      ticketId: string;
      notification: Notification;
      idempotencyKey: string;
    }): Promise<void> {
      try {
        await notify(input.ticketId, input.notification, input.idempotencyKey);
      } catch (err) {
        classify(err);
      }
    },

    /**
     * Carries out ticket comments and notifications queued one after another, in order, each idempotent on its own
     * key. A permanent refusal (4xx) is that effect's outcome and the batch goes on; any other failure stops it (see
     * {@link EffectBatchResult}), so nothing after a failed effect overtakes it.
     */
    async carryOutEffects(input: {
      ticketId: string;
      /** Who started the request; see {@link TicketSystem.system}. */
      startedBy?: string;
      effects: { seq: number; idempotencyKey: string; effect: BatchableEffect }[];
    }): Promise<EffectBatchResult> {
      const outcomes: EffectOutcome[] = [];
      for (const { seq, idempotencyKey, effect } of input.effects) {
        try {
          if (effect.type === 'postTicketComment') {
            const posted = await post(input.ticketId, effect.params, idempotencyKey, input.startedBy);
            outcomes.push({ seq, status: 'done', at: new Date().toISOString(), ...posted });
          } else {
            await notify(input.ticketId, effect.params, idempotencyKey);
            outcomes.push({ seq, status: 'done', at: new Date().toISOString() });
          }
        } catch (err) {
          const detail = err instanceof Error ? err.message : String(err);
          const permanent =
            (err instanceof HttpStatusError && err.permanent) ||
            (err instanceof ApplicationFailure && err.nonRetryable);
          if (!permanent) return { outcomes, stopped: { seq, detail } };
          outcomes.push({ seq, status: 'failed', at: new Date().toISOString(), detail });
        }
      }
      return { outcomes };
    },

    /**
     * The business windows of an SLA calendar between two instants, as UTC intervals: the only time-zone arithmetic
     * the workflow needs, done here so replays never depend on a worker's time-zone database.
     */
    businessWindows(input: { calendar: SlaCalendar; fromMs: number; toMs: number }): Promise<[number, number][]> {
      return Promise.resolve(businessWindows(input.calendar, input.fromMs, input.toMs).map(([s, e]) => [s, e]));
    },

    /**
     * TCP checks from the vendor's network, one per port, like `curl -v telnet://<target>:<port>`, only to addresses
     * the vendor configuration allows (`connectivity.allowedCidrs`): a target it does not allow is a result, not an
     * error.
     */
    checkConnectivity(input: { target: string; ports: number[] }): Promise<ConnectivityResult[]> {
      return checkConnectivity(input, {
        allowedCidrs: deps.vendorConfig.connectivity?.allowedCidrs ?? [],
        timeoutMs: deps.connectivityTimeoutMs ?? 5_000,
      });
    },
  };
}

/** The activities' type, for `proxyActivities` in workflow code. */
export type EnablementActivities = ReturnType<typeof createActivities>;
