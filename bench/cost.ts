/**
 * Cost per request (issue 22, "Scale"): the Temporal actions (starts, signals, updates, activities, timers, search
 * attribute and memo upserts) and history bytes of a product request, against a hand-written Temporal workflow for the
 * same AWS unidirectional process that carries out the same effects and search attributes but has no state machine,
 * audit memo or batching (`bench/workflows/handwritten.ts`, the cost floor).
 *
 * Measured on the time-skipping test server with the product's real activities (a ticket file, a notification
 * receiver): a full unidirectional and a full bidirectional run to enabled, a connection that lives a year with a
 * change ticket every quarter (the last removes it), and the baseline's unidirectional run. Each step waits until the
 * request is idle (its effects out, no activity or workflow task pending), as it would be when people take minutes or
 * days between steps, so the histories do not depend on how fast this machine is.
 */
import { randomUUID } from 'node:crypto';
import type { WorkflowHandle } from '@temporalio/client';
import type { temporal } from '@temporalio/proto';
import { TestWorkflowEnvironment } from '@temporalio/testing';
import { bundleWorkflowCode, DefaultLogger, Worker } from '@temporalio/worker';
import type { Cloud } from '../src/domain/formats';
import type { ConnectionType } from '../src/domain/intake';
import { resolveTestServer } from '../src/temporal/binaries';
import {
  applyEnablementEventUpdate,
  enablementStateQuery,
  type EnablementEventInput,
  type EnablementWorkflowInput,
} from '../src/temporal/messages';
import { STARTED_BY_MEMO_KEY, WORKFLOW_TYPE, searchAttributes, workflowIdForTicket } from '../src/temporal/names';
import { ensureSearchAttributes } from '../src/temporal/search-attributes';
import { createEnablementWorker, workflowBundlerOptions, workflowsPath } from '../src/worker';
import { changeRequested, otherAccount } from '../test/fixtures/changes';
import { endpointDnsOn, stepsToEnabled, type TestEvent } from '../test/fixtures/events';
import { validIntake } from '../test/fixtures/requests';
import { startTestActivities, type TestActivities } from '../test/helpers/activities';
import { installQuietRuntime } from '../test/helpers/temporal';
import { historySize, type HistorySize, type Tally, type TemporalActions } from './history-size';
import {
  handwrittenEnablementWorkflow,
  handwrittenEventUpdate,
  handwrittenPendingQuery,
} from './workflows/handwritten';

/** Where a history's bytes and actions go. */
export interface CostBreakdown {
  /** Encoded bytes per event type, largest first. */
  bytesByEventType: Record<string, Tally>;
  /** Activities scheduled, by activity type. */
  activitiesByType: Record<string, number>;
  /** Workflow tasks completed (no action, but each is a round trip and three history events). */
  workflowTasks: number;
  updateResults: Tally & { maxBytes: number };
  memoUpserts: Tally;
  searchAttributeUpserts: Tally;
  inputBytes: number;
}

/** The cost of one history (or part of one). */
export interface CostCase {
  label: string;
  events: number;
  bytes: number;
  actions: TemporalActions;
  breakdown: CostBreakdown;
}

/** One change of the year-long connection: its share of the history, the quiet months before it included. */
export interface ChangeCost extends CostCase {
  kind: string;
  /** Days since the connection was enabled, when the change ticket arrived. */
  day: number;
}

/** What one run's activities carried out, with its ticket id written `<ticket>` so two runs compare. */
export interface EffectsSeen {
  comments: string[];
  notifications: { kind: string; message: string }[];
}

/** Search attributes as visibility shows them (name → value; dates as ISO text), without `PrivateLinkUpdatedAt`. */
export type SearchAttributeSnapshot = Record<string, unknown>;

