/**
 * Cost per request (bench/cost.ts) on the time-skipping server: the hand-written baseline is a fair floor (it does
 * what the product does on the same path: the same comments, notifications and search attributes), and the report
 * says what the product spends, per run and per change of a year-long connection.
 */
import { type CostCase, type CostReport, costTable, measureCosts } from '../../bench/cost';

let report: CostReport;

beforeAll(async () => {
  report = await measureCosts();
}, 120_000);

const sumOf = (actions: CostCase['actions']) =>
  actions.starts +
  actions.signals +
  actions.updates +
  actions.activities +
  actions.timers +
  actions.searchAttributeUpserts +
  actions.memoUpserts;

describe('cost per request', () => {
  it('compares the product with a baseline that carries out the same effects', () => {
    const { product, baseline } = report.effects;
    // Five comments and four notifications on the path: the baseline is no cheaper for doing less.
    expect(product.comments.length).toBeGreaterThan(0);
    expect(product.notifications.length).toBeGreaterThan(0);
    expect(baseline).toEqual(product);
  });

  it('compares it with a baseline that reaches the same search attribute values at each step', () => {
    const { product, baseline } = report.searchAttributes;
    // Each step as visibility shows it: the product also removes attributes that were never set (no difference there).
    expect(baseline).toEqual(product);
    expect(product.at(-1)).toMatchObject({ PrivateLinkStatus: 'enabled', PrivateLinkState: 'active' });
  });

  it('gives the baseline one activity per effect, no memo, and the same SLA timer', () => {
    const effects = report.effects.baseline.comments.length + report.effects.baseline.notifications.length;
    expect(report.baseline.breakdown.activitiesByType).toMatchObject({
      postTicketComment: report.effects.baseline.comments.length,
      sendNotification: report.effects.baseline.notifications.length,
    });
    expect(report.baseline.actions.activities).toBeGreaterThanOrEqual(effects);
    expect(report.baseline.actions.memoUpserts).toBe(0);
    expect(report.baseline.actions.timers).toBe(report.unidirectional.actions.timers);
    expect(report.baseline.actions.updates).toBe(report.unidirectional.actions.updates);
  });

  it('adds up actions and ratios consistently', () => {
    for (const c of [report.unidirectional, report.bidirectional, report.year, report.baseline]) {
      expect(c.actions.total).toBe(sumOf(c.actions));
      expect(c.bytes).toBe(Object.values(c.breakdown.bytesByEventType).reduce((s, t) => s + t.bytes, 0));
    }
    const v = report.versusBaseline;
    expect(v.actionsRatio).toBeCloseTo(report.unidirectional.actions.total / report.baseline.actions.total, 2);
    expect(v.bytesRatio).toBeCloseTo(report.unidirectional.bytes / report.baseline.bytes, 2);
    expect(v.extraActions.total).toBe(report.unidirectional.actions.total - report.baseline.actions.total);
    // The bidirectional run does more than the unidirectional one.
    expect(report.bidirectional.actions.updates).toBeGreaterThan(report.unidirectional.actions.updates);
  });

  it('reports the year-long connection per change, the quiet months costing nothing', () => {
    const { year } = report;
    expect(year.changes.map((c) => c.kind)).toEqual(['change_account', 'add_service', 'change_account', 'remove']);
    expect(year.changes.map((c) => c.day)).toEqual([91, 182, 273, 364]);
    // The parts add up to the whole: enablement, then each change with the quarter before it.
    expect(year.enabled.events + year.changes.reduce((s, c) => s + c.events, 0)).toBe(year.events);
    expect(year.enabled.actions.total + year.changes.reduce((s, c) => s + c.actions.total, 0)).toBe(year.actions.total);
    for (const change of year.changes) {
      // Each change is its own updates, effects and SLA; no start, and no timer beyond its SLA's.
      expect(change.actions.starts).toBe(0);
      expect(change.actions.updates).toBeGreaterThan(0);
      expect(change.actions.timers).toBeLessThanOrEqual(1);
    }
    expect(year.perChange.actions.total).toBeCloseTo(
      year.changes.reduce((s, c) => s + c.actions.total, 0) / year.changes.length,
      2,
    );
  });

  it('prints a table with the ratio against the baseline', () => {
    const table = costTable(report);
    expect(table).toContain(report.baseline.label);
    expect(table).toContain(`(${report.versusBaseline.actionsRatio.toFixed(2)}×)`);
    expect(table.split('\n')).toHaveLength(2 + 5 + report.year.changes.length + 1);
  });
});
