/**
 * The effects of the SLA clocks, of a request and of a change after enablement: built here, with every other effect,
 * so the workflow only carries them out. Pure.
 */
import type { SlaRecord } from '../sla/types';
import type { ConnectionRecord } from './changes/connection';
import { companyOf } from './context';
import type { EnablementSnapshot } from './host';
import type { OpenChange } from './request';
import type { Effect, TicketTarget } from './setup';
import { stateName, waitingOnOf } from './view';

type SlaEvent = Pick<SlaRecord, 'kind' | 'percent' | 'escalation'>;

/**
 * What an SLA event asks for: notify the vendor; at the breach and each escalation, also tell the ticket. Every
 * message names the request's deadline (not the instant the event itself was due).
 */
export function slaEffects(
  record: SlaEvent,
  snapshot: EnablementSnapshot,
  timeZone: string,
  deadlineMs: number,
): Effect[] {
  const { ticketId } = snapshot.context;
  return effectsOf(record, deadlineMs, {
    tag: `[${ticketId}]`,
    clock: { name: 'SLA', the: 'the SLA' },
    where: `in ${stateName(snapshot)}, waiting on ${waitingOnOf(snapshot)}`,
    greeting: { ticketId, company: companyOf(snapshot.context) ?? '' },
    timeZone,
    templates: { breach: 'sla_breached', escalation: 'sla_escalation' },
  });
}

/**
 * What a change's SLA event asks for, as {@link slaEffects} for a request, but about the change and to its ticket:
 * notify the vendor; at the breach and each escalation, also tell the change ticket.
 */
export function changeSlaEffects(
  record: SlaEvent,
  change: OpenChange,
  connection: Pick<ConnectionRecord, 'ticketId' | 'company'>,
  timeZone: string,
  deadlineMs: number,
): Effect[] {
  return effectsOf(record, deadlineMs, {
    tag: `[${change.changeTicketId}, change of ${connection.ticketId}]`,
    clock: { name: 'Change SLA', the: "the change's SLA" },
    where: `${change.kind} in ${stateName(change.snapshot)}, waiting on ${waitingOnOf(change.snapshot)}`,
    greeting: { ticketId: change.changeTicketId, company: connection.company },
    timeZone,
    templates: { breach: 'change_sla_breached', escalation: 'change_sla_escalation' },
    to: { ticketId: change.changeTicketId, startedBy: change.requestedBy },
  });
}

/** Whose clock it is, and how its messages and comments say so. */
interface Clock {
  /** Opens the notifications, e.g. `[T-1001]`. */
  tag: string;
  clock: { name: string; the: string };
  /** Where the request or change stands. */
  where: string;
  greeting: { ticketId: string; company: string };
  timeZone: string;
  templates: { breach: 'sla_breached' | 'change_sla_breached'; escalation: 'sla_escalation' | 'change_sla_escalation' };
  to?: TicketTarget;
}

function effectsOf(record: SlaEvent, deadlineMs: number, c: Clock): Effect[] {
  const deadline = new Date(deadlineMs).toISOString();
  const data = { ...c.greeting, deadline, timeZone: c.timeZone };
  const to = c.to ? { to: c.to } : {};
  switch (record.kind) {
    case 'warning':
      return [
        {
          type: 'notify',
          params: {
            kind: 'sla_warning',
            message: `${c.tag} ${record.percent}% of ${c.clock.the} used: due ${deadline}, ${c.where}`,
          },
          ...to,
        },
      ];
    case 'breach':
      return [
        {
          type: 'notify',
          params: {
            kind: 'sla_breached',
            message: `${c.tag} ${c.clock.name} breached: due ${deadline}, still ${c.where}`,
          },
          ...to,
        },
        { type: 'postTicketComment', params: { template: c.templates.breach, data }, ...to },
      ];
    case 'escalation': {
      const count = record.escalation ?? 1;
      return [
        {
          type: 'notify',
          params: {
            kind: 'sla_escalation',
            message: `${c.tag} ${count} business day(s) past ${c.clock.the} (due ${deadline}), still ${c.where}`,
          },
          ...to,
        },
        {
          type: 'postTicketComment',
          params: { template: c.templates.escalation, data: { ...data, escalation: count } },
          ...to,
        },
      ];
    }
  }
}
