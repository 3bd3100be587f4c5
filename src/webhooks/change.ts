/**
 * Change tickets: a ticket that asks to change a connection that is enabled already (docs/lifecycle.md). Its
 * description names the connection's ticket (`PrivateLink ticket: T-1001`) and the change (`Change: change account`,
 * `New account: 210987654321`); the webhooks turn it into `change.requested` on that connection's request, never into
 * a request of its own. The same key table reads the Standard Webhooks body's structured fields, and docs/webhooks.md
 * lists its keys from {@link changeKeys} and the accepted ways of naming a change from {@link changeKindSpellings}.
 *
 * Nothing here judges the values beyond what a change needs to be one: the event's own schema and the connection's
 * request judge the rest. Parsing never throws.
 */
import { type ChangeKind, changeKinds } from '../domain/events';
import { isRecord } from '../domain/json';
import { limits, truncateUtf8 } from '../domain/limits';
import { TICKET_ID_PATTERN } from '../domain/ticket';
import { jiraIssueKeyPattern } from '../ticket-systems/jira';
import { zendeskTicketId, zendeskTicketNumber } from '../ticket-systems/zendesk';
import {
  cleanValue,
  dedupe,
  type IntakeKeyKind,
  isAbsent,
  normalizeKey,
  readKeyLines,
  readServices,
} from './description';
import { describeValue as describe, isoSeconds, type TicketWebhookEvent } from './types';

/**
 * What a change ticket says, field by field, each only when the ticket gives it: text as written (cleaned of quotes and
 * emphasis), services read into `{ name, port }`; structured fields that are not text pass as they are, for the
 * event's schema to judge.
 */
export interface ChangeFields {
  connectionTicketId?: unknown;
  kind?: unknown;
  customerAccount?: unknown;
  customerServiceName?: unknown;
  services?: unknown;
}

/** One accepted key of a change ticket: the field it fills and the spellings a ticket may use for it. */
export interface ChangeKey {
  field: keyof ChangeFields;
  /** Accepted spellings, matched like intake keys (ignoring case, spaces, `-`, `_`, `.`); the first is documented. */
  labels: readonly string[];
  kind: Extract<IntakeKeyKind, 'text' | 'services'>;
  /** A line as a customer would write it. */
  example: string;
  /** What the value is, for a problem naming a missing one. */
  what: string;
  /** Light clean-up of common ways of writing the value. */
  normalize?: (value: string) => string;
}

/** The keys of a change ticket, one source of truth for parsing and for the docs. */
export const changeKeys: readonly ChangeKey[] = [
  {
    field: 'connectionTicketId',
    labels: ['PrivateLink ticket', 'Connection ticket'],
    kind: 'text',
    example: 'PrivateLink ticket: T-1001',
    what: 'the ticket on which the connection was enabled',
  },
  {
    field: 'kind',
    labels: ['Change', 'Change type', 'Change kind'],
    kind: 'text',
    example: 'Change: change account',
    what: 'the change',
  },
  {
    field: 'customerAccount',
    labels: ['New account', 'New customer account', 'Customer account', 'Account'],
    kind: 'text',
    example: 'New account: 210987654321',
    what: 'the customer account that is to connect instead',
    normalize: (v) => (/^\d{4}-\d{4}-\d{4}$/.test(v) ? v.replace(/-/g, '') : v),
  },
  {
    field: 'customerServiceName',
    labels: ['Service name', 'Customer endpoint service', 'Endpoint service'],
    kind: 'text',
    example: 'Service name: com.amazonaws.vpce.us-east-1.vpce-svc-0fedcba9876543210',
    what: "the customer's endpoint service",
  },
  {
    field: 'services',
    labels: ['Services', 'Ports'],
    kind: 'services',
    example: 'Services: redis 6379',
    what: "the ports of the customer's service",
  },
];

/**
 * How a ticket may name each kind of change (`Change: <one of these>`), matched ignoring case, spaces, `-`, `_` and
 * `.`, so `change_account`, `Change account` and `change-account` are one; the first is documented, and the kind's own
 * name is always accepted.
 */
export const changeKindSpellings: Readonly<Record<ChangeKind, readonly string[]>> = {
  remove: ['remove', 'remove connection', 'delete connection'],
  change_account: ['change account', 'change customer account', 'new account'],
  add_service: ['add service', 'add endpoint service'],
  remove_service: ['remove service', 'remove endpoint service'],
  troubleshoot: ['troubleshooting', 'troubleshoot'],
};

/** The documented names of the kinds, for messages: `remove, change account, ..., troubleshooting`. */
export const changeKindNames = changeKinds.map((kind) => changeKindSpellings[kind][0]!).join(', ');

const kindBySpelling = new Map<string, ChangeKind>(
  changeKinds.flatMap((kind) => [kind, ...changeKindSpellings[kind]].map((s) => [normalizeKey(s), kind] as const)),
);

/** The kind of change a `Change:` value names (`Change account`, `change_account`, `troubleshooting`), if any. */
export function changeKindOf(value: string): ChangeKind | undefined {
  return value.length > 100 ? undefined : kindBySpelling.get(normalizeKey(value));
}

