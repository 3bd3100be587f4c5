/**
 * The effects of the SLA clock: built here, with every other effect, so the workflow only carries them out. Pure.
 */
import type { SlaRecord } from '../sla/types';
import { companyOf } from './context';
import type { EnablementSnapshot } from './host';
import type { ConnectionRecord } from './changes/connection';
import type { OpenChange } from './request';
import type { Effect, TicketTarget } from './setup';
import { stateName, waitingOnOf } from './view';

/**
 * What an SLA event asks for: notify the vendor; at the breach and each escalation, also tell the ticket. Every
 * message names the request's deadline (not the instant the event itself was due).
 */
export function slaEffects(
  record: Pick<SlaRecord, 'kind' | 'percent' | 'escalation'>,
  snapshot: EnablementSnapshot,
  timeZone: string,
  deadlineMs: number,
): Effect[] {
  const deadline = new Date(deadlineMs).toISOString();
  const { ticketId } = snapshot.context;
  const company = companyOf(snapshot.context) ?? '';
  const where = `in ${stateName(snapshot)}, waiting on ${waitingOnOf(snapshot)}`;
  switch (record.kind) {
    case 'warning':
      return [
        {
          type: 'notify',
          params: {
            kind: 'sla_warning',
            message: `[${ticketId}] ${record.percent}% of the SLA used: due ${deadline}, ${where}`,
          },
        },
      ];
    case 'breach':
      return [
        {
          type: 'notify',
          params: { kind: 'sla_breached', message: `[${ticketId}] SLA breached: due ${deadline}, still ${where}` },
        },
        {
          type: 'postTicketComment',
          params: { template: 'sla_breached', data: { ticketId, company, deadline, timeZone } },
        },
      ];
    case 'escalation': {
      const count = record.escalation ?? 1;
      return [
        {
          type: 'notify',
          params: {
            kind: 'sla_escalation',
            message: `[${ticketId}] ${count} business day(s) past the SLA (due ${deadline}), still ${where}`,
          },
        },
        {
          type: 'postTicketComment',
          params: {
            template: 'sla_escalation',
            data: { ticketId, company, deadline, timeZone, escalation: count },
          },
        },
      ];
    }
  }
}

/**
 * What a change's SLA event asks for, as {@link slaEffects} for a request, but about the change and to its ticket:
 * notify the vendor; at the breach and each escalation, also tell the change ticket.
 */
export function changeSlaEffects(
  record: Pick<SlaRecord, 'kind' | 'percent' | 'escalation'>,
  change: OpenChange,
  connection: Pick<ConnectionRecord, 'ticketId' | 'company'>,
  timeZone: string,
  deadlineMs: number,
): Effect[] {
  const deadline = new Date(deadlineMs).toISOString();
  const to: TicketTarget = { ticketId: change.changeTicketId, startedBy: change.requestedBy };
  const data = { ticketId: change.changeTicketId, company: connection.company, deadline, timeZone };
  const tag = `[${change.changeTicketId}, change of ${connection.ticketId}]`;
  const where = `${change.kind} in ${stateName(change.snapshot)}, waiting on ${waitingOnOf(change.snapshot)}`;
  switch (record.kind) {
    case 'warning':
      return [
        {
          type: 'notify',
          params: {
            kind: 'sla_warning',
            message: `${tag} ${record.percent}% of the change's SLA used: due ${deadline}, ${where}`,
          },
          to,
        },
      ];
    case 'breach':
      return [
        {
          type: 'notify',
          params: { kind: 'sla_breached', message: `${tag} Change SLA breached: due ${deadline}, still ${where}` },
          to,
        },
        { type: 'postTicketComment', params: { template: 'change_sla_breached', data }, to },
      ];
    case 'escalation': {
      const count = record.escalation ?? 1;
      return [
        {
          type: 'notify',
          params: {
            kind: 'sla_escalation',
            message: `${tag} ${count} business day(s) past the change's SLA (due ${deadline}), still ${where}`,
          },
          to,
        },
        {
          type: 'postTicketComment',
          params: { template: 'change_sla_escalation', data: { ...data, escalation: count } },
          to,
        },
      ];
    }
  }
}
