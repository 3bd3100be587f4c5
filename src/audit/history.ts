/**
 * Reads a request's audit timeline from Temporal: the event history of every run of its workflow id (continued as new,
 * abandoned or made by a reset, or started again under the same id), built into the chained timeline (never from the
 * workflow's memory).
 */
import { status as grpcStatus } from '@grpc/grpc-js';
import { type Client, isGrpcServiceError } from '@temporalio/client';
import { AppError, errorChain } from '../errors';
import { isNotFound, rethrowTemporalError } from '../temporal/errors';
import { workflowIdForTicket } from '../temporal/names';
import { CHAIN_ALGORITHM, genesisHash, type Timeline } from './chain';
import type { HistoryEvent } from './decode';
import { buildTimeline, runCreatedAt, type RunHistory } from './timeline';

/** A bound on the runs read, far above any real request's (each run holds thousands of events). */
const MAX_RUNS = 10_000;

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
 * store lists for the id, the current run, and every run their histories link to (continue-as-new, reset base).
 */
export async function fetchRunHistories(client: Client, workflowId: string): Promise<RunHistory[]> {
  const { runId: currentRunId } = await client.workflow.getHandle(workflowId).describe();
  const toRead = [currentRunId];
  const quoted = `'${workflowId.replace(/\\/g, '\\\\').replace(/'/g, "\\'")}'`;
  try {
    for await (const execution of client.workflow.list({ query: `WorkflowId = ${quoted}` })) {
      toRead.push(execution.runId);
    }
  } catch (err) {
    // A server without visibility listing (the time-skipping test server): the runs' links are all there is.
    const unimplemented = errorChain(err)
      .filter(isGrpcServiceError)
      .some((e) => e.code === grpcStatus.UNIMPLEMENTED);
    if (!unimplemented) throw err;
  }
  const histories = new Map<string, RunHistory>();
  while (toRead.length && histories.size < MAX_RUNS) {
    const runId = toRead.shift()!;
    if (histories.has(runId)) continue;
    const events = (await client.workflow.getHandle(workflowId, runId).fetchHistory()).events ?? [];
    histories.set(runId, { runId, events });
    toRead.push(...linkedRuns(events).filter((id) => !histories.has(id)));
  }
  return [...histories.values()]
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
}

/** The audit timeline of a ticket's request, as the API and `plctl history` export it. */
export async function readTimeline(client: Client, ticketId: string): Promise<Timeline> {
  const workflowId = workflowIdForTicket(ticketId);
  let runs: RunHistory[];
  try {
    runs = await fetchRunHistories(client, workflowId);
  } catch (err) {
    if (isNotFound(err)) throw new AppError('not_found', `No request for ticket ${ticketId}.`);
    return rethrowTemporalError(err);
  }
  const { entries, pending } = buildTimeline(ticketId, runs);
  return {
    ticketId,
    workflowId,
    algorithm: CHAIN_ALGORITHM,
    head: entries.at(-1)?.hash ?? genesisHash(ticketId),
    entries,
    pending,
  };
}
