/**
 * The reverse path (seed 002) and Alibaba Cloud (seed 003) on a real dev server with the real worker, walked to
 * `enabled` the two ways a person drives a request: through the product's API, and through the stock `temporal` CLI
 * (as docs/workflow.md shows for AWS). Each is found by its search attributes, and each connection is removed again.
 */
import { execFile } from 'node:child_process';
import { promisify } from 'node:util';
import type { EnablementResult, EventOutcome, StateView } from '../../src/temporal/messages';
import { endpointIdOn, stepsToEnabled } from '../fixtures/events';
import { samples, validIntake } from '../fixtures/requests';
import { useTestApi } from '../helpers/api';
import { waitFor } from '../helpers/eventually';

const run = promisify(execFile);
const { temporal, start, send, nextTicket, api, support } = useTestApi('PATH');

/** The states a request passes through on the way, as the state view names them after each step. */
const expectedStates: Record<string, string[]> = {
  'alibaba unidirectional': [
    'awaitingEndpoint',
    'reviewingConnection',
    'openingPorts',
    'verifyingConnection',
    'active',
  ],
  'alibaba bidirectional': [
    'awaitingEndpoint',
    'reviewingConnection',
    'openingPorts',
    'verifyingConnection',
    'awaitingPrincipalGrant',
    'creatingVendorEndpoint',
    'awaitingReverseApproval',
    'verifyingReverseConnection',
    'active',
  ],
  'aws reverse': ['creatingVendorEndpoint', 'awaitingReverseApproval', 'verifyingReverseConnection', 'active'],
  'alibaba reverse': ['creatingVendorEndpoint', 'verifyingReverseConnection', 'active'],
};

describe('through the API', () => {
  it.each([
    ['alibaba', 'unidirectional', false],
    ['alibaba', 'bidirectional', false],
    ['aws', 'reverse', false],
    ['alibaba', 'reverse', true],
  ] as const)('walks an %s %s request to enabled (service accepts by itself: %s)', (cloud, type, autoAccept) =>
    temporal.withWorker(async () => {
      const ticketId = nextTicket();
      const base = validIntake(cloud, type, ticketId);
      const intake = autoAccept
        ? { ...base, alibaba: { ...(base.alibaba as object), autoAcceptConnections: true } }
        : base;
      const started = await start(ticketId, intake);
      expect(started.statusCode).toBe(201);
      const first = started.json<StateView>();
      expect(first).toMatchObject({
        cloud,
        connectionType: type,
        status: 'in_progress',
        state: type === 'reverse' ? 'awaitingPrincipalGrant' : 'allowlisting',
        waitingOn: type === 'reverse' ? 'customer' : 'vendor',
      });
      const states: string[] = [];
      for (const event of stepsToEnabled(cloud, type, autoAccept)) {
        const res = await send(ticketId, event);
        expect({ type: event.type, status: res.statusCode }).toEqual({ type: event.type, status: 200 });
        states.push(res.json<EventOutcome>().state);
      }
      expect(states).toEqual(expectedStates[`${cloud} ${type}`]);
      const view = (await api().inject({ url: `/api/requests/${ticketId}`, headers: support })).json<StateView>();
      expect(view).toMatchObject({ status: 'enabled', state: 'active', waitingOn: 'none' });
      expect(view.connection).toMatchObject({
        customerAccount: cloud === 'alibaba' ? samples.ALIBABA_ACCOUNT : '123456789012',
        // A reverse connection lets no account of the customer's reach the vendor.
        accounts: type === 'reverse' ? [] : [expect.objectContaining({ account: intake.customerAccount })],
        reverseServices:
          type === 'unidirectional'
            ? []
            : [expect.objectContaining({ endpointId: endpointIdOn(cloud, 'vpce-063c51c5620a37baf') })],
      });

      // Listed by the search attributes the issue names.
      await waitFor(
        async () => {
          const found: string[] = [];
          const query = `WorkflowId = "privatelink-${ticketId}" AND PrivateLinkCloud = "${cloud}" AND PrivateLinkConnectionType = "${type}" AND PrivateLinkStatus = "enabled"`;
          for await (const wf of temporal.client.workflow.list({ query })) found.push(wf.workflowId);
          return found.length === 1;
        },
        15_000,
        'the request to be listed by cloud and connection type',
      );
    }),
  );
});

describe('through the stock temporal CLI', () => {
  const cli = (...args: string[]) =>
    run(process.env.TEMPORAL_CLI_PATH!, [...args, '--address', temporal.env.address, '--output', 'json'], {
      encoding: 'utf8',
    }).then((r) => r.stdout);

  it.each([
    ['alibaba', 'unidirectional'],
    ['alibaba', 'bidirectional'],
    ['aws', 'reverse'],
  ] as const)('starts an %s %s request, walks it to enabled and removes it', (cloud, type) =>
    temporal.withWorker(async () => {
      const ticketId = `CLI-${cloud}-${type}-${Date.now().toString(36)}`;
      const workflowId = `privatelink-${ticketId}`;
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
        JSON.stringify({ ticketId, intake: validIntake(cloud, type, ticketId) }),
      );
      const update = async (event: object) =>
        (
          JSON.parse(
            await cli(
              'workflow',
              'update',
              'execute',
              '--name',
              'applyEnablementEvent',
              '--workflow-id',
              workflowId,
              '--input',
              JSON.stringify({ actor: 'alice@vendor.example', ...event }),
            ),
          ) as { result: EventOutcome }
        ).result;
      let last: EventOutcome | undefined;
      for (const event of stepsToEnabled(cloud, type)) last = await update(event);
      expect(last).toMatchObject({ status: 'enabled', state: 'active', connectionType: type, cloud });

      const listed = async (q: string) =>
        (JSON.parse(await cli('workflow', 'list', '--query', q)) as { execution: { workflowId: string } }[]).map(
          (w) => w.execution.workflowId,
        );
      await waitFor(
        async () =>
          (
            await listed(
              `PrivateLinkCloud = "${cloud}" AND PrivateLinkConnectionType = "${type}" AND PrivateLinkState = "active"`,
            )
          ).includes(workflowId),
        15_000,
        'the request to be listed by its cloud and connection type',
      );

      // Removal: a reverse connection has no account to revoke, so it starts at deleting the vendor endpoint.
      const change = await update({
        type: 'change.requested',
        changeTicketId: `${ticketId}-RM`,
        change: { kind: 'remove' },
      });
      expect(change.change).toMatchObject({
        kind: 'remove',
        state: type === 'reverse' ? 'deletingVendorEndpoints' : 'revokingAccess',
      });
      const removal: object[] =
        type === 'reverse'
          ? [{ type: 'vendor_endpoint.deleted' }]
          : [
              { type: 'customer_access.revoked' },
              { type: 'connection.removed' },
              ...(type === 'bidirectional' ? [{ type: 'vendor_endpoint.deleted' }] : []),
            ];
      for (const event of removal) last = await update(event);
      expect(last).toMatchObject({ status: 'removed', state: 'removed' });
      const result = JSON.parse(await cli('workflow', 'result', '--workflow-id', workflowId)) as {
        result: EnablementResult;
      };
      expect(result.result).toMatchObject({ ticketId, status: 'removed', connectionType: type });
    }),
  );
});
