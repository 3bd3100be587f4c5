/**
 * The audit timeline's export formats and hash chain. Pure (node:crypto only), so `plctl history --verify` checks a
 * saved export without a server.
 *
 * Each entry's `hash` is SHA-256 over the previous entry's hash and the entry's fields in a fixed order; the first
 * entry chains to a genesis hash bound to the ticket. Because the timeline is rebuilt from Temporal's append-only
 * event history, a later export of the same request repeats every earlier entry with the same hashes: an export's
 * last hash (its head) can be compared with a fresh export to show nothing was changed, dropped or reordered.
 */
import { createHash } from 'node:crypto';

/** What happened, in a timeline entry. */
export const entryKinds = [
  'request.started',
  'event',
  'state.changed',
  'effect',
  'sla',
  'run.continued',
  'request.ended',
] as const;
export type EntryKind = (typeof entryKinds)[number];

/** One line of a request's audit timeline. */
export interface TimelineEntry {
  /** Position in the timeline, from 1. */
  seq: number;
  ticketId: string;
  /** When Temporal recorded it (ISO 8601, UTC). */
  at: string;
  kind: EntryKind;
  /** Who: the authenticated subject for events, `system` for what the workflow did by itself. */
  actor: string;
  /** The event type, the effect (comment template, notification kind, check), the SLA event or the end status. */
  type: string;
  /** applied / refused / duplicate for events; done / failed for effects; the status for the end. */
  result: string;
  from: string;
  to: string;
  /** The refusal reason, the staff comment, the outside system's answer, ... */
  detail: string;
  /** Temporal run and history event this entry was read from, to find it in the Temporal UI. */
  runId: string;
  historyEventId: number;
  prevHash: string;
  hash: string;
}

/** The hashed fields, in the order they are hashed and exported as CSV columns. */
export const hashedFields = [
  'seq',
  'ticketId',
  'at',
  'kind',
  'actor',
  'type',
  'result',
  'from',
  'to',
  'detail',
  'runId',
  'historyEventId',
] as const satisfies readonly (keyof TimelineEntry)[];

export const csvColumns = [...hashedFields, 'prevHash', 'hash'] as const;

/** Version tag of the chain format, carried by JSON exports. */
export const CHAIN_ALGORITHM = 'sha256-chain/v1';

/** The hash the first entry of a ticket's timeline chains to. */
export function genesisHash(ticketId: string): string {
  return sha256(`privatelink-audit/v1/${ticketId}`);
}

/** A field as text: strings as they are, numbers in decimal, nothing as the empty string. */
export function asText(value: unknown): string {
  if (typeof value === 'string') return value;
  if (typeof value === 'number' || typeof value === 'boolean') return String(value);
  return value === undefined || value === null ? '' : JSON.stringify(value);
}

function sha256(text: string): string {
  return createHash('sha256').update(text, 'utf8').digest('hex');
}

type Unhashed = Omit<TimelineEntry, 'prevHash' | 'hash'>;

/** The hash of an entry: SHA-256 of the previous hash, a newline, and the JSON array of its fields as strings. */
export function entryHash(prevHash: string, entry: Record<(typeof hashedFields)[number], unknown>): string {
  return sha256(`${prevHash}\n${JSON.stringify(hashedFields.map((f) => asText(entry[f])))}`);
}

/** Numbers the entries and chains them. */
export function chain(ticketId: string, entries: Omit<Unhashed, 'seq' | 'ticketId'>[]): TimelineEntry[] {
  let prevHash = genesisHash(ticketId);
  return entries.map((e, i) => {
    const entry: Unhashed = { seq: i + 1, ticketId, ...e };
    const hash = entryHash(prevHash, entry);
    const chained = { ...entry, prevHash, hash };
    prevHash = hash;
    return chained;
  });
}

/** A timeline as `GET /api/requests/:ticketId/history` answers it in JSON. */
export interface TimelineExport {
  ticketId: string;
  workflowId: string;
  algorithm: typeof CHAIN_ALGORITHM;
  /** The last entry's hash (the genesis hash for an empty timeline). */
  head: string;
  entries: TimelineEntry[];
  /** Events received but not handled yet; outside the chain until the request records their result. */
  pending?: { at: string; via: string; actor: string; type: string; runId: string; historyEventId: number }[];
}

/** Cells that a spreadsheet would run as a formula are prefixed with `'`; a leading `'` is doubled to stay reversible. */
function csvCell(value: unknown): string {
  let text = asText(value);
  if (/^[=+\-@\t\r']/.test(text)) text = `'${text}`;
  return /[",\r\n]/.test(text) ? `"${text.replace(/"/g, '""')}"` : text;
}

function uncell(text: string): string {
  return text.startsWith("'") ? text.slice(1) : text;
}

/** The timeline as CSV (RFC 4180, header row, CRLF line ends). */
export function toCsv(entries: readonly TimelineEntry[]): string {
  const lines = [csvColumns.join(',')];
  for (const e of entries) lines.push(csvColumns.map((c) => csvCell(e[c])).join(','));
  return `${lines.join('\r\n')}\r\n`;
}

/** Parses RFC 4180 CSV into rows of cells. Throws on an unterminated quote. */
export function parseCsv(text: string): string[][] {
  const rows: string[][] = [];
  let row: string[] = [];
  let cell = '';
  let quoted = false;
  let i = 0;
  while (i < text.length) {
    const ch = text[i]!;
    if (quoted) {
      if (ch === '"' && text[i + 1] === '"') {
        cell += '"';
        i += 2;
        continue;
      }
      if (ch === '"') quoted = false;
      else cell += ch;
      i++;
      continue;
    }
    if (ch === '"' && cell === '') quoted = true;
    else if (ch === ',') {
      row.push(cell);
      cell = '';
    } else if (ch === '\n' || ch === '\r') {
      if (ch === '\r' && text[i + 1] === '\n') i++;
      row.push(cell);
      rows.push(row);
      row = [];
      cell = '';
    } else cell += ch;
    i++;
  }
  if (quoted) throw new Error('unterminated quoted cell');
  if (cell !== '' || row.length) {
    row.push(cell);
    rows.push(row);
  }
  return rows;
}

