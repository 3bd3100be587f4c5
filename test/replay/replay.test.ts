import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { Worker } from '@temporalio/worker';
import { workflowBundlerOptions, workflowsPath } from '../../src/worker';
import { useTemporal } from '../helpers/temporal';
import { workflowIdForTicket } from '../../src/temporal/names';
import { recordedTicketId, runScenario, scenarios } from './scenarios';

const historiesDir = join(__dirname, 'histories');
const temporal = useTemporal('dev-server');

describe('replaying recorded histories', () => {
  it('has a recorded history for every scenario (run `npm run replay:record` after adding one)', () => {
    const recorded = readdirSync(historiesDir)
      .filter((f) => f.endsWith('.json'))
      .map((f) => f.replace(/\.json$/, ''));
    expect(recorded.sort()).toEqual(scenarios.map((s) => s.name).sort());
  });

  it('replays every recorded history with the current workflow code (from 1.0 on, guard incompatible changes with a registered patch: docs/versioning.md)', async () => {
    const histories = scenarios.map((s) => ({
      workflowId: workflowIdForTicket(recordedTicketId(s)),
      history: JSON.parse(readFileSync(join(historiesDir, `${s.name}.json`), 'utf8')) as unknown,
    }));
    const outcomes: { workflowId: string; error?: string }[] = [];
    for await (const result of Worker.runReplayHistories(
      { workflowsPath, bundlerOptions: workflowBundlerOptions, replayName: 'recorded' },
      histories,
    )) {
      outcomes.push({ workflowId: result.workflowId, ...(result.error ? { error: String(result.error) } : {}) });
    }
    expect(outcomes).toEqual(histories.map((h) => ({ workflowId: h.workflowId })));
  }, 120_000);
});

describe('with no workflow cache (every task replays from history)', () => {
  it('reaches the same ends, and the new histories replay too', async () => {
    const runs = await temporal.withWorker(
      () =>
        Promise.all(
          scenarios.map((s) =>
            runScenario(temporal.client, temporal.taskQueue, s, `EVICT-${s.name}-${Date.now().toString(36)}`),
          ),
        ),
      { maxCachedWorkflows: 0 },
    );
    expect(runs.map((r) => r.result.status)).toEqual(scenarios.map((s) => s.expected));
    for (const [i, run] of runs.entries()) {
      const scenario = scenarios[i]!;
      // Every event of the scenario applied exactly once, nothing refused or lost.
      expect(run.view.events.map((e) => e.result)).toEqual(run.view.events.map(() => 'applied'));
      expect(run.view.events.length).toBe(scenario.events.length + (scenario.start === 'signal-with-start' ? 1 : 0));
      expect(run.view.effects.done.every((e) => e.status === 'done')).toBe(true);
    }
    const histories = await Promise.all(
      runs.map(async (r) => ({ workflowId: r.handle.workflowId, history: await r.handle.fetchHistory() })),
    );
    for await (const result of Worker.runReplayHistories(
      { workflowsPath, bundlerOptions: workflowBundlerOptions, replayName: 'uncached' },
      histories,
    )) {
      expect({ workflowId: result.workflowId, error: result.error }).toEqual({
        workflowId: result.workflowId,
        error: undefined,
      });
    }
  }, 180_000);
});
