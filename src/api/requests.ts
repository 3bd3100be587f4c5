/**
 * The API's one door into Temporal: start a request, send it an event, read its state, list requests, read its
 * history. Routes and webhooks call these; errors come out as AppErrors with the status the caller should see.
 */
import {
  type Client,
  isGrpcServiceError,
  WithStartWorkflowOperation,
  WorkflowExecutionAlreadyStartedError,
  WorkflowNotFoundError,
  WorkflowUpdateFailedError,
  WorkflowUpdateRPCTimeoutOrCancelledError,
} from '@temporalio/client';
import { createHash } from 'node:crypto';
import { status as grpcStatus } from '@grpc/grpc-js';
import { decodeSearchAttributes } from '@temporalio/common/lib/converter/payload-search-attributes';
import { optionalTsToDate } from '@temporalio/common/lib/time';
import { type temporal } from '@temporalio/proto';
import { CHAIN_ALGORITHM, genesisHash, type TimelineExport } from '../audit/chain';
import { buildTimeline, type RunHistory } from '../audit/timeline';
import type { EventType } from '../domain/events';
import { AppError, errorChain } from '../errors';
import {
  applyEnablementEventUpdate,
  enablementEventSignal,
  type EnablementEventInput,
  type EventOutcome,
  type StateView,
} from '../temporal/messages';
import { isStarting, readState } from '../temporal/read-state';
import {
  searchAttributes,
  STARTED_BY_MEMO_KEY,
  TASK_QUEUE,
  WORKFLOW_TYPE,
  workflowIdForTicket,
} from '../temporal/names';
import type { Principal } from './auth';

/** Filters of `GET /api/requests`, each mapped to a search attribute. */
export interface ListFilters {
  status?: string;
  waitingOn?: string;
  cloud?: string;
  connectionType?: string;
  company?: string;
  breached?: boolean;
}

/** One row of `GET /api/requests`, read from visibility (search attributes), not from the workflows. */
export interface RequestSummary {
  ticketId: string;
  workflowId: string;
  status: string | null;
  state: string | null;
  waitingOn: string | null;
  cloud: string | null;
  connectionType: string | null;
  company: string | null;
  slaBreached: boolean;
  slaDeadline: string | null;
  startedAt: string | null;
  closedAt: string | null;
}

const filterAttributes: Record<Exclude<keyof ListFilters, 'breached'>, string> = {
  status: searchAttributes.status.name,
  waitingOn: searchAttributes.waitingOn.name,
  cloud: searchAttributes.cloud.name,
  connectionType: searchAttributes.connectionType.name,
  company: searchAttributes.company.name,
};

/** A string literal for a visibility query (double-quoted; quotes and backslashes escaped). */
function literal(value: string): string {
  return `"${value.replace(/\\/g, '\\\\').replace(/"/g, '\\"')}"`;
}

/** The visibility query for a set of filters: one row per request (a continued run is not a request of its own). */
export function listQuery(filters: ListFilters): string {
  const clauses = [`WorkflowType = ${literal(WORKFLOW_TYPE)}`, `ExecutionStatus != "ContinuedAsNew"`];
  for (const [key, attribute] of Object.entries(filterAttributes)) {
    const value = filters[key as keyof typeof filterAttributes];
    if (value !== undefined) clauses.push(`${attribute} = ${literal(value)}`);
  }
  if (filters.breached !== undefined)
    clauses.push(`${searchAttributes.slaBreached.name} = ${String(filters.breached)}`);
  return clauses.join(' AND ');
}

/** The refusal message of a failed update, from the innermost cause (the workflow's own words). */
function refusalOf(err: WorkflowUpdateFailedError): string {
  return errorChain(err).at(-1)!.message;
}

function isNotFound(err: unknown): boolean {
  return err instanceof WorkflowNotFoundError || (isGrpcServiceError(err) && err.code === grpcStatus.NOT_FOUND);
}

function isClosed(err: unknown): boolean {
  return errorChain(err).some((e) => /already completed|workflow execution.*(completed|closed)/i.test(e.message));
}

