/**
 * Listing requests through Temporal's visibility: each filter maps to a search attribute the workflow upserts, and
 * each row is read from the search attributes, not from the workflows (so a list never wakes a worker).
 */
import { type Client, isGrpcServiceError } from '@temporalio/client';
import { status as grpcStatus } from '@grpc/grpc-js';
import { decodeSearchAttributes } from '@temporalio/common/lib/converter/payload-search-attributes';
import { optionalTsToDate } from '@temporalio/common/lib/time';
import type { temporal } from '@temporalio/proto';
import { AppError } from '../errors';
import { rethrowTemporalError } from './errors';
import { searchAttributes, ticketIdOfWorkflow, WORKFLOW_TYPE } from './names';

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

/**
 * One page of requests, and the token of the next (null on the last page): Temporal's own token, base64url. The API
 * hands callers a signed token instead (src/temporal/page-token.ts) and takes only those back.
 */
export interface RequestPage {
  query: string;
  requests: RequestSummary[];
  nextPageToken: string | null;
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
  if (filters.breached !== undefined) {
    clauses.push(`${searchAttributes.slaBreached.name} = ${String(filters.breached)}`);
  }
  return clauses.join(' AND ');
}

/**
 * One page of the requests matching the filters, newest first.
 *
 * @param pageToken Temporal's next-page token of the previous page (base64url), as {@link RequestPage} gives it: a
 *   caller's token must have been checked first (the API opens its signed tokens before calling this)
 */
export async function listRequests(
  client: Client,
  filters: ListFilters,
  pageSize: number,
  pageToken?: string,
): Promise<RequestPage> {
  const query = listQuery(filters);
  const serverToken = pageToken === undefined ? undefined : Buffer.from(pageToken, 'base64url');
  let response: temporal.api.workflowservice.v1.ListWorkflowExecutionsResponse;
  try {
    response = await client.workflowService.listWorkflowExecutions({
      namespace: client.options.namespace,
      query,
      pageSize,
      nextPageToken: serverToken,
    });
  } catch (err) {
    if (isGrpcServiceError(err) && err.code === grpcStatus.INVALID_ARGUMENT) {
      throw new AppError('bad_request', `The list query was refused: ${err.details}`);
    }
    return rethrowTemporalError(err);
  }
  const requests = response.executions.map((e) => requestSummary(e));
  const token = response.nextPageToken?.length ? Buffer.from(response.nextPageToken).toString('base64url') : null;
  return { query, requests, nextPageToken: token };
}

/** A list row from an execution's search attributes. */
function requestSummary(e: temporal.api.workflow.v1.IWorkflowExecutionInfo): RequestSummary {
  const sa = decodeSearchAttributes(e.searchAttributes?.indexedFields);
  const one = (name: string): unknown => sa[name]?.[0];
  const text = (name: string): string | null => {
    const v = one(name);
    return typeof v === 'string' ? v : null;
  };
  const deadline = one(searchAttributes.slaDeadline.name);
  const workflowId = e.execution?.workflowId ?? '';
  return {
    ticketId: ticketIdOfWorkflow(workflowId),
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
