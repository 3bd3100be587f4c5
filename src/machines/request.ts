/**
 * A request from ticket to removal (docs/lifecycle.md): the enablement machine until the connection is enabled, then
 * the connection's record, which stays open and takes one change at a time, each on its own machine, until a `remove`
 * change ends it. Pure: the workflow holds a {@link RequestState} and applies events with {@link applyRequestEvent};
 * everything the state view and the search attributes show is derived here.
 */
import { cloudOf } from '../domain/clouds';
import type { EnablementEvent, EventOf, EventType } from '../domain/events';
import { changeKindWords } from './templates';
import { type ConnectionRecord, connectionRecordOf, type Approvals } from './changes/connection';
import { applyChangeEvent, changeRequestProblem, type ChangeSnapshot, openChange, resumeChange } from './changes/host';
import type { OpenableChangeKind } from './changes/setup';
import { applyEvent, type EnablementSnapshot, machineFor } from './host';
import type { ConnectionType } from '../domain/intake';
import type { Effect, TicketTarget } from './setup';
import { allowedEventTypes, type EnablementStatus, stateName, statusOf, type WaitingOn, waitingOnOf } from './view';

/** The change open on a connection. */
export interface OpenChange {
  changeTicketId: string;
  kind: OpenableChangeKind;
  /** Who asked for it, and when the event arrived (ISO 8601). */
  requestedBy: string;
  requestedAt: string;
  /** When the change ticket was submitted (its SLA counts from then): as the event said, else when it arrived. */
  submittedAt: string;
  snapshot: ChangeSnapshot;
}

/** The connection's record once enabled: as it stands, its open change, and whether it was removed. */
export interface Lifecycle {
  connection: ConnectionRecord;
  change: OpenChange | null;
  /** When the connection was removed (ISO 8601). */
  removedAt: string | null;
  /** Changes that ended (done or cancelled). */
  changesEnded: number;
}

/** Where a request stands. */
export interface RequestState {
  enablement: EnablementSnapshot;
  /** Who recorded the approvals the connection's record names (collected while enabling). */
  approvals: Approvals;
  /** Set when the enablement reaches `enabled`. */
  lifecycle: Lifecycle | null;
  /** Who works on the request (`request.assigned`); unset for nobody. */
  assignee?: string;
}

/** What a request carries over a continue-as-new. */
export interface PersistedRequest {
  machine: ConnectionType;
  value: string;
  context: unknown;
  approvals?: Approvals;
  assignee?: string;
  lifecycle?: Omit<Lifecycle, 'change'> & {
    change: (Omit<OpenChange, 'snapshot'> & { value: string; context: unknown }) | null;
  };
}

/** A request's status: the enablement's, then `enabled` while the connection lasts, `removed` after. */
export type RequestStatus = EnablementStatus | 'removed';

/** An applied event: the new state and the effects to carry out. */
export interface RequestStep {
  state: RequestState;
  effects: Effect[];
}

/** An event the request does not take now, with why. */
export interface RequestRefusal {
  refused: true;
  message: string;
  /** Another change is open (the API's 409 names it). */
  conflict?: boolean;
  /** What to tell the change ticket when the refusal reached no person (a change sent by a ticket system). */
  answer?: Effect[];
}

/** A request that starts from an enablement snapshot. */
export function requestOf(enablement: EnablementSnapshot): RequestState {
  return { enablement, approvals: { reverse: [] }, lifecycle: null };
}

/** The request as it was persisted (see {@link persistRequest}). */
export function resumeRequest(saved: PersistedRequest): RequestState {
  const enablement = machineFor(saved.machine).resolveState({ value: saved.value, context: saved.context as never });
  const l = saved.lifecycle;
  const lifecycle: Lifecycle | null = l
    ? {
        ...l,
        change: l.change
          ? (({ value, context, ...rest }) => ({
              ...rest,
              snapshot: resumeChange(value, context as ChangeSnapshot['context']),
            }))(l.change)
          : null,
      }
    : null;
  return {
    enablement,
    approvals: saved.approvals ?? { reverse: [] },
    lifecycle,
    ...(saved.assignee !== undefined ? { assignee: saved.assignee } : {}),
  };
}

/** The request as plain data for continue-as-new. */
export function persistRequest(state: RequestState): PersistedRequest {
  const { enablement, approvals, lifecycle, assignee } = state;
  return {
    machine: enablement.context.connectionType,
    value: stateName(enablement),
    context: enablement.context,
    approvals,
    ...(assignee !== undefined ? { assignee } : {}),
    ...(lifecycle
      ? {
          lifecycle: {
            ...lifecycle,
            change: lifecycle.change
              ? (({ snapshot, ...rest }) => ({ ...rest, value: stateName(snapshot), context: snapshot.context }))(
                  lifecycle.change,
                )
              : null,
          },
        }
      : {}),
  };
}

/** The request's status. */
export function requestStatus(state: RequestState): RequestStatus {
  if (!state.lifecycle) return statusOf(state.enablement);
  return state.lifecycle.removedAt ? 'removed' : 'enabled';
}