function unavailable(err: unknown): never {
  if (err instanceof AppError) throw err;
  if (err instanceof WorkflowUpdateRPCTimeoutOrCancelledError) {
    throw new AppError(
      'unavailable',
      'Temporal did not confirm the event in time; it may still be applied. Check the request, or send it again with the same eventId (applied once).',
    );
  }
  // The client wraps gRPC errors (a query's ServiceError has the gRPC error as its cause), so look down the chain.
  const transient = errorChain(err)
    .filter(isGrpcServiceError)
    .find((e) => [grpcStatus.UNAVAILABLE, grpcStatus.DEADLINE_EXCEEDED, grpcStatus.CANCELLED].includes(e.code));
  if (transient) {
    throw new AppError(
      'unavailable',
      transient.code === grpcStatus.DEADLINE_EXCEEDED
        ? 'Temporal or the worker did not answer in time (is a worker running?); try again shortly.'
        : 'Temporal is not reachable right now; try again shortly.',
    );
  }
  throw err;
}

/** Requests as the API sees them, over a Temporal client. */
export class RequestsService {
  /**
   * @param opts.stateTimeoutMs how long reading a request's state may wait for a worker to answer the query before
   *   the caller gets a 503 (default 10 s; without a worker, Temporal itself would hold the query for about 30 s)
   */
  constructor(
    private readonly client: Client,
    private readonly taskQueue = TASK_QUEUE,
    private readonly opts: { stateTimeoutMs?: number } = {},
  ) {}

  private handle(ticketId: string) {
    return this.client.workflow.getHandle(workflowIdForTicket(ticketId));
  }

