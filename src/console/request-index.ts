/**
 * The inbox's read model: the list row of every request, kept in this process's memory, so the inbox filters,
 * searches and sorts by time to breach in milliseconds (Temporal's SQL visibility can neither sort by a search
 * attribute nor search inside one; bench/README.md measures both at 10,000 open requests). Temporal
 * stays the source of truth: the index reads every request from visibility at start (ended ones too, for as long as
 * visibility keeps them), then follows it by `PrivateLinkUpdatedAt`, which each workflow sets whenever its other
 * search attributes change, and reads everything again every few minutes to catch what following cannot see (a
 * workflow terminated by hand, a change that reached visibility late).
 */
import { createHash } from 'node:crypto';
import type { Client } from '@temporalio/client';
import { decodeSearchAttributes } from '@temporalio/common/lib/converter/payload-search-attributes';
import { temporal } from '@temporalio/proto';
import { AppError } from '../errors';
import { searchAttributes, WORKFLOW_TYPE } from '../temporal/names';
import {
  type ListFilters,
  listExecutions,
  literal,
  nextToken,
  requestSummary,
  type RequestSummary,
} from '../temporal/visibility';

const { WorkflowExecutionStatus } = temporal.api.enums.v1;

/** A row of the index: the list row, the identifiers a person searches by, and when it last changed. */
export interface IndexedRequest extends RequestSummary {
  runId: string;
  identifiers: string[];
  /** `PrivateLinkUpdatedAt` (ms); 0 when the workflow never set it. */
  updatedAt: number;
}

/**
 * The inbox's question: the API's filters; `q` is found inside the ticket id (the request's or its open change's),
 * company, accounts and endpoint ids (any case).
 */
export type IndexQuery = ListFilters;

/** One page of the index, in order of time to breach. */
export interface IndexPage {
  rows: IndexedRequest[];
  /** What the page shows, in a few characters: another fingerprint for the same view means the page changed. */
  fingerprint: string;
  /** Where the next page starts (opaque), if there is one. */
  next: string | null;
  /** How many rows match in all. */
  total: number;
  /** When the index last heard from Temporal (ms); the inbox warns when that was long ago. */
  syncedAt: number;
}

export interface RequestIndexOptions {
  /** How often to read what changed (ms). */
  pollMs?: number;
  /** How often to read everything again (ms). */
  rebuildMs?: number;
  /** Most rows kept; beyond it the inbox asks visibility instead (and says so in the log). */
  maxRows?: number;
  /** Whether waiting on the customer pauses the SLA clock (the vendor's policy): such rows sort after running clocks. */
  pauseWhileWaitingOnCustomer?: boolean;
  now?: () => number;
  log?: (message: string, error?: unknown) => void;
}

/** Views whose fingerprints are kept at once (each open inbox page names one). */
const MAX_VIEWS = 1000;
/** Rows read per visibility page. */
const READ_PAGE = 1000;
/**
 * How far back each follow reads, before the newest change it has seen: visibility may show changes out of order when
 * its queue lags, and workflow tasks run on several workers' clocks. A change later than this waits for the next full
 * read. Each follow reads again what changed in this window, so its cost grows with it (30 s made every follow of a
 * busy benchmark take a second on the dev server).
 */
const OVERLAP_MS = 10_000;
/** Longest wait between tries while Temporal cannot be reached. */
const MAX_BACKOFF_MS = 30_000;

/**
 * Order of the inbox: running SLA clocks first, soonest due (so breached ones lead), then open requests with no clock
 * yet, then paused clocks, then requests whose SLA is over (enabled), most recently started first within each group.
 * An enabled request with a change open sorts by the change's own clock ({@link slaClockOf}).
 */
type SortKey = [group: number, value: number, ticketId: string];

export class RequestIndex {
  private rows = new Map<string, IndexedRequest>();
  /** Counts the changes to the rows (a page is recomputed only when it moved). */
  private changes = 0;
  private readonly fingerprints = new Map<string, { at: number; fingerprint: string | undefined }>();
  private watermark = 0;
  private loaded = false;
  private overflow = false;
  private syncedAt = 0;
  private lastRebuild = 0;
  private timer: NodeJS.Timeout | undefined;
  private running: Promise<void> | undefined;
  private stopped = false;
  private readonly pollMs: number;
  private readonly rebuildMs: number;
  private readonly maxRows: number;
  private readonly now: () => number;
  /** The rows in inbox order, kept until they change (every search filters this list; none sorts). */
  private sorted: { at: number; list: { row: IndexedRequest; key: SortKey }[] } | undefined;
  /** Failed reads in a row (for the backoff and to log once per outage). */
  private failures = 0;

