/** The two enablement machines, how they are hosted, and what is derived from their snapshots. Pure: no I/O. */
export { bidirectionalMachine } from './bidirectional';
export { companyOf, type EnablementContext, type EnablementInput } from './context';
export {
  applyEvent,
  type EnablementMachine,
  type EnablementSnapshot,
  machineFor,
  machines,
  type Refusal,
  startRequest,
  type Step,
} from './host';
export { changeSlaEffects, slaEffects } from './sla-effects';
export type { ConnectivityCheck, Effect, EffectParams, EnablementTag, Notification, TicketTarget } from './setup';
export { renderComment, type TemplateId, type TicketComment, templates } from './templates';
export { unidirectionalMachine } from './unidirectional';
export { allowedEventTypes, type EnablementStatus, stateName, statusOf, waitingOnOf, type WaitingOn } from './view';
