/**
 * Reads a request's audit timeline from Temporal: the event history of every run of its workflow id (continued as new,
 * abandoned or made by a reset, or started again under the same id), built into the chained timeline (never from the
 * workflow's memory). A run past the namespace retention is read from Temporal's archive (history archival), the same
 * events in the same order, so the timeline, its hashes and its signature are those it had before.
 */
import { status as grpcStatus } from '@grpc/grpc-js';
import type { Client } from '@temporalio/client';
import { AppError } from '../errors';
import { grpcErrorOf, hasGrpcCode, isNotFound, rethrowTemporalError } from '../temporal/errors';
import { literal } from '../temporal/visibility';
import { workflowIdForTicket } from '../temporal/names';
import { CHAIN_ALGORITHM, genesisHash, type Timeline } from './chain';
import type { HistoryEvent } from './decode';
import { buildTimeline, runCreatedAt, type RunHistory } from './timeline';

/** A bound on the runs read, far above any real request's (each run holds thousands of events). */
const MAX_RUNS = 10_000;

/**
 * True when Temporal has no history for a run: not in the primary store, and no archive holds it (Temporal answers
 * INVALID_ARGUMENT "Requested workflow history not found, may have passed retention period" when the namespace has no
 * archive, NOT_FOUND when the archive lacks the run).
 */
function isHistoryGone(err: unknown): boolean {
  const invalid = grpcErrorOf(err, grpcStatus.INVALID_ARGUMENT);
  return isNotFound(err) || /history not found|passed retention/i.test(invalid?.message ?? '');
}

/**
 * The runs of a workflow id the archive lists (visibility archival), oldest first as the archive returns them; none
 * when the namespace or the server has no visibility archive (then the workflow is simply gone).
 */
async function archivedRuns(client: Client, workflowId: string): Promise<string[]> {
  const runIds: string[] = [];
  let nextPageToken: Uint8Array | undefined;
  try {
    do {
      const page = await client.workflowService.listArchivedWorkflowExecutions({
        namespace: client.options.namespace,
        query: `WorkflowId = ${literal(workflowId)}`,
        pageSize: 100,
        nextPageToken,
      });
      for (const info of page.executions ?? []) if (info.execution?.runId) runIds.push(info.execution.runId);
      nextPageToken = page.nextPageToken?.length ? page.nextPageToken : undefined;
    } while (nextPageToken && runIds.length < MAX_RUNS);
  } catch (err) {
    // No archive here: "not configured for visibility archival" (INVALID_ARGUMENT), or a server without the call.
    if (hasGrpcCode(err, grpcStatus.INVALID_ARGUMENT, grpcStatus.UNIMPLEMENTED, grpcStatus.FAILED_PRECONDITION)) {
      return [];
    }
    throw err;
  }
  return runIds;
}

/**
 * Where to start reading: the current run and the runs the visibility store lists for the id; or, when Temporal no
 * longer has the workflow (a closed request past the namespace retention), the runs its archive lists.
 */
async function runsToRead(client: Client, workflowId: string): Promise<string[]> {
  let currentRunId: string;
  try {
    ({ runId: currentRunId } = await client.workflow.getHandle(workflowId).describe());
  } catch (err) {
    if (!isNotFound(err)) throw err;
    const runIds = await archivedRuns(client, workflowId);
    if (!runIds.length) throw err;
    return runIds;
  }
  const runIds = [currentRunId];
  try {
    for await (const execution of client.workflow.list({ query: `WorkflowId = ${literal(workflowId)}` })) {
      runIds.push(execution.runId);
    }
  } catch (err) {
    // A server without visibility listing (the time-skipping test server): the runs' links are all there is.
    if (!hasGrpcCode(err, grpcStatus.UNIMPLEMENTED)) throw err;
  }
  return runIds;
}

/** Search attribute names by the field Temporal stores them under (SQL visibility's `Keyword01` ...), for the namespace. */
async function aliasesOf(client: Client): Promise<Record<string, string>> {
  const described = await client.workflowService.describeNamespace({ namespace: client.options.namespace });
  return { ...(described.config?.customSearchAttributeAliases ?? {}) };
}

/**
 * Gives an archived history's search attributes their names. Temporal names them for a history it reads from its
 * primary store, but returns an archived one as stored, by field (`Keyword01`: the server's GetWorkflowExecutionHistory
 * skips that step for the archive), and the timeline reads states from the names.
 */