/** The request's state name (`PrivateLinkState`): the enablement's, then `active`, then `removed`. */
export function requestStateName(state: RequestState): string {
  if (!state.lifecycle) return stateName(state.enablement);
  return state.lifecycle.removedAt ? 'removed' : 'active';
}

/** Whom the request waits on: the enablement's state, then the open change's (no one without one). */
export function requestWaitingOn(state: RequestState): WaitingOn {
  if (!state.lifecycle) return waitingOnOf(state.enablement);
  const change = state.lifecycle.change;
  return change ? waitingOnOf(change.snapshot) : 'none';
}

/** True until the request ends: rejected, cancelled, or its connection removed. */
export function requestOpen(state: RequestState): boolean {
  return state.lifecycle ? !state.lifecycle.removedAt : state.enablement.status === 'active';
}

/** The events the request takes now (a listed one may still be refused for its payload). */
export function requestAllowedEvents(state: RequestState): EventType[] {
  const l = state.lifecycle;
  // Anyone may be put on an open request, whatever its step: just before the note, which comes last.
  const withAssignment = (types: EventType[]): EventType[] =>
    types.length ? [...types.filter((t) => t !== 'note.added'), 'request.assigned', 'note.added'] : [];
  if (!l) return withAssignment(allowedEventTypes(state.enablement));
  if (l.removedAt) return [];
  if (!l.change) return withAssignment(['change.requested', 'note.added']);
  return withAssignment([...allowedEventTypes(l.change.snapshot), 'note.added']);
}

/**
 * `request.assigned`: who works on the request, while it is open. With `expected`, only while the request is assigned
 * to that person: a second claim made at the same time as the first is refused, naming who has it.
 */
function assign(state: RequestState, event: EventOf<'request.assigned'>): RequestStep | RequestRefusal {
  if (!requestOpen(state)) return { refused: true, message: 'The request has ended: no one can be assigned to it.' };
  const current = state.assignee ?? null;
  if (event.expected !== undefined && event.expected !== current) {
    return {
      refused: true,
      conflict: true,
      message: `The request is assigned to ${current ?? 'nobody'} now, not ${event.expected ?? 'nobody'}: someone changed it first. Reload and decide again.`,
    };
  }
  const { assignee: _, ...rest } = state;
  return { state: event.assignee === null ? rest : { ...rest, assignee: event.assignee }, effects: [] };
}

/** The change ticket an event belongs to: the one it opens, else the change open when it arrives. */
export function changeTicketOf(
  state: RequestState,
  event: { type: string; changeTicketId?: unknown },
): string | undefined {
  if (event.type === 'change.requested' && typeof event.changeTicketId === 'string') return event.changeTicketId;
  return state.lifecycle?.change?.changeTicketId;
}

/** The connection as it stands (while a change is open, as the change has left it so far); null before enablement. */
export function connectionOf(state: RequestState): ConnectionRecord | null {
  const l = state.lifecycle;
  if (!l) return null;
  return l.change ? l.change.snapshot.context.connection : l.connection;
}

/**
 * Applies one event at `at` (the workflow's time, ISO 8601). Before the connection is enabled the enablement machine
 * takes it; after, the connection's record: notes always, a change request when no change is open, and every other
 * event goes to the open change.
 */
export function applyRequestEvent(
  state: RequestState,
  event: EnablementEvent,
  at: string,
): RequestStep | RequestRefusal {
  if (event.type === 'request.assigned') return assign(state, event);
  const l = state.lifecycle;
  if (!l) return applyToEnablement(state, event, at);
  if (l.removedAt) return { refused: true, message: 'The connection was removed; its record accepts no more events.' };
  if (event.type === 'note.added') return { state, effects: [] };
  if (event.type === 'change.requested') return requestChange(state, l, event, at);
  if (!l.change) {
    return {
      refused: true,
      message: `${event.type} is not allowed in state active: no change is open${activeHint(event.type)}. Allowed events: change.requested, note.added.`,
    };
  }
  const open = l.change;
  const result = applyChangeEvent(open.snapshot, { ...event, at });
  if ('refused' in result) return result;
  const to: TicketTarget = { ticketId: open.changeTicketId, startedBy: open.requestedBy };
  const effects = result.effects.map((e) => ({ ...e, to }));
  if (result.snapshot.status !== 'done') {
    return { state: { ...state, lifecycle: { ...l, change: { ...open, snapshot: result.snapshot } } }, effects };
  }
  const removed = result.snapshot.value === 'removed';
  return {
    state: {
      ...state,
      lifecycle: {
        connection: result.snapshot.context.connection,
        change: null,
        removedAt: removed ? at : null,
        changesEnded: l.changesEnded + 1,
      },
    },
    effects,
  };
}

