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
import { defaultPayloadConverter } from '@temporalio/common';
import { isRecord } from '../domain/json';
import type { ConnectionRecord } from '../machines/changes/connection';
import { CONNECTION_MEMO_KEY, searchAttributes, ticketIdOfWorkflow, WORKFLOW_TYPE, workflowIdForTicket } from './names';

/** Filters of `GET /api/requests`, each mapped to a search attribute. */
export interface ListFilters {
  status?: string;
  waitingOn?: string;
  cloud?: string;
  connectionType?: string;
  company?: string;
  breached?: boolean;
  /** Who works on it; `""` for requests nobody works on. */
  assignee?: string;
  /** A ticket id (the request's or its open change's), company, account or endpoint id (`PrivateLinkIdentifiers`), matched whole. */
  q?: string;
}

/** One row of `GET /api/requests`, read from visibility (search attributes), not from the workflows. */
export interface RequestSummary {
  ticketId: string;
  workflowId: string;
  status: string | null;
  state: string | null;
  waitingOn: string | null;
  assignee: string | null;
  cloud: string | null;
  connectionType: string | null;
  company: string | null;
  slaBreached: boolean;
  slaDeadline: string | null;
  startedAt: string | null;
  closedAt: string | null;
  /** The change open on the request's connection, with its own SLA; null when none is open. */
  openChange: OpenChangeSummary | null;
}

