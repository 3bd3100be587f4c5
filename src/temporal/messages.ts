/**
 * The enablement workflow's contract: its input, result, signal, update and query, and the state view. Shared by the
 * workflow, the API, the CLI and tests; names come from names.ts (README "Public names").
 */
import { defineQuery, defineSignal, defineUpdate } from '@temporalio/workflow';
import type { EventType } from '../domain/events';
import type { CheckedPort } from '../domain/connectivity-check';
import type { Cloud } from '../domain/formats';
import type { ConnectionType, Intake, IntakeDraft } from '../domain/intake';
import type { Problem } from '../domain/problems';
import type { VendorConfig } from '../domain/vendor-config';
import type { EnablementStatus, WaitingOn } from '../machines/view';
import type { ConnectionRecord } from '../machines/changes/connection';
import type { OpenableChangeKind } from '../machines/changes/setup';
import type { PersistedRequest } from '../machines/request';
import type { SlaRecord, SlaState, SlaView } from '../sla/types';
import { EVENT_SIGNAL, EVENT_UPDATE, STATE_QUERY } from './names';

export type { SlaRecord, SlaState, SlaView };

/**
 * An event as callers send it: `{ type, actor, eventId?, comment?, ...payload }`. Typed loosely on purpose: the
 * workflow validates it (unknown types and bad payloads are refused with a message, never a crash).
 */
export interface EnablementEventInput {
  type: string;
  actor: string;
  eventId?: string;
  comment?: string;
  [field: string]: unknown;
}

/**
 * What the workflow carries over of its audit trail when it continues as new: bounded, however many events the
 * request received (the whole trail is in the history of each run).
 */
export interface AuditTrailState {
  /** Events recorded so far (the last entry's `seq`). */
  seq: number;
  /** The most recent entries, for the state view. */
  recent: AuditEntry[];
  /** The most recent applied events' dedupe keys: `[key, fingerprint of the payload, seq]`. */
  seen: [string, string, number][];
  /** Notes applied so far. */
  notes: number;
  /** Repeats dropped so far. */
  repeats: number;
}

/** What the workflow carries over when it continues as new. */
export interface ResumeState {
  vendor: VendorConfig;
  /** The request, persisted: the enablement machine's value and context, and the connection's record once enabled. */
  request: PersistedRequest;
  /** The open change's SLA clock. */
  changeSla?: SlaState;
  trail: AuditTrailState;
  /** Who started the request (the start's memo). */
  startedBy?: string;
  /** The most recent effects' records. */
  effects: EffectRecord[];
  effectSeq: number;
  /** The product's latest connectivity check. */
  connectivityCheck?: ConnectivityCheckView;
  sla: SlaState;
}

/** The workflow's one argument (README "Public names"): without `intake` it waits for `ticket.submitted`. */
export interface EnablementWorkflowInput {
  ticketId: string;
  intake?: IntakeDraft;
  /** Internal: set only by continue-as-new. */
  resume?: ResumeState;
}

/** One event as the audit trail records it. */
export interface AuditEntry {
  /** Position in the request's history, from 1; a `duplicate` has the number of the applied event it repeats. */
  seq: number;
  type: string;
  actor: string;
  /** Workflow time the event arrived (ISO 8601). */
  at: string;
  via: 'signal' | 'update';
  eventId?: string;
  comment?: string;
  result: 'applied' | 'refused' | 'duplicate';
  from: string;
  to: string;
  /** Why it was refused. */
  reason?: string;
  /** The change ticket the event belongs to (after enablement: the change it opens or the one open). */
  changeTicketId?: string;
}

/** An effect the workflow carried out (or could not). */
export interface EffectRecord {
  seq: number;
  type: 'postTicketComment' | 'notify' | 'runConnectivityCheck';
  /** The template for comments, the kind for notifications, the target for checks. */
  what: string;
  status: 'done' | 'failed';
  at: string;
  detail?: string;
}

/**
 * The product's latest check of the reverse connection from the vendor's network (`curl -v telnet://<target>:<port>`
 * for each port), run when the customer accepts the vendor endpoint and after each fix. It never moves the request;
 * a port that did not connect is also sent to staff as a `connectivity_check_failed` notification.
 */
