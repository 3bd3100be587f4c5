/**
 * Public Temporal names of the product (README "Public names"). Tools outside this repository — the stock
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
  region: defineSearchAttributeKey('PrivateLinkRegion', SearchAttributeType.KEYWORD),
  /** The customer accounts that can connect now (the connection's record); unset before enablement and once removed. */
  accounts: defineSearchAttributeKey('PrivateLinkAccounts', SearchAttributeType.KEYWORD_LIST),
  /** The open change's kind and ticket; unset when no change is open. */
  changeKind: defineSearchAttributeKey('PrivateLinkChangeKind', SearchAttributeType.KEYWORD),
  changeTicket: defineSearchAttributeKey('PrivateLinkChangeTicket', SearchAttributeType.KEYWORD),
  /** The open change's SLA breached; unset when no change is open. */
  changeSlaBreached: defineSearchAttributeKey('PrivateLinkChangeSlaBreached', SearchAttributeType.BOOL),
  /** The open change's SLA deadline (so the inbox sorts a change by its own time to breach); unset when none is open. */
  changeSlaDeadline: defineSearchAttributeKey('PrivateLinkChangeSlaDeadline', SearchAttributeType.DATETIME),
  /**
   * What needs a person: `effect_failed` (a comment or notification failed), `effect_retrying` (one is being retried
   * after its first tries failed), `check_failed`; unset when nothing does.
   */
  attention: defineSearchAttributeKey('PrivateLinkAttention', SearchAttributeType.KEYWORD_LIST),
  /** Who works on the request (`request.assigned`); unset when nobody does. */
  assignee: defineSearchAttributeKey('PrivateLinkAssignee', SearchAttributeType.KEYWORD),
  /**
   * What staff search a request by besides ticket and company: the customer's accounts (as given, and every account
   * the vendor allowlists) and the endpoint ids recorded so far (the customer's, the vendor's reverse ones).
   */
  identifiers: defineSearchAttributeKey('PrivateLinkIdentifiers', SearchAttributeType.KEYWORD_LIST),
  /**
   * When the other search attributes last changed (workflow time): the console's inbox reads only what changed since
   * it last looked (src/console/request-index.ts).
   */
  updatedAt: defineSearchAttributeKey('PrivateLinkUpdatedAt', SearchAttributeType.DATETIME),
} as const;

/** Every search attribute key the product registers, in a stable order. */
export const allSearchAttributeKeys = Object.values(searchAttributes);

/**
 * Memo key the workflow upserts after handling each event (type, actor, result, from, to, reason): the durable record
 * of each event's result in Temporal's event history, from which the audit timeline is built.
 */
export const AUDIT_MEMO_KEY = 'privatelinkEvent';

/**
 * Memo key the workflow upserts whenever the connection's record changes (docs/lifecycle.md): the record as it stands,
 * which `GET /api/connections` lists straight from visibility, without asking each workflow.
 */
export const CONNECTION_MEMO_KEY = 'privatelinkConnection';

/** Memo key set at start by the API and webhooks: who (which authenticated subject) started the request. */
export const STARTED_BY_MEMO_KEY = 'privatelinkStartedBy';

/** The ticket id of a request's workflow id (the inverse of {@link workflowIdForTicket}). */
export function ticketIdOfWorkflow(workflowId: string): string {
  return workflowId.startsWith('privatelink-') ? workflowId.slice('privatelink-'.length) : workflowId;
}