/** A change open on a connection, as a list row knows it (search attributes). */
export interface OpenChangeSummary {
  ticketId: string;
  kind: string;
  slaBreached: boolean;
  slaDeadline: string | null;
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

const filterAttributes: Record<Exclude<keyof ListFilters, 'breached' | 'assignee' | 'q'>, string> = {
  status: searchAttributes.status.name,
  waitingOn: searchAttributes.waitingOn.name,
  cloud: searchAttributes.cloud.name,
  connectionType: searchAttributes.connectionType.name,
  company: searchAttributes.company.name,
};

/** Filters of `GET /api/connections`, each mapped to a search attribute. */
export interface ConnectionFilters {
  company?: string;
  cloud?: string;
  region?: string;
  account?: string;
}

/** One row of `GET /api/connections`: the connection's record (its memo) and the change open on it, if any. */
export interface ConnectionRow extends ConnectionRecord {
  workflowId: string;
  openChange: { ticketId: string; kind: string } | null;
}

/** One page of connections, and the token of the next (as {@link RequestPage}'s). */
export interface ConnectionPage {
  query: string;
  connections: ConnectionRow[];
  nextPageToken: string | null;
}

/**
 * The visibility query for the connections that exist now (enabled, not removed) matching the filters; `account`
 * matches any account that can connect now (during a change of account, the old and the new).
 */
export function connectionsQuery(filters: ConnectionFilters): string {
  const clauses = [
    `WorkflowType = ${literal(WORKFLOW_TYPE)}`,
    `ExecutionStatus = "Running"`,
    `${searchAttributes.status.name} = "enabled"`,
  ];
  const attributes: Record<keyof ConnectionFilters, string> = {
    company: searchAttributes.company.name,
    cloud: searchAttributes.cloud.name,
    region: searchAttributes.region.name,
    account: searchAttributes.accounts.name,
  };
  for (const [key, attribute] of Object.entries(attributes)) {
    const value = filters[key as keyof ConnectionFilters];
    if (value !== undefined) clauses.push(`${attribute} = ${literal(value)}`);
  }
  return clauses.join(' AND ');
}

/** One page of the connections matching the filters, most recently started first; each row from its memo. */
export async function listConnections(
  client: Client,
  filters: ConnectionFilters,
  pageSize: number,
  pageToken?: string,
): Promise<ConnectionPage> {
  const query = connectionsQuery(filters);
  const response = await listExecutions(client, query, pageSize, pageToken);
  const connections = response.executions.flatMap((e) => {
    const row = connectionRow(e);
    return row ? [row] : [];
  });
  return { query, connections, nextPageToken: nextToken(response) };
}

/** A connection row from an execution's memo and search attributes; none when the memo has no record. */
function connectionRow(e: temporal.api.workflow.v1.IWorkflowExecutionInfo): ConnectionRow | undefined {
  const memo = e.memo?.fields?.[CONNECTION_MEMO_KEY];
  let record: unknown;
  try {
    record = memo ? defaultPayloadConverter.fromPayload(memo) : undefined;
  } catch {
    return undefined;
  }
  if (!isRecord(record) || typeof record.ticketId !== 'string') return undefined;
  const sa = decodeSearchAttributes(e.searchAttributes?.indexedFields);
  const ticket = sa[searchAttributes.changeTicket.name]?.[0];
  const kind = sa[searchAttributes.changeKind.name]?.[0];
  return {
    ...(record as unknown as ConnectionRecord),
    workflowId: e.execution?.workflowId ?? '',
    openChange: typeof ticket === 'string' && typeof kind === 'string' ? { ticketId: ticket, kind } : null,
  };
}

/** One page of executions for a query; Temporal's page token as base64url in and out. */
export async function listExecutions(
  client: Client,
  query: string,
  pageSize: number,
  pageToken: string | undefined,
): Promise<temporal.api.workflowservice.v1.ListWorkflowExecutionsResponse> {
  const serverToken = pageToken === undefined ? undefined : Buffer.from(pageToken, 'base64url');
  try {
    return await client.workflowService.listWorkflowExecutions({
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
}

/** The next page's token as base64url; null on the last page. */
export const nextToken = (response: temporal.api.workflowservice.v1.ListWorkflowExecutionsResponse) =>
  response.nextPageToken?.length ? Buffer.from(response.nextPageToken).toString('base64url') : null;

/** A string literal for a visibility query (double-quoted; quotes and backslashes escaped). */
export function literal(value: string): string {
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
    // The request's SLA or its open change's: the clock its list row shows.
    const request = searchAttributes.slaBreached.name;
    const change = searchAttributes.changeSlaBreached.name;
    clauses.push(
      filters.breached
        ? `(${request} = true OR ${change} = true)`
        : `${request} = false AND (${change} IS NULL OR ${change} = false)`,
    );
  }
  if (filters.assignee !== undefined) {
    clauses.push(
      filters.assignee === ''
        ? `${searchAttributes.assignee.name} IS NULL`
        : `${searchAttributes.assignee.name} = ${literal(filters.assignee)}`,
    );
  }
  if (filters.q !== undefined) {
    const q = literal(filters.q);
    clauses.push(
      `(WorkflowId = ${literal(workflowIdForTicket(filters.q))} OR ${searchAttributes.changeTicket.name} = ${q} OR ${searchAttributes.company.name} = ${q} OR ${searchAttributes.identifiers.name} = ${q})`,
    );
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
  const response = await listExecutions(client, query, pageSize, pageToken);
  return { query, requests: response.executions.map((e) => requestSummary(e)), nextPageToken: nextToken(response) };
}

/** A list row from an execution's search attributes. */
export function requestSummary(e: temporal.api.workflow.v1.IWorkflowExecutionInfo): RequestSummary {
  const sa = decodeSearchAttributes(e.searchAttributes?.indexedFields);
  const one = (name: string): unknown => sa[name]?.[0];
  const text = (name: string): string | null => {
    const v = one(name);
    return typeof v === 'string' ? v : null;
  };
  const when = (name: string): string | null => {
    const v = one(name);
    return v instanceof Date ? v.toISOString() : typeof v === 'string' ? new Date(v).toISOString() : null;
  };
  const workflowId = e.execution?.workflowId ?? '';
  const changeTicket = text(searchAttributes.changeTicket.name);
  const changeKind = text(searchAttributes.changeKind.name);
  return {
    ticketId: ticketIdOfWorkflow(workflowId),
    workflowId,
    status: text(searchAttributes.status.name),
    state: text(searchAttributes.state.name),
    waitingOn: text(searchAttributes.waitingOn.name),
    assignee: text(searchAttributes.assignee.name),
    cloud: text(searchAttributes.cloud.name),
    connectionType: text(searchAttributes.connectionType.name),
    company: text(searchAttributes.company.name),
    slaBreached: one(searchAttributes.slaBreached.name) === true,
    slaDeadline: when(searchAttributes.slaDeadline.name),
    startedAt: optionalTsToDate(e.startTime)?.toISOString() ?? null,
    closedAt: optionalTsToDate(e.closeTime)?.toISOString() ?? null,
    openChange:
      changeTicket !== null && changeKind !== null
        ? {
            ticketId: changeTicket,
            kind: changeKind,
            slaBreached: one(searchAttributes.changeSlaBreached.name) === true,
            slaDeadline: when(searchAttributes.changeSlaDeadline.name),
          }
        : null,
  };
}

/** The attention list's groups: what needs a person now (the console's "Needs attention"). */
export const attentionGroups = ['breached', 'changeBreached', 'effectFailed', 'effectRetrying', 'checkFailed'] as const;
export type AttentionGroup = (typeof attentionGroups)[number];

/** The visibility query of an attention group: running requests only, one row per request. */
export function attentionQuery(group: AttentionGroup): string {
  const running = `WorkflowType = ${literal(WORKFLOW_TYPE)} AND ExecutionStatus = "Running"`;
  switch (group) {
    case 'breached':
      return `${running} AND ${searchAttributes.slaBreached.name} = true AND ${searchAttributes.status.name} IN ("awaiting_information", "in_progress")`;
    case 'changeBreached':
      return `${running} AND ${searchAttributes.changeSlaBreached.name} = true`;
    case 'effectFailed':
      return `${running} AND ${searchAttributes.attention.name} = "effect_failed"`;
    case 'effectRetrying':
      return `${running} AND ${searchAttributes.attention.name} = "effect_retrying"`;
    case 'checkFailed':
      return `${running} AND ${searchAttributes.attention.name} = "check_failed"`;
  }
}

/** The first `pageSize` requests of each attention group, newest first. */
export async function listAttention(
  client: Client,
  pageSize: number,
): Promise<Record<AttentionGroup, { rows: RequestSummary[]; more: boolean }>> {
  const lists = await Promise.all(
    attentionGroups.map(async (group) => {
      const response = await listExecutions(client, attentionQuery(group), pageSize, undefined);
      return [
        group,
        { rows: response.executions.map((e) => requestSummary(e)), more: nextToken(response) !== null },
      ] as const;
    }),
  );
  return Object.fromEntries(lists) as Record<AttentionGroup, { rows: RequestSummary[]; more: boolean }>;
}
