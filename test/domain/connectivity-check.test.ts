import { checkPortsSummary } from '../../src/domain/connectivity-check';

describe("the connectivity check's one-line summary", () => {
  it('lists each port with its outcome and connect time, in the order checked', () => {
    expect(
      checkPortsSummary([
        { port: 3306, outcome: 'connected', connectMs: 2 },
        { port: 5432, outcome: 'connected', connectMs: 0 },
      ]),
    ).toBe('3306 connected in 2 ms, 5432 connected in 0 ms');
  });

  it('says each distinct reason a port did not connect once, after the ports; reasons of connected ports are not told', () => {
    expect(
      checkPortsSummary([
        { port: 3306, outcome: 'connected', connectMs: 3, detail: 'ignored' },
        { port: 2222, outcome: 'refused', detail: 'ECONNREFUSED' },
        { port: 2223, outcome: 'refused', detail: 'ECONNREFUSED' },
        { port: 8443, outcome: 'timed_out', connectMs: 5000, detail: 'no answer in 5 s' },
        { port: 9000, outcome: 'not_checked' },
      ]),
    ).toBe(
      '3306 connected in 3 ms, 2222 refused, 2223 refused, 8443 timed_out in 5000 ms, 9000 not_checked (ECONNREFUSED; no answer in 5 s)',
    );
  });

  it('adds no parentheses when no reason was given, and is empty for no ports', () => {
    expect(checkPortsSummary([{ port: 22, outcome: 'not_allowed' }])).toBe('22 not_allowed');
    expect(checkPortsSummary([{ port: 22, outcome: 'error', detail: '' }])).toBe('22 error');
    expect(checkPortsSummary([])).toBe('');
  });
});