  constructor(
    private readonly client: Client,
    private readonly opts: RequestIndexOptions = {},
  ) {
    this.pollMs = opts.pollMs ?? 1000;
    this.rebuildMs = opts.rebuildMs ?? 5 * 60_000;
    this.maxRows = opts.maxRows ?? 200_000;
    this.now = opts.now ?? Date.now;
  }

  /** Starts reading (in the background: the inbox asks visibility until the first full read is done). */
  start(): void {
    this.stopped = false;
    this.schedule(0);
  }

  /** Stops reading, and waits for a read under way. */
  async stop(): Promise<void> {
    this.stopped = true;
    clearTimeout(this.timer);
    await this.running;
  }

  /** True once the index holds every request (and has not outgrown its bound). */
  get ready(): boolean {
    return this.loaded && !this.overflow;
  }

  /** How many rows the index holds. */
  get size(): number {
    return this.rows.size;
  }

  /**
   * One page of the rows matching `query`, in order of time to breach, after `after` (a page's `next`); undefined while
   * the index cannot answer (not read yet, or grown past its bound). Throws a `bad_request` for an `after` that is not
   * one of its own.
   */
  search(query: IndexQuery, pageSize: number, after?: string): IndexPage | undefined {
    if (!this.ready) return undefined;
    const start = after === undefined ? undefined : parseCursor(after);
    if (after !== undefined && !start) {
      throw new AppError('bad_request', 'The link to this page is not valid: start from the first page');
    }
    const text = query.q?.trim().toLowerCase();
    const page: { row: IndexedRequest; key: SortKey }[] = [];
    let total = 0;
    let more = false;
    for (const entry of this.inOrder()) {
      if (!matches(entry.row, query, text)) continue;
      total++;
      if (start && compareKeys(entry.key, start) <= 0) continue;
      if (page.length < pageSize) page.push(entry);
      else more = true;
    }
    const rows = page.map((m) => m.row);
    const last = page.at(-1);
    return {
      rows,
      fingerprint: fingerprintOf(rows),
      next: last && more ? formatCursor(last.key) : null,
      total,
      syncedAt: this.syncedAt,
    };
  }

  /** Every row in inbox order: sorted once after each change, not on every page. */
  private inOrder(): { row: IndexedRequest; key: SortKey }[] {
    if (this.sorted?.at !== this.changes) {
      const list = [...this.rows.values()].map((row) => ({ row, key: this.sortKey(row) }));
      list.sort((a, b) => compareKeys(a.key, b.key));
      this.sorted = { at: this.changes, list };
    }
    return this.sorted.list;
  }

  /** Reads every request again now (tests; the loop does it every few minutes). */
  async rebuild(): Promise<void> {
    const startedAt = this.now();
    const rows = new Map<string, IndexedRequest>();
    let token: string | undefined;
    // As `GET /api/requests` lists them: one row per request (a run that continued as new is carried on by the next).
    const query = `WorkflowType = ${literal(WORKFLOW_TYPE)} AND ExecutionStatus != "ContinuedAsNew"`;
    do {
      const response = await listExecutions(this.client, query, READ_PAGE, token);
      for (const e of response.executions) {
        const row = indexedRow(e);
        if (row && newer(row, rows.get(row.workflowId))) rows.set(row.workflowId, row);
      }
      token = nextToken(response) ?? undefined;
      if (rows.size > this.maxRows) break;
    } while (token !== undefined && !this.stopped);
    if (this.stopped) return;
    this.setOverflow(rows.size > this.maxRows);
    if (rows.size !== this.rows.size || [...rows.values()].some((r) => !sameRow(this.rows.get(r.workflowId), r))) {
      this.changes++;
    }
    this.rows = rows;
    this.watermark = Math.min(this.watermark || Infinity, startedAt - OVERLAP_MS);
    this.loaded = true;
    this.lastRebuild = startedAt;
    this.syncedAt = startedAt;
  }

