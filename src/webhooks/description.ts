/**
 * Intake data written the way people write tickets: `Key: value` lines in a ticket's description or comment. The
 * same key table reads structured fields (Zendesk custom fields, Jira custom fields), so every ticket system accepts
 * the same spellings, and docs/webhooks.md lists them from {@link intakeKeys}.
 *
 * Nothing here judges the values: a port that is not a number or an unknown cloud is passed on as written, and intake
 * validation names the problem on the ticket. Parsing never throws.
 */
import { cloudModules, cloudNamed, clouds } from '../domain/clouds';
import { cloudDetailFields, type IntakeDraft, mergeIntake } from '../domain/intake';
import { isRecord } from '../domain/json';
import { ticketKeys } from '../domain/ticket-words';

/** How a value is read: as text, yes/no, a comma-separated list, or services with ports (`mysql 3306, sftp 2222`). */
export type IntakeKeyKind = 'text' | 'boolean' | 'list' | 'services';

/** One accepted key: the intake field it fills and the spellings a ticket may use for it. */
export interface IntakeKey {
  /** Path in the intake data, e.g. `projectId` or `azure.clusterId`. */
  field: string;
  /**
   * Accepted spellings, matched ignoring case, spaces, `-` and `_`; the first one is documented and is the field's name
   * in comments to the customer (src/domain/ticket-words.ts).
   */
  labels: readonly string[];
  kind: IntakeKeyKind;
  /** A line as a customer would write it. */
  example: string;
  /** Light clean-up of common ways of writing the value, e.g. `Pro Production` -> `production`. */
  normalize?: (value: string) => string;
}

/** The accepted keys, one source of truth for parsing and for the docs. */
export const intakeKeys: readonly IntakeKey[] = [
  {
    field: 'company',
    labels: [ticketKeys.company, 'Company name', 'Customer'],
    kind: 'text',
    example: 'Company: Acme',
  },
  {
    field: 'subject',
    labels: [ticketKeys.subject],
    kind: 'text',
    example: 'Subject: PrivateLink support for Acme',
  },
  { field: 'projectId', labels: [ticketKeys.projectId, 'Project'], kind: 'text', example: 'Project ID: abcdef123456' },
  {
    field: 'environment',
    labels: [ticketKeys.environment, 'Env'],
    kind: 'text',
    example: 'Environment: production',
    normalize: (v) => v.replace(/^pro\s+(production|staging)$/i, '$1'),
  },
  {
    field: 'cloud',
    labels: [ticketKeys.cloud, 'Cloud provider', 'Provider'],
    kind: 'text',
    example: 'Cloud: aws',
    // Another name for a cloud ("Amazon Web Services", "Aliyun") becomes its id; an id stays as written.
    normalize: (v) => {
      const id = cloudNamed(v);
      return id && id !== v.trim().toLowerCase() ? id : v;
    },
  },
  { field: 'region', labels: [ticketKeys.region, 'Cloud region'], kind: 'text', example: 'Region: us-east-1' },
  {
    field: 'customerAccount',
    labels: [ticketKeys.customerAccount, ...clouds.flatMap((id) => cloudModules[id].account.ticketKeys), 'Account ID'],
    kind: 'text',
    example: 'AWS account: 123456789012',
    normalize: (v) => (/^\d{4}-\d{4}-\d{4}$/.test(v) ? v.replace(/-/g, '') : v),
  },
  {
    field: 'services',
    labels: [ticketKeys.services, 'Ports', 'Services and ports'],
    kind: 'services',
    example: 'Services: mysql 3306, sftp 2222',
  },
  {
    field: 'reverseServices',
    labels: [ticketKeys.reverseServices, 'Reverse services', 'Customer service ports', 'Ports of your service'],
    kind: 'services',
    example: 'Your service ports: https 443, postgres 5432',
  },
  {
    field: 'connectionType',
    labels: [ticketKeys.connectionType, 'Connection'],
    kind: 'text',
    example: 'Connection type: bidirectional',
    normalize: (v) => v.replace(/^(uni|bi)[- ]directional$/i, (_, way: string) => `${way.toLowerCase()}directional`),
  },
  {
    field: 'customerEndpointService',
    labels: [ticketKeys.customerEndpointService, 'Endpoint service', 'Customer service name', 'Private Link service'],
    kind: 'text',
    example: 'Customer endpoint service: com.amazonaws.vpce.us-east-1.vpce-svc-0123456789abcdef0',
  },
  {
    field: 'vendorPrincipalAccessGranted',
    labels: [ticketKeys.vendorPrincipalAccessGranted, 'Principal access granted', 'Principal granted'],
    kind: 'boolean',
    example: 'Vendor principal access granted: yes',
  },
  { field: 'privateDns', labels: [ticketKeys.privateDns], kind: 'boolean', example: 'Private DNS: no' },
  // Each cloud's details, as its module names them (`Azure cluster ID: …`, `Alibaba zones: …`).
  ...clouds.flatMap((id) => {
    const details = cloudModules[id].details;
    return (details?.fields ?? []).map((f): IntakeKey => ({
      field: `${id}.${f.name}`,
      labels: [f.ticketKey, ...f.labels],
      kind: f.kind,
      example: f.example,
      ...(f.normalize ? { normalize: f.normalize } : {}),
    }));
  }),
];

