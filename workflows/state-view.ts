import type { SearchAttributeUpdatePair } from '@temporalio/common';
import type { IntakeDraft } from '../src/domain/intake';
import { limits, truncateUtf8 } from '../src/domain/limits';
import {
  allowedEventTypes,
  companyOf,
  type EnablementSnapshot,
  stateName,
  statusOf,
  waitingOnOf,
} from '../src/machines';
import type {
  AuditEntry,
  ConnectivityCheckView,
  EffectRecord,
  EnablementResult,
  SlaView,
  StateSummary,
  StateView,
} from '../src/temporal/messages';
import { searchAttributes } from '../src/temporal/names';

/** The company, cloud and connection type as far as known: from the accepted intake, else from the draft. */
function facts(snapshot: EnablementSnapshot) {
  const { intake, draft, connectionType } = snapshot.context;
  const raw: IntakeDraft = draft ?? {};
  const cloud = intake?.cloud ?? (raw.cloud === 'aws' || raw.cloud === 'azure' ? raw.cloud : null);
  return { company: companyOf(snapshot.context), cloud, connectionType };
}

/** Where the request stands (the state view without its lists: docs/intake-and-events.md). */
export function stateSummary(ticketId: string, snapshot: EnablementSnapshot, sla: SlaView | null): StateSummary {
  const { company, cloud, connectionType } = facts(snapshot);
  const { intake, draft, validation } = snapshot.context;
  return {
    ticketId,
    cloud,
    connectionType,
    company,
    status: statusOf(snapshot),
    state: stateName(snapshot),
    waitingOn: waitingOnOf(snapshot),
    allowedEvents: allowedEventTypes(snapshot),
    request: {
      intake: intake ?? null,
      draft: draft ?? null,
      problems: intake ? [] : (validation?.problems ?? []),
    },
    sla,
  };
}

/** The state view (docs/intake-and-events.md): what the `enablementState` query returns. */
export function stateView(
  ticketId: string,
  snapshot: EnablementSnapshot,
  events: { recent: AuditEntry[]; count: StateView['eventCount'] },
  effects: { done: EffectRecord[]; pending: number; connectivityCheck: ConnectivityCheckView | null },
  sla: SlaView | null,
): StateView {
  return {
    ...stateSummary(ticketId, snapshot, sla),
    events: events.recent,
    eventCount: events.count,
    effects: { pending: effects.pending, done: effects.done },
    connectivityCheck: effects.connectivityCheck,
  };
}

/** The search attributes of the request (README "Public names"), with the SLA's breach flag and deadline. */
export function searchAttributesOf(
  snapshot: EnablementSnapshot,
  sla: { breached: boolean; deadline?: number },
): SearchAttributeUpdatePair[] {
  const { company, cloud, connectionType } = facts(snapshot);
  const pairs: SearchAttributeUpdatePair[] = [
    { key: searchAttributes.status, value: statusOf(snapshot) },
    { key: searchAttributes.state, value: stateName(snapshot) },
    { key: searchAttributes.waitingOn, value: waitingOnOf(snapshot) },
    { key: searchAttributes.connectionType, value: connectionType },
    { key: searchAttributes.slaBreached, value: sla.breached },
  ];
  if (sla.deadline !== undefined) pairs.push({ key: searchAttributes.slaDeadline, value: new Date(sla.deadline) });
  if (cloud) pairs.push({ key: searchAttributes.cloud, value: cloud });
  // The company comes from the ticket and may not be valid yet: cut to what a search attribute takes, whatever it is.
  if (company) pairs.push({ key: searchAttributes.company, value: truncateUtf8(company, limits.searchAttributeBytes) });
  return pairs;
}

/** What the workflow returns when the request ends. */
export function requestResult(ticketId: string, snapshot: EnablementSnapshot, events: number): EnablementResult {
  const { intake } = snapshot.context;
  return {
    ticketId,
    status: statusOf(snapshot) as EnablementResult['status'],
    state: stateName(snapshot),
    connectionType: snapshot.context.connectionType,
    cloud: intake?.cloud ?? null,
    company: intake?.company ?? null,
    events,
    endedAt: new Date().toISOString(),
  };
}
