import { randomUUID } from 'node:crypto';
import type { FastifyInstance } from 'fastify';
import { temporal as proto } from '@temporalio/proto';
import { compareWithLive, type TimelineExport, verifyExport } from '../../src/audit/chain';
import { decode } from '../../src/audit/decode';
import type { StateView } from '../../src/temporal/messages';
import { AUDIT_MEMO_KEY, workflowIdForTicket } from '../../src/temporal/names';
import { validIntake } from '../fixtures/requests';
import { bearer, testCredentials } from '../helpers/api';
import { eventually } from '../helpers/eventually';
import { useTemporal } from '../helpers/temporal';
import { buildProductTestApi } from './product-api';

const T = proto.api.enums.v1.EventType;

/**
 * A reset (`temporal workflow reset`, the UI's reset, `ResetWorkflowExecution`) abandons the running run and makes a new
 * one from an earlier point of a run's history. The audit history lists both: what the abandoned run did, the reset,
 * and what the new run does from there.
 */
const temporal = useTemporal('dev-server');
const creds = testCredentials();
const support = bearer(creds.tokens.support);
let api: FastifyInstance;
beforeAll(() => {
  api = buildProductTestApi(temporal, { store: creds.store });
});
afterAll(() => api.close());

const send = (ticketId: string, payload: object) =>
  api.inject({ method: 'POST', url: `/api/requests/${ticketId}/events`, headers: support, payload });
const history = async (ticketId: string) =>
  (
    await api.inject({ method: 'GET', url: `/api/requests/${ticketId}/history`, headers: bearer(creds.tokens.auditor) })
  ).json<TimelineExport>();
const view = async (ticketId: string) =>
  (await api.inject({ method: 'GET', url: `/api/requests/${ticketId}`, headers: support })).json<StateView>();

describe('the audit history of a reset request', () => {
  it('lists the abandoned run, the reset, and the new run, without repeating what the new run copied', () =>
    temporal.withWorker(async () => {
      const ticketId = `RESET-${Date.now().toString(36)}`;
      const workflowId = workflowIdForTicket(ticketId);
      await api.inject({
        method: 'POST',
        url: '/api/requests',
        headers: support,
        payload: validIntake('aws', 'unidirectional', ticketId),
      });
      await send(ticketId, { type: 'customer_access.granted' });
      await send(ticketId, { type: 'endpoint.requested', endpointId: 'vpce-0ccc741a6c2e29ef6' });
      await eventually(
        () => view(ticketId),
        (v) => v.state === 'reviewingConnection' && v.effects.pending === 0,
        { what: 'the endpoint request to be handled' },
      );
      const before = await history(ticketId);
      const oldRunId = before.entries[0]!.runId;

      // Reset to the workflow task that recorded customer_access.granted: the new run copies the history up to it.
      const { events } = await temporal.client.workflow.getHandle(workflowId, oldRunId).fetchHistory();
      const marker = events!.find(
        (e) =>
          e.eventType === T.EVENT_TYPE_WORKFLOW_PROPERTIES_MODIFIED &&
          (
            decode(e.workflowPropertiesModifiedEventAttributes?.upsertedMemo?.fields?.[AUDIT_MEMO_KEY]) as {
              type?: string;
            }
          )?.type === 'customer_access.granted',
      )!;
      const resetTo = marker.workflowPropertiesModifiedEventAttributes!.workflowTaskCompletedEventId!;
      const { runId: newRunId } = await temporal.client.workflowService.resetWorkflowExecution({
        namespace: temporal.env.namespace ?? 'default',
        workflowExecution: { workflowId, runId: oldRunId },
        reason: 'replaying after a bad deploy',
        workflowTaskFinishEventId: resetTo,
        requestId: randomUUID(),
      });
      // The new run re-applies the events sent after the reset point and goes on from there.
      await eventually(
        async () => (await history(ticketId)).entries,
        (entries) => entries.some((e) => e.runId === newRunId && e.type === 'endpoint.requested'),
        { what: 'the re-applied events in the new run' },
      );
      await send(ticketId, { type: 'connection.approved' });
      const after = await history(ticketId);

      // Nothing earlier changed: the export made before the reset is the start of this one.
      expect(compareWithLive(before.entries, after.entries, { prefix: true })).toMatchObject({ ok: true });
      expect(verifyExport(JSON.stringify(after))).toMatchObject({ ok: true, head: after.head });

      // Every entry of the abandoned run, then every entry of the new run.
      const runs = after.entries.map((e) => e.runId);
      expect([...new Set(runs)]).toEqual([oldRunId, newRunId]);
      expect(runs.lastIndexOf(oldRunId)).toBeLessThan(runs.indexOf(newRunId));

      const abandoned = after.entries.filter((e) => e.runId === oldRunId).at(-1)!;
      expect(abandoned).toMatchObject({
        kind: 'run.reset',
        type: 'run abandoned',
        result: 'terminated',
        from: 'reviewingConnection',
        to: 'reviewingConnection',
        authenticated: false,
      });
      expect(abandoned.detail).toContain('replaying after a bad deploy');

      const newRun = after.entries.filter((e) => e.runId === newRunId);
      // The new run's own entries start at the reset, in the state of the reset point; the copied start is not repeated.
      expect(newRun[0]).toMatchObject({
        kind: 'run.reset',
        type: 'reset',
        result: 'reset',
        from: 'reviewingConnection',
        to: 'allowlisting',
        authenticated: false,
      });
      expect(newRun[0]!.detail).toMatch(
        new RegExp(`^new run from run ${oldRunId}, with a copy of its history events 1-\\d+;`),
      );
      expect(newRun[0]!.detail).toContain('replaying after a bad deploy');
      expect(after.entries.filter((e) => e.kind === 'request.started')).toHaveLength(1);
      expect(newRun.filter((e) => e.kind === 'event').map((e) => `${e.type} ${e.result} ${e.from} -> ${e.to}`)).toEqual(
        [
          'customer_access.granted applied allowlisting -> awaitingEndpoint',
          'endpoint.requested applied awaitingEndpoint -> reviewingConnection',
          'connection.approved applied reviewingConnection -> openingPorts',
        ],
      );
      // Re-applied by the reset, the events still name the API that sent them, with what they said.
      for (const e of newRun.filter((x) => x.kind === 'event')) {
        expect(e).toMatchObject({ actor: creds.subjects.support, authenticated: true });
      }
      expect(newRun.find((e) => e.type === 'endpoint.requested')!.payload).toEqual({
        endpointId: 'vpce-0ccc741a6c2e29ef6',
      });
      expect(after.pending).toEqual([]);
    }));
});
