/**
 * The client side of the enablement workflow: start a request, send it an event, read its state, list requests. The
 * API's routes and webhooks call these; errors come out as AppErrors with the status the caller should see.
 */
import {
  ApplicationFailure,
  type Client,
  WithStartWorkflowOperation,
  WorkflowExecutionAlreadyStartedError,
  WorkflowUpdateFailedError,
  WorkflowUpdateRPCTimeoutOrCancelledError,
} from '@temporalio/client';
import type { EventType } from '../domain/events';
import { isRecord } from '../domain/json';
import { submissionEventId } from '../domain/ticket';
import { AppError } from '../errors';
import { failureTypes } from './failures';
import { hasCause, innermostMessage, isClosedRun, isNotFound, isOwnDeadline, rethrowTemporalError } from './errors';
import {
  applyEnablementEventUpdate,
  enablementEventSignal,
  type EnablementEventInput,
  type EventOutcome,
  type StateView,
} from './messages';
import { STARTED_BY_MEMO_KEY, TASK_QUEUE, WORKFLOW_TYPE, workflowIdForTicket } from './names';
import { isStarting, readState } from './read-state';
import { startDetails, startSummary } from './user-metadata';
import {
  type ConnectionFilters,
  type ConnectionPage,
  type ListFilters,
  listConnections,
  listAttention,
  listRequests,
  type RequestPage,
} from './visibility';

/** What a signalled ticket event came to: delivered to the request, or dropped because the request has ended. */
export type SignalOutcome = 'delivered' | 'ended';

/**
 * What a ticket system's event came to (see {@link EnablementClient.deliver}): applied, a repeat of one applied
 * already, refused by the request (with its words), queued for a request whose worker did not answer in time (the
 * request decides when it does: applied, repeat or refused, as its audit trail then shows), or dropped because the
 * request has ended.
 */
export type Delivery =
  | { kind: 'applied'; outcome: EventOutcome }
  | { kind: 'duplicate'; of?: number }
  | { kind: 'refused'; reason: string }
  | { kind: 'queued' }
  | { kind: 'ended' };

/** The workflow's own failure behind a refused update, if it raised one. */
function refusal(err: WorkflowUpdateFailedError): ApplicationFailure | undefined {
  return err.cause instanceof ApplicationFailure ? err.cause : undefined;
}

/** The seq of the applied event a refused update repeats, when the workflow turned it away as a repeat. */
function repeatOf(err: unknown): { of?: number } | undefined {
  if (!(err instanceof WorkflowUpdateFailedError)) return undefined;
  const failure = refusal(err);
  if (failure?.type !== failureTypes.duplicateEvent) return undefined;
  const of = failure.details?.[0];
  return typeof of === 'number' ? { of } : {};
}

/** Enablement requests over a Temporal client. */
export class EnablementClient {
  /**
   * @param client the Temporal client (also used by the audit history reader)
   * @param opts.stateTimeoutMs how long reading a request's state may wait for a worker to answer the query before
   *   the caller gets a 503 (default 10 s; without a worker, Temporal itself would hold the query for about 30 s)
   * @param opts.deliveryTimeoutMs how long a ticket system's event waits for the request to take or refuse it before
   *   it is queued by signal instead (default 5 s: ticket systems give a webhook about 10 s)
   */
  constructor(
    readonly client: Client,
    private readonly taskQueue = TASK_QUEUE,
    private readonly opts: { stateTimeoutMs?: number; deliveryTimeoutMs?: number } = {},
  ) {}

  private handle(ticketId: string) {
    return this.client.workflow.getHandle(workflowIdForTicket(ticketId));
  }