/** The outcome of checking an export. */
export type Verification =
  | { ok: true; entries: number; ticketId: string | null; head: string }
  | { ok: false; entries: number; problems: string[] };

/** Checks a saved export (JSON or CSV, detected from its content): every hash, every link, the numbering. */
export function verifyExport(text: string): Verification {
  const trimmed = text.trimStart();
  let rows: Record<string, unknown>[];
  let declaredHead: string | undefined;
  let declaredTicket: string | undefined;
  if (trimmed.startsWith('{') || trimmed.startsWith('[')) {
    let doc: unknown;
    try {
      doc = JSON.parse(text);
    } catch (err) {
      return { ok: false, entries: 0, problems: [`not valid JSON: ${(err as Error).message}`] };
    }
    const entries = Array.isArray(doc) ? doc : (doc as { entries?: unknown } | null)?.entries;
    if (!Array.isArray(entries))
      return { ok: false, entries: 0, problems: ['no "entries" array: not a timeline export'] };
    rows = entries.map((e) => (typeof e === 'object' && e !== null ? (e as Record<string, unknown>) : {}));
    if (!Array.isArray(doc)) {
      const meta = doc as { head?: unknown; ticketId?: unknown };
      if (typeof meta.head === 'string') declaredHead = meta.head;
      if (typeof meta.ticketId === 'string') declaredTicket = meta.ticketId;
    }
  } else {
    let cells: string[][];
    try {
      cells = parseCsv(text);
    } catch (err) {
      return { ok: false, entries: 0, problems: [`not valid CSV: ${(err as Error).message}`] };
    }
    const header = cells.shift() ?? [];
    const missing = csvColumns.filter((c) => !header.includes(c));
    if (missing.length) {
      return { ok: false, entries: 0, problems: [`not a timeline export: missing column(s) ${missing.join(', ')}`] };
    }
    rows = cells.map((r) => Object.fromEntries(header.map((h, i) => [h, uncell(r[i] ?? '')])));
  }

  const problems: string[] = [];
  if (rows.length === 0) return { ok: false, entries: 0, problems: ['the export has no entries'] };
  const ticketId = declaredTicket ?? (rows[0] ? asText(rows[0].ticketId) : undefined);
  let prev = ticketId !== undefined ? genesisHash(ticketId) : '';
  rows.forEach((row, i) => {
    const where = `entry ${i + 1}`;
    if (asText(row.seq) !== String(i + 1))
      problems.push(`${where}: numbered ${asText(row.seq)} (entries missing or reordered)`);
    if (asText(row.ticketId) !== ticketId)
      problems.push(`${where}: belongs to ticket ${asText(row.ticketId)}, not ${ticketId}`);
    if (row.prevHash !== prev) problems.push(`${where}: prevHash does not match the previous entry's hash`);
    const expected = entryHash(asText(row.prevHash), row);
    if (row.hash !== expected) problems.push(`${where}: hash does not match its content (the entry was altered)`);
    prev = asText(row.hash);
  });
  const head = rows.length ? prev : ticketId !== undefined ? genesisHash(ticketId) : '';
  if (declaredHead !== undefined && declaredHead !== head) {
    problems.push(`head ${declaredHead} is not the last entry's hash (entries dropped from the end?)`);
  }
  return problems.length
    ? { ok: false, entries: rows.length, problems }
    : { ok: true, entries: rows.length, ticketId: ticketId ?? null, head };
}

/**
 * Compares a saved export with a fresh one from the server: the saved entries must be exactly the first entries of
 * the live timeline. This also catches what no offline check can: entries cut from the end, or an export rewritten and
 * re-chained from the start.
 */
export function comparePrefix(
  saved: readonly Pick<TimelineEntry, 'hash'>[],
  live: readonly Pick<TimelineEntry, 'hash'>[],
): { ok: true; saved: number; live: number } | { ok: false; problem: string } {
  if (saved.length > live.length) {
    return { ok: false, problem: `the export has ${saved.length} entries, the live history only ${live.length}` };
  }
  const differs = saved.findIndex((e, i) => e.hash !== live[i]!.hash);
  if (differs >= 0) return { ok: false, problem: `entry ${differs + 1} differs from the live history` };
  return { ok: true, saved: saved.length, live: live.length };
}

/** The entries of a saved export (JSON or CSV), for {@link comparePrefix}; undefined when it cannot be read. */
export function exportedHashes(text: string): { hash: string }[] | undefined {
  const trimmed = text.trimStart();
  try {
    if (trimmed.startsWith('{') || trimmed.startsWith('[')) {
      const doc = JSON.parse(text) as unknown;
      const entries = Array.isArray(doc) ? doc : (doc as { entries?: unknown }).entries;
      return Array.isArray(entries)
        ? entries.map((e) => ({ hash: asText((e as { hash?: unknown })?.hash) }))
        : undefined;
    }
    const [header, ...rows] = parseCsv(text);
    const at = header?.indexOf('hash') ?? -1;
    return at < 0 ? undefined : rows.map((r) => ({ hash: r[at] ?? '' }));
  } catch {
    return undefined;
  }
}
