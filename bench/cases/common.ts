/** What the cases share: the event script, starting product and baseline workflows, and waiting for effects. */
import { randomUUID } from 'node:crypto';
import type { Client, WorkflowHandle } from '@temporalio/client';
import type { IntakeDraft } from '../../src/domain/intake';
import {
  enablementStateQuery,
  type EnablementEventInput,
  type EnablementWorkflowInput,
} from '../../src/temporal/messages';
import { WORKFLOW_TYPE, workflowIdForTicket } from '../../src/temporal/names';
import { readState } from '../../src/temporal/read-state';
import { bidirectionalLoopEvents, onCloud, type TestEvent } from '../../test/fixtures/events';
import { validIntake } from '../../test/fixtures/requests';
import { type BaselineInput, baselineWorkflow } from '../workflows/baseline';

/** The actor of events sent with the raw client (the API records its token's subject instead). */
export const BENCH_ACTOR = 'bench@vendor.example';

/**
 * A full bidirectional run from allowlisting to enabled through every loop of both legs (the test suite's
 * `bidirectionalLoopEvents`, also recorded as a replay scenario), then the connection's removal by a change ticket,
 * which ends the workflow (22 events).
 */
export const runScript: readonly TestEvent[] = onCloud('azure', [
  ...bidirectionalLoopEvents,
  { type: 'change.requested', changeTicketId: 'BENCH-REMOVE', change: { kind: 'remove' } },
  { type: 'customer_access.revoked' },
  { type: 'connection.removed' },
  { type: 'vendor_endpoint.deleted' },
]);

/** A complete Azure bidirectional intake for the script (its reverse-leg check targets 127.0.0.1). */
export function benchIntake(ticketId: string): IntakeDraft {
  return validIntake('azure', 'bidirectional', ticketId);
}

/** A ticket id unique to this run. */
export function benchTicket(prefix: string, i: number): string {
  return `${prefix}-${randomUUID().slice(0, 8)}-${i}`;
}

/** An event as the raw client sends it. */
export function withActor(event: TestEvent): EnablementEventInput {
  return { actor: BENCH_ACTOR, ...event } as EnablementEventInput;
}

/** Starts a product request with its intake (as `plctl start` or the stock CLI does). */
export function startProduct(client: Client, taskQueue: string, ticketId: string): Promise<WorkflowHandle> {
  const args: [EnablementWorkflowInput] = [{ ticketId, intake: benchIntake(ticketId) }];
  return client.workflow.start(WORKFLOW_TYPE, { workflowId: workflowIdForTicket(ticketId), taskQueue, args });
}

/** Starts an empty baseline workflow; with `updates` it ends after that many. */
export function startBaseline(
  client: Client,
  taskQueue: string,
  id: string,
  input: BaselineInput = {},
): Promise<WorkflowHandle<typeof baselineWorkflow>> {
  return client.workflow.start(baselineWorkflow, { workflowId: `baseline-${id}`, taskQueue, args: [input] });
}

/** Waits until a request has carried out every effect it asked for (none pending), so the next step meets it idle. */
export async function settle(handle: WorkflowHandle, view?: { effects: { pending: number } }): Promise<void> {
  let pending = view?.effects.pending ?? (await readState(handle)).effects.pending;
  while (pending > 0) {
    await new Promise((r) => setTimeout(r, 5));
    pending = (await handle.query(enablementStateQuery)).effects.pending;
  }
}