function nameSearchAttributes(events: HistoryEvent[], aliases: Record<string, string>): void {
  for (const event of events) {
    const attributes =
      event.workflowExecutionStartedEventAttributes?.searchAttributes ??
      event.workflowExecutionContinuedAsNewEventAttributes?.searchAttributes ??
      event.startChildWorkflowExecutionInitiatedEventAttributes?.searchAttributes ??
      event.upsertWorkflowSearchAttributesEventAttributes?.searchAttributes;
    if (!attributes?.indexedFields) continue;
    attributes.indexedFields = Object.fromEntries(
      Object.entries(attributes.indexedFields).map(([field, value]) => [aliases[field] ?? field, value]),
    );
  }
}

/** A run's events, and whether Temporal read them from its archive (the run has passed the retention). */
async function readRun(
  client: Client,
  workflowId: string,
  runId: string,
): Promise<{ events: HistoryEvent[]; archived: boolean }> {
  const events: HistoryEvent[] = [];
  let archived = false;
  let nextPageToken: Uint8Array | undefined;
  do {
    const page = await client.workflowService.getWorkflowExecutionHistory({
      namespace: client.options.namespace,
      execution: { workflowId, runId },
      nextPageToken,
    });
    events.push(...(page.history?.events ?? []));
    archived ||= page.archived === true;
    nextPageToken = page.nextPageToken?.length ? page.nextPageToken : undefined;
  } while (nextPageToken);
  return { events, archived };
}

/** The run histories of a workflow id, and whether any came from the archive. */
export interface RunHistories {
  runs: RunHistory[];
  archived: boolean;
}

/** The runs an event history names: the run it continued, the run it continued in, a reset's base, the first run. */
function linkedRuns(events: readonly HistoryEvent[]): string[] {
  const started = events[0]?.workflowExecutionStartedEventAttributes;
  const links = [
    started?.continuedExecutionRunId,
    started?.firstExecutionRunId,
    events.at(-1)?.workflowExecutionContinuedAsNewEventAttributes?.newExecutionRunId,
    ...events.map((e) => e.workflowTaskFailedEventAttributes?.baseRunId),
    ...events.map((e) => e.workflowTaskFailedEventAttributes?.newRunId),
  ];
  return links.filter((id): id is string => typeof id === 'string' && id !== '');
}

/**
 * The histories of every run of a workflow id, in the order the runs came to be. The runs are those the visibility
 * store (or, for a workflow past retention, the archive) lists for the id, the current run, and every run their
 * histories link to (continue-as-new, reset base). A run past retention is read from the archive (Temporal does this
 * itself when asked for a run by id); one that no archive holds is an error that says so, never a silent gap.
 */
export async function fetchRunHistories(client: Client, workflowId: string): Promise<RunHistories> {
  const toRead = await runsToRead(client, workflowId);
  let archived = false;
  let aliases: Record<string, string> | undefined;
  const histories = new Map<string, RunHistory>();
  while (toRead.length && histories.size < MAX_RUNS) {
    const runId = toRead.shift()!;
    if (histories.has(runId)) continue;
    let read: Awaited<ReturnType<typeof readRun>>;
    try {
      read = await readRun(client, workflowId, runId);
    } catch (err) {
      if (!isHistoryGone(err)) throw err;
      throw new AppError(
        'not_found',
        `The history of run ${runId} of workflow ${workflowId} has passed the namespace retention and no archive holds it, so its audit timeline cannot be read whole. Turn on history archival (docs/deploy.md, "How long data lives").`,
      );
    }
    const { events } = read;
    if (read.archived) {
      archived = true;
      nameSearchAttributes(events, (aliases ??= await aliasesOf(client)));
    }
    histories.set(runId, { runId, events });
    toRead.push(...linkedRuns(events).filter((id) => !histories.has(id)));
  }
  const runs = [...histories.values()]
    .map((run) => ({ run, createdAt: runCreatedAt(run) }))
    .sort((a, b) =>
      a.createdAt !== b.createdAt
        ? a.createdAt < b.createdAt
          ? -1
          : 1
        : a.run.runId < b.run.runId
          ? -1
          : a.run.runId > b.run.runId
            ? 1
            : 0,
    )
    .map(({ run }) => run);
  return { runs, archived };
}

/** The audit timeline of a ticket's request, as the API and `plctl history` export it. */
export async function readTimeline(client: Client, ticketId: string): Promise<Timeline> {
  const workflowId = workflowIdForTicket(ticketId);
  let read: RunHistories;
  try {
    read = await fetchRunHistories(client, workflowId);
  } catch (err) {
    if (isNotFound(err)) throw new AppError('not_found', `No request for ticket ${ticketId}.`);
    return rethrowTemporalError(err);
  }
  const { entries, pending } = buildTimeline(ticketId, read.runs);
  return {
    ticketId,
    workflowId,
    algorithm: CHAIN_ALGORITHM,
    head: entries.at(-1)?.hash ?? genesisHash(ticketId),
    entries,
    pending,
    archived: read.archived,
  };
}
