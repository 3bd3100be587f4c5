/**
 * The audit chain's exports as an auditor handles them, without a server: a CSV opened in a spreadsheet must not run
 * what a customer typed as a formula, and still verify; a JSON export whose declared head is not its last entry's hash
 * was cut at the end.
 */
import { CHAIN_ALGORITHM, chain, parseCsv, toCsv, verifyExport } from '../../src/audit/chain';

const ticketId = 'T-42';
const entry = (type: string, detail: string, payload: Record<string, string> = {}) => ({
  at: '2026-11-02T15:00:00.000Z',
  kind: 'event' as const,
  actor: 'alice@vendor.example',
  via: 'api',
  authenticated: true,
  type,
  result: 'applied',
  from: 'allowlisting',
  to: 'awaitingEndpoint',
  detail,
  payload,
  runId: 'run-1',
  historyEventId: 7,
});

describe('the CSV export', () => {
  const hostile = ['=HYPERLINK("http://evil.example","x")', '+1+1', '-2', '@SUM(A1)', '\tindented', "'quoted"];
  const entries = chain(
    ticketId,
    hostile.map((text, i) => entry('note.added', text, { text: `${text} #${i}` })),
  );
  const csv = toCsv(entries);
  const rows = parseCsv(csv);
  const header = rows[0]!;
  const detailColumn = header.indexOf('detail');

  it('prefixes every cell a spreadsheet would run as a formula with a quote', () => {
    expect(rows.slice(1).map((row) => row[detailColumn])).toEqual(hostile.map((text) => `'${text}`));
    for (const row of rows.slice(1)) for (const cell of row) expect(cell).not.toMatch(/^[=+\-@\t\r]/);
  });

  it('stays verifiable: the quote is taken off again before hashing', () => {
    expect(verifyExport(csv)).toMatchObject({ ok: true, entries: hostile.length });
  });

  it('fails to verify when a cell is changed', () => {
    const altered = csv.replace("'+1+1", "'+1+2");
    expect(verifyExport(altered)).toMatchObject({
      ok: false,
      problems: ['entry 2: hash does not match its content (the entry was altered)'],
    });
  });
});

describe("the JSON export's head", () => {
  const entries = chain(ticketId, [entry('customer_access.granted', ''), entry('endpoint.requested', '')]);
  const exportOf = (list: typeof entries, head: string) =>
    JSON.stringify({ ticketId, algorithm: CHAIN_ALGORITHM, head, entries: list });

  it('verifies when the head is the last entry hash', () => {
    expect(verifyExport(exportOf(entries, entries[1]!.hash))).toMatchObject({ ok: true, head: entries[1]!.hash });
  });

  it('says entries were dropped from the end when the head names a later entry', () => {
    expect(verifyExport(exportOf(entries.slice(0, 1), entries[1]!.hash))).toEqual({
      ok: false,
      entries: 1,
      problems: [`head ${entries[1]!.hash} is not the last entry's hash (entries dropped from the end?)`],
    });
  });
});
