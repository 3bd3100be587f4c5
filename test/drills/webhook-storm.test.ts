import { join } from 'node:path';
import { ticketSystemActor } from '../../src/domain/actors';
import { workflowIdForTicket } from '../../src/temporal/names';
import { validIntake } from '../fixtures/requests';
import { newWebhookSecret, signStandard } from '../helpers/api';
import {
  countHistoryEvents,
  distinctNotifications,
  EventType,
  readTicketFile,
  startApiProcess,
  startWorkerProcess,
  useDrillStack,
  waitForCount,
  waitForState,
} from '../helpers/drill-stack';
import { freePort } from '../helpers/processes';

/**
 * Drill (issue 7): a ticket system delivers the same "ticket created" webhook 20 times at once (redeliveries of one
 * message, and the same ticket under new webhook-ids), through the real route of the API process to a real worker
 * process. The ticket gets one request, its intake is applied once, and the customer hears about it once.
 */

const DELIVERIES = 20;
const secret = newWebhookSecret();
const stack = useDrillStack({ tmpPrefix: 'drill-storm-' });

describe('drill: 20 parallel deliveries of one ticket webhook', () => {
  it('start one request and apply its intake once', async () => {
    const ticketFile = join(stack.dir, 'ticket-comments.jsonl');
    const apiPort = await freePort();
    const common = { TEMPORAL_ADDRESS: stack.server.address, TICKET_WEBHOOK_SECRET: secret };
    const worker = stack.track(
      startWorkerProcess({ ...common, TICKET_LOG_FILE: ticketFile, NOTIFY_WEBHOOK_URL: stack.receiver.url }),
    );
    const api = stack.track(startApiProcess(apiPort, common));
    await Promise.all([worker.ready, api.ready]);

    const ticketId = `STORM-${Date.now().toString(36)}`;
    const body = JSON.stringify({ type: 'ticket.created', data: validIntake('aws', 'unidirectional', ticketId) });
    // Half are redeliveries of one message (same webhook-id, same signature); half are the same ticket sent as new
    // messages (their own webhook-id and signature), as a sender that lost track of what it sent would.
    const redelivered = signStandard(body, [secret], { id: `msg_${ticketId}` });
    const deliveries = Array.from({ length: DELIVERIES }, (_, i) =>
      i % 2 === 0 ? redelivered : signStandard(body, [secret], { id: `msg_${ticketId}_${i}` }),
    );
    const answers = await Promise.all(
      deliveries.map((headers) =>
        fetch(`http://127.0.0.1:${apiPort}/webhooks/tickets`, { method: 'POST', headers, body }).then(async (res) => ({
          status: res.status,
          body: (await res.json()) as { accepted?: boolean; duplicate?: boolean },
        })),
      ),
    );
    // Every delivery answered with a success status (a sender retries anything else, and would keep the storm going):
    // one applied, every other a repeat that changes nothing.
    expect(answers.filter((a) => a.status === 202 && a.body.accepted === true)).toHaveLength(1);
    expect(
      answers.filter((a) => a.status === 200 && a.body.accepted === false && a.body.duplicate === true),
    ).toHaveLength(DELIVERIES - 1);

    const handle = stack.server.client.workflow.getHandle(workflowIdForTicket(ticketId));
    const view = await waitForState(handle, (v) => v.effects.pending === 0, 30_000, 'the effects to go out');
    // Repeats are counted, not listed: those the request's validator turned away left nothing in its history, and those
    // that reached it while it started are in eventCount.repeats.
    expect(view.events.map((e) => `${e.type} ${e.actor} ${e.result}`)).toEqual([
      `ticket.submitted ${ticketSystemActor('tickets')} applied`,
    ]);
    expect(view).toMatchObject({ state: 'allowlisting', status: 'in_progress' });

    // One execution, started once; no delivery came by signal, and only the applied event and the counted repeats
    // are updates in its history.
    expect(await countHistoryEvents(handle, EventType.EVENT_TYPE_WORKFLOW_EXECUTION_STARTED)).toBe(1);
    expect(await countHistoryEvents(handle, EventType.EVENT_TYPE_WORKFLOW_EXECUTION_SIGNALED)).toBe(0);
    expect(await countHistoryEvents(handle, EventType.EVENT_TYPE_WORKFLOW_EXECUTION_UPDATE_ACCEPTED)).toBe(
      1 + view.eventCount.repeats,
    );
    await waitForCount(stack.server.client, `WorkflowId = "${handle.workflowId}"`, 1, 10_000);
    await waitForCount(stack.server.client, 'ExecutionStatus = "Running"', 1, 10_000);

    // The customer is told once that the request was accepted; the vendor is asked once to allowlist.
    const comments = readTicketFile(ticketFile).filter((c) => c.ticketId === ticketId);
    expect(comments).toHaveLength(1);
    expect(comments[0]!.body).toContain('PrivateLink request is complete and accepted');
    const notes = distinctNotifications(stack.receiver.received).filter((n) => n.ticketId === ticketId);
    expect(notes.map((n) => n.kind)).toEqual(['action_required']);
  }, 90_000);
});