export interface ConnectivityCheckView {
  /** When the check finished (ISO 8601). */
  at: string;
  /** The vendor endpoint's DNS name or address. */
  target: string;
  /** True when every port connected. */
  ok: boolean;
  ports: CheckedPort[];
}

/** Where a request stands, without its history: the part of the state view that does not grow with each event. */
export interface StateSummary {
  ticketId: string;
  cloud: Cloud | null;
  connectionType: ConnectionType;
  company: string | null;
  status: EnablementStatus;
  state: string;
  waitingOn: WaitingOn;
  /** Who works on the request (`request.assigned`), or null for nobody. */
  assignee: string | null;
  allowedEvents: EventType[];
  request: {
    /** The accepted intake, once valid. */
    intake: Intake | null;
    /** Everything the ticket has said so far. */
    draft: IntakeDraft | null;
    /** What is still missing, invalid or ineligible. */
    problems: Problem[];
  };
  /** The SLA clock; null until the ticket's intake arrives. */
  sla: SlaView | null;
  /** The change open on the connection (docs/lifecycle.md), or null. */
  change: ChangeView | null;
  /** The connection as it stands, once enabled (while a change is open, as the change has left it so far). */
  connection: ConnectionRecord | null;
}

/** The change open on a connection, as the state view shows it. */
export interface ChangeView {
  /** The change ticket. */
  ticketId: string;
  kind: OpenableChangeKind;
  /** The change in words ("move the connection to account 210987654321"). */
  what: string;
  /** The state of the change's machine (docs/machines.md). */
  state: string;
  waitingOn: WaitingOn;
  requestedBy: string;
  requestedAt: string;
  submittedAt: string;
  /** The change's own SLA clock, from the change ticket's submission. */
  sla: SlaView | null;
}

/**
 * The answer to the `enablementState` query: where the request stands, its most recent events and effects, and how
 * many there were (the audit history, `GET /api/requests/:ticketId/history`, has every one).
 */
export interface StateView extends StateSummary {
  /** The most recent events, oldest first (at most 50); repeats of an applied event are counted, not listed. */
  events: AuditEntry[];
  /**
   * Events recorded in all (`total`, the last entry's `seq`), repeats of an applied event (same sender, type and
   * eventId) that reached the request and were dropped, and notes applied.
   */
  eventCount: { total: number; repeats: number; notes: number };
  /** The most recent effects' records (at most 50), and how many wait. */
  effects: { pending: number; done: EffectRecord[] };
  /** The product's latest connectivity check (reverse leg), or null when it ran none. */
  connectivityCheck: ConnectivityCheckView | null;
  /**
   * Set by the API (not the query) when the request's run was stopped from outside Temporal's normal course
   * (terminated, timed out, failed, cancelled): the rest of the view is the state it had then.
   */
  stopped?: { how: string; at: string | null };
}

/**
 * The answer to the `applyEnablementEvent` update: where the request stands now and the audit entry of this event
 * (`applied` or `duplicate`). Not the whole event list: Temporal stores every update's answer in the history, so
 * answering with the list would make a long-running request's history grow with the square of its events.
 */
export interface EventOutcome extends StateSummary {
  event: AuditEntry;
  effects: { pending: number };
}

/** What the workflow returns when the request ends. */
export interface EnablementResult {
  ticketId: string;
  status: Extract<EnablementStatus, 'removed' | 'rejected' | 'cancelled'>;
  state: string;
  connectionType: ConnectionType;
  cloud: Cloud | null;
  company: string | null;
  events: number;
  endedAt: string;
}

/** How a request answers queries in the moment after it starts, before its vendor configuration is loaded. */
export const STARTING = 'is starting (loading the vendor configuration)';

export const enablementEventSignal = defineSignal<[EnablementEventInput]>(EVENT_SIGNAL);
export const applyEnablementEventUpdate = defineUpdate<EventOutcome, [EnablementEventInput]>(EVENT_UPDATE);
export const enablementStateQuery = defineQuery<StateView>(STATE_QUERY);
