import { useTemporal } from '../helpers/temporal';
import { allSearchAttributeKeys } from '../../src/temporal/names';
import { approvedByQuery, approveSignal, waitForApprovalWorkflow } from './fixtures/harness-workflows';

const temporal = useTemporal('dev-server', { workflowsPath: require.resolve('./fixtures/harness-workflows') });

describe('the dev server harness', () => {
  it('runs a workflow that receives a signal and answers queries before and after it', async () => {
    const result = await temporal.withWorker(async () => {
      const handle = await temporal.client.workflow.start(waitForApprovalWorkflow, {
        taskQueue: temporal.taskQueue,
        workflowId: `approval-${temporal.taskQueue}`,
      });
      expect(await handle.query(approvedByQuery)).toBeNull();
      await handle.signal(approveSignal, 'alice@vendor.example');
      await handle.signal(approveSignal, 'mallory@vendor.example');
      expect(await handle.query(approvedByQuery)).toBe('alice@vendor.example');
      return handle.result();
    });
    expect(result).toBe('approved by alice@vendor.example');
  });

  it("registers the product's search attributes, so visibility queries on them are accepted", async () => {
    const { customAttributes } = await temporal.env.connection.operatorService.listSearchAttributes({
      namespace: 'default',
    });
    expect(Object.keys(customAttributes ?? {})).toEqual(
      expect.arrayContaining(allSearchAttributeKeys.map((k) => k.name)),
    );
    const found = [];
    for await (const wf of temporal.client.workflow.list({
      query: 'PrivateLinkSlaBreached = true AND PrivateLinkStatus = "in_progress"',
    })) {
      found.push(wf);
    }
    expect(found).toEqual([]);
  });
});
