/**
 * The only place with I/O. The worker calls {@link createActivities} with real adapters; tests pass the same adapters
 * pointed at local files and servers.
 */
import { ApplicationFailure } from '@temporalio/activity';
import type { SlaCalendar } from '../src/domain/sla-calendar';
import type { VendorConfig } from '../src/domain/vendor-config';
import { businessWindows } from '../src/sla/calendar';
import type { Notification, TicketComment } from '../src/machines';
import { renderComment } from '../src/machines/templates';
import { checkTcp, type ConnectivityResult } from './connectivity';
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

/** Turns a permanent refusal from an outside system into a non-retryable failure; anything else is retried. */
function classify(err: unknown): never {
  if (err instanceof HttpStatusError && err.permanent) {
    throw ApplicationFailure.nonRetryable(err.message, 'OutsideSystemRejected', {
      system: err.system,
      status: err.status,
    });
  }
  throw err;
}

/** The activity implementations registered on the enablement worker. */
export function createActivities(deps: ActivityDeps) {
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
    }): Promise<{ commentId: string; duplicate: boolean }> {
      try {
        return await deps.tickets.postComment(input.ticketId, renderComment(input.comment), input.idempotencyKey);
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
        await deps.notifier.send({
          ticketId: input.ticketId,
          ...input.notification,
          idempotencyKey: input.idempotencyKey,
        });
      } catch (err) {
        classify(err);
      }
    },

    /**
     * The business windows of an SLA calendar between two instants, as UTC intervals: the only time-zone arithmetic
     * the workflow needs, done here so replays never depend on a worker's time-zone database.
     */
    businessWindows(input: { calendar: SlaCalendar; fromMs: number; toMs: number }): Promise<[number, number][]> {
      return Promise.resolve(businessWindows(input.calendar, input.fromMs, input.toMs).map(([s, e]) => [s, e]));
    },

    /** TCP checks from the vendor's network, one per port, like `curl -v telnet://<target>:<port>`. */
    checkConnectivity(input: { target: string; ports: number[] }): Promise<ConnectivityResult[]> {
      const timeoutMs = deps.connectivityTimeoutMs ?? 5_000;
      return Promise.all(input.ports.map((port) => checkTcp(input.target, port, timeoutMs)));
    },
  };
}

/** The activities' type, for `proxyActivities` in workflow code. */
export type EnablementActivities = ReturnType<typeof createActivities>;
