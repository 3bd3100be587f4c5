import { join } from 'node:path';
import type { Client, WorkflowHandle } from '@temporalio/client';
import { temporal as proto } from '@temporalio/proto';
import type { EnablementResult, StateView } from '../../src/temporal/messages';
import { TASK_QUEUE } from '../../src/temporal/names';
import { readState } from '../../src/temporal/read-state';
import {
  EventType,
  replayFailures,
  startWorkerProcess,
  useDrillStack,
  type WorkerProcess,
} from '../helpers/drill-stack';
import { repoRoot } from '../helpers/processes';
import { waitFor } from '../helpers/eventually';
import { runScenario, type Scenario, scenarios } from '../replay/scenarios';

/**
 * Drill (issue 7): every path and loop of the machines, run in full twice on one server, one after the other: in one
 * namespace by a normal worker, in another by a worker with no workflow cache (WORKER_MAX_CACHED_WORKFLOWS=0: every
 * workflow task replays the whole history), which is also stopped and replaced mid-run. Both must end in the same
 * state, and every history must replay with the workflow code.
 */

const { TaskQueueKind } = proto.api.enums.v1;
const UNCACHED = 'drill-uncached';
const stack = useDrillStack({ tmpPrefix: 'drill-evict-', namespaces: [UNCACHED] });

function worker(namespace: string, env: NodeJS.ProcessEnv = {}): WorkerProcess {
  return stack.track(
    startWorkerProcess({
      TEMPORAL_ADDRESS: stack.server.address,
      TEMPORAL_NAMESPACE: namespace,
      VENDOR_CONFIG: join(repoRoot, 'config', 'vendor.example.json'),
      TICKET_LOG_FILE: join(stack.dir, `${namespace}-tickets.jsonl`),
      NOTIFY_WEBHOOK_URL: stack.receiver.url,
      ...env,
    }),
  );
}

interface Run {
  scenario: Scenario;
  handle: WorkflowHandle;
  result: EnablementResult;
  view: StateView;
}

const actor = 'drill@vendor.example';

/**
 * Reads the state view, waiting out a moment with no worker to answer (a query needs one; the drill replaces the
 * uncached worker mid-run).
 */
async function readAnswered(handle: WorkflowHandle): Promise<StateView> {
  let view: StateView | undefined;
  await waitFor(
    async () => (view = await readState(handle).catch(() => undefined)) !== undefined,
    30_000,
    `an answer from ${handle.workflowId}`,
  );
  return view!;
}

/**
 * Runs every scenario at once in one namespace; ticket ids carry the tag, so the two runs' requests differ. With
 * `hold`, each scenario with events stops before its middle event until `hold.release` resolves, and says so in
 * `hold.reached`: the drill restarts the worker while those requests are certainly open.
 */
function runAll(
  client: Client,
  tag: string,
  hold?: { release: Promise<void>; reached: () => void },
): Promise<Omit<Run, 'view'>[]> {
  return Promise.all(
    scenarios.map(async (scenario) => {
      const ticketId = `EVICT-${tag}-${scenario.name}`;
      const middle = Math.floor(scenario.events.length / 2);
      const { handle, result } = await runScenario(client, TASK_QUEUE, scenario, ticketId, {
        actor,
        read: readAnswered,
        ...(hold
          ? {
              beforeEvent: async (index: number) => {
                if (index !== middle) return;
                hold.reached();
                await hold.release;
              },
            }
          : {}),
      });
      return { scenario, handle, result };
    }),
  );
}

/** The scenarios a held run stops in the middle of (those with events). */
const heldScenarios = scenarios.filter((s) => s.events.length > 0).length;

/** What a user sees of a finished request, without what legitimately differs between two runs (ids, times). */
function outcome(run: Run, tag: string): unknown {
  const { view, result } = run;
  const plain = {
    result: { status: result.status, state: result.state, events: result.events, cloud: result.cloud },
    status: view.status,
    state: view.state,
    waitingOn: view.waitingOn,
    allowedEvents: view.allowedEvents,
    request: view.request,
    sla: view.sla && {
      targetHours: view.sla.targetHours,
      breached: view.sla.breached,
      events: view.sla.events.map((e) => e.kind),
    },
    events: view.events.map(({ at: _at, ...e }) => e),
    // A connectivity check's detail carries its measured time.
    effects: view.effects.done.map((e) => `${e.seq} ${e.type} ${e.what} ${e.status}`),
    pending: view.effects.pending,
  };
  return JSON.parse(JSON.stringify(plain).replaceAll(`EVICT-${tag}-`, 'EVICT-'));
}

/** Workflow tasks of a run that went to a worker's sticky queue (to the workflow cached there). */
const stickyTasks = async (handle: WorkflowHandle) =>
  ((await handle.fetchHistory()).events ?? []).filter(
    (e) =>
      e.eventType === EventType.EVENT_TYPE_WORKFLOW_TASK_SCHEDULED &&
      e.workflowTaskScheduledEventAttributes?.taskQueue?.kind === TaskQueueKind.TASK_QUEUE_KIND_STICKY,
  ).length;

describe('drill: forced workflow-cache eviction during full runs', () => {
  it('ends every path as a normal run does, and every history replays', async () => {
    const uncachedClient = stack.server.clientFor(UNCACHED);
    const normal = worker('default');
    const uncached = worker(UNCACHED, { WORKER_MAX_CACHED_WORKFLOWS: '0' });
    await Promise.all([normal.ready, uncached.ready]);

    const withViews = (runs: Omit<Run, 'view'>[]) =>
      Promise.all(runs.map(async (run) => ({ ...run, view: await readState(run.handle) })));
    // The normal runs first, to the end: both sets at once overload a two-core dev server without testing more.
    const a = await runAll(stack.server.client, 'normal').then(withViews);
    // The uncached runs stop halfway until the worker is replaced, so it is replaced with those requests open.
    let release = () => {};
    let held = 0;
    const uncachedRuns = runAll(uncachedClient, 'uncached', {
      release: new Promise<void>((resolve) => (release = resolve)),
      reached: () => void held++,
    });
    await waitFor(() => held === heldScenarios, 180_000, 'every uncached run with events to reach its middle');
    const closedAtRestart = (await uncachedClient.workflow.count('ExecutionStatus = "Completed"')).count;
    // Stop the uncached worker mid-run (SIGTERM: it drains, as in a rolling deploy) and start another: the requests
    // still open continue on a worker that has never seen them.
    uncached.child.kill('SIGTERM');
    await uncached.exited;
    const replacement = worker(UNCACHED, { WORKER_MAX_CACHED_WORKFLOWS: '0' });
    await replacement.ready;
    release();

    const b = await uncachedRuns.then(withViews);
    expect(closedAtRestart).toBeLessThan(scenarios.length);
    expect(b.map((run) => outcome(run, 'uncached'))).toEqual(a.map((run) => outcome(run, 'normal')));
    expect(b.map((run) => run.result.status)).toEqual(scenarios.map((s) => s.expected));

    // The uncached worker really ran without its cache: no task went to a sticky queue.
    const sticky = await Promise.all(b.map((run) => stickyTasks(run.handle)));
    expect(sticky).toEqual(b.map(() => 0));
    expect((await Promise.all(a.map((run) => stickyTasks(run.handle)))).some((n) => n > 0)).toBe(true);

    expect(await replayFailures([...a, ...b].map((run) => run.handle))).toEqual([]);
  }, 480_000);
});