  /**
   * Starts the request for a ticket with its intake as a `ticket.submitted` event from the caller (update-with-start),
   * so the caller gets the state view at once. A ticket that already has a request is a conflict: nothing changes.
   *
   * @param startedBy the authenticated subject, recorded as who started the request and as the event's actor
   */
  async start(ticketId: string, intake: Record<string, unknown>, startedBy: string): Promise<EventOutcome> {
    const startWorkflowOperation = new WithStartWorkflowOperation(WORKFLOW_TYPE, {
      workflowId: workflowIdForTicket(ticketId),
      taskQueue: this.taskQueue,
      args: [{ ticketId }],
      workflowIdConflictPolicy: 'FAIL',
      // One request per ticket, ever: a ticket whose request ended is not started again (its history stays whole).
      workflowIdReusePolicy: 'REJECT_DUPLICATE',
      memo: { [STARTED_BY_MEMO_KEY]: startedBy },
      ...startMetadata(ticketId, intake, startedBy),
    });
    const event: EnablementEventInput = {
      type: 'ticket.submitted',
      actor: startedBy,
      eventId: submissionEventId(ticketId),
      intake,
    };
    try {
      return await this.client.workflow.executeUpdateWithStart(applyEnablementEventUpdate, {
        args: [event],
        startWorkflowOperation,
      });
    } catch (err) {
      if (hasCause(err, WorkflowExecutionAlreadyStartedError)) {
        const view = await this.get(ticketId).catch(() => undefined);
        throw new AppError(
          'conflict',
          view && ['enabled', 'rejected', 'cancelled'].includes(view.status)
            ? `The request for ticket ${ticketId} has ended (${view.status}); a ticket has one request. Open a new ticket for a new request.`
            : `A request for ticket ${ticketId} already exists${view ? ` (${view.status}, in ${view.state})` : ''}; send ticket.updated to add information.`,
          [],
          view ? { state: view.state, requestStatus: view.status, allowedEvents: view.allowedEvents } : {},
        );
      }
      if (err instanceof WorkflowUpdateFailedError) {
        throw new AppError('invalid', `The intake was refused: ${innermostMessage(err)}`);
      }
      return rethrowTemporalError(err);
    }
  }

  /** The state view of a ticket's request. */
  async get(ticketId: string): Promise<StateView> {
    const timeoutMs = this.opts.stateTimeoutMs ?? 10_000;
    try {
      const handle = this.handle(ticketId);
      const [view, description] = await this.client.connection.withDeadline(Date.now() + timeoutMs, () =>
        Promise.all([readState(handle, timeoutMs), handle.describe()]),
      );
      // A request stopped from outside (terminated, timed out, failed) answers its query with the state it had: say
      // that it was stopped, and when, so nobody waits on a request that no longer runs.
      const run = description.status.name;
      if (run === 'TERMINATED' || run === 'TIMED_OUT' || run === 'FAILED' || run === 'CANCELLED') {
        return { ...view, stopped: { how: run.toLowerCase(), at: description.closeTime?.toISOString() ?? null } };
      }
      return view;
    } catch (err) {
      if (isNotFound(err)) throw new AppError('not_found', `No request for ticket ${ticketId}.`);
      if (isStarting(err)) {
        throw new AppError('unavailable', `The request for ticket ${ticketId} is still starting; try again shortly.`);
      }
      if (isOwnDeadline(err)) {
        throw new AppError(
          'unavailable',
          `The request for ticket ${ticketId} did not answer within ${timeoutMs / 1000} s (is a worker running?); try again shortly.`,
        );
      }
      return rethrowTemporalError(err);
    }
  }

