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
  'run.reset',
  'request.ended',
] as const;
export type EntryKind = (typeof entryKinds)[number];

/** What an event said: field name → value as text (`intake.<key>` for each intake field; JSON for lists, objects). */
export type EntryPayload = Record<string, string>;

/** One line of a request's audit timeline. */
export interface TimelineEntry {
  /** Position in the timeline, from 1. */
  seq: number;
  ticketId: string;
  /** When Temporal recorded it (ISO 8601, UTC). */
  at: string;
  kind: EntryKind;
  /** Who: the sender named in the event (the authenticated subject when it came through the API), `system` for what the workflow did by itself. */
  actor: string;
  /** The Temporal client identity that wrote this into the history: the sender of an event, the worker for the workflow's own records. */
  via: string;
  /** True when {@link via} is the product's own process for this kind of entry (the API for starts and events, the worker for the rest). */
  authenticated: boolean;
  /** The event type, the effect (comment template, notification kind, check), the SLA event or the end status. */
  type: string;
  /** applied / refused / duplicate for events; done / failed for effects; the status for the end. */
  result: string;
  from: string;
  to: string;
  /** The refusal reason, the staff comment, the outside system's answer, ... */
  detail: string;
  /** The fields of the event as it was sent (reasons, endpoint ids, note text, intake fields); `{}` for other entries. */
  payload: EntryPayload;
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
  'via',
  'authenticated',
  'type',
  'result',
  'from',
  'to',
  'detail',
  'payload',
  'runId',
  'historyEventId',
] as const satisfies readonly (keyof TimelineEntry)[];

export const csvColumns = [...hashedFields, 'prevHash', 'hash'] as const;

/** Version tag of the chain format, carried by JSON exports. */
export const CHAIN_ALGORITHM = 'sha256-chain/v2';

/** The fields each chain format hashes: v1 exports (before `via`, `authenticated` and `payload`) still verify. */
const chainFormats: Readonly<Record<string, readonly string[]>> = {
  'sha256-chain/v1': [
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
  ],
  [CHAIN_ALGORITHM]: hashedFields,
};

/** The hash the first entry of a ticket's timeline chains to. */
export function genesisHash(ticketId: string): string {
  return sha256(`privatelink-audit/v1/${ticketId}`);
}

/** A field as text: strings as they are, numbers in decimal (`NaN` too), nothing as the empty string, the rest as JSON. */
export function asText(value: unknown): string {
  if (typeof value === 'string') return value;
  if (typeof value === 'number') return String(value);
  return value === undefined || value === null ? '' : JSON.stringify(value);
}

/**
 * A payload as the chain hashes it: the JSON array of its `[name, value]` pairs sorted by name, so a JSON export (an
 * object) and a CSV export (its JSON text in one cell) hash alike, whatever order a tool writes the fields in. What is
 * not a payload (a CSV cell that is not a JSON object of texts) hashes as its text, and so fails to verify.
 */
export function canonicalPayload(value: unknown): string {
  let object = value;
  if (typeof value === 'string') {
    try {
      object = JSON.parse(value) as unknown;
    } catch {
      // Not JSON: hashed as its text, below.
    }
  }
  if (typeof object !== 'object' || object === null || Array.isArray(object)) return asText(value);
  const fields = object as Record<string, unknown>;
  if (!Object.values(fields).every((v) => typeof v === 'string')) return asText(value);
  // By UTF-16 code units, the default order of `sort`.
  const names = Object.keys(fields).sort();
  return JSON.stringify(names.map((n) => [n, fields[n]]));
}

function sha256(text: string): string {
  // A string is hashed as its UTF-8 bytes (Node's default).
  return createHash('sha256').update(text).digest('hex');
}

type Unhashed = Omit<TimelineEntry, 'prevHash' | 'hash'>;

/**
 * The hash of an entry: SHA-256 of the previous hash, a newline, and the JSON array of its fields as text (the
 * payload as {@link canonicalPayload}), in the order of the chain format's fields.
 */
