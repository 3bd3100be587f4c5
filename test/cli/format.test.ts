import { formatView } from '../../src/cli/requests';
import type { AuditEntry, ConnectivityCheckView, SlaView, StateSummary } from '../../src/temporal/messages';

const sla: SlaView = {
  startedAt: '2026-11-02T15:00:00.000Z',
  deadline: '2026-11-09T15:00:00.000Z',
  deadlineLocal: '2026-11-09 10:00 America/New_York',
  timeZone: 'America/New_York',
  targetHours: 40,
  usedHours: 12.5,
  leftHours: 27.5,
  percent: 31.25,
  paused: false,
  pausedSince: null,
  breached: false,
  breachedAt: null,
  stoppedAt: null,
  warningsSent: [],
  escalations: 0,
  events: [],
};

const view = (status: StateSummary['status'], slaView: SlaView = sla): StateSummary => ({
  ticketId: 'T-1001',
  cloud: 'aws',
  assignee: null,
  connectionType: 'unidirectional',
  company: 'Acme',
  status,
  state: status === 'enabled' ? 'enabled' : 'reviewingConnection',
  waitingOn: status === 'enabled' ? 'none' : 'vendor',
  allowedEvents: [],
  request: { intake: null, draft: null, problems: [] },
  sla: slaView,
  change: null,
  connection: null,
});

const slaLine = (v: StateSummary) =>
  formatView(v)
    .split('\n')
    .find((l) => l.startsWith('SLA'));

describe('plctl status, the SLA line', () => {
  it('says how much time is left while the request is open', () => {
    expect(slaLine(view('in_progress'))).toBe(
      'SLA           running; due 2026-11-09 15:00 UTC (2026-11-09 10:00 America/New_York); 27.5 of 40 business hours left',
    );
  });

  it('says the SLA was met, when, and the hours used, not that it runs, once the request is enabled in time', () => {
    const enabling = {
      seq: 9,
      at: '2026-11-05T18:30:12.000Z',
      actor: 'alice',
      via: 'update' as const,
      type: 'connection.verified',
      result: 'applied' as const,
      from: 'verifyingConnection',
      to: 'enabled',
    };
    expect(slaLine({ ...view('enabled'), event: enabling } as StateSummary)).toBe(
      'SLA           met at 2026-11-05 18:30 UTC; was due 2026-11-09 15:00 UTC (2026-11-09 10:00 America/New_York); 12.5 of 40 business hours used',
    );
  });

  it('says it was breached, or stopped, for a request that ended otherwise', () => {
    expect(slaLine(view('enabled', { ...sla, breached: true, breachedAt: '2026-11-09T15:00:00.000Z' }))).toMatch(
      /^SLA +BREACHED at 2026-11-09 15:00 UTC; was due/,
    );
    expect(slaLine(view('cancelled'))).toMatch(/^SLA +stopped \(cancelled\); was due/);
  });
});

describe('plctl status, events and a stopped run', () => {
  const entry = (seq: number): AuditEntry => ({
    seq,
    at: `2026-11-02T15:${String(seq % 60).padStart(2, '0')}:00.000Z`,
    actor: 'alice',
    via: 'update',
    type: 'note.added',
    eventId: `n-${seq}`,
    result: 'applied',
    from: 'reviewingConnection',
    to: 'reviewingConnection',
  });

  it('counts every event the request recorded, not only the recent ones the view lists', () => {
    const events = Array.from({ length: 50 }, (_, i) => entry(151 + i));
    const text = formatView({ ...view('in_progress'), events, eventCount: { total: 200, repeats: 7, notes: 120 } });
    expect(text).toContain('Last events   (200 in all, 7 repeats dropped; plctl history has each)');
    expect(text.split('\n').filter((l) => l.includes('note.added  by alice'))).toHaveLength(5);
    // Every time plctl prints is UTC, with the zone named.
    expect(text).toContain('  2026-11-02 15:20:00 UTC  note.added  by alice  applied');
  });

  it('says a request stopped from outside is stopped, not waiting', () => {
    const text = formatView({ ...view('in_progress'), stopped: { how: 'terminated', at: '2026-11-03T09:00:00.000Z' } });
    expect(text.split('\n')[4]).toBe(
      'STOPPED       terminated at 2026-11-03 09:00:00 UTC, outside the process; this is its last state',
    );
  });

  it("shows the product's own connectivity check, failed or passed, with each port", () => {
    const withCheck = (ok: boolean, ports: ConnectivityCheckView['ports']) =>
      formatView({
        ...view('in_progress'),
        connectivityCheck: { at: '2026-11-03T09:00:05.000Z', target: '10.0.3.7', ok, ports },
      });
    const failed = withCheck(false, [
      { port: 3306, outcome: 'connected', connectMs: 2 },
      { port: 2222, outcome: 'refused', detail: 'connect ECONNREFUSED 10.0.3.7:2222' },
    ]);
    expect(failed).toContain(
      'Our check     FAILED at 2026-11-03 09:00:05 UTC: 10.0.3.7 3306 connected in 2 ms, 2222 refused (connect ECONNREFUSED 10.0.3.7:2222)',
    );
    const passed = withCheck(true, [{ port: 3306, outcome: 'connected', connectMs: 2 }]);
    expect(passed).toContain('Our check     passed at 2026-11-03 09:00:05 UTC: 10.0.3.7 3306 connected in 2 ms');
    expect(formatView(view('in_progress'))).not.toContain('Our check');
  });
});