  /** Reads what changed since the newest change seen (tests; the loop does it every `pollMs`). */
  async follow(): Promise<void> {
    const from = new Date(this.watermark).toISOString();
    const query = `WorkflowType = ${literal(WORKFLOW_TYPE)} AND ${searchAttributes.updatedAt.name} >= ${literal(from)}`;
    const readAt = this.now();
    let token: string | undefined;
    let newest = 0;
    do {
      const response = await listExecutions(this.client, query, READ_PAGE, token);
      for (const e of response.executions) newest = Math.max(newest, this.apply(e));
      token = nextToken(response) ?? undefined;
    } while (token !== undefined && !this.stopped);
    if (newest) this.watermark = Math.max(this.watermark, newest - OVERLAP_MS);
    this.setOverflow(this.rows.size > this.maxRows);
    this.syncedAt = readAt;
  }

  /** Applies one execution read by a follow; returns its `PrivateLinkUpdatedAt` (0 when not applied). */
  private apply(e: temporal.api.workflow.v1.IWorkflowExecutionInfo): number {
    // A run that continued as new is carried on by its successor, which has its own row.
    if (e.status === WorkflowExecutionStatus.WORKFLOW_EXECUTION_STATUS_CONTINUED_AS_NEW) return 0;
    const row = indexedRow(e);
    if (!row) return 0;
    const held = this.rows.get(row.workflowId);
    if (!sameRow(held, row) && newer(row, held)) {
      this.rows.set(row.workflowId, row);
      this.changes++;
    }
    return row.updatedAt;
  }

  /**
   * The fingerprint of a view's page as it stands (as {@link search} gives it), recomputed only after the rows changed
   * and shared by every page open on the same view; undefined when the index cannot answer.
   */
  fingerprint(query: IndexQuery, pageSize: number, after?: string): string | undefined {
    const key = JSON.stringify([query, pageSize, after ?? null]);
    const known = this.fingerprints.get(key);
    if (known?.at === this.changes) return known.fingerprint;
    let fingerprint: string | undefined;
    try {
      fingerprint = this.search(query, pageSize, after)?.fingerprint;
    } catch {
      fingerprint = undefined;
    }
    if (this.fingerprints.size >= MAX_VIEWS) this.fingerprints.clear();
    this.fingerprints.set(key, { at: this.changes, fingerprint });
    return fingerprint;
  }

  private setOverflow(over: boolean): void {
    if (over && !this.overflow) {
      this.opts.log?.(
        `More than ${this.maxRows} running requests: the inbox reads them from Temporal's visibility instead of its index`,
      );
    }
    this.overflow = over;
  }

  private sortKey(row: IndexedRequest): SortKey {
    const started = row.startedAt ? Date.parse(row.startedAt) : 0;
    const clock = slaClockOf(row);
    if (!clock) return [3, -started, row.ticketId];
    if (this.opts.pauseWhileWaitingOnCustomer && row.waitingOn === 'customer' && !clock.breached) {
      return [2, -started, row.ticketId];
    }
    if (!clock.deadline) return [1, -started, row.ticketId];
    return [0, Date.parse(clock.deadline), row.ticketId];
  }

  private schedule(delay: number): void {
    if (this.stopped) return;
    this.timer = setTimeout(() => {
      this.running = this.tick().finally(() => {
        this.running = undefined;
        // Backing off while Temporal cannot be reached: twice the poll, four times, ... up to 30 s.
        this.schedule(this.failures ? Math.min(MAX_BACKOFF_MS, this.pollMs * 2 ** this.failures) : this.pollMs);
      });
    }, delay);
    this.timer.unref();
  }

  private async tick(): Promise<void> {
    try {
      const due = !this.loaded || this.now() - this.lastRebuild >= this.rebuildMs;
      // Grown past its bound, it only checks every few minutes whether it fits again.
      if (due) await this.rebuild();
      else if (!this.overflow) await this.follow();
      if (this.failures) this.opts.log?.('Reading requests from Temporal for the inbox again');
      this.failures = 0;
    } catch (err) {
      // Keep what the index has (the inbox shows how old it is) and try again; said once per outage.
      if (!this.failures) this.opts.log?.('Could not read requests from Temporal for the inbox', err);
      this.failures = Math.min(this.failures + 1, 10);
    }
  }
}

/**
 * The SLA clock that runs for a row, if one does: the request's until it is enabled, then the open change's (a change
 * has five business days of its own); none once the request ended and no change is open.
 */
