import { type AnyMachineSnapshot, initialTransition, transition } from 'xstate';
import { type EnablementEvent, eventUsage } from '../domain/events';
import { type ConnectionType, connectionTypes, type IntakeDraft, updateDraft } from '../domain/intake';
import { bidirectionalMachine } from './bidirectional';
import type { EnablementContext, EnablementInput } from './context';
import { eventDataProblem } from './event-data';
import type { Effect } from './setup';
import { reverseMachine } from './reverse';
import { unidirectionalMachine } from './unidirectional';
import { allowedEventTypes, stateName } from './view';

/** The machine of each path. */
export const machines = {
  unidirectional: unidirectionalMachine,
  bidirectional: bidirectionalMachine,
  reverse: reverseMachine,
} as const;
export type EnablementMachine = (typeof machines)[ConnectionType];
export type EnablementSnapshot = ReturnType<EnablementMachine['transition']>;

/** The result of starting a request or applying an event: the new snapshot and the effects to carry out. */
export interface Step {
  snapshot: EnablementSnapshot;
  effects: Effect[];
}

/** An event the current state does not accept, with what it does accept. */
export interface Refusal {
  refused: true;
  state: string;
  allowed: string[];
  message: string;
}

/** The machine for a connection type. */
export function machineFor(type: ConnectionType): EnablementMachine {
  return machines[type];
}

/** The connection type a draft asks for, if it names a valid one. */
function requestedPath(draft: IntakeDraft | undefined): ConnectionType | undefined {
  const value = draft?.connectionType;
  const normalized = typeof value === 'string' ? value.trim().toLowerCase() : undefined;
  return connectionTypes.find((type) => type === normalized);
}

/**
 * Starts a request on the machine for its intake's connection type (unidirectional until the ticket says otherwise)
 * and returns the first effects (e.g. the "awaiting information" comment).
 */
export function startRequest(input: EnablementInput): Step {
  const machine = machineFor(requestedPath(input.intake) ?? 'unidirectional');
  const [snapshot, actions] = initialTransition(machine, input);
  return { snapshot, effects: effectsOf(actions) };
}

/**
 * Applies one event. While the request is still in intake, an intake that names the other connection type moves it to
 * that path's machine first (the intake states are the same in both). Returns a {@link Refusal} when the state does
 * not accept the event; the snapshot is then unchanged.
 */
export function applyEvent(snapshot: EnablementSnapshot, event: EnablementEvent): Step | Refusal {
  let current = snapshot;
  if ((event.type === 'ticket.submitted' || event.type === 'ticket.updated') && current.hasTag('intake')) {
    const draft =
      event.type === 'ticket.submitted' ? event.intake : updateDraft(current.context.draft ?? {}, event.intake);
    const wanted = requestedPath(draft);
    if (wanted && wanted !== current.context.connectionType) {
      current = machineFor(wanted).resolveState({
        value: current.value,
        context: { ...current.context, connectionType: wanted },
      });
    }
  }
  if (!current.can(event)) return refusal(snapshot, event);
  const machine = machineFor(current.context.connectionType);
  const [next, actions] = transition(machine, current as never, event);
  return { snapshot: next, effects: effectsOf(actions) };
}

const effectTypes: readonly string[] = [
  'postTicketComment',
  'notify',
  'runConnectivityCheck',
] satisfies Effect['type'][];

/** The effects among XState's returned actions, as plain data (no executors, no copies of the context). */
export function effectsOf(actions: readonly { type: string; params?: unknown }[]): Effect[] {
  return actions
    .filter((action) => effectTypes.includes(action.type))
    .map((action) => ({ type: action.type, params: action.params }) as Effect);
}

function refusal(snapshot: AnyMachineSnapshot, event: EnablementEvent): Refusal {
  const state = stateName(snapshot);
  const allowed = allowedEventTypes(snapshot);
  const message =
    snapshot.status !== 'active'
      ? `The request is ${state} and accepts no more events.`
      : allowed.includes(event.type)
        ? `${event.type} cannot be applied in state ${state} with this payload (${missingDataHint(event, snapshot)}; ${eventUsage(event.type)}). Allowed events: ${allowed.join(', ')}.`
        : `${event.type} is not allowed in state ${state}. Allowed events: ${allowed.join(', ')}.`;
  return { refused: true, state, allowed, message };
}

function missingDataHint(event: EnablementEvent, snapshot: AnyMachineSnapshot): string {
  const problem = eventDataProblem(snapshot.context as EnablementContext, event);
  if (problem) return problem;
  switch (event.type) {
    case 'customer_access.granted':
      return 'no vendorServiceName given and none configured for this cloud region';
    case 'ticket.updated':
      return 'it changes nothing in the accepted intake';
    // No other guard refuses an event (principal.granted always has the intake's service to fall back on).
    default:
      return 'its guard refused it';
  }
}