const byNormalizedLabel = new Map<string, ChangeKey>(
  changeKeys.flatMap((key) => [key.field, ...key.labels].map((label) => [normalizeKey(label), key] as const)),
);

/** The change key a label stands for (`PrivateLink ticket`, `private-link ticket`, `connectionTicketId`), if any. */
export function findChangeKey(label: string): ChangeKey | undefined {
  return label.length > 100 ? undefined : byNormalizedLabel.get(normalizeKey(label));
}

/** What {@link parseChangeDescription} or {@link changeFromFields} found. */
export interface ParsedChange {
  fields: ChangeFields;
  /** Keys that are no change keys, as written (each once). */
  unknownKeys: string[];
}

/**
 * Reads a change ticket's `Key: value` lines (the way {@link parseDescription} reads intake lines, with the keys of
 * {@link changeKeys}). Later lines win. The ticket is a change ticket when `fields.connectionTicketId` is there (see
 * {@link isChangeTicket}). Never throws.
 */
export function parseChangeDescription(text: string | undefined): ParsedChange {
  const { entries, unknown } = readKeyLines(text, findChangeKey);
  const parsed = changeFromFields(entries);
  return { fields: parsed.fields, unknownKeys: dedupe([...unknown, ...parsed.unknownKeys]) };
}

/**
 * Reads structured fields (label -> value), e.g. the Standard Webhooks body's `data`, with the keys of
 * {@link changeKeys} and their field names. A `change` that is an object (`{ "kind": "change_account",
 * "customerAccount": ... }`, the event's own shape) gives its fields. Blank values and unrendered placeholders count as
 * absent; text is cut to {@link limits.intakeValueBytes} and lists to {@link limits.intakeListItems} (the event's own
 * limits are smaller, so what is cut is refused whole, never silently shortened).
 */
export function changeFromFields(entries: Iterable<readonly [string, unknown]>): ParsedChange {
  const fields: ChangeFields = {};
  const unknownKeys: string[] = [];
  for (const [label, raw] of entries) {
    const key = findChangeKey(label);
    if (!key) {
      if (!isAbsent(raw)) unknownKeys.push(label);
      continue;
    }
    if (key.field === 'kind' && isRecord(raw)) {
      const nested = changeFromFields(Object.entries(raw));
      Object.assign(fields, nested.fields);
      unknownKeys.push(...nested.unknownKeys);
      continue;
    }
    if (isAbsent(raw)) {
      // Named but left blank, the connection's ticket still makes a change ticket, which then says what is missing.
      if (key.field === 'connectionTicketId') fields.connectionTicketId = '';
      continue;
    }
    if (key.kind === 'services') {
      const services = readServices(typeof raw === 'string' ? cleanValue(raw) : raw);
      fields.services = Array.isArray(services) ? services.slice(0, limits.intakeListItems) : services;
      continue;
    }
    if (typeof raw === 'string' || typeof raw === 'number') {
      const value = truncateUtf8(cleanValue(String(raw)), limits.intakeValueBytes);
      fields[key.field] = key.normalize ? key.normalize(value) : value;
    } else {
      fields[key.field] = raw;
    }
  }
  return { fields, unknownKeys: dedupe(unknownKeys).slice(0, limits.intakeListItems) };
}

/** True when a ticket names a connection's ticket (`PrivateLink ticket:`, even blank): it asks for a change. */
export function isChangeTicket(parsed: ParsedChange): boolean {
  return parsed.fields.connectionTicketId !== undefined;
}

/** True when the text says something about the change (any change key but the connection's ticket alone). */
export function hasChangeFields(parsed: ParsedChange): boolean {
  return Object.keys(parsed.fields).some((field) => field !== 'connectionTicketId');
}

/** The fields of each, later ones winning field by field. */
export function layerChanges(...parsed: ParsedChange[]): ParsedChange {
  return {
    fields: Object.assign({}, ...parsed.map((p) => p.fields)) as ChangeFields,
    unknownKeys: dedupe(parsed.flatMap((p) => p.unknownKeys)),
  };
}

/** The change a change ticket asks for, as the webhooks send it: `change.requested` on the connection's request. */
export type ChangeTicket =
  | {
      /** The connection's ticket: the request the change goes to (`privatelink-<connectionTicketId>`). */
      connectionTicketId: string;
      /** `change.requested`'s `change`; its schema judges the values. */
      change: Record<string, unknown> & { kind: ChangeKind };
      /** When the change ticket was submitted, as the ticket system gives it: the change's SLA counts from then. */
      submittedAt?: string;
      problem?: undefined;
    }
  | {
      /** The connection's ticket, when the ticket names a usable one. */
      connectionTicketId?: string;
      change?: undefined;
      submittedAt?: undefined;
      /** Why no change can be made of the ticket as written, in the ticket's words. */
      problem: string;
    };

