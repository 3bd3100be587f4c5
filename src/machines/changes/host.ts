/**
 * How a change is hosted, like the enablement machines (host.ts): pure transitions, effects returned as data, and a
 * refusal naming the state and the events it accepts. Plus what decides whether a change may open at all.
 */
import { initialTransition, transition } from 'xstate';
import { type Change } from '../../domain/events';
import { cloudOf } from '../../domain/clouds';
import { serviceNameProblem } from '../../domain/formats';
import { limits, quoted } from '../../domain/limits';
import { effectsOf } from '../host';
import type { Effect } from '../setup';
import { allowedEventTypes, stateName } from '../view';
import { addServiceMachine } from './add-service';
import { changeAccountMachine } from './change-account';
import type { ConnectionRecord } from './connection';
import { removeMachine } from './remove';
import { removeServiceMachine } from './remove-service';
import {
  addedServicePorts,
  type ChangeEvent,
  changeEventProblem,
  type ChangeInput,
  type OpenableChangeKind,
} from './setup';

/** The machine of each kind of change. */
export const changeMachines = {
  remove: removeMachine,
  change_account: changeAccountMachine,
  add_service: addServiceMachine,
  remove_service: removeServiceMachine,
} as const;
export type ChangeMachine = (typeof changeMachines)[OpenableChangeKind];
export type ChangeSnapshot = ReturnType<ChangeMachine['transition']>;

/** A change's snapshot and the effects a step asks for. */
export interface ChangeStep {
  snapshot: ChangeSnapshot;
  effects: Effect[];
}

/** Opens a change: its machine's first state, and the effects of opening it (the ticket told, staff asked). */
export function openChange(input: ChangeInput): ChangeStep {
  const [snapshot, actions] = initialTransition(changeMachines[input.change.kind], input);
  return { snapshot, effects: effectsOf(actions) };
}

/** Applies one event to an open change, or says why the change's state does not take it. */
export function applyChangeEvent(
  snapshot: ChangeSnapshot,
  event: ChangeEvent,
): ChangeStep | { refused: true; message: string } {
  if (!snapshot.can(event)) {
    const state = stateName(snapshot);
    const allowed = allowedEventTypes(snapshot);
    const { changeTicketId, change } = snapshot.context;
    const own = `change ${changeTicketId} (${change.kind}) is in state ${state}`;
    return {
      refused: true,
      message: allowed.includes(event.type)
        ? `${event.type} cannot be applied: ${changeEventHint(snapshot, event)}. The ${own}.`
        : `${event.type} is not allowed now: the ${own}. Allowed events: ${[...allowed, 'note.added'].join(', ')}.`,
    };
  }
  const machine = changeMachines[snapshot.context.change.kind];
  const [next, actions] = transition(machine, snapshot as never, event);
  return { snapshot: next, effects: effectsOf(actions) };
}

/** The snapshot of a change carried over a continue-as-new. */
export function resumeChange(value: string, context: ChangeSnapshot['context']): ChangeSnapshot {
  return changeMachines[context.change.kind].resolveState({ value, context });
}

function changeEventHint(snapshot: ChangeSnapshot, event: ChangeEvent): string {
  // The one guard that refuses an event whose data fits: allowlisting with no vendor service name to give.
  return (
    changeEventProblem(snapshot.context, event) ??
    'no vendorServiceName given and none configured for this cloud region'
  );
}

/**
 * Why a requested change makes no sense for this connection, if it does not: a change ticket that is the connection's
 * own, a new account in the wrong format or one that already connects, a service in the wrong form (Azure: a target
 * resource id), one already connected or not connected, or no ports to connect to.
 */
export function changeRequestProblem(
  connection: ConnectionRecord,
  changeTicketId: string,
  change: Exclude<Change, { kind: 'troubleshoot' }>,
): string | undefined {
  if (changeTicketId === connection.ticketId) {
    return `changeTicketId must be the change's own ticket, not ${connection.ticketId}, the ticket that enabled the connection`;
  }
  const { cloud, region } = connection;
  const services = connection.reverseServices.map((r) => r.service);
  switch (change.kind) {
    case 'remove':
      return undefined;
    case 'change_account': {
      const account = change.customerAccount;
      if (connection.connectionType === 'reverse') {
        return 'a reverse connection has no account of yours that connects to our network (only we connect, to your services), so there is none to change; you can ask us to connect to another of your services, disconnect one, or remove the connection';
      }
      const rule = cloudOf(cloud).account;
      if (!rule.pattern.test(account)) {
        return `change.customerAccount ${quoted(account)} is not ${rule.what}`;
      }
      const current = connection.accounts.map((a) => a.account);
      return current.some((a) => a.toLowerCase() === account.toLowerCase())
        ? `change.customerAccount ${account} already connects: the connection's accounts are ${current.join(', ')}`
        : undefined;
    }
    case 'add_service': {
      const name = change.customerServiceName;
      const form = serviceNameProblem(cloud, region, name, `change.customerServiceName ${quoted(name, 260)}`);
      const hint = cloudOf(cloud).changeServiceHint;
      if (form) return hint ? `${form}: ${hint}` : form;
      if (services.includes(name)) return `the connection already connects to ${name}`;
      if (services.length >= limits.reverseServicesPerConnection) {
        return `the connection already reaches ${services.length} of your services, the most one connection keeps; remove one first, or request another connection`;
      }
      return addedServicePorts({ change, connection }).length
        ? undefined
        : 'name the ports of the service (change.services): the connection has no reverse services to take them from';
    }
    case 'remove_service':
      if (
        services.length === 1 &&
        services[0] === change.customerServiceName &&
        connection.connectionType === 'reverse'
      ) {
        return `this reverse connection reaches only your service ${change.customerServiceName}: to disconnect it, ask us to remove the connection`;
      }
      return services.includes(change.customerServiceName)
        ? undefined
        : `the connection does not connect to ${quoted(change.customerServiceName, 260)}; ${
            services.length ? `it connects to ${services.join(', ')}` : 'it connects to none of your services'
          }`;
  }
}
