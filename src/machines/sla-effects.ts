/**
 * The effects of the SLA clock: built here, with every other effect, so the workflow only carries them out. Pure.
 */
import type { SlaRecord } from '../sla/types';
import { companyOf } from './context';
import type { EnablementSnapshot } from './host';
import type { Effect } from './setup';
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