export function slaClockOf(row: RequestSummary): { breached: boolean; deadline: string | null } | undefined {
  if (row.closedAt) return undefined;
  if (row.status === 'awaiting_information' || row.status === 'in_progress') {
    return { breached: row.slaBreached, deadline: row.slaDeadline };
  }
  if (row.status === 'enabled' && row.openChange) {
    return { breached: row.openChange.slaBreached, deadline: row.openChange.slaDeadline };
  }
  return undefined;
}

/** True when `row` should replace `held`: another run of the request that started later, or a later read of its run. */
function newer(row: IndexedRequest, held: IndexedRequest | undefined): boolean {
  if (!held) return true;
  if (held.runId !== row.runId) return (row.startedAt ?? '') >= (held.startedAt ?? '');
  return row.updatedAt >= held.updatedAt;
}

/** The row of an execution, with its identifiers and change time; none without a workflow id. */
function indexedRow(e: temporal.api.workflow.v1.IWorkflowExecutionInfo): IndexedRequest | undefined {
  if (!e.execution?.workflowId) return undefined;
  const sa = decodeSearchAttributes(e.searchAttributes?.indexedFields);
  const ids = sa[searchAttributes.identifiers.name] ?? [];
  const changed = sa[searchAttributes.updatedAt.name]?.[0];
  const updatedAt = changed instanceof Date ? changed.getTime() : typeof changed === 'string' ? Date.parse(changed) : 0;
  return {
    ...requestSummary(e),
    runId: e.execution.runId ?? '',
    identifiers: ids.filter((id): id is string => typeof id === 'string'),
    updatedAt: Number.isFinite(updatedAt) ? updatedAt : 0,
  };
}

/** True when the row passes every filter, as visibility would answer the same filters (src/temporal/visibility.ts). */
function matches(row: IndexedRequest, q: IndexQuery, text: string | undefined): boolean {
  if (q.status !== undefined && row.status !== q.status) return false;
  if (q.waitingOn !== undefined && row.waitingOn !== q.waitingOn) return false;
  if (q.cloud !== undefined && row.cloud !== q.cloud) return false;
  if (q.connectionType !== undefined && row.connectionType !== q.connectionType) return false;
  if (q.company !== undefined && row.company !== q.company) return false;
  // Either clock: the request's SLA or its open change's (as the list row shows the change's).
  if (q.breached !== undefined && (row.slaBreached || row.openChange?.slaBreached === true) !== q.breached)
    return false;
  if (q.assignee !== undefined && (row.assignee ?? '') !== q.assignee) return false;
  if (text) {
    const found =
      row.ticketId.toLowerCase().includes(text) ||
      (row.openChange?.ticketId.toLowerCase().includes(text) ?? false) ||
      (row.company ?? '').toLowerCase().includes(text) ||
      row.identifiers.some((id) => id.toLowerCase().includes(text));
    if (!found) return false;
  }
  return true;
}

/** True when both are the same run at the same change, running or ended alike. */
function sameRow(a: IndexedRequest | undefined, b: IndexedRequest): boolean {
  return a !== undefined && a.runId === b.runId && a.updatedAt === b.updatedAt && a.closedAt === b.closedAt;
}

/** A short hash of the rows a page shows and how each stands. */
function fingerprintOf(rows: readonly IndexedRequest[]): string {
  const hash = createHash('sha256');
  for (const r of rows) hash.update(`${r.workflowId}\n${r.runId}\n${r.updatedAt}\n`);
  return hash.digest('base64url').slice(0, 16);
}

function compareKeys(a: SortKey, b: SortKey): number {
  return a[0] - b[0] || a[1] - b[1] || (a[2] < b[2] ? -1 : a[2] > b[2] ? 1 : 0);
}

/** A page's end as the next page's start: `group.value.ticketId`, base64url. */
function formatCursor(key: SortKey): string {
  return Buffer.from(JSON.stringify(key)).toString('base64url');
}

/** The sort key a cursor names; none when it is not a cursor. */
function parseCursor(cursor: string): SortKey | undefined {
  if (cursor.length > 400 || !/^[A-Za-z0-9_-]+$/.test(cursor)) return undefined;
  try {
    const key: unknown = JSON.parse(Buffer.from(cursor, 'base64url').toString('utf8'));
    if (
      Array.isArray(key) &&
      key.length === 3 &&
      Number.isInteger(key[0]) &&
      Number.isFinite(key[1]) &&
      typeof key[2] === 'string'
    ) {
      return key as SortKey;
    }
  } catch {
    // not a cursor
  }
  return undefined;
}