/** Everything {@link measureCosts} measured; plain JSON. */
export interface CostReport {
  measuredAt: string;
  durationMs: number;
  unidirectional: CostCase;
  bidirectional: CostCase;
  /** The year-long connection: the whole history, the part up to enabled, and each change's part. */
  year: CostCase & { enabled: CostCase; changes: ChangeCost[]; perChange: CostCase };
  /** The hand-written workflow's unidirectional run. */
  baseline: CostCase;
  /** Product unidirectional against the baseline: ratios, and where the difference goes. */
  versusBaseline: {
    actionsRatio: number;
    bytesRatio: number;
    eventsRatio: number;
    /** Product minus baseline, per kind of action. */
    extraActions: TemporalActions;
    /** Product minus baseline, bytes per event type (largest difference first; negative: the product spends less). */
    extraBytesByEventType: Record<string, number>;
    /** Product minus baseline, activities per activity type. */
    extraActivitiesByType: Record<string, number>;
  };
  /** The effects each unidirectional run carried out (the product's and the baseline's). */
  effects: { product: EffectsSeen; baseline: EffectsSeen };
  /** The search attributes after the start and after each event, product and baseline. */
  searchAttributes: { product: SearchAttributeSnapshot[]; baseline: SearchAttributeSnapshot[] };
}

const ACTOR = 'bench@vendor.example';
const DAY_MS = 86_400_000;
/** The quiet time before each change of the year-long connection: a quarter. */
const QUARTER_DAYS = 91;

/** The four changes of the year-long connection: a new account, another service, the old account back, removal. */
export function yearOfChanges(cloud: Cloud = 'aws'): { kind: string; events: TestEvent[] }[] {
  const account = validIntake(cloud, 'unidirectional').customerAccount as string;
  const moveTo = (customerAccount: string, endpointId: string) => ({
    kind: 'change_account',
    events: [
      changeRequested('', { kind: 'change_account', customerAccount }),
      { type: 'customer_access.granted' },
      { type: 'endpoint.requested', endpointId },
      { type: 'connection.approved' },
      { type: 'connection.verified' },
      { type: 'customer_access.revoked' },
    ] as TestEvent[],
  });
  return [
    moveTo(otherAccount(cloud), 'vpce-0aaaaaaaaaaaaaaa1'),
    {
      kind: 'add_service',
      events: [
        changeRequested('', {
          kind: 'add_service',
          customerServiceName: 'com.amazonaws.vpce.us-east-1.vpce-svc-0fedcba9876543210',
          services: [{ name: 'redis', port: 6379 }],
        }),
        { type: 'principal.granted' },
        { type: 'vendor_endpoint.created', endpointId: 'vpce-0bbbbbbbbbbbbbbb2', endpointDns: endpointDnsOn(cloud, 2) },
        { type: 'reverse_connection.approved' },
        { type: 'reverse_connection.verified' },
      ],
    },
    moveTo(account, 'vpce-0ccccccccccccccc3'),
    {
      kind: 'remove',
      events: [
        changeRequested('', { kind: 'remove' }),
        { type: 'customer_access.revoked' },
        { type: 'connection.removed' },
        { type: 'vendor_endpoint.deleted' },
      ],
    },
  ];
}

/** Activity types scheduled in a history. */
function activitiesByType(events: temporal.api.history.v1.IHistoryEvent[]): Record<string, number> {
  const byType: Record<string, number> = {};
  for (const event of events) {
    const name = event.activityTaskScheduledEventAttributes?.activityType?.name;
    if (name) byType[name] = (byType[name] ?? 0) + 1;
  }
  return byType;
}

/** The cost of some events of a history. */
function costOf(label: string, events: temporal.api.history.v1.IHistoryEvent[]): CostCase {
  const size: HistorySize = historySize({ events });
  return {
    label,
    events: size.events,
    bytes: size.bytes,
    actions: size.actions,
    breakdown: {
      bytesByEventType: size.byEventType,
      activitiesByType: activitiesByType(events),
      workflowTasks: size.byEventType.WORKFLOW_TASK_COMPLETED?.count ?? 0,
      updateResults: size.updateResults,
      memoUpserts: size.memoUpserts,
      searchAttributeUpserts: size.searchAttributeUpserts,
      inputBytes: size.inputBytes,
    },
  };
}

function difference<K extends string>(a: Record<K, number>, b: Record<K, number>): Record<K, number> {
  const keys = [...new Set([...Object.keys(a), ...Object.keys(b)])] as K[];
  return Object.fromEntries(keys.map((k) => [k, (a[k] ?? 0) - (b[k] ?? 0)])) as Record<K, number>;
}

const round2 = (x: number) => Math.round(x * 100) / 100;

