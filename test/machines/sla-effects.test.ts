import { checkEvent } from '../../src/domain/events';
import { changeSlaEffects, renderComment, slaEffects, startRequest, type TicketComment } from '../../src/machines';
import { applyRequestEvent, requestOf } from '../../src/machines/request';
import { changeRequested } from '../fixtures/changes';
import { forwardLegEvents } from '../fixtures/events';
import { exampleVendorConfig, validIntake } from '../fixtures/requests';

const vendor = exampleVendorConfig();
// 2026-03-06 17:00 UTC: the deadline every message names, whatever instant the SLA event itself fell due.
const deadlineMs = Date.UTC(2026, 2, 6, 17, 0, 0);

describe('what the SLA clock asks for', () => {
  let accepted: ReturnType<typeof startRequest>['snapshot'];
  let awaiting: ReturnType<typeof startRequest>['snapshot'];
  beforeAll(() => {
    accepted = startRequest({ ticketId: 'T-1001', vendor, intake: validIntake('aws', 'unidirectional') }).snapshot;
    awaiting = startRequest({ ticketId: 'T-2002', vendor }).snapshot;
  });

  it('at a warning: only the vendor is told, with the share of the SLA used, the deadline and who the request waits on', () => {
    expect(slaEffects({ kind: 'warning', percent: 75 }, accepted, 'Europe/Berlin', deadlineMs)).toEqual([
      {
        type: 'notify',
        params: {
          kind: 'sla_warning',
          message: '[T-1001] 75% of the SLA used: due 2026-03-06T17:00:00.000Z, in allowlisting, waiting on vendor',
        },
      },
    ]);
  });

  it('at the breach: the vendor is told and the ticket gets the breach comment in the calendar zone', () => {
    expect(slaEffects({ kind: 'breach' }, accepted, 'America/New_York', deadlineMs)).toEqual([
      {
        type: 'notify',
        params: {
          kind: 'sla_breached',
          message: '[T-1001] SLA breached: due 2026-03-06T17:00:00.000Z, still in allowlisting, waiting on vendor',
        },
      },
      {
        type: 'postTicketComment',
        params: {
          template: 'sla_breached',
          data: {
            ticketId: 'T-1001',
            company: 'Acme',
            deadline: '2026-03-06T17:00:00.000Z',
            timeZone: 'America/New_York',
          },
        },
      },
    ]);
  });

  it('at each escalation: how many business days past, to the vendor and the ticket', () => {
    expect(slaEffects({ kind: 'escalation', escalation: 3 }, accepted, 'UTC', deadlineMs)).toEqual([
      {
        type: 'notify',
        params: {
          kind: 'sla_escalation',
          message:
            '[T-1001] 3 business day(s) past the SLA (due 2026-03-06T17:00:00.000Z), still in allowlisting, waiting on vendor',
        },
      },
      {
        type: 'postTicketComment',
        params: {
          template: 'sla_escalation',
          data: {
            ticketId: 'T-1001',
            company: 'Acme',
            deadline: '2026-03-06T17:00:00.000Z',
            timeZone: 'UTC',
            escalation: 3,
          },
        },
      },
    ]);
  });

  it('before the intake says which company: the ticket comment has no company; an escalation without a count is the first, in both messages', () => {
    const [notify, comment] = slaEffects({ kind: 'escalation' }, awaiting, 'UTC', deadlineMs);
    expect(notify).toEqual({
      type: 'notify',
      params: {
        kind: 'sla_escalation',
        message:
          '[T-2002] 1 business day(s) past the SLA (due 2026-03-06T17:00:00.000Z), still in awaitingSubmission, waiting on customer',
      },
    });
    expect(comment).toEqual({
      type: 'postTicketComment',
      params: {
        template: 'sla_escalation',
        data: { ticketId: 'T-2002', company: '', deadline: '2026-03-06T17:00:00.000Z', timeZone: 'UTC', escalation: 1 },
      },
    });
  });
});

describe("what a change's SLA clock asks for", () => {
  const change = () => {
    let state = requestOf(
      startRequest({ ticketId: 'T-1001', vendor, intake: validIntake('aws', 'unidirectional') }).snapshot,
    );
    for (const event of [
      ...forwardLegEvents,
      changeRequested('T-2001', { kind: 'change_account', customerAccount: '210987654321' }),
    ]) {
      const check = checkEvent({ actor: 'zendesk', ...event });
      if (!check.ok) throw new Error(check.reason);
      const step = applyRequestEvent(state, check.event, '2026-03-02T10:00:00.000Z');
      if ('refused' in step) throw new Error(step.message);
      state = step.state;
    }
    return { open: state.lifecycle!.change!, connection: state.lifecycle!.connection };
  };
  const to = { ticketId: 'T-2001', startedBy: 'zendesk' };

  it('names the change and both tickets, and goes to the change ticket, as the one who asked for it', () => {
    const { open, connection } = change();
    expect(changeSlaEffects({ kind: 'warning', percent: 50 }, open, connection, 'UTC', deadlineMs)).toEqual([
      {
        type: 'notify',
        params: {
          kind: 'sla_warning',
          message:
            "[T-2001, change of T-1001] 50% of the change's SLA used: due 2026-03-06T17:00:00.000Z, change_account in allowlistingNewAccount, waiting on vendor",
        },
        to,
      },
    ]);
    expect(changeSlaEffects({ kind: 'breach' }, open, connection, 'UTC', deadlineMs)).toEqual([
      {
        type: 'notify',
        params: {
          kind: 'sla_breached',
          message:
            '[T-2001, change of T-1001] Change SLA breached: due 2026-03-06T17:00:00.000Z, still change_account in allowlistingNewAccount, waiting on vendor',
        },
        to,
      },
      {
        type: 'postTicketComment',
        params: {
          template: 'change_sla_breached',
          data: { ticketId: 'T-2001', company: 'Acme', deadline: '2026-03-06T17:00:00.000Z', timeZone: 'UTC' },
        },
        to,
      },
    ]);
    const escalation = changeSlaEffects({ kind: 'escalation', escalation: 2 }, open, connection, 'UTC', deadlineMs);
    expect(escalation[0]!.params).toEqual({
      kind: 'sla_escalation',
      message:
        "[T-2001, change of T-1001] 2 business day(s) past the change's SLA (due 2026-03-06T17:00:00.000Z), still change_account in allowlistingNewAccount, waiting on vendor",
    });
    expect(escalation[1]).toEqual({
      type: 'postTicketComment',
      params: {
        template: 'change_sla_escalation',
        data: {
          ticketId: 'T-2001',
          company: 'Acme',
          deadline: '2026-03-06T17:00:00.000Z',
          timeZone: 'UTC',
          escalation: 2,
        },
      },
      to,
    });
    expect(renderComment(escalation[1]!.params as TicketComment)).toBe(
      'This change to your PrivateLink connection is still open, 2 business days past its due time (2026-03-06 17:00 UTC). It remains escalated.',
    );
  });
});
