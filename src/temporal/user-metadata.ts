/**
 * What the stock Temporal UI shows of a request without decoding payloads (Temporal's user metadata): a one-line
 * summary and fixed details at start, the current details the workflow keeps up to date, and a summary for each
 * activity and timer. Pure and deterministic (workflow code imports it). Every value that came from a customer or a
 * ticket is made plain text (no Markdown, no links, one line) and bounded, so a ticket cannot put a link or a heading
 * in an engineer's UI.
 */
import { cloudNamed, cloudOf } from '../domain/clouds';
import { truncateUtf8 } from '../domain/limits';
import type { Effect } from '../machines';
import type { StateSummary } from './messages';

/** Temporal's limits (dynamic config `limit.userMetadataSummarySize` and `…DetailsSize`). */
export const SUMMARY_BYTES = 400;
export const DETAILS_BYTES = 20_000;
/** One value from a ticket, at most this long in the metadata. */
const VALUE_BYTES = 120;

/** C0 and C1 controls, and the line and paragraph separators. */
const isControl = (c: number) => c < 0x20 || (c >= 0x7f && c <= 0x9f) || c === 0x2028 || c === 0x2029;

/**
 * A value from a ticket as plain text inside a line of Temporal's Markdown: one line, bounded, and the characters that
 * make emphasis, code, links, HTML or tables escaped (the values never start a line, so `#`, `-` and `1.` stay text).
 */
export function plain(value: unknown, maxBytes = VALUE_BYTES): string {
  const text =
    typeof value === 'string' ? value : typeof value === 'number' || typeof value === 'boolean' ? String(value) : '';
  const line = [...text]
    .map((ch) => (isControl(ch.codePointAt(0)!) ? ' ' : ch))
    .join('')
    .replace(/\s+/g, ' ')
    .trim();
  return truncateUtf8(line, maxBytes).replace(/[\\`*_[\]<>|~]/g, (c) => `\\${c}`);
}

/** The cloud as its module names it ("AWS", "Alibaba Cloud"), or the text given when no cloud has that name. */
function cloudName(value: unknown): string {
  const id = typeof value === 'string' ? cloudNamed(value) : undefined;
  return id ? cloudOf(id).name : plain(value, 40);
}

const connectionTypes = ['unidirectional', 'bidirectional', 'reverse'];

/** The facts a start names, from the intake as the ticket gave it (not yet validated). */
function startFacts(ticketId: string, intake: Record<string, unknown> | undefined) {
  const draft = intake ?? {};
  const type = typeof draft.connectionType === 'string' ? draft.connectionType.trim().toLowerCase() : '';
  return {
    ticket: plain(ticketId, 80),
    company: plain(draft.company) || 'company not given',
    cloud: draft.cloud === undefined ? 'cloud not given' : cloudName(draft.cloud),
    // Unidirectional is the intake's default.
    type: connectionTypes.includes(type)
      ? type
      : draft.connectionType === undefined
        ? 'unidirectional'
        : plain(type, 40),
    region: plain(draft.region, 64),
    project: plain(draft.projectId, 64),
  };
}

/** The start's one-line summary: "T-1001 · Acme · AWS unidirectional". */
export function startSummary(ticketId: string, intake: Record<string, unknown> | undefined): string {
  const f = startFacts(ticketId, intake);
  return truncateUtf8(`${f.ticket} · ${f.company} · ${f.cloud} ${f.type}`, SUMMARY_BYTES);
}

/** The start's fixed details, in Markdown: what the ticket asked for and who started the request. */
export function startDetails(ticketId: string, intake: Record<string, unknown> | undefined, startedBy: string): string {
  const f = startFacts(ticketId, intake);
  const rows = [
    ['Ticket', f.ticket],
    ['Company', f.company],
    ['Cloud', f.cloud],
    ['Connection type', f.type],
    ['Region', f.region || 'not given'],
    ['Project', f.project || 'not given'],
    ['Started by', plain(startedBy, 200)],
  ];
  return truncateUtf8(
    `**PrivateLink request** (as the ticket gave it at start)\n\n${rows.map(([k, v]) => `- **${k}**: ${v}`).join('\n')}`,
    DETAILS_BYTES,
  );
}

const words = (id: string) => id.replace(/[_.]/g, ' ');

/**
 * The workflow's current details, in Markdown: the state, who it waits on, what must happen next (the events allowed
 * now), the SLA, and an open change.
 */
export function currentDetails(s: StateSummary): string {
  const lines = [
    `**${words(s.status)}**, waiting on **${s.waitingOn}** (state \`${s.state}\`)`,
    `- **Request**: ${plain(s.ticketId, 80)} · ${plain(s.company) || 'company not given'} · ${s.cloud ? cloudOf(s.cloud).name : 'cloud not given'} ${s.connectionType}`,
    `- **Assignee**: ${s.assignee ? plain(s.assignee, 200) : 'nobody'}`,
    `- **Next**: ${s.allowedEvents.length ? s.allowedEvents.map((e) => `\`${e}\``).join(', ') : 'nothing (the request has ended)'}`,
  ];
  if (s.request.problems.length) {
    const shown = s.request.problems.slice(0, 10).map((p) => `${p.field} (${p.kind})`);
    const more = s.request.problems.length - shown.length;
    lines.push(`- **Open problems**: ${plain(shown.join(', '), 2_000)}${more > 0 ? ` and ${more} more` : ''}`);
  }
  if (s.sla) lines.push(`- **SLA**: ${slaWords(s.sla)}`);
  if (s.change) {
    lines.push(
      `- **Change** ${plain(s.change.ticketId, 80)} (${s.change.kind}): \`${s.change.state}\`, waiting on **${s.change.waitingOn}**${s.change.sla ? `; SLA ${slaWords(s.change.sla)}` : ''}`,
    );
  }
  return truncateUtf8(lines.join('\n'), DETAILS_BYTES);
}