/**
 * How a ticket system writes a ticket id, as our ticket id: Zendesk numbers (`12345`, `#12345`, a ticket's URL) are
 * `ZD-12345`; Jira keys are upper case (`pl-42` is `PL-42`, as is `https://acme.atlassian.net/browse/PL-42`). A value
 * that is no ticket id as a whole gives its first word when that has a digit (`T-1001 (our first request)` is `T-1001`);
 * closing punctuation is dropped (`PL-42.` is `PL-42`).
 */
export function ticketIdAsWritten(source: TicketWebhookEvent['source'], value: string): string {
  // A sentence's closing stop is no part of the id: `PrivateLink ticket: 4242.` names `ZD-4242`.
  const text = value.trim().replace(/[,;:.!?]+$/, '');
  const whole = asTicketId(source, text);
  if (TICKET_ID_PATTERN.test(whole)) return whole;
  // Only a word with a digit: `the one from March` names no ticket `the`.
  const first = asTicketId(source, (text.split(/\s/, 1)[0] ?? '').replace(/[,;:.!?]+$/, ''));
  return TICKET_ID_PATTERN.test(first) && /\d/.test(first) ? first : whole;
}

function asTicketId(source: TicketWebhookEvent['source'], text: string): string {
  if (source === 'zendesk') {
    const number = zendeskTicketNumber(
      /\/(?:tickets|requests)\/(\d{1,16})(?:[/?#]|$)/.exec(text)?.[1] ?? text.replace(/^#\s*/, ''),
    );
    return number === undefined ? text : zendeskTicketId(number);
  }
  if (source === 'jira') {
    const key = (/\/browse\/([A-Za-z][A-Za-z0-9_]*-\d+)(?:[/?#]|$)/.exec(text)?.[1] ?? text).toUpperCase();
    return jiraIssueKeyPattern.test(key) ? key : text;
  }
  return text;
}

/**
 * The change a change ticket asks for, or why it cannot be one: it must name the connection's ticket (another ticket),
 * say which change (see {@link changeKindSpellings}), and give what that change needs (`New account:` for a change of
 * account, `Service name:` to add or remove a service). `submittedAt` is the change ticket's own creation time.
 */
export function changeTicketOf(
  parsed: ParsedChange,
  ticket: { source: TicketWebhookEvent['source']; ticketId: string; submittedAt?: string },
): ChangeTicket {
  const f = parsed.fields;
  const keyOf = (field: keyof ChangeFields) => changeKeys.find((k) => k.field === field)!;
  const missing = (field: keyof ChangeFields, change: string) =>
    `${change} needs "${keyOf(field).labels[0]}: <${keyOf(field).what}>", e.g. "${keyOf(field).example}"`;
  const connection =
    typeof f.connectionTicketId === 'string' ? ticketIdAsWritten(ticket.source, f.connectionTicketId) : '';
  if (!TICKET_ID_PATTERN.test(connection)) {
    return {
      problem: `"PrivateLink ticket:" must name the ticket on which the connection was enabled, e.g. "${keyOf('connectionTicketId').example}" (got ${describe(f.connectionTicketId === '' ? undefined : f.connectionTicketId)})`,
    };
  }
  const about = { connectionTicketId: connection };
  if (connection === ticket.ticketId) {
    return {
      ...about,
      problem: `"PrivateLink ticket:" names this ticket itself; it must name the ticket on which the connection was enabled`,
    };
  }
  const kinds = `one of: ${changeKindNames}`;
  if (f.kind === undefined) {
    return { ...about, problem: `the ticket does not say which change it asks for: add "Change: <${kinds}>"` };
  }
  const kind = typeof f.kind === 'string' ? changeKindOf(f.kind) : undefined;
  if (!kind) return { ...about, problem: `"Change:" ${describe(f.kind)} is no change we make; write ${kinds}` };
  let change: Record<string, unknown> & { kind: ChangeKind };
  switch (kind) {
    case 'remove':
    case 'troubleshoot':
      change = { kind };
      break;
    case 'change_account':
      if (f.customerAccount === undefined)
        return { ...about, problem: missing('customerAccount', 'a change of account') };
      change = { kind, customerAccount: f.customerAccount };
      break;
    case 'add_service':
    case 'remove_service':
      if (f.customerServiceName === undefined) {
        return {
          ...about,
          problem: missing('customerServiceName', kind === 'add_service' ? 'adding a service' : 'removing a service'),
        };
      }
      change = {
        kind,
        customerServiceName: f.customerServiceName,
        ...(kind === 'add_service' && f.services !== undefined ? { services: f.services } : {}),
      };
      break;
  }
  const submittedAt =
    ticket.submittedAt === undefined ? undefined : (isoSeconds(ticket.submittedAt) ?? ticket.submittedAt);
  return { ...about, change, ...(submittedAt ? { submittedAt } : {}) };
}

/**
 * The `eventId` of a change ticket's `change.requested`: one per change ticket, so its redeliveries, and its creation
 * and updates that repeat it, open one change.
 */
export function changeEventId(changeTicketId: string): string {
  return `change.requested:${changeTicketId}`;
}
