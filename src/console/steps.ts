/**
 * A request's path as the console's step list: the machine's states in the order the process goes through them, the
 * side states (waiting for the ticket to be fixed, troubleshooting) folded into the step they belong to, and the
 * current one marked. Read from the machine itself, so a new state shows without changing the console.
 */
import type { ConnectionType } from '../domain/intake';
import { machines } from '../machines/host';

/** Each state in words, as a step a person recognises from the vendor's document. */
export const stateLabels: Record<string, string> = {
  validatingIntake: 'Check the intake',
  awaitingSubmission: 'Waiting for the ticket',
  awaitingInformation: 'Waiting for missing information',
  allowlisting: "Allowlist the customer's account",
  awaitingEndpoint: 'Customer creates the endpoint',
  reviewingConnection: 'Accept the connection request',
  openingPorts: 'Open the ports',
  verifyingConnection: 'Customer tests the connection',
  troubleshooting: 'Vendor troubleshoots',
  customerTroubleshooting: 'Customer troubleshoots',
  awaitingPrincipalGrant: "Customer allows the vendor's principal",
  creatingVendorEndpoint: 'Create the vendor endpoint',
  awaitingReverseApproval: 'Customer accepts the vendor endpoint',
  verifyingReverseConnection: 'Customer tests the reverse connection',
  troubleshootingReverse: 'Vendor troubleshoots the reverse connection',
  customerTroubleshootingReverse: 'Customer troubleshoots the reverse connection',
  enabled: 'Enabled',
  rejected: 'Rejected',
  cancelled: 'Cancelled',
  // The request's own states after enablement (the connection's record): docs/lifecycle.md.
  active: 'Enabled: the connection is live',
  removed: 'Removed',
};

/** A state's words; an unknown state (a newer worker's) reads as its name split into words. */
export function stateLabel(state: string): string {
  return stateLabels[state] ?? state.replace(/([a-z])([A-Z])/g, '$1 $2').toLowerCase();
}

/** The step a side state belongs to: intake waits belong to the intake check, troubleshooting to its test. */
function mainStepOf(state: string): string {
  if (state === 'awaitingSubmission' || state === 'awaitingInformation') return 'validatingIntake';
  if (/^(customerT|t)roubleshootingReverse$/.test(state)) return 'verifyingReverseConnection';
  if (/^(customerT|t)roubleshooting$/.test(state)) return 'verifyingConnection';
  return state;
}

/** One step of the list. */
export interface PathStep {
  state: string;
  label: string;
  /** Done, the current one, or still to come. */
  progress: 'done' | 'current' | 'todo';
  /** For the current step: the side state the request is in, when it is not the step itself ("Customer troubleshoots"). */
  detail?: string;
  /** Who the step waits on. */
  waitsOn: 'vendor' | 'customer' | 'none';
}

/**
 * The steps of a path, from the intake check to `enabled`, with `state` marked: the steps before it done, the ones
 * after it to come. A request that ended otherwise (rejected, cancelled) ends its list with that state, current.
 */
export function pathSteps(connectionType: ConnectionType, state: string): PathStep[] {
  const nodes = machines[connectionType].states as Record<string, { tags: readonly string[]; type: string }>;
  const main = Object.keys(nodes).filter((s) => mainStepOf(s) === s && (nodes[s]!.type !== 'final' || s === 'enabled'));
  // After enablement the request is `active` (the connection's record), then `removed`: the path was walked to its end.
  if (state === 'active') return pathSteps(connectionType, 'enabled');
  const ended = !main.includes(mainStepOf(state));
  const list = state === 'removed' ? [...main, state] : ended ? [...main.filter((s) => s !== 'enabled'), state] : main;
  const at = list.indexOf(mainStepOf(state));
  const waits = (s: string) =>
    nodes[s]?.tags.includes('vendor') ? 'vendor' : nodes[s]?.tags.includes('customer') ? 'customer' : 'none';
  return list.map((s, i) => {
    const current = i === at;
    const step: PathStep = {
      state: s,
      label: stateLabel(s),
      progress: current ? 'current' : i < at ? 'done' : 'todo',
      waitsOn: waits(current ? state : s),
    };
    if (current && state !== s) step.detail = stateLabel(state);
    return step;
  });
}
