/**
 * Records the history of every replay scenario (test/replay/scenarios.ts) on a fresh dev server and writes them to
 * test/replay/histories/*.json (a request that continued as new: one file per run, `<scenario>.run2.json` for the
 * second): `npm run replay:record`. Commit the files: CI replays them against the current
 * workflow code, so a change that would break running requests fails. Before 1.0, re-record them after such a change;
 * from 1.0 on, guard it with a patch registered in workflows/patches.ts and record its new branch (docs/versioning.md).
 */
import { execFileSync } from 'node:child_process';
import { copyFileSync, existsSync, mkdirSync, mkdtempSync, readdirSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { TestWorkflowEnvironment } from '@temporalio/testing';
import type { Client } from '@temporalio/client';
import { bundleWorkflowCode, DefaultLogger, Runtime } from '@temporalio/worker';
import { createActivities } from '../activities';
import { WebhookNotifier } from '../activities/notifier';
import { FileTicketSystem } from '../activities/ticket-file';
import { resolveTemporalCli } from '../src/temporal/binaries';
import { ensureSearchAttributes } from '../src/temporal/search-attributes';
import { createEnablementWorker, workflowBundlerOptions, workflowsPath } from '../src/worker';
import { exampleVendorConfig } from '../test/fixtures/requests';
import { RECORDING_SUGGEST_CONTINUE_AS_NEW, recordedTicketId, runScenario, scenarios } from '../test/replay/scenarios';

export const historiesDir = join(__dirname, '..', 'test', 'replay', 'histories');

/**
 * `--keep <release>`: before recording, copies the current histories to histories/<release>/, where the replay test
 * keeps replaying them: after a patched change they are what tests the old branch (docs/versioning.md, step 3).
 */
function keepCurrentHistories(args: string[]): void {
  const at = args.indexOf('--keep');
  if (at === -1) return;
  const release = args[at + 1] ?? '';
  if (!/^\d[\w.-]{0,31}$/.test(release)) {
    throw new Error(`--keep needs the release the current histories come from, e.g. --keep 1.0.0 (got "${release}")`);
  }
  const target = join(historiesDir, release);
  if (existsSync(target)) throw new Error(`${target} exists already: histories of a release are kept once`);
  mkdirSync(target);
  for (const file of readdirSync(historiesDir).filter((f) => f.endsWith('.json'))) {
    copyFileSync(join(historiesDir, file), join(target, file));
  }
  process.stdout.write(`kept the current histories in ${target}\n`);
}

/** A ticket system that fails the first `failures` comments of every request with a retryable error (a 503). */
class FailingTicketSystem extends FileTicketSystem {
  private readonly left = new Map<string, number>();

  constructor(
    path: string,
    private readonly failures: number,
  ) {
    super(path);
  }

  override postComment(ticketId: string, body: string, idempotencyKey: string) {
    const left = this.left.get(ticketId) ?? this.failures;
    if (left > 0) {
      this.left.set(ticketId, left - 1);
      return Promise.reject(new Error('503 Service Unavailable (the recording ticket system fails on purpose)'));
    }
    return super.postComment(ticketId, body, idempotencyKey);
  }
}

/** The ids of a workflow's runs in order, following each run's continued-as-new event to the next. */
async function runIdsOf(client: Client, workflowId: string, firstRunId: string): Promise<string[]> {
  const ids = [firstRunId];
  for (;;) {
    const { events } = await client.workflow.getHandle(workflowId, ids.at(-1)).fetchHistory();
    const next = events?.at(-1)?.workflowExecutionContinuedAsNewEventAttributes?.newExecutionRunId;
    if (!next) return ids;
    ids.push(next);
  }
}

async function main(): Promise<void> {
  keepCurrentHistories(process.argv.slice(2));
  Runtime.install({ logger: new DefaultLogger('WARN') });
  const cli = await resolveTemporalCli();
  const env = await TestWorkflowEnvironment.createLocal({
    server: {
      executable: { type: 'existing-path', path: cli.path },
      ip: '127.0.0.1',
      ui: false,
      extraArgs: [
        '--dynamic-config-value',
        `limit.historyCount.suggestContinueAsNew=${RECORDING_SUGGEST_CONTINUE_AS_NEW}`,
      ],
    },
  });
  try {
    await ensureSearchAttributes(env.connection, 'default');
    const quiet = { info: () => undefined, warn: () => undefined };
    const comments = join(mkdtempSync(join(tmpdir(), 'replay-')), 'comments.jsonl');
    const workflowBundle = await bundleWorkflowCode({ workflowsPath, ...workflowBundlerOptions });
    for (const scenario of scenarios) {
      // Each scenario on its own task queue and worker, with what its recording arranges (scenarios.ts).
      const { sla, failingComments = 0, settledWhen } = scenario.recording ?? {};
      const example = exampleVendorConfig();
      const taskQueue = `replay-recording-${scenario.name}`;
      const worker = await createEnablementWorker({
        connection: env.nativeConnection,
        namespace: 'default',
        taskQueue,
        workflowBundle,
        activities: createActivities({
          tickets:
            failingComments > 0 ? new FailingTicketSystem(comments, failingComments) : new FileTicketSystem(comments),
          notifier: new WebhookNotifier(undefined, quiet),
          vendorConfig: sla ? { ...example, sla } : example,
          connectivityTimeoutMs: 500,
        }),
      });
      await worker.runUntil(async () => {
        const { handle, result } = await runScenario(env.client, taskQueue, scenario, recordedTicketId(scenario), {
          ...(settledWhen ? { settledWhen } : {}),
        });
        if (result.status !== scenario.expected)
          throw new Error(`${scenario.name} ended ${result.status}, expected ${scenario.expected}`);
        const runIds = await runIdsOf(env.client, handle.workflowId, handle.firstExecutionRunId);
        for (const [i, runId] of runIds.entries()) {
          const file = join(historiesDir, `${scenario.name}${i === 0 ? '' : `.run${i + 1}`}.json`);
          // The stock CLI's JSON export: the format operators get from `temporal workflow show --output json`.
          const json = execFileSync(
            cli.path,
            ['workflow', 'show', '--workflow-id', handle.workflowId, '--run-id', runId, '--output', 'json'].concat([
              '--address',
              env.address,
            ]),
            { encoding: 'utf8' },
          );
          writeFileSync(file, json.endsWith('\n') ? json : `${json}\n`);
          process.stdout.write(`recorded ${file}\n`);
        }
      });
    }
  } finally {
    await env.teardown();
  }
}

if (require.main === module) {
  main().catch((err: unknown) => {
    process.stderr.write(`${err instanceof Error ? (err.stack ?? err.message) : String(err)}\n`);
    process.exit(1);
  });
}