/** What {@link parseDescription} found. */
export interface ParsedIntake {
  /** Only the fields found; `azure.*` keys fill a nested `azure` object. */
  draft: IntakeDraft;
  /** Keys that are not intake keys, as written (first spelling, each once). */
  unknownKeys: string[];
}

const byNormalizedLabel = new Map<string, IntakeKey>(
  intakeKeys.flatMap((key) => key.labels.map((label) => [normalizeKey(label), key] as const)),
);
// Structured fields may use the intake's own field names (`projectId`, `azure.clusterId`, `clusterId`, `zones`).
for (const key of intakeKeys) {
  for (const name of [key.field, key.field.replace(/^[a-z]+\./, ''), key.field.replace(/\./g, ' ')]) {
    if (!byNormalizedLabel.has(normalizeKey(name))) byNormalizedLabel.set(normalizeKey(name), key);
  }
}

/** The key a label stands for (`Project-ID`, `project_id`, `projectId` all give `projectId`), if any. */
export function findIntakeKey(label: string): IntakeKey | undefined {
  return byNormalizedLabel.get(normalizeKey(label));
}

/** A label or value as compared: lower case, without spaces, `_`, `.` and `-`. */
export function normalizeKey(label: string): string {
  return label.toLowerCase().replace(/[\s_.-]/g, '');
}