/** Waits until a workflow is idle: closed, or no workflow task or activity pending and no effect queued. */
async function idle(handle: WorkflowHandle, pending: () => Promise<number>): Promise<void> {
  const deadline = Date.now() + 60_000;
  for (;;) {
    const { raw, status } = await handle.describe();
    if (status.name !== 'RUNNING') return;
    // A request still loading its vendor configuration refuses queries: not idle yet.
    const queued = raw.pendingWorkflowTask || raw.pendingActivities?.length ? 1 : await pending().catch(() => 1);
    if (queued === 0) return;
    if (Date.now() > deadline) throw new Error(`${handle.workflowId} did not settle within 60 s`);
    await new Promise((r) => setTimeout(r, 10));
  }
}

/** The search attributes visibility shows for a workflow, without the time of the last change. */
async function searchAttributesOf(handle: WorkflowHandle): Promise<SearchAttributeSnapshot> {
  const { typedSearchAttributes } = await handle.describe();
  const pairs = typedSearchAttributes
    .getAll()
    .filter((p) => p.key.name !== searchAttributes.updatedAt.name)
    .map((p) => [p.key.name, p.value instanceof Date ? p.value.toISOString() : p.value] as const);
  return Object.fromEntries(pairs.sort(([a], [b]) => (a < b ? -1 : 1)));
}

/** The comments and notifications one ticket got, its id written `<ticket>`. */
function effectsOf(activities: TestActivities, ticketId: string): EffectsSeen {
  const anon = (text: string) => text.split(ticketId).join('<ticket>');
  return {
    comments: activities.tickets.comments(ticketId).map((c) => anon(c.body)),
    notifications: activities.notifications.received
      .map((r) => r.body as { ticketId: string; kind: string; message: string })
      .filter((b) => b.ticketId === ticketId)
      .map((b) => ({ kind: b.kind, message: anon(b.message) })),
  };
}

/**
 * Measures the cost per request (see the module comment). Starts its own time-skipping server and workers; takes
 * about half a minute.
 */
