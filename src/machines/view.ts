import type { AnyMachineSnapshot, AnyStateNode } from 'xstate';
import { type EventType, eventTypes } from '../domain/events';

/** Where a request stands, as docs/intake-and-events.md names it. */
export const enablementStatuses = [
  'awaiting_information',
  'in_progress',
  'enabled',
  'rejected',
  'cancelled',
  'removed',
] as const;
export type EnablementStatus = (typeof enablementStatuses)[number];
/** Whose move it is. */
export const waitingOnValues = ['vendor', 'customer', 'none'] as const;
export type WaitingOn = (typeof waitingOnValues)[number];

/** The state name (the `PrivateLinkState` search attribute); the machines are flat, so it is a string. */
export function stateName(snapshot: AnyMachineSnapshot): string {
  return String(snapshot.value);
}

/** The request's status, derived from the snapshot: end state, else intake tag, else in progress. */
export function statusOf(snapshot: AnyMachineSnapshot): EnablementStatus {
  if (snapshot.matches('enabled')) return 'enabled';
  if (snapshot.matches('rejected')) return 'rejected';
  if (snapshot.matches('cancelled')) return 'cancelled';
  return snapshot.hasTag('intake') ? 'awaiting_information' : 'in_progress';
}

/** Who the request waits on, from the state's tag. */
export function waitingOnOf(snapshot: AnyMachineSnapshot): WaitingOn {
  // An ended request's state (final) has no tags.
  if (snapshot.hasTag('customer')) return 'customer';
  if (snapshot.hasTag('vendor')) return 'vendor';
  return 'none';
}

/**
 * Event types the current state accepts, in vocabulary order, except that a ticket update comes after the state's own
 * steps: after acceptance it is an aside (see legs/shared.ts `afterAcceptance`), and what every open state accepts
 * comes last. A listed event may still be refused for its payload (e.g. `customer_access.granted` without a service
 * name when none is configured for the region): `snapshot.can(event)` decides. None once the request has ended (final
 * states accept none).
 */
export function allowedEventTypes(snapshot: AnyMachineSnapshot): EventType[] {
  const types = new Set<string>();
  for (const node of snapshot._nodes as AnyStateNode[]) for (const type of node.ownEvents as string[]) types.add(type);
  const allowed = eventTypes.filter((type) => types.has(type));
  const last: readonly EventType[] = ['ticket.updated', 'request.cancelled', 'note.added'];
  return [...allowed.filter((type) => !last.includes(type)), ...last.filter((type) => allowed.includes(type))];
}