function applyToEnablement(state: RequestState, event: EnablementEvent, at: string): RequestStep | RequestRefusal {
  if (event.type === 'change.requested') {
    return {
      refused: true,
      message: `change.requested is not allowed in state ${stateName(state.enablement)}: a change can be requested once the connection is enabled.`,
    };
  }
  const step = applyEvent(state.enablement, event);
  if ('refused' in step) return { refused: true, message: step.message };
  const approvals: Approvals =
    event.type === 'connection.approved'
      ? { ...state.approvals, connection: event.actor }
      : event.type === 'reverse_connection.approved'
        ? {
            ...state.approvals,
            reverse: withAt(
              state.approvals.reverse,
              step.snapshot.context.reverseConnections?.length ?? 0,
              event.actor,
            ),
          }
        : state.approvals;
  const enabled = step.snapshot.matches('enabled');
  return {
    state: {
      ...state,
      enablement: step.snapshot,
      approvals,
      lifecycle: enabled
        ? {
            connection: connectionRecordOf(step.snapshot.context, at, approvals),
            change: null,
            removedAt: null,
            changesEnded: 0,
          }
        : null,
    },
    effects: step.effects,
  };
}

/** A change request: answered (troubleshooting), refused (another change open, or it makes no sense), or opened. */
function requestChange(
  state: RequestState,
  l: Lifecycle,
  event: Extract<EnablementEvent, { type: 'change.requested' }>,
  at: string,
): RequestStep | RequestRefusal {
  const to: TicketTarget = { ticketId: event.changeTicketId, startedBy: event.actor };
  const connectionTicketId = l.connection.ticketId;
  if (l.change) {
    const open = l.change;
    const message = `Change ${open.changeTicketId} (${open.kind}) is open on this connection, in state ${stateName(open.snapshot)}: one change at a time. Finish it or cancel it (change.cancelled) first.`;
    return { refused: true, conflict: true, message, answer: refusedAnswer(to, connectionTicketId, message) };
  }
  const { change } = event;
  if (change.kind === 'troubleshoot') {
    return {
      state,
      effects: [
        {
          type: 'postTicketComment',
          params: { template: 'troubleshooting_not_covered', data: { connectionTicketId } },
          to,
        },
        {
          type: 'notify',
          params: {
            kind: 'change_refused',
            message: `[${event.changeTicketId}, about ${connectionTicketId}] Troubleshooting after enablement is outside support; the ticket was answered with that reason`,
          },
          to,
        },
      ],
    };
  }
  const problem = changeRequestProblem(l.connection, event.changeTicketId, change);
  if (problem) {
    const message = `This change cannot be made: ${problem}.`;
    // The ticket reads the reason itself after "We cannot take this change …:" (a field path stays as written).
    const reason = problem.startsWith('change.')
      ? `${problem}.`
      : `${problem.charAt(0).toUpperCase()}${problem.slice(1)}.`;
    return { refused: true, message, answer: refusedAnswer(to, connectionTicketId, message, reason) };
  }
  const intake = state.enablement.context.intake!;
  const serviceKeyPart = cloudOf(intake.cloud).serviceKeyPart?.(intake);
  const opened = openChange({
    ticketId: connectionTicketId,
    changeTicketId: event.changeTicketId,
    change,
    requestedBy: event.actor,
    connection: l.connection,
    vendor: state.enablement.context.vendor,
    environment: intake.environment,
    ...(serviceKeyPart ? { serviceKeyPart } : {}),
  });
  return {
    state: {
      ...state,
      lifecycle: {
        ...l,
        change: {
          changeTicketId: event.changeTicketId,
          kind: change.kind,
          requestedBy: event.actor,
          requestedAt: at,
          submittedAt: event.submittedAt ?? at,
          snapshot: opened.snapshot,
        },
      },
    },
    effects: opened.effects.map((e) => ({ ...e, to })),
  };
}

/** The comment and notification that answer a refused change on its ticket. */
function refusedAnswer(
  to: TicketTarget,
  connectionTicketId: string,
  reason: string,
  customerReason: string = reason,
): Effect[] {
  return [
    {
      type: 'postTicketComment',
      params: { template: 'change_refused', data: { connectionTicketId, reason: customerReason } },
      to,
    },
    {
      type: 'notify',
      params: {
        kind: 'change_refused',
        message: `[${to.ticketId}, change of ${connectionTicketId}] Change refused: ${reason}`,
      },
      to,
    },
  ];
}

/** What an event refused by an enabled connection without an open change would take instead. */
function activeHint(type: EventType): string {
  if (type === 'change.cancelled') return '';
  if (type === 'request.cancelled') return ' (the connection is enabled: to end it, request a change of kind remove)';
  if (type === 'ticket.submitted' || type === 'ticket.updated') {
    return ' (the request is enabled: a change to the connection arrives as change.requested with its own ticket)';
  }
  return ' (it is a step of a change: request the change first)';
}

/** A copy of `list` with `value` at `index`. */
function withAt(list: string[], index: number, value: string): string[] {
  const copy = [...list];
  copy[index] = value;
  return copy;
}

/** The open change as the state view shows it (without its SLA, which the workflow keeps). */
export function changeSummary(state: RequestState) {
  const change = state.lifecycle?.change;
  if (!change) return null;
  return {
    ticketId: change.changeTicketId,
    kind: change.kind,
    what: changeKindWords(change.snapshot.context.change),
    state: stateName(change.snapshot),
    waitingOn: waitingOnOf(change.snapshot),
    requestedBy: change.requestedBy,
    requestedAt: change.requestedAt,
    submittedAt: change.submittedAt,
  };
}