export async function measureCosts(opts: { log?: (line: string) => void } = {}): Promise<CostReport> {
  const log = opts.log ?? (() => undefined);
  const began = Date.now();
  installQuietRuntime();
  const quiet = new DefaultLogger('WARN');
  const testServer = await resolveTestServer();
  log('cost: starting the time-skipping server, bundling the product and the hand-written workflow');
  const [env, productBundle, baselineBundle, activities] = await Promise.all([
    TestWorkflowEnvironment.createTimeSkipping({
      server: { executable: { type: 'existing-path', path: testServer.path } },
    }),
    bundleWorkflowCode({ workflowsPath, ...workflowBundlerOptions, logger: quiet }),
    bundleWorkflowCode({ workflowsPath: require.resolve('./workflows/handwritten'), logger: quiet }),
    startTestActivities(),
  ]);
  const workers: Worker[] = [];
  let running: Promise<void>[] = [];
  try {
    const namespace = env.namespace ?? 'default';
    await ensureSearchAttributes(env.connection, namespace);
    const { client } = env;
    const queues = { product: `cost-product-${randomUUID()}`, baseline: `cost-baseline-${randomUUID()}` };
    workers.push(
      await createEnablementWorker({
        connection: env.nativeConnection,
        namespace,
        taskQueue: queues.product,
        workflowBundle: productBundle,
        activities: activities.activities,
      }),
      await Worker.create({
        connection: env.nativeConnection,
        namespace,
        taskQueue: queues.baseline,
        workflowBundle: baselineBundle,
        activities: activities.activities,
      }),
    );
    running = workers.map((w) => w.run());
    const run = String(Date.now() % 1e6);
    // Both unidirectional runs count their SLA from the same instant, so their deadlines are the same.
    const submittedAt = new Date(Math.floor((await env.currentTimeMs()) / 60_000) * 60_000).toISOString();

    const intakeFor = (ticketId: string, cloud: Cloud, type: ConnectionType) => ({
      ...validIntake(cloud, type, ticketId),
      submittedAt,
    });
    const startProduct = (ticketId: string, type: ConnectionType): Promise<WorkflowHandle> => {
      const args: [EnablementWorkflowInput] = [{ ticketId, intake: intakeFor(ticketId, 'aws', type) }];
      return client.workflow.start(WORKFLOW_TYPE, {
        workflowId: workflowIdForTicket(ticketId),
        taskQueue: queues.product,
        args,
        memo: { [STARTED_BY_MEMO_KEY]: ACTOR },
      });
    };
    // Effects not out yet, or an SLA clock (the request's, an open change's) still fetching its business windows.
    const productPending = (handle: WorkflowHandle) => async () => {
      const view = await handle.query(enablementStateQuery);
      const clockStarting = view.status !== 'enabled' ? view.sla === null : view.change !== null && !view.change.sla;
      return view.effects.pending + (clockStarting ? 1 : 0);
    };
    const send = (handle: WorkflowHandle, event: TestEvent) =>
      handle.executeUpdate(applyEnablementEventUpdate, { args: [{ actor: ACTOR, ...event } as EnablementEventInput] });

    /** A product request of `type` walked to enabled, idle after each step; the search attributes at each. */
    const toEnabled = async (ticketId: string, type: ConnectionType) => {
      const handle = await startProduct(ticketId, type);
      const pending = productPending(handle);
      await idle(handle, pending);
      const snapshots = [await searchAttributesOf(handle)];
      for (const event of stepsToEnabled('aws', type)) {
        await send(handle, event);
        await idle(handle, pending);
        snapshots.push(await searchAttributesOf(handle));
      }
      return { handle, snapshots };
    };

    log('cost: product, unidirectional run to enabled');
    const uniTicket = `COST-U-${run}`;
    const uni = await toEnabled(uniTicket, 'unidirectional');
    const unidirectional = costOf('product, unidirectional to enabled', (await uni.handle.fetchHistory()).events ?? []);

    log('cost: hand-written baseline, unidirectional run to enabled');
    const baseTicket = `COST-B-${run}`;
    const base = await client.workflow.start(handwrittenEnablementWorkflow, {
      workflowId: workflowIdForTicket(baseTicket),
      taskQueue: queues.baseline,
      args: [{ ticketId: baseTicket, intake: intakeFor(baseTicket, 'aws', 'unidirectional') }],
      memo: { [STARTED_BY_MEMO_KEY]: ACTOR },
    });
    const basePending = () => base.query(handwrittenPendingQuery);
    await idle(base, basePending);
    const baseSnapshots = [await searchAttributesOf(base)];
    for (const event of stepsToEnabled('aws', 'unidirectional')) {
      await base.executeUpdate(handwrittenEventUpdate, { args: [{ actor: ACTOR, ...event } as EnablementEventInput] });
      await idle(base, basePending);
      baseSnapshots.push(await searchAttributesOf(base));
    }
    const baseline = costOf(
      'hand-written baseline, unidirectional to enabled',
      (await base.fetchHistory()).events ?? [],
    );

    log('cost: product, bidirectional run to enabled');
    const bi = await toEnabled(`COST-D-${run}`, 'bidirectional');
    const bidirectional = costOf('product, bidirectional to enabled', (await bi.handle.fetchHistory()).events ?? []);

    log('cost: product, a connection that lives a year with four changes');
    const yearTicket = `COST-Y-${run}`;
    const year = await toEnabled(yearTicket, 'unidirectional');
    const pending = productPending(year.handle);
    let marks = [(await year.handle.fetchHistory()).events?.length ?? 0];
    const scripts = yearOfChanges('aws');
    const days: number[] = [];
    for (const [i, script] of scripts.entries()) {
      await env.sleep(QUARTER_DAYS * DAY_MS);
      days.push((i + 1) * QUARTER_DAYS);
      const changeTicketId = `${yearTicket}-C${i + 1}`;
      for (const event of script.events) {
        await send(year.handle, event.type === 'change.requested' ? { ...event, changeTicketId } : event);
        await idle(year.handle, pending);
      }
      marks = [...marks, (await year.handle.fetchHistory()).events?.length ?? 0];
    }
    const yearEvents = (await year.handle.fetchHistory()).events ?? [];
    const changes: ChangeCost[] = scripts.map((script, i) => ({
      ...costOf(`change ${i + 1}: ${script.kind}`, yearEvents.slice(marks[i], marks[i + 1])),
      kind: script.kind,
      day: days[i]!,
    }));
    const afterEnabled = yearEvents.slice(marks[0]);
    const perChange = costOf('per change (average of four)', afterEnabled);
    const average = (x: number) => round2(x / scripts.length);
    const perChangeAverage: CostCase = {
      ...perChange,
      events: average(perChange.events),
      bytes: average(perChange.bytes),
      actions: Object.fromEntries(
        Object.entries(perChange.actions as unknown as Record<string, number>).map(([k, v]) => [k, average(v)]),
      ) as unknown as TemporalActions,
    };

    await Promise.all([uni.handle, base, bi.handle].map((h) => h.terminate('cost measured').catch(() => undefined)));

    const extraBytes = difference(
      Object.fromEntries(Object.entries(unidirectional.breakdown.bytesByEventType).map(([k, t]) => [k, t.bytes])),
      Object.fromEntries(Object.entries(baseline.breakdown.bytesByEventType).map(([k, t]) => [k, t.bytes])),
    );
    return {
      measuredAt: new Date().toISOString(),
      durationMs: Date.now() - began,
      unidirectional,
      bidirectional,
      year: {
        ...costOf('product, a year with four changes (enabled, then one change a quarter)', yearEvents),
        enabled: costOf('product, the year-long connection up to enabled', yearEvents.slice(0, marks[0])),
        changes,
        perChange: perChangeAverage,
      },
      baseline,
      versusBaseline: {
        actionsRatio: round2(unidirectional.actions.total / baseline.actions.total),
        bytesRatio: round2(unidirectional.bytes / baseline.bytes),
        eventsRatio: round2(unidirectional.events / baseline.events),
        extraActions: difference(
          unidirectional.actions as unknown as Record<string, number>,
          baseline.actions as unknown as Record<string, number>,
        ) as unknown as TemporalActions,
        extraBytesByEventType: Object.fromEntries(
          Object.entries(extraBytes).sort(([, a], [, b]) => Math.abs(b) - Math.abs(a)),
        ),
        extraActivitiesByType: difference(
          unidirectional.breakdown.activitiesByType,
          baseline.breakdown.activitiesByType,
        ),
      },
      effects: { product: effectsOf(activities, uniTicket), baseline: effectsOf(activities, baseTicket) },
      searchAttributes: { product: uni.snapshots, baseline: baseSnapshots },
    };
  } finally {
    for (const worker of workers) if (worker.getState() === 'RUNNING') worker.shutdown();
    await Promise.allSettled(running);
    await env.teardown();
    await activities.stop();
  }
}

