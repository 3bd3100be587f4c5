import type { Client, WorkflowHandle } from '@temporalio/client';
import type { IntakeDraft } from '../../src/domain/intake';
import { submissionEventId } from '../../src/domain/ticket';
import { enablementEventSignal, type EnablementEventInput } from '../../src/temporal/messages';
import { STARTED_BY_MEMO_KEY, TASK_QUEUE, WORKFLOW_TYPE, workflowIdForTicket } from '../../src/temporal/names';
import type { enablementWorkflow } from '../../workflows';
import { validIntake } from '../fixtures/requests';

/** How a test starts a request. */
export interface StartRequestOptions {
  /** The intake: a valid AWS unidirectional one by default; `null` starts the request empty, waiting for its ticket. */
  intake?: IntakeDraft | null;
  /** The task queue the test's worker polls (the product's own by default, as the drills' worker processes do). */
  taskQueue?: string;
  /**
   * `start` (default): the workflow starts with its intake, as the stock CLI does. `signal-with-start`: it starts empty
   * and the intake arrives as `ticket.submitted` by signal, as a ticket webhook delivers it.
   */
  via?: 'start' | 'signal-with-start';
  /** Who starts the request: the sender of a signalled `ticket.submitted`, and the start's memo either way. */
  actor?: string;
}

/** Starts the request for a ticket on the real workflow, the way the product's clients do. */
export async function startRequest(
  client: Client,
  ticketId: string,
  {
    intake = validIntake('aws', 'unidirectional', ticketId),
    taskQueue = TASK_QUEUE,
    via = 'start',
    actor = 'tests@vendor.example',
  }: StartRequestOptions = {},
): Promise<WorkflowHandle<typeof enablementWorkflow> & { readonly firstExecutionRunId: string }> {
  const workflowId = workflowIdForTicket(ticketId);
  if (via === 'signal-with-start') {
    const handle = await client.workflow.signalWithStart<typeof enablementWorkflow, [EnablementEventInput]>(
      WORKFLOW_TYPE,
      {
        workflowId,
        taskQueue,
        args: [{ ticketId }],
        signal: enablementEventSignal,
        signalArgs: [{ type: 'ticket.submitted', actor, eventId: submissionEventId(ticketId), intake: intake ?? {} }],
        memo: { [STARTED_BY_MEMO_KEY]: actor },
      },
    );
    // The run the signal started is the request's first.
    return Object.assign(handle, { firstExecutionRunId: handle.signaledRunId });
  }
  return client.workflow.start<typeof enablementWorkflow>(WORKFLOW_TYPE, {
    workflowId,
    taskQueue,
    args: [{ ticketId, ...(intake ? { intake } : {}) }],
    memo: { [STARTED_BY_MEMO_KEY]: actor },
  });
}
