/**
 * Public Temporal names of the product (SPEC.md "Public interfaces"). Tools outside this repository — the stock
 * `temporal` CLI, the Temporal UI, saved visibility queries — depend on these exact strings: change one only with a
 * migration note in the README.
 *
 * This module is imported by workflow code too, so it stays free of Node and server-side Temporal packages.
 */
import { defineSearchAttributeKey, SearchAttributeType } from '@temporalio/common';

/** The task queue every enablement worker polls. */
export const TASK_QUEUE = 'privatelink-enablement';

/** Workflow type name of the enablement workflow. */
export const WORKFLOW_TYPE = 'enablementWorkflow';

/** Signal carrying one enablement event (fire-and-forget, for automation). */
export const EVENT_SIGNAL = 'enablementEvent';

/** Update carrying one enablement event; validated, returns the new state view. */
export const EVENT_UPDATE = 'applyEnablementEvent';

/** Query returning the state view. */
export const STATE_QUERY = 'enablementState';

/** Workflow id of the request for a ticket: one workflow per ticket. */
export function workflowIdForTicket(ticketId: string): string {
  return `privatelink-${ticketId}`;
}

/** Search attributes upserted on every transition, so requests can be found with visibility queries. */
export const searchAttributes = {
  status: defineSearchAttributeKey('PrivateLinkStatus', SearchAttributeType.KEYWORD),
  state: defineSearchAttributeKey('PrivateLinkState', SearchAttributeType.KEYWORD),
  waitingOn: defineSearchAttributeKey('PrivateLinkWaitingOn', SearchAttributeType.KEYWORD),
  cloud: defineSearchAttributeKey('PrivateLinkCloud', SearchAttributeType.KEYWORD),
  connectionType: defineSearchAttributeKey('PrivateLinkConnectionType', SearchAttributeType.KEYWORD),
  company: defineSearchAttributeKey('PrivateLinkCompany', SearchAttributeType.KEYWORD),
  slaBreached: defineSearchAttributeKey('PrivateLinkSlaBreached', SearchAttributeType.BOOL),
  slaDeadline: defineSearchAttributeKey('PrivateLinkSlaDeadline', SearchAttributeType.DATETIME),
} as const;

/** Every search attribute key the product registers, in a stable order. */
export const allSearchAttributeKeys = Object.values(searchAttributes);

/**
 * Memo key the workflow upserts after handling each event (type, actor, result, from, to, reason): the durable record
 * of each event's result in Temporal's event history, from which the audit timeline is built.
 */
export const AUDIT_MEMO_KEY = 'privatelinkEvent';

/** Memo key set at start by the API and webhooks: who (which authenticated subject) started the request. */
export const STARTED_BY_MEMO_KEY = 'privatelinkStartedBy';

/** Patch id guarding the audit memo, so histories recorded before it still replay. */
export const AUDIT_MEMO_PATCH = 'audit-event-memo';

/**
 * Patch id guarding the kept SLA timer: one timer per SLA instant, armed once and cancelled only when the instant
 * changes. Histories recorded before it re-armed the timer on every wake-up (a start and a cancel per event).
 */
export const SLA_TIMER_PATCH = 'sla-timer-kept';

/**
 * Patch id guarding the SLA clock's start: a ticket's submission time is used only when it is a plain ISO instant
 * (four-digit year) not in the future. Before it, a waiting ticket's unchecked `submittedAt` such as
 * `+243780-07-20T00:00:00Z` gave a deadline no search attribute can hold, and every later workflow task failed.
 */
export const SLA_START_PATCH = 'sla-start-checked';

/**
 * Patch id guarding effect batches: ticket comments and notifications queued one after another go out in one activity
 * (`carryOutEffects`), in order, each with its own idempotency key and outcome. Histories recorded before it ran one
 * activity per effect.
 */
export const EFFECT_BATCH_PATCH = 'effects-batched';

/**
 * Patch id guarding the update handler's start: an update that arrives once the request is loaded is applied at once,
 * in the job that delivers it, instead of after a wait on a condition that already holds (a wait that cost a round of
 * condition checks per update). Histories recorded before it applied each update after that wait, which can order its
 * commands after those of other jobs in the same workflow task.
 */
export const UPDATE_AT_ONCE_PATCH = 'update-applied-at-once';
