/**
 * Reads a request's audit timeline from Temporal: the event history of every run, following continue-as-new from the
 * first run to the latest, built into the chained timeline (never from the workflow's memory).
 */
import type { Client } from '@temporalio/client';
import { AppError } from '../errors';
import { isNotFound, rethrowTemporalError } from '../temporal/errors';
import { workflowIdForTicket } from '../temporal/names';
import { CHAIN_ALGORITHM, genesisHash, type TimelineExport } from './chain';
import { buildTimeline, type RunHistory } from './timeline';

/** A bound on the runs followed, far above any real request's (each run holds thousands of events). */
const MAX_RUNS = 10_000;

/** The histories of every run of a workflow, oldest first. */
export async function fetchRunHistories(client: Client, workflowId: string): Promise<RunHistory[]> {
  const runs: RunHistory[] = [];
  const { runId: latestRunId } = await client.workflow.getHandle(workflowId).describe();
  const latestHistory = await client.workflow.getHandle(workflowId, latestRunId).fetchHistory();
  const started = latestHistory.events?.[0]?.workflowExecutionStartedEventAttributes;
  let runId = started?.firstExecutionRunId || latestRunId;
  for (let hops = 0; hops < MAX_RUNS; hops++) {
    const events =
      runId === latestRunId
        ? latestHistory.events
        : (await client.workflow.getHandle(workflowId, runId).fetchHistory()).events;
    runs.push({ runId, events: events ?? [] });
    const next = events?.at(-1)?.workflowExecutionContinuedAsNewEventAttributes?.newExecutionRunId;
    if (runId === latestRunId || !next) break;
    runId = next;
  }
  return runs;
}

/** The audit timeline of a ticket's request, as the API and `plctl history` export it. */
export async function readTimeline(client: Client, ticketId: string): Promise<TimelineExport> {
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
