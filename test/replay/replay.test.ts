import { readdirSync, readFileSync } from 'node:fs';
import { basename, join } from 'node:path';
import { Worker } from '@temporalio/worker';
import { workflowBundlerOptions, workflowsPath } from '../../src/worker';
import { useTemporal } from '../helpers/temporal';
import { workflowIdForTicket } from '../../src/temporal/names';
import { readState } from '../../src/temporal/read-state';
import { recordedTicketId, runScenario, scenarios } from './scenarios';

const historiesDir = join(__dirname, 'histories');
const temporal = useTemporal('dev-server');

/**
 * Every committed history: the latest recording of each scenario (histories/<scenario>.json), and the recordings kept
 * from earlier releases (histories/<release>/<scenario>.json, `npm run replay:record -- --keep <release>`), which are
 * what still tests the old branch of a patch (docs/versioning.md).
 */
function committedHistories(): { file: string; workflowId: string; history: unknown }[] {
  return readdirSync(historiesDir, { recursive: true, encoding: 'utf8' })
    .filter((file) => file.endsWith('.json'))
    .sort()
    .map((file) => ({
      file,
      workflowId: workflowIdForTicket(recordedTicketId({ name: basename(file, '.json') })),
      history: JSON.parse(readFileSync(join(historiesDir, file), 'utf8')) as unknown,
    }));
}

describe('replaying recorded histories', () => {
  it('has a recorded history for every scenario (run `npm run replay:record` after adding one)', () => {
    const recorded = readdirSync(historiesDir)
      .filter((f) => f.endsWith('.json'))
      .map((f) => f.replace(/\.json$/, ''));
    expect(recorded.sort()).toEqual(scenarios.map((s) => s.name).sort());
  });

  it('replays every recorded history with the current workflow code (from 1.0 on, guard incompatible changes with a registered patch: docs/versioning.md)', async () => {
    const histories = committedHistories();
    expect(histories.length).toBeGreaterThanOrEqual(scenarios.length);
    // Results come in the order of the histories; kept releases repeat the scenarios' workflow ids, so the file names
    // each outcome.
    const outcomes: string[] = [];
    for await (const result of Worker.runReplayHistories(
      { workflowsPath, bundlerOptions: workflowBundlerOptions, replayName: 'recorded' },
      histories.map(({ workflowId, history }) => ({ workflowId, history })),
    )) {
      const { file } = histories[outcomes.length]!;
      outcomes.push(result.error ? `${file}: ${String(result.error)}` : `${file}: replays`);
    }
    expect(outcomes).toEqual(histories.map(({ file }) => `${file}: replays`));
  }, 120_000);
});

describe('with no workflow cache (every task replays from history)', () => {
  it('reaches the same ends, and the new histories replay too', async () => {
    const runs = await temporal.withWorker(
      () =>
        Promise.all(
          scenarios.map((s) =>
            runScenario(temporal.client, temporal.taskQueue, s, `EVICT-${s.name}-${Date.now().toString(36)}`).then(
              async (run) => ({ ...run, view: await readState(run.handle) }),
            ),
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