// A key line: optional bullet (`-`, `*`, `•`, `1.`), optional emphasis around the key (`**Key:**`, `*Key*:`).
const keyLinePattern =
  /^\s*(?:[-*•+>#]\s+|\d{1,3}[.)]\s+)?(\*\*|__|\*|_)?([A-Za-z][A-Za-z0-9 _/()-]{0,59}?)\1?\s*:\s*(?:\*\*|__|\*|_)?(.*)$/;
const maxLineLength = 4000;
const bulletPattern = /^\s*(?:[-*•+>#]\s+|\d{1,3}[.)]\s+)/;

interface KeyLine {
  label: string;
  value: string;
}

function keyLine(line: string): KeyLine | undefined {
  const match = keyLinePattern.exec(line);
  if (!match) return undefined;
  const label = match[2]!.trim();
  const value = match[3]!;
  // `https://…` and other URLs are not keys; neither are long sentences that happen to contain a colon.
  if (value.startsWith('//') || label.split(/\s+/).length > 6) return undefined;
  return { label, value };
}

/**
 * Reads `Key: value` lines (keys case-insensitive, tolerant of spaces, `-`, `_`, a leading bullet and Markdown or
 * Jira emphasis). A list key with nothing after the colon takes the lines below it, up to a blank line or the next
 * intake key. Later lines win over earlier ones. No text (`undefined`: a blank or unrendered field) gives nothing. Never
 * throws.
 */
export function parseDescription(text: string | undefined): ParsedIntake {
  const { entries, unknown } = readKeyLines(text, findIntakeKey);
  const parsed = intakeFromFields(entries);
  return { draft: parsed.draft, unknownKeys: dedupe([...unknown, ...parsed.unknownKeys]) };
}

/** What {@link readKeyLines} found: each known key's line (label as written, value cleaned), and the unknown labels. */
export interface KeyLines {
  entries: [string, string][];
  unknown: string[];
}

/**
 * The `Key: value` lines of a text whose keys `find` knows (see {@link parseDescription}), in order; a `list` or
 * `services` key with nothing after the colon takes the lines below it, up to a blank line or the next known key.
 * Lines longer than any value are skipped, so reading is linear on any input. Never throws.
 */
export function readKeyLines(
  text: string | undefined,
  find: (label: string) => { kind: IntakeKeyKind } | undefined,
): KeyLines {
  const entries: [string, string][] = [];
  const unknown: string[] = [];
  if (text === undefined) return { entries, unknown };
  // Lines longer than any intake line are prose or pasted logs; skipping them keeps parsing linear on any input.
  const lines = text.split(/\r\n|\r|\n/).map((line) => (line.length > maxLineLength ? '' : line));
  for (let i = 0; i < lines.length; i++) {
    const found = keyLine(lines[i]!);
    if (!found) continue;
    const key = find(found.label);
    if (!key) {
      unknown.push(found.label);
      continue;
    }
    let value = cleanValue(found.value);
    if (value === '' && (key.kind === 'list' || key.kind === 'services')) {
      const items: string[] = [];
      // Whether the list is bulleted: its first item says.
      let bulleted: boolean | undefined;
      // Blank lines before the first item, or before another bullet, do not end the list (ADF and loose Markdown).
      for (let j = i + 1; j < lines.length; j++) {
        const next = lines[j]!;
        if (next.trim() === '') continue;
        const nextKey = keyLine(next);
        if (nextKey && find(nextKey.label)) break;
        const bullet = bulletPattern.test(next);
        // After a bulleted item, only bullets continue the list; after a plain one, only lines without a gap (`i` is
        // the last item's line, and every line skipped since was blank).
        if (!items.length) bulleted = bullet;
        else if (bulleted ? !bullet : j > i + 1) break;
        items.push(cleanValue(next.replace(bulletPattern, '')));
        i = j;
      }
      value = items.filter(Boolean).join(', ');
    }
    entries.push([found.label, value]);
  }
  return { entries, unknown };
}

/**
 * Reads structured fields (label -> value), e.g. a webhook's `intake` object or ticket custom fields, with the same
 * keys and value rules as {@link parseDescription}. Strings are read like description values; booleans, numbers,
 * arrays and `{ name, port }` services pass through. Blank values and unrendered `{{placeholders}}` count as absent.
 */
export function intakeFromFields(fields: Iterable<readonly [string, unknown]>): ParsedIntake {
  let draft: IntakeDraft = {};
  const unknownKeys: string[] = [];
  for (const [label, raw] of fields) {
    const details = cloudDetailFields.find((id) => id === label.toLowerCase());
    if (details && isRecord(raw)) {
      const nested = intakeFromFields(Object.entries(raw).map(([k, v]) => [`${details} ${k}`, v] as const));
      draft = mergeIntake(draft, nested.draft);
      unknownKeys.push(...nested.unknownKeys);
      continue;
    }
    const key = findIntakeKey(label);
    if (!key) {
      if (!isAbsent(raw)) unknownKeys.push(label);
      continue;
    }
    const value = isAbsent(raw) ? undefined : readValue(key, raw);
    if (value === undefined) continue;
    draft = mergeIntake(draft, nestedField(key.field, value));
  }
  return { draft, unknownKeys: dedupe(unknownKeys) };
}

/** `{ azure: { clusterId: value } }` for `azure.clusterId` (a cloud's details), else `{ [field]: value }`. */
function nestedField(field: string, value: unknown): IntakeDraft {
  const [head, rest] = field.split(/\.(.*)/s) as [string, string | undefined];
  return rest !== undefined && cloudDetailFields.includes(head) ? { [head]: { [rest]: value } } : { [field]: value };
}

/** Layers drafts, later ones winning field by field (`azure` merged per field). */
export function layerDrafts(...drafts: IntakeDraft[]): IntakeDraft {
  return drafts.reduce<IntakeDraft>((merged, draft) => mergeIntake(merged, draft), {});
}

/** `Acme` from the documented subject `PrivateLink support for Acme`, so a ticket need not repeat its company. */
export function companyFromSubject(subject: unknown): string | undefined {
  if (typeof subject !== 'string' || subject.length > 1000) return undefined;
  return /^privatelink\s+support\s+for\s+(\S.*)$/i.exec(subject.trim())?.[1];
}

function readValue(key: IntakeKey, raw: unknown): unknown {
  if (typeof raw === 'number' && key.kind === 'text') return String(raw);
  if (typeof raw !== 'string') {
    const items: unknown[] | undefined = Array.isArray(raw) ? raw : undefined;
    if (items && key.kind === 'services') return items.map((s) => (typeof s === 'string' ? service(s) : s));
    if (items && key.kind === 'list') return items.map((s) => (typeof s === 'string' ? s.trim() : s));
    return raw;
  }
  const value = cleanValue(raw);
  if (value === '') return undefined;
  switch (key.kind) {
    case 'text':
      return key.normalize ? key.normalize(value) : value;
    case 'boolean':
      if (/^(yes|true)\b/i.test(value)) return true;
      if (/^(no|false)\b/i.test(value)) return false;
      return value;
    case 'list':
      return value.split(/[\s,;]/).filter(Boolean);
    case 'services':
      return serviceItems(value).map(service);
  }
}

/**
 * Services with ports as a ticket writes them (`redis 6379, memcached 11211`), or as structured data gives them (a list
 * of such strings or of `{ name, port }`), each as `{ name, port }`; ports that are no number are kept as written.
 */
export function readServices(raw: unknown): unknown {
  return readValue({ field: 'services', labels: [], kind: 'services', example: '' }, raw);
}

/** `mysql 3306, sftp 2222; http 80 and https 443` -> one string per service (linear: no regex backtracking). */
function serviceItems(value: string): string[] {
  const items: string[] = [];
  for (const piece of value.split(/[,;\n]/)) {
    let words: string[] = [];
    for (const word of piece.split(/\s/)) {
      if (word.toLowerCase() === 'and' && words.length) {
        items.push(words.join(' '));
        words = [];
      } else if (word) words.push(word);
    }
    if (words.length) items.push(words.join(' '));
  }
  return items;
}

/** `mysql 3306`, `mysql:3306`, `mysql (3306/tcp)`, `mysql port 3306`, `3306 mysql` -> `{ name, port }`. */
function service(item: string): { name: string; port?: number | string } {
  // No real service is written in more than a few words; longer text is passed on for validation to report.
  if (item.length > 200) return { name: item.trim() };
  const text = item.trim().replace(/\s*[/(]?\s*\b(tcp|udp)\)?$/i, '');
  const match = /^(.*?)[\s:=/]+\(?([^\s()]+?)\)?$/.exec(text);
  if (!match) return /^\d+$/.test(text) ? { name: '', port: portValue(text) } : { name: withoutPortWord(text) };
  const [first, last] = [match[1]!, match[2]!];
  // `3306 mysql`: the port written first.
  const [name, port] = /^\d+$/.test(first) && !/^\d+$/.test(last) ? [last, first] : [first, last];
  return { name: withoutPortWord(name), port: portValue(port) };
}

/** `mysql port` -> `mysql`. */
function withoutPortWord(name: string): string {
  return name.replace(/\s+port$/i, '');
}

/** A port of up to nine digits as a number; anything else as written, for validation to report. */
function portValue(port: string): number | string {
  return /^\d{1,9}$/.test(port) ? Number(port) : port;
}

/** Trims, and drops quotes, backticks, Jira `{{monospace}}` and trailing emphasis around a value. */
export function cleanValue(value: string): string {
  let v = value
    .trim()
    .replace(/(\*\*|__)$/, '')
    .trim();
  for (const [open, close] of [
    ['{{', '}}'],
    ['`', '`'],
    ['"', '"'],
    ["'", "'"],
  ] as const) {
    if (v.length >= open.length + close.length && v.startsWith(open) && v.endsWith(close)) {
      v = v.slice(open.length, v.length - close.length).trim();
    }
  }
  return v;
}

/** True for a value a ticket leaves out: nothing, blank text, or an unrendered `{{placeholder}}`. */
export function isAbsent(value: unknown): boolean {
  if (value === undefined || value === null) return true;
  if (typeof value !== 'string') return false;
  const v = value.trim();
  // Zendesk renders an unknown placeholder as itself or as nothing; neither is an answer.
  return v === '' || /^\{\{[^{}]*\}\}$/.test(v);
}

/** The values, each once (compared as {@link normalizeKey} does), first spelling kept. */
export function dedupe(values: string[]): string[] {
  const seen = new Set<string>();
  return values.filter((v) => {
    const k = normalizeKey(v);
    if (seen.has(k)) return false;
    seen.add(k);
    return true;
  });
}
