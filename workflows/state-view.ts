import { clouds } from '../src/domain/clouds';
import type { SearchAttributeUpdatePair } from '@temporalio/common';
import type { IntakeDraft } from '../src/domain/intake';
import { limits, truncateUtf8 } from '../src/domain/limits';
import { companyOf } from '../src/machines';
import { allowlistedAccounts } from '../src/machines/context';
import {
  changeSummary,
  connectionOf,
  requestAllowedEvents,
  type RequestState,
  requestStateName,
  requestStatus,
  requestWaitingOn,
} from '../src/machines/request';
import type {
  AuditEntry,
  ChangeView,
  ConnectivityCheckView,
  EffectRecord,
  EnablementResult,
  SlaView,
  StateSummary,
  StateView,
} from '../src/temporal/messages';
import { searchAttributes } from '../src/temporal/names';

/** The company, cloud and connection type as far as known: from the accepted intake, else from the draft. */
function facts(request: RequestState) {
  const { intake, draft, connectionType } = request.enablement.context;
  const raw: IntakeDraft = draft ?? {};
  const cloud = intake?.cloud ?? clouds.find((id) => id === raw.cloud) ?? null;
  return { company: companyOf(request.enablement.context), cloud, connectionType };
}

/** The open change as the state view shows it, with its SLA. */
function changeView(request: RequestState, changeSla: SlaView | null): ChangeView | null {
  const summary = changeSummary(request);
  return summary ? { ...summary, sla: changeSla } : null;
}

/** Where the request stands (the state view without its lists: docs/intake-and-events.md). */
export function stateSummary(
  ticketId: string,
  request: RequestState,
  sla: SlaView | null,
  changeSla: SlaView | null = null,
): StateSummary {
  const { company, cloud, connectionType } = facts(request);
  const { intake, draft, validation } = request.enablement.context;
  return {
    ticketId,
    cloud,
    connectionType,
    company,
    status: requestStatus(request),
    state: requestStateName(request),
    waitingOn: requestWaitingOn(request),
    assignee: request.assignee ?? null,
    allowedEvents: requestAllowedEvents(request),
    request: {
      intake: intake ?? null,
      draft: draft ?? null,
      problems: intake ? [] : (validation?.problems ?? []),
    },
    sla,
    change: changeView(request, changeSla),
    connection: connectionOf(request),
  };
}

/** The state view (docs/intake-and-events.md): what the `enablementState` query returns. */
export function stateView(
  ticketId: string,
  request: RequestState,
  events: { recent: AuditEntry[]; count: StateView['eventCount'] },
  effects: { done: EffectRecord[]; pending: number; connectivityCheck: ConnectivityCheckView | null },
  sla: SlaView | null,
  changeSla: SlaView | null = null,
): StateView {
  return {
    ...stateSummary(ticketId, request, sla, changeSla),
    events: events.recent,
    eventCount: events.count,
    effects: { pending: effects.pending, done: effects.done },
    connectivityCheck: effects.connectivityCheck,
  };
}

/** Identifiers a request lists at most (`PrivateLinkIdentifiers`); an Azure ticket may name many subscriptions. */
const MAX_IDENTIFIERS = 20;

/**
 * What staff search a request by besides ticket and company: the accounts as given and allowlisted, and the endpoint
 * ids recorded so far; once each, in that order, each cut to what a search attribute takes.
 */
export function identifiersOf(request: RequestState): string[] {
  const { intake, draft, endpointId, vendorEndpointId, reverseConnections } = request.enablement.context;
  const given = intake?.customerAccount ?? (typeof draft?.customerAccount === 'string' ? draft.customerAccount : '');
  const all = [
    given.trim(),
    ...(intake ? allowlistedAccounts(intake) : []),
    ...(connectionOf(request)?.accounts.map((a) => a.account) ?? []),
    endpointId ?? '',
    vendorEndpointId ?? '',
    ...(reverseConnections ?? []).map((r) => r.endpointId),
  ].filter((id) => id !== '');
  return [...new Set(all.map((id) => truncateUtf8(id, limits.searchAttributeBytes)))].slice(0, MAX_IDENTIFIERS);
}

/** The search attributes of the request (README "Public names"), with the SLAs' breach flags and deadline. */
export function searchAttributesOf(
  request: RequestState,
  sla: { breached: boolean; deadline?: number },
  changeSla: { breached: boolean; deadline?: number } = { breached: false },
  attention: readonly string[] = [],
): SearchAttributeUpdatePair[] {
  const { company, cloud, connectionType } = facts(request);
  const change = request.lifecycle?.change;
  const connection = connectionOf(request);
  const identifiers = identifiersOf(request);
  const pairs: SearchAttributeUpdatePair[] = [
    { key: searchAttributes.status, value: requestStatus(request) },
    { key: searchAttributes.state, value: requestStateName(request) },
    { key: searchAttributes.waitingOn, value: requestWaitingOn(request) },
    { key: searchAttributes.connectionType, value: connectionType },
    { key: searchAttributes.slaBreached, value: sla.breached },
    // What needs a person (failed effects, a failed connectivity check): removed when nothing does.
    { key: searchAttributes.attention, value: attention.length ? [...attention] : null },
    // Who works on it: removed when nobody does (so "unassigned" is `IS NULL`).
    {
      key: searchAttributes.assignee,
      value: request.assignee ? truncateUtf8(request.assignee, limits.searchAttributeBytes) : null,
    },
    // The open change, if any (the values are removed when it ends, so "has an open change" is `IS NOT NULL`).
    { key: searchAttributes.changeKind, value: change ? change.kind : null },
    { key: searchAttributes.changeTicket, value: change ? change.changeTicketId : null },
    { key: searchAttributes.changeSlaBreached, value: change ? changeSla.breached : null },
    {
      key: searchAttributes.changeSlaDeadline,
      value: change && changeSla.deadline !== undefined ? new Date(changeSla.deadline) : null,
    },
    { key: searchAttributes.identifiers, value: identifiers.length ? identifiers : null },
    // Who can connect now: the accounts of the connection's record (none once removed).
    {
      key: searchAttributes.accounts,
      value: connection?.accounts.length
        ? connection.accounts.map((a) => truncateUtf8(a.account, limits.searchAttributeBytes))
        : null,
    },
  ];
  if (sla.deadline !== undefined) pairs.push({ key: searchAttributes.slaDeadline, value: new Date(sla.deadline) });
  if (cloud) pairs.push({ key: searchAttributes.cloud, value: cloud });
  // The company comes from the ticket and may not be valid yet: cut to what a search attribute takes, whatever it is.
  if (company) pairs.push({ key: searchAttributes.company, value: truncateUtf8(company, limits.searchAttributeBytes) });
  const region = request.enablement.context.intake?.region;
  if (region) pairs.push({ key: searchAttributes.region, value: region });
  return pairs;
}

/** What the workflow returns when the request ends. */
export function requestResult(ticketId: string, request: RequestState, events: number): EnablementResult {
  const { intake, connectionType } = request.enablement.context;
  return {
    ticketId,
    status: requestStatus(request) as EnablementResult['status'],
    state: requestStateName(request),
    connectionType,
    cloud: intake?.cloud ?? null,
    company: intake?.company ?? null,
    events,
    endedAt: new Date().toISOString(),
  };
}