export function entryHash(
  prevHash: string,
  entry: Record<string, unknown>,
  fields: readonly string[] = hashedFields,
): string {
  const texts = fields.map((f) => (f === 'payload' ? canonicalPayload(entry[f]) : asText(entry[f])));
  return sha256(`${prevHash}\n${JSON.stringify(texts)}`);
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

/** An event sent to the request that it has not handled yet: outside the chain until the request records its result. */
export interface PendingEvent {
  at: string;
  /** How it was sent. */
  channel: 'signal' | 'update';
  /** The Temporal client identity that sent it, and whether that is the product's API. */
  via: string;
  authenticated: boolean;
  actor: string;
  type: string;
  payload: EntryPayload;
  runId: string;
  historyEventId: number;
}

/** A request's timeline as read from Temporal, before it is exported. */
export interface Timeline {
  ticketId: string;
  workflowId: string;
  algorithm: typeof CHAIN_ALGORITHM;
  /** The last entry's hash (the genesis hash for an empty timeline). */
  head: string;
  entries: TimelineEntry[];
  /** Events received but not handled yet; outside the chain (and the signature) until the request records their result. */
  pending: PendingEvent[];
  /**
   * True when the request (or an earlier run of it) has passed the namespace retention and its history was read from
   * Temporal's archive (the same events, so the same entries, hashes and head). Outside the signature: where it was read from is not
   * part of the record.
   */
  archived: boolean;
}

/** An Ed25519 signature over an export's head (see `signing.ts`). */
export interface ExportSignature {
  algorithm: 'Ed25519';
  /** `sha256:` and the hex SHA-256 of the public key (SPKI DER): which key to check it with. */
  keyId: string;
  /** The signature, base64. */
  value: string;
}

/** A timeline as `GET /api/requests/:ticketId/history` answers it in JSON. */
export interface TimelineExport extends Timeline {
  /** When the server made this export (ISO 8601, UTC); signed with the head. */
  exportedAt: string;
  /** The server's signature over ticket, workflow, format, entry count, head and export time; `null`: unsigned. */
  signature: ExportSignature | null;
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

/** The outcome of checking an export's chain. */
export type Verification =
  | { ok: true; entries: number; ticketId: string | null; head: string; algorithm: string }
  | { ok: false; entries: number; problems: string[] };

/** What a JSON export says about itself besides its entries (a CSV export says nothing: its signature file does). */
export interface ExportHeader {
  ticketId?: string;
  workflowId?: string;
  algorithm?: string;
  head?: string;
  exportedAt?: string;
  /** The signature as found: `null` when the export says it is unsigned, undefined when it says nothing. */
  signature?: unknown;
}

/** The entries of a saved export (JSON or CSV, detected from its content) as records, and what the export declares. */
function readExport(
  text: string,
):
  | { ok: true; rows: Record<string, unknown>[]; header: ExportHeader; fields: readonly string[] }
  | { ok: false; problem: string } {
  const trimmed = text.trimStart();
  if (trimmed.startsWith('{') || trimmed.startsWith('[')) {
    let doc: unknown;
    try {
      doc = JSON.parse(text);
    } catch (err) {
      return { ok: false, problem: `not valid JSON: ${(err as Error).message}` };
    }
    // Text that starts with `{` or `[` parses to an object or an array, never null.
    const entries = Array.isArray(doc) ? doc : (doc as { entries?: unknown }).entries;
    if (!Array.isArray(entries)) return { ok: false, problem: 'no "entries" array: not a timeline export' };
    const rows = entries.map((e) => (typeof e === 'object' && e !== null ? (e as Record<string, unknown>) : {}));
    // A bare list of entries (an array) has none of these.
    const header: ExportHeader = {};
    const meta = doc as Record<string, unknown>;
    for (const key of ['ticketId', 'workflowId', 'algorithm', 'head', 'exportedAt'] as const) {
      if (typeof meta[key] === 'string') header[key] = meta[key];
    }
    if ('signature' in meta) header.signature = meta.signature;
    // A bare list of entries says no format: entries with a `via` are the current one.
    const algorithm = header.algorithm ?? (rows[0] && !('via' in rows[0]) ? 'sha256-chain/v1' : CHAIN_ALGORITHM);
    const fields = chainFormats[algorithm];
    if (!fields) return { ok: false, problem: `unknown chain format "${algorithm}"` };
    return { ok: true, rows, header: { ...header, algorithm }, fields };
  }
  let cells: string[][];
  try {
    cells = parseCsv(text);
  } catch (err) {
    return { ok: false, problem: `not valid CSV: ${(err as Error).message}` };
  }
  const columns = cells.shift() ?? [];
  // A CSV names its format by its columns: without `via` it is a v1 export.
  const algorithm = columns.includes('via') ? CHAIN_ALGORITHM : 'sha256-chain/v1';
  const fields = chainFormats[algorithm]!;
  const missing = [...fields, 'prevHash', 'hash'].filter((c) => !columns.includes(c));
  if (missing.length) return { ok: false, problem: `not a timeline export: missing column(s) ${missing.join(', ')}` };
  const rows = cells.map((r) => Object.fromEntries(columns.map((h, i) => [h, uncell(r[i] ?? '')])));
  return { ok: true, rows, header: { algorithm }, fields };
}

/** What a JSON export declares about itself (ticket, workflow, format, head, export time, signature). */
export function exportHeader(text: string): ExportHeader {
  const read = readExport(text);
  return read.ok ? read.header : {};
}

/** Checks a saved export (JSON or CSV, detected from its content): every hash, every link, the numbering. */
export function verifyExport(text: string): Verification {
  const read = readExport(text);
  if (!read.ok) return { ok: false, entries: 0, problems: [read.problem] };
  const { rows, header, fields } = read;
  const problems: string[] = [];
  if (rows.length === 0) return { ok: false, entries: 0, problems: ['the export has no entries'] };
  const ticketId = header.ticketId ?? asText(rows[0]!.ticketId);
  let prev = genesisHash(ticketId);
  rows.forEach((row, i) => {
    const where = `entry ${i + 1}`;
    if (asText(row.seq) !== String(i + 1))
      problems.push(`${where}: numbered ${asText(row.seq)} (entries missing or reordered)`);
    if (asText(row.ticketId) !== ticketId)
      problems.push(`${where}: belongs to ticket ${asText(row.ticketId)}, not ${ticketId}`);
    if (row.prevHash !== prev) problems.push(`${where}: prevHash does not match the previous entry's hash`);
    const expected = entryHash(asText(row.prevHash), row, fields);
    if (row.hash !== expected) problems.push(`${where}: hash does not match its content (the entry was altered)`);
    prev = asText(row.hash);
  });
  const head = prev;
  if (header.head !== undefined && header.head !== head) {
    problems.push(`head ${header.head} is not the last entry's hash (entries dropped from the end?)`);
  }
  return problems.length
    ? { ok: false, entries: rows.length, problems }
    : { ok: true, entries: rows.length, ticketId, head, algorithm: header.algorithm! };
}

/**
 * Compares a saved export with a fresh one from the server: the saved entries must be exactly the live timeline, or
 * with `prefix` its first entries (an export saved while the request went on). This also catches what no offline
 * check can: entries cut from the end, or an export rewritten and re-chained from the start.
 */
export function compareWithLive(
  saved: readonly Pick<TimelineEntry, 'hash'>[],
  live: readonly Pick<TimelineEntry, 'hash'>[],
  opts: { prefix?: boolean } = {},
): { ok: true; saved: number; live: number } | { ok: false; problem: string } {
  if (saved.length > live.length) {
    return { ok: false, problem: `the export has ${saved.length} entries, the live history only ${live.length}` };
  }
  const differs = saved.findIndex((e, i) => e.hash !== live[i]!.hash);
  if (differs >= 0) return { ok: false, problem: `entry ${differs + 1} differs from the live history` };
  if (saved.length < live.length && !opts.prefix) {
    const missing = live.length - saved.length;
    return {
      ok: false,
      problem: `the export is missing ${missing} later ${missing === 1 ? 'entry' : 'entries'} of the live history (it is its first ${saved.length} of ${live.length}); if it was saved before those were recorded, check it with --prefix`,
    };
  }
  return { ok: true, saved: saved.length, live: live.length };
}

/** The entries of a saved export (JSON or CSV), for {@link compareWithLive}; undefined when it cannot be read. */
export function exportedHashes(text: string): { hash: string }[] | undefined {
  const trimmed = text.trimStart();
  if (trimmed.startsWith('{') || trimmed.startsWith('[')) {
    let doc: unknown;
    try {
      doc = JSON.parse(text);
    } catch {
      return undefined;
    }
    const entries = Array.isArray(doc) ? doc : (doc as { entries?: unknown }).entries;
    return Array.isArray(entries)
      ? entries.map((e) => ({ hash: asText((e as { hash?: unknown } | null)?.hash) }))
      : undefined;
  }
  let cells: string[][];
  try {
    cells = parseCsv(text);
  } catch {
    return undefined;
  }
  const [header, ...rows] = cells;
  const at = header?.indexOf('hash') ?? -1;
  return at < 0 ? undefined : rows.map((r) => ({ hash: r[at] ?? '' }));
}
