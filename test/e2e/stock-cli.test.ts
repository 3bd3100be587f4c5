import { execFile } from 'node:child_process';
import { promisify } from 'node:util';
import type { EnablementResult, EventOutcome, StateView } from '../../src/temporal/messages';
import { validIntake } from '../fixtures/requests';
import { waitFor } from '../helpers/eventually';
import { useTemporal } from '../helpers/temporal';

const run = promisify(execFile);
const temporal = useTemporal('dev-server');

/**
 * The walkthrough of docs/workflow.md, with the stock `temporal` CLI only: start, update, signal, query, list. Any
 * tool that speaks Temporal can drive a request; nothing here goes through this product's own client code.
 */
describe('walking a request end to end with the stock temporal CLI', () => {
  const cli = (...args: string[]) =>
    run(process.env.TEMPORAL_CLI_PATH!, [...args, '--address', temporal.env.address, '--output', 'json'], {
      encoding: 'utf8',
    }).then((r) => r.stdout);
  const json = <T>(text: string) => JSON.parse(text) as T;

  it('starts, updates, signals, queries, lists and finishes a request', async () => {
    await temporal.withWorker(async () => {
      const ticketId = `CLI-${Date.now().toString(36)}`;
      const workflowId = `privatelink-${ticketId}`;
      const intake = validIntake('aws', 'unidirectional', ticketId);
      await cli(
        'workflow',
        'start',
        '--type',
        'enablementWorkflow',
        '--task-queue',
        temporal.taskQueue,
        '--workflow-id',
        workflowId,
        '--input',
        JSON.stringify({ ticketId, intake }),
      );

      const update = async (event: object) => {
        const out = await cli(
          'workflow',
          'update',
          'execute',
          '--name',
          'applyEnablementEvent',
          '--workflow-id',
          workflowId,
          '--input',
          JSON.stringify(event),
        );
        return json<{ result: EventOutcome }>(out).result;
      };
      const afterGrant = await update({ type: 'customer_access.granted', actor: 'alice@vendor.example' });
      expect(afterGrant).toMatchObject({ state: 'awaitingEndpoint', waitingOn: 'customer' });

      await cli(
        'workflow',
        'signal',
        '--name',
        'enablementEvent',
        '--workflow-id',
        workflowId,
        '--input',
        JSON.stringify({ type: 'endpoint.requested', actor: 'zendesk', endpointId: 'vpce-079df92ea764cdd14' }),
      );
      const query = async () =>
        json<{ queryResult: StateView[] }>(
          await cli('workflow', 'query', '--name', 'enablementState', '--workflow-id', workflowId),
        ).queryResult[0]!;
      await waitFor(async () => (await query()).state === 'reviewingConnection', 10_000, 'the signal to apply');

      // A refused update is an error with the allowed events, and changes nothing.
      await expect(update({ type: 'connection.verified', actor: 'alice@vendor.example' })).rejects.toMatchObject({
        stderr: expect.stringContaining(
          'connection.verified is not allowed in state reviewingConnection. Allowed events: connection.approved, connection.rejected',
        ),
      });

      const listed = async (q: string) =>
        json<{ execution: { workflowId: string } }[]>(await cli('workflow', 'list', '--query', q)).map(
          (w) => w.execution.workflowId,
        );
      await waitFor(
        async () =>
          (
            await listed(
              `PrivateLinkStatus = "in_progress" AND PrivateLinkWaitingOn = "vendor" AND PrivateLinkCompany = "Acme"`,
            )
          ).includes(workflowId),
        15_000,
        'the request to be listed by its search attributes',
      );

      await update({ type: 'connection.approved', actor: 'alice@vendor.example' });
      await update({ type: 'ports.opened', actor: 'alice@vendor.example' });
      const done = await update({ type: 'connection.verified', actor: 'customer via ticket' });
      expect(done).toMatchObject({ status: 'enabled', waitingOn: 'none' });
      expect(done.event).toMatchObject({
        type: 'connection.verified',
        actor: 'customer via ticket',
        result: 'applied',
      });
      expect((await query()).events.map((e) => [e.type, e.actor, e.via])).toEqual([
        ['customer_access.granted', 'alice@vendor.example', 'update'],
        ['endpoint.requested', 'zendesk', 'signal'],
        ['connection.approved', 'alice@vendor.example', 'update'],
        ['ports.opened', 'alice@vendor.example', 'update'],
        ['connection.verified', 'customer via ticket', 'update'],
      ]);
      expect(done).toMatchObject({
        state: 'active',
        allowedEvents: ['change.requested', 'request.assigned', 'note.added'],
      });
      // The connection's record is found by the account that can connect, and a change ticket removes it.
      await waitFor(
        async () =>
          (await listed(`PrivateLinkAccounts = "123456789012" AND ExecutionStatus = "Running"`)).includes(workflowId),
        15_000,
        'the connection to be listed by its account',
      );
      const change = await update({
        type: 'change.requested',
        actor: 'alice@vendor.example',
        changeTicketId: `${ticketId}-RM`,
        change: { kind: 'remove' },
      });
      expect(change.change).toMatchObject({ ticketId: `${ticketId}-RM`, kind: 'remove', state: 'revokingAccess' });
      await update({ type: 'customer_access.revoked', actor: 'alice@vendor.example' });
      const removed = await update({ type: 'connection.removed', actor: 'alice@vendor.example' });
      expect(removed).toMatchObject({ status: 'removed', state: 'removed', allowedEvents: [] });
      const result = json<{ result: EnablementResult; status: string }>(
        await cli('workflow', 'result', '--workflow-id', workflowId),
      );
      expect(result.result).toMatchObject({ ticketId, status: 'removed', connectionType: 'unidirectional' });
    });
  });
});
