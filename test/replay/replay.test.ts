import { readdirSync, readFileSync } from 'node:fs';
import { basename, join } from 'node:path';
import { Worker } from '@temporalio/worker';
import { workflowBundlerOptions, workflowsPath } from '../../src/worker';
import { useTemporal } from '../helpers/temporal';
import { mapLimit } from '../helpers/eventually';
import { limits } from '../../src/domain/limits';
import { workflowIdForTicket } from '../../src/temporal/names';
import { readState } from '../../src/temporal/read-state';
import { recordedTicketId, runScenario, scenarios } from './scenarios';

const historiesDir = join(__dirname, 'histories');
const temporal = useTemporal('dev-server');

/** The scenario a history file records: `<scenario>.json`, or `<scenario>.run<n>.json` for a later run. */
function scenarioOf(file: string): string {
  return basename(file, '.json').replace(/\.run\d+$/, '');
}

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
      workflowId: workflowIdForTicket(recordedTicketId({ name: scenarioOf(file) })),
      history: JSON.parse(readFileSync(join(historiesDir, file), 'utf8')) as unknown,
    }));
}

describe('replaying recorded histories', () => {
  it('has a recorded history for every scenario (run `npm run replay:record` after adding one)', () => {
    const recorded = readdirSync(historiesDir)
      .filter((f) => f.endsWith('.json') && !/\.run\d+\.json$/.test(f))
      .map((f) => f.replace(/\.json$/, ''));
    expect(recorded.sort()).toEqual(scenarios.map((s) => s.name).sort());
  });

  it('holds what a request meets over days: SLA timers, an effect retried, a continue-as-new (also during a change), a cancellation, each kind of change', () => {
    const kinds = new Map<string, Set<string>>();
    for (const { file, history } of committedHistories()) {
      const events = (history as { events: Record<string, unknown>[] }).events;
      const seen = kinds.get(scenarioOf(file)) ?? new Set<string>();
      for (const e of events) {
        seen.add(String(e.eventType));
        const started = e.activityTaskStartedEventAttributes as { attempt?: number } | undefined;
        if ((started?.attempt ?? 1) > 1) seen.add('activity retried');
        const upsert = e.upsertWorkflowSearchAttributesEventAttributes as
          { searchAttributes?: { indexedFields?: Record<string, { data?: string }> } } | undefined;
        const attention = upsert?.searchAttributes?.indexedFields?.PrivateLinkAttention?.data;
        if (attention && Buffer.from(attention, 'base64').toString().includes('effect_retrying')) {
          seen.add('effect retrying');
        }
        const scheduled = e.activityTaskScheduledEventAttributes as { input?: { payloads?: { data?: string }[] } };
        const input = (scheduled?.input?.payloads ?? []).map((p) => Buffer.from(p.data ?? '', 'base64').toString());
        for (const what of ['sla_warning', 'sla_breached', 'sla_escalation']) {
          if (input.some((text) => text.includes(`"${what}"`))) seen.add(what);
        }
      }
      kinds.set(scenarioOf(file), seen);
    }
    const holding = (what: string) => [...kinds].filter(([, seen]) => seen.has(what)).map(([name]) => name);
    expect(holding('EVENT_TYPE_TIMER_FIRED')).toContain('aws-sla-timers');
    for (const what of ['sla_warning', 'sla_breached', 'sla_escalation']) {
      expect(holding(what)).toContain('aws-sla-timers');
    }
    expect(holding('activity retried')).toContain('aws-effect-retry');
    expect(holding('effect retrying')).toEqual(['aws-effect-retry']);
    expect(holding('EVENT_TYPE_WORKFLOW_EXECUTION_CONTINUED_AS_NEW').sort()).toEqual([
      'aws-change-continued-as-new',
      'aws-continued-as-new',
    ]);
    expect(holding('EVENT_TYPE_WORKFLOW_EXECUTION_COMPLETED')).toEqual(
      expect.arrayContaining(['aws-continued-as-new']),
    );
    const cancelled = scenarios.filter((s) => s.expected === 'cancelled').map((s) => s.name);
    expect(cancelled.length).toBeGreaterThan(0);
    expect(holding('EVENT_TYPE_WORKFLOW_EXECUTION_COMPLETED')).toEqual(expect.arrayContaining(cancelled));
    // After enablement: every kind of change, a cancelled one, and the removal that ends each enabled scenario.
    const changes = new Set(
      scenarios.flatMap((s) =>
        s.events.flatMap((e) => (e.type === 'change.requested' ? [(e.change as { kind: string }).kind] : [])),
      ),
    );
    expect([...changes].sort()).toEqual(['add_service', 'change_account', 'remove', 'remove_service']);
    expect(scenarios.some((s) => s.events.some((e) => e.type === 'change.cancelled'))).toBe(true);
    expect(scenarios.filter((s) => s.expected === 'removed').length).toBeGreaterThan(10);
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
        // Eight at a time: with no cache every task replays its whole history, and all of them at once overload a
        // two-core dev server (slow updates, then timeouts) without testing anything more.
        mapLimit(scenarios, 8, (s) =>
          runScenario(temporal.client, temporal.taskQueue, s, `EVICT-${s.name}-${Date.now().toString(36)}`).then(
            async (run) => ({ ...run, view: await readState(run.handle) }),
          ),
        ),
      { maxCachedWorkflows: 0 },
    );
    expect(runs.map((r) => r.result.status)).toEqual(scenarios.map((s) => s.expected));
    for (const [i, run] of runs.entries()) {
      const scenario = scenarios[i]!;
      // Every event of the scenario applied exactly once, nothing refused or lost.
      expect(run.view.events.map((e) => e.result)).toEqual(run.view.events.map(() => 'applied'));
      // The result counts every event; the view lists the most recent ones (bounded), each applied.
      expect(run.result.events).toBe(scenario.events.length + (scenario.start === 'signal-with-start' ? 1 : 0));
      expect(run.view.events.length).toBe(Math.min(run.result.events, limits.recentEvents));
      expect(run.view.events.at(-1)?.seq ?? 0).toBe(run.result.events);
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
  }, 300_000);
});