  /**
   * Starts the request for a ticket with its intake as a `ticket.submitted` event from the caller (update-with-start),
   * so the caller gets the state view at once. A ticket that already has a request is a conflict: nothing changes.
   */
  async start(ticketId: string, intake: Record<string, unknown>, by: Principal): Promise<EventOutcome> {
    const workflowId = workflowIdForTicket(ticketId);
    const startWorkflowOperation = new WithStartWorkflowOperation(WORKFLOW_TYPE, {
      workflowId,
      taskQueue: this.taskQueue,
      args: [{ ticketId }],
      workflowIdConflictPolicy: 'FAIL',
      // One request per ticket, ever: a ticket whose request ended is not started again (its history stays whole).
      workflowIdReusePolicy: 'REJECT_DUPLICATE',
      memo: { [STARTED_BY_MEMO_KEY]: by.subject },
    });
    const event: EnablementEventInput = {
      type: 'ticket.submitted',
      actor: by.subject,
      eventId: `ticket.submitted:${ticketId}`,
      intake,
    };
    try {
      return await this.client.workflow.executeUpdateWithStart(applyEnablementEventUpdate, {
        args: [event],
        startWorkflowOperation,
      });
    } catch (err) {
      if (err instanceof WorkflowExecutionAlreadyStartedError || hasCause(err, WorkflowExecutionAlreadyStartedError)) {
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
        throw new AppError('invalid', `The intake was refused: ${refusalOf(err)}`);
      }
      return unavailable(err);
    }
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

  /** The state view of a ticket's request. */
  async get(ticketId: string): Promise<StateView> {
    const timeoutMs = this.opts.stateTimeoutMs ?? 10_000;
    try {
      return await this.client.connection.withDeadline(Date.now() + timeoutMs, () =>
        readState(this.handle(ticketId), timeoutMs),
      );
    } catch (err) {
      if (isNotFound(err)) throw new AppError('not_found', `No request for ticket ${ticketId}.`);
      if (isStarting(err)) {
        throw new AppError('unavailable', `The request for ticket ${ticketId} is still starting; try again shortly.`);
      }
      // Our deadline ends the query either way: as DEADLINE_EXCEEDED from the client, or CANCELLED from the server.
      const timedOut = errorChain(err)
        .filter(isGrpcServiceError)
        .some((e) => e.code === grpcStatus.DEADLINE_EXCEEDED || e.code === grpcStatus.CANCELLED);
      if (timedOut) {
        throw new AppError(
          'unavailable',
          `The request for ticket ${ticketId} did not answer within ${timeoutMs / 1000} s (is a worker running?); try again shortly.`,
        );
      }
      return unavailable(err);
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
      if (err instanceof WorkflowUpdateFailedError) {
        const view = await this.get(ticketId).catch(() => undefined);
        throw new AppError(
          'conflict',
          refusalOf(err),
          [],
          view ? { state: view.state, requestStatus: view.status, allowedEvents: view.allowedEvents } : {},
        );
      }
      if (isClosed(err) || isNotFound(err)) {
        const view = await this.get(ticketId).catch(() => undefined);
        throw new AppError(
          'conflict',
          `The request for ticket ${ticketId} has ended${view ? ` (${view.status})` : ''}; it accepts no more events.`,
          [],
          view ? { state: view.state, requestStatus: view.status, allowedEvents: [] as EventType[] } : {},
        );
      }
      return unavailable(err);
    }
  }

  /**
   * Delivers a ticket-system event by signal, starting the request if the ticket has none yet (signal-with-start: one
   * workflow per ticket however often, and however concurrently, the webhook is delivered). Returns at once: the
   * workflow does the work.
   */
  async deliver(
    ticketId: string,
    event: EnablementEventInput,
    startIfMissing: boolean,
  ): Promise<'delivered' | 'ended'> {
    try {
      if (startIfMissing) {
        await this.client.workflow.signalWithStart(WORKFLOW_TYPE, {
          workflowId: workflowIdForTicket(ticketId),
          taskQueue: this.taskQueue,
          args: [{ ticketId }],
          signal: enablementEventSignal,
          signalArgs: [event],
          workflowIdReusePolicy: 'REJECT_DUPLICATE',
          memo: { [STARTED_BY_MEMO_KEY]: event.actor },
        });
      } else {
        await this.handle(ticketId).signal(enablementEventSignal, event);
      }
    } catch (err) {
      const ended =
        err instanceof WorkflowExecutionAlreadyStartedError ||
        hasCause(err, WorkflowExecutionAlreadyStartedError) ||
        (isNotFound(err) && (await this.hasEnded(ticketId)));
      if (ended) return 'ended';
      if (isNotFound(err)) {
        throw new AppError('not_found', `No request for ticket ${ticketId}; deliver its ticket.created first.`);
      }
      return unavailable(err);
    }
    return 'delivered';
  }

  /** One page of requests matching the filters, newest first. */
  async list(
    filters: ListFilters,
    pageSize: number,
    pageToken?: string,
  ): Promise<{ query: string; requests: RequestSummary[]; nextPageToken: string | null }> {
    const query = listQuery(filters);
    const serverToken = pageToken === undefined ? undefined : openPageToken(pageToken, query);
    let response: temporal.api.workflowservice.v1.ListWorkflowExecutionsResponse;
    try {
      response = await this.client.workflowService.listWorkflowExecutions({
        namespace: this.client.options.namespace,
        query,
        pageSize,
        nextPageToken: serverToken,
      });
    } catch (err) {
      if (isGrpcServiceError(err) && err.code === grpcStatus.INVALID_ARGUMENT) {
        throw new AppError('bad_request', `The list query was refused: ${err.details}`);
      }
      return unavailable(err);
    }
    const requests = response.executions.map((e) => summarize(e));
    const token = response.nextPageToken?.length ? sealPageToken(response.nextPageToken, query) : null;
    return { query, requests, nextPageToken: token };
  }

  /** The audit timeline of a request, from the event history of all its runs. */
  async history(ticketId: string): Promise<TimelineExport> {
    const workflowId = workflowIdForTicket(ticketId);
    const runs: RunHistory[] = [];
    try {
      const { runId: latestRunId } = await this.client.workflow.getHandle(workflowId).describe();
      const latestHistory = await this.client.workflow.getHandle(workflowId, latestRunId).fetchHistory();
      const started = latestHistory.events?.[0]?.workflowExecutionStartedEventAttributes;
      const firstRunId = started?.firstExecutionRunId || latestRunId;
      // Follow continue-as-new forward from the first run to the latest.
      let runId = firstRunId;
      for (let hops = 0; hops < 10_000; hops++) {
        const events =
          runId === latestRunId
            ? latestHistory.events
            : (await this.client.workflow.getHandle(workflowId, runId).fetchHistory()).events;
        runs.push({ runId, events: events ?? [] });
        const last = events?.[events.length - 1];
        const next = last?.workflowExecutionContinuedAsNewEventAttributes?.newExecutionRunId;
        if (runId === latestRunId || !next) break;
        runId = next;
      }
    } catch (err) {
      if (isNotFound(err)) throw new AppError('not_found', `No request for ticket ${ticketId}.`);
      return unavailable(err);
    }
    const { entries, pending } = buildTimeline(ticketId, runs);
    return {
      ticketId,
      workflowId,
      algorithm: CHAIN_ALGORITHM,
      head: entries.length ? entries[entries.length - 1]!.hash : genesisHash(ticketId),
      entries,
      pending,
    };
  }
}

/**
 * Page tokens handed to callers wrap the server's token with the query it belongs to, so a token that was altered,
 * made up, or reused with other filters is a 400 here instead of an error (or a wrong page) from the server.
 */
function sealPageToken(serverToken: Uint8Array, query: string): string {
  return Buffer.from(JSON.stringify({ q: queryTag(query), t: Buffer.from(serverToken).toString('base64') })).toString(
    'base64url',
  );
}

function openPageToken(token: string, query: string): Buffer {
  let parsed: unknown;
  try {
    parsed = JSON.parse(Buffer.from(token, 'base64url').toString('utf8'));
  } catch {
    parsed = undefined;
  }
  const { q, t } = (typeof parsed === 'object' && parsed !== null ? parsed : {}) as { q?: unknown; t?: unknown };
  if (typeof t !== 'string' || typeof q !== 'string') {
    throw new AppError('bad_request', 'pageToken is not a nextPageToken from this API.');
  }
  if (q !== queryTag(query)) {
    throw new AppError('bad_request', 'pageToken belongs to a list with other filters; start again without it.');
  }
  return Buffer.from(t, 'base64');
}

function queryTag(query: string): string {
  return createHash('sha256').update(query).digest('base64url').slice(0, 16);
}

function hasCause(err: unknown, type: new (...args: never[]) => Error): boolean {
  return errorChain(err).some((e) => e instanceof type);
}

function summarize(e: temporal.api.workflow.v1.IWorkflowExecutionInfo): RequestSummary {
  const sa = decodeSearchAttributes(e.searchAttributes?.indexedFields);
  const one = (name: string): unknown => sa[name]?.[0];
  const text = (name: string): string | null => {
    const v = one(name);
    return typeof v === 'string' ? v : null;
  };
  const deadline = one(searchAttributes.slaDeadline.name);
  const workflowId = e.execution?.workflowId ?? '';
  return {
    ticketId: workflowId.replace(/^privatelink-/, ''),
    workflowId,
    status: text(searchAttributes.status.name),
    state: text(searchAttributes.state.name),
    waitingOn: text(searchAttributes.waitingOn.name),
    cloud: text(searchAttributes.cloud.name),
    connectionType: text(searchAttributes.connectionType.name),
    company: text(searchAttributes.company.name),
    slaBreached: one(searchAttributes.slaBreached.name) === true,
    slaDeadline:
      deadline instanceof Date
        ? deadline.toISOString()
        : typeof deadline === 'string'
          ? new Date(deadline).toISOString()
          : null,
    startedAt: optionalTsToDate(e.startTime)?.toISOString() ?? null,
    closedAt: optionalTsToDate(e.closeTime)?.toISOString() ?? null,
  };
}