  /**
   * Applies an event through the update, so the caller learns at once whether it was accepted. A refusal (not allowed
   * in the current state) comes back as a conflict naming the state and the events allowed now.
   */
  async sendEvent(ticketId: string, event: EnablementEventInput): Promise<EventOutcome> {
    try {
      return await this.handle(ticketId).executeUpdate(applyEnablementEventUpdate, { args: [event] });
    } catch (err) {
      if (isNotFound(err) && !(await this.hasEnded(ticketId))) {
        throw new AppError('not_found', `No request for ticket ${ticketId}.`);
      }
      const repeat = repeatOf(err);
      if (repeat) return this.repeatOutcome(ticketId, event, repeat.of);
      if (err instanceof WorkflowUpdateFailedError && refusal(err)?.type === failureTypes.limitReached) {
        throw new AppError('invalid', innermostMessage(err));
      }
      if (err instanceof WorkflowUpdateFailedError) {
        const view = await this.get(ticketId).catch(() => undefined);
        throw new AppError(
          'conflict',
          innermostMessage(err),
          [],
          view
            ? {
                state: view.state,
                requestStatus: view.status,
                allowedEvents: view.allowedEvents,
                ...(view.change
                  ? { openChange: { ticketId: view.change.ticketId, kind: view.change.kind, state: view.change.state } }
                  : {}),
              }
            : {},
        );
      }
      if (isClosedRun(err) || isNotFound(err)) {
        const view = await this.get(ticketId).catch(() => undefined);
        throw new AppError(
          'conflict',
          `The request for ticket ${ticketId} has ended${view ? ` (${view.status})` : ''}; it accepts no more events.`,
          [],
          view ? { state: view.state, requestStatus: view.status, allowedEvents: [] as EventType[] } : {},
        );
      }
      return rethrowTemporalError(err);
    }
  }

  /**
   * The answer to an event the request turned away as a repeat of one it applied (nothing was recorded): its entry
   * says `duplicate` and names the applied event's number, as the workflow's own answer to a repeat does.
   */
  private async repeatOutcome(ticketId: string, event: EnablementEventInput, of?: number): Promise<EventOutcome> {
    const { events: _events, eventCount: _count, effects, ...summary } = await this.get(ticketId);
    return {
      ...summary,
      event: {
        seq: of ?? 0,
        type: event.type,
        actor: event.actor,
        at: new Date().toISOString(),
        via: 'update',
        ...(event.eventId !== undefined ? { eventId: event.eventId } : {}),
        result: 'duplicate',
        from: summary.state,
        to: summary.state,
      },
      effects: { pending: effects.pending },
    };
  }

  /**
   * Delivers a ticket system's event so that its sender learns what really became of it. By update: the request
   * applies it, or turns it away without a trace in its history (a repeat, or not allowed now), so a replayed delivery
   * never grows the request's history. With `startIfMissing` (a ticket's creation) the request is started if the ticket
   * has none (update-with-start; an existing request just gets the event). When no worker answers in time the event
   * is queued by signal instead (durable; the request decides when a worker runs), so nothing is lost while workers are
   * down.
   */
  async deliver(ticketId: string, event: EnablementEventInput, opts: { startIfMissing: boolean }): Promise<Delivery> {
    const deadline = Date.now() + (this.opts.deliveryTimeoutMs ?? 5_000);
    try {
      const outcome = await this.client.connection.withDeadline(deadline, () =>
        opts.startIfMissing
          ? this.client.workflow.executeUpdateWithStart(applyEnablementEventUpdate, {
              args: [event],
              startWorkflowOperation: new WithStartWorkflowOperation(WORKFLOW_TYPE, {
                workflowId: workflowIdForTicket(ticketId),
                taskQueue: this.taskQueue,
                args: [{ ticketId }],
                workflowIdConflictPolicy: 'USE_EXISTING',
                workflowIdReusePolicy: 'REJECT_DUPLICATE',
                memo: { [STARTED_BY_MEMO_KEY]: event.actor },
                ...startMetadata(ticketId, intakeOf(event), event.actor),
              }),
            })
          : this.handle(ticketId).executeUpdate(applyEnablementEventUpdate, { args: [event] }),
      );
      // A repeat that reached the request while it was starting is answered by the request itself.
      if (outcome.event.result === 'duplicate') return { kind: 'duplicate', of: outcome.event.seq };
      return { kind: 'applied', outcome };
    } catch (err) {
      const repeat = repeatOf(err);
      if (repeat) return { kind: 'duplicate', ...repeat };
      if (err instanceof WorkflowUpdateFailedError) return { kind: 'refused', reason: innermostMessage(err) };
      if (hasCause(err, WorkflowExecutionAlreadyStartedError) || isClosedRun(err)) return { kind: 'ended' };
      if (isNotFound(err)) {
        if (await this.hasEnded(ticketId)) return { kind: 'ended' };
        throw new AppError('not_found', `No request for ticket ${ticketId}; deliver its ticket.created first.`);
      }
      if (err instanceof WorkflowUpdateRPCTimeoutOrCancelledError || isOwnDeadline(err)) {
        return (await this.signalEvent(ticketId, event, opts)) === 'ended' ? { kind: 'ended' } : { kind: 'queued' };
      }
      return rethrowTemporalError(err);
    }
  }