function slaWords(sla: NonNullable<StateSummary['sla']>): string {
  if (sla.stoppedAt) return sla.breached ? `breached, stopped ${sla.stoppedAt}` : `met (stopped ${sla.stoppedAt})`;
  if (sla.breached) return `**breached** at ${sla.breachedAt ?? 'unknown'}`;
  if (sla.paused)
    return `paused since ${sla.pausedSince ?? 'unknown'} (waiting on the customer), ${sla.leftHours} business hours left`;
  return `due ${sla.deadline ?? 'unknown'} (${sla.deadlineLocal ?? ''}), ${sla.leftHours} business hours left`;
}

/** One effect in words: "comment on ticket T-1001: intake accepted". */
export function effectSummary(ticketId: string, effect: Effect): string {
  const ticket = plain(effect.to?.ticketId ?? ticketId, 80);
  switch (effect.type) {
    case 'postTicketComment':
      return truncateUtf8(`comment on ticket ${ticket}: ${words(effect.params.template)}`, SUMMARY_BYTES);
    case 'notify':
      return truncateUtf8(`notify staff about ${ticket}: ${words(effect.params.kind)}`, SUMMARY_BYTES);
    case 'runConnectivityCheck':
      return truncateUtf8(
        `connectivity check of ${plain(effect.params.target, 260)}, port ${effect.params.ports.join(', ')}`,
        SUMMARY_BYTES,
      );
  }
}

/** A batch of effects in words: each one's, joined, bounded. */
export function batchSummary(ticketId: string, effects: Effect[]): string {
  const [first] = effects;
  if (!first || effects.length === 1) return first ? effectSummary(ticketId, first) : '';
  return truncateUtf8(
    `${effects.length} effects: ${effects.map((e) => effectSummary(ticketId, e)).join('; ')}`,
    SUMMARY_BYTES,
  );
}