const kib = (bytes: number) => `${(bytes / 1024).toFixed(1)} KiB`;

/** A markdown table of the report: one row per case, with the product-to-baseline ratios of the unidirectional run. */
export function costTable(report: CostReport): string {
  const rows: string[][] = [];
  const row = (c: CostCase, ratio?: { actions: number; bytes: number }) => {
    const a = c.actions;
    rows.push([
      c.label,
      String(c.events),
      kib(c.bytes) + (ratio ? ` (${ratio.bytes.toFixed(2)}×)` : ''),
      String(a.total) + (ratio ? ` (${ratio.actions.toFixed(2)}×)` : ''),
      String(a.starts),
      String(a.updates + a.signals),
      String(a.activities),
      String(a.timers),
      String(a.searchAttributeUpserts),
      String(a.memoUpserts),
    ]);
  };
  const v = report.versusBaseline;
  row(report.baseline);
  row(report.unidirectional, { actions: v.actionsRatio, bytes: v.bytesRatio });
  row(report.bidirectional);
  row(report.year);
  row(report.year.enabled);
  for (const change of report.year.changes) row({ ...change, label: `change on day ${change.day}: ${change.kind}` });
  row(report.year.perChange);
  const header = [
    'history',
    'events',
    'bytes',
    'actions',
    'starts',
    'updates + signals',
    'activities',
    'timers',
    'search attribute upserts',
    'memo upserts',
  ];
  const widths = header.map((h, i) => Math.max(h.length, ...rows.map((r) => r[i]!.length)));
  const line = (cells: string[]) => `| ${cells.map((c, i) => c.padEnd(widths[i]!)).join(' | ')} |`;
  return [line(header), `| ${widths.map((w) => '-'.repeat(w)).join(' | ')} |`, ...rows.map(line)].join('\n');
}

if (require.main === module) {
  measureCosts({ log: (line) => process.stderr.write(`${line}\n`) })
    .then((report) => {
      process.stdout.write(`${costTable(report)}\n\n${JSON.stringify(report.versusBaseline, null, 2)}\n`);
    })
    .catch((err: unknown) => {
      process.stderr.write(`${err instanceof Error ? (err.stack ?? err.message) : String(err)}\n`);
      process.exitCode = 1;
    });
}