  /**
   * Sends an event by signal, for ticket systems: fire-and-forget, the workflow does the work. With `startIfMissing`
   * (a ticket's creation) the request is started if the ticket has none yet (signal-with-start: one workflow per
   * ticket however often, and however concurrently, the webhook is delivered).
   */
  async signalEvent(
    ticketId: string,
    event: EnablementEventInput,
    opts: { startIfMissing: boolean },
  ): Promise<SignalOutcome> {
    try {
      if (opts.startIfMissing) {
        await this.client.workflow.signalWithStart(WORKFLOW_TYPE, {
          workflowId: workflowIdForTicket(ticketId),
          taskQueue: this.taskQueue,
          args: [{ ticketId }],
          signal: enablementEventSignal,
          signalArgs: [event],
          workflowIdReusePolicy: 'REJECT_DUPLICATE',
          memo: { [STARTED_BY_MEMO_KEY]: event.actor },
          ...startMetadata(ticketId, intakeOf(event), event.actor),
        });
      } else {
        await this.handle(ticketId).signal(enablementEventSignal, event);
      }
    } catch (err) {
      const ended =
        hasCause(err, WorkflowExecutionAlreadyStartedError) || (isNotFound(err) && (await this.hasEnded(ticketId)));
      if (ended) return 'ended';
      if (isNotFound(err)) {
        throw new AppError('not_found', `No request for ticket ${ticketId}; deliver its ticket.created first.`);
      }
      return rethrowTemporalError(err);
    }
    return 'delivered';
  }

  /** One page of requests matching the filters, newest first (from visibility). */
  /** What needs a person now: breached requests and changes, failed effects, failed connectivity checks. */
  attention(pageSize: number): ReturnType<typeof listAttention> {
    return listAttention(this.client, pageSize);
  }

  list(filters: ListFilters, pageSize: number, pageToken?: string): Promise<RequestPage> {
    return listRequests(this.client, filters, pageSize, pageToken);
  }

  /** One page of the connections that exist now (docs/lifecycle.md "Inventory"). */
  connections(filters: ConnectionFilters, pageSize: number, pageToken?: string): Promise<ConnectionPage> {
    return listConnections(this.client, filters, pageSize, pageToken);
  }

  /** True when the ticket's request exists and has ended (Temporal answers NOT_FOUND to updates of closed runs). */
  private async hasEnded(ticketId: string): Promise<boolean> {
    try {
      const { status } = await this.handle(ticketId).describe();
      return status.name !== 'RUNNING';
    } catch {
      return false;
    }
  }
}

/** The Temporal UI's summary and details of a request at its start (src/temporal/user-metadata.ts). */
function startMetadata(
  ticketId: string,
  intake: Record<string, unknown> | undefined,
  startedBy: string,
): { staticSummary: string; staticDetails: string } {
  return { staticSummary: startSummary(ticketId, intake), staticDetails: startDetails(ticketId, intake, startedBy) };
}

/** The intake an event carries (`ticket.submitted`), if any. */
function intakeOf(event: EnablementEventInput): Record<string, unknown> | undefined {
  return 'intake' in event && isRecord(event.intake) ? event.intake : undefined;
}
