/**
 * The audit chain's exports as an auditor handles them, without a server: a CSV opened in a spreadsheet must not run
 * what a customer typed as a formula, and still verify; a JSON export whose declared head is not its last entry's hash
 * was cut at the end.
 */
import { createHash } from 'node:crypto';
import {
  asText,
  CHAIN_ALGORITHM,
  canonicalPayload,
  chain,
  compareWithLive,
  entryHash,
  exportedHashes,
  exportHeader,
  genesisHash,
  parseCsv,
  type TimelineEntry,
  toCsv,
  verifyExport,
} from '../../src/audit/chain';

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
/** The fields of an {@link entry} in the order they are hashed, as text: its number, the ticket, …, its payload. */
const hashedTexts = (seq: number, type: string, detail: string, payload: string) => [
  String(seq),
  ticketId,
  '2026-11-02T15:00:00.000Z',
  'event',
  'alice@vendor.example',
  'api',
  'true',
  type,
  'applied',
  'allowlisting',
  'awaitingEndpoint',
  detail,
  payload,
  'run-1',
  '7',
];

describe('the CSV export', () => {
  const hostile = ['=HYPERLINK("http://evil.example","x")', '+1+1', '-2', '@SUM(A1)', '\tindented', "'quoted"];
  let csv = '';
  let rows: string[][] = [];
  let detailColumn = -1;
  beforeEach(() => {
    const entries = chain(
      ticketId,
      hostile.map((text, i) => entry('note.added', text, { text: `${text} #${i}` })),
    );
    csv = toCsv(entries);
    rows = parseCsv(csv);
    detailColumn = rows[0]!.indexOf('detail');
  });

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
  let entries: TimelineEntry[] = [];
  beforeEach(() => {
    entries = chain(ticketId, [entry('customer_access.granted', ''), entry('endpoint.requested', '')]);
  });
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

/** SHA-256 as hex, straight from node:crypto: the chain as docs/audit.md describes it, computed without src/audit. */
const sha = (text: string) => createHash('sha256').update(text, 'utf8').digest('hex');

describe('the chain, as docs/audit.md specifies it', () => {
  const payload = { text: 'called', b: '2', a: '1' };
  let first: TimelineEntry | undefined;
  let second: TimelineEntry | undefined;
  beforeEach(() => {
    [first, second] = chain(ticketId, [entry('note.added', 'x', payload), entry('connection.approved', '')]);
  });

  it('chains the first entry to the hash of "privatelink-audit/v1/<ticketId>"', () => {
    expect(genesisHash(ticketId)).toBe(sha('privatelink-audit/v1/T-42'));
    expect(first!.prevHash).toBe(sha('privatelink-audit/v1/T-42'));
  });

  it("hashes the previous hash, a newline and the JSON array of the entry's fields as text, payload pairs sorted", () => {
    const fields = hashedTexts(
      1,
      'note.added',
      'x',
      JSON.stringify([
        ['a', '1'],
        ['b', '2'],
        ['text', 'called'],
      ]),
    );
    expect(first!.hash).toBe(sha(`${first!.prevHash}\n${JSON.stringify(fields)}`));
    expect(second!).toMatchObject({ seq: 2, prevHash: first!.hash });
    expect(second!.hash).toBe(
      sha(`${first!.hash}\n${JSON.stringify(hashedTexts(2, 'connection.approved', '', '[]'))}`),
    );
  });

  it('hashes a payload given as its JSON text like the object, and anything else as its text', () => {
    expect(canonicalPayload(payload)).toBe('[["a","1"],["b","2"],["text","called"]]');
    expect(canonicalPayload(JSON.stringify(payload))).toBe('[["a","1"],["b","2"],["text","called"]]');
    expect(canonicalPayload({})).toBe('[]');
    expect(canonicalPayload('{not json')).toBe('{not json');
    expect(canonicalPayload('[1,2]')).toBe('[1,2]');
    expect(canonicalPayload('null')).toBe('null');
    expect(canonicalPayload({ n: 1 })).toBe('{"n":1}');
    expect(canonicalPayload([['a', '1']])).toBe('[["a","1"]]');
    expect(canonicalPayload(undefined)).toBe('');
    expect(canonicalPayload({ B: '1', a: '2', _: '3' })).toBe('[["B","1"],["_","3"],["a","2"]]');
  });

  it('writes each field as text: strings as they are, numbers and booleans in words, nothing as empty', () => {
    expect([
      asText('x'),
      asText(7),
      asText(false),
      asText(true),
      asText(undefined),
      asText(null),
      asText({ a: 1 }),
      asText(Number.NaN),
      asText(-Infinity),
    ]).toEqual(['x', '7', 'false', 'true', '', '', '{"a":1}', 'NaN', '-Infinity']);
  });

  it('hashes only the payload as sorted pairs: another field that reads as JSON is hashed as written', () => {
    const detail = '{"b":"1","a":"2"}';
    const [one] = chain(ticketId, [entry('note.added', detail, { b: '1', a: '2' })]);
    const texts = hashedTexts(1, 'note.added', detail, '[["a","2"],["b","1"]]');
    expect(one!.hash).toBe(sha(`${sha('privatelink-audit/v1/T-42')}\n${JSON.stringify(texts)}`));
    expect(verifyExport(toCsv([one!]))).toMatchObject({ ok: true, head: one!.hash });
    // A payload turned into a list of its own JSON text is not the payload.
    expect(verifyExport(JSON.stringify([{ ...one!, payload: [JSON.stringify(one!.payload)] }]))).toEqual({
      ok: false,
      entries: 1,
      problems: ['entry 1: hash does not match its content (the entry was altered)'],
    });
  });

  it('verifies a v1 export (no via, authenticated or payload) by the v1 fields', () => {
    const v1 = [
      'seq',
      'ticketId',
      'at',
      'kind',
      'actor',
      'type',
      'result',
      'from',
      'to',
      'detail',
      'runId',
      'historyEventId',
    ];
    const row = {
      seq: 1,
      ticketId,
      at: 'a',
      kind: 'event',
      actor: 'x',
      type: 't',
      result: 'r',
      from: '',
      to: '',
      detail: '',
      runId: 'r1',
      historyEventId: 3,
    };
    const prevHash = sha('privatelink-audit/v1/T-42');
    const hash = sha(`${prevHash}\n${JSON.stringify(v1.map((f) => String(row[f as keyof typeof row])))}`);
    expect(entryHash(prevHash, row, v1)).toBe(hash);
    const entries = [{ ...row, prevHash, hash }];
    expect(verifyExport(JSON.stringify(entries))).toEqual({
      ok: true,
      entries: 1,
      ticketId,
      head: hash,
      algorithm: 'sha256-chain/v1',
    });
    expect(verifyExport(JSON.stringify({ algorithm: 'sha256-chain/v1', entries }))).toMatchObject({ ok: true });
    const csv = `${[...v1, 'prevHash', 'hash'].join(',')}\r\n${[...v1.map((f) => String(row[f as keyof typeof row])), prevHash, hash].join(',')}\r\n`;
    expect(verifyExport(csv)).toEqual({ ok: true, entries: 1, ticketId, head: hash, algorithm: 'sha256-chain/v1' });
  });
});

describe('verifying a saved export', () => {
  let entries: TimelineEntry[] = [];
  beforeEach(() => {
    entries = chain(ticketId, [entry('a', ''), entry('b', ''), entry('c', '')]);
  });
  const json = (list: unknown[], extra: object = {}) =>
    JSON.stringify({ ticketId, algorithm: CHAIN_ALGORITHM, ...extra, entries: list });

  it('names each problem: numbering, ticket, link, content', () => {
    const reordered = [entries[0]!, entries[2]!, entries[1]!];
    expect(verifyExport(json(reordered))).toEqual({
      ok: false,
      entries: 3,
      problems: [
        'entry 2: numbered 3 (entries missing or reordered)',
        "entry 2: prevHash does not match the previous entry's hash",
        'entry 3: numbered 2 (entries missing or reordered)',
        "entry 3: prevHash does not match the previous entry's hash",
      ],
    });
    const moved = entries.map((e, i) => (i === 1 ? { ...e, ticketId: 'T-43' } : e));
    expect(verifyExport(json(moved)).ok).toBe(false);
    expect((verifyExport(json(moved)) as { problems: string[] }).problems).toEqual([
      'entry 2: belongs to ticket T-43, not T-42',
      'entry 2: hash does not match its content (the entry was altered)',
    ]);
  });

  it('reads the ticket from the first entry when the export does not name it, and from the header when it does', () => {
    expect(verifyExport(JSON.stringify(entries))).toMatchObject({
      ok: true,
      ticketId,
      entries: 3,
      algorithm: CHAIN_ALGORITHM,
    });
    expect(verifyExport(json(entries, { ticketId: 'T-43' }))).toMatchObject({
      ok: false,
      problems: expect.arrayContaining(['entry 1: belongs to ticket T-42, not T-43']),
    });
  });

  it.each([
    ['not JSON', '{"entries": [', /^not valid JSON: /],
    ['no entries array', '{"entries": 3}', /^no "entries" array: not a timeline export$/],
    ['JSON null', 'null', /^not valid CSV|^not a timeline export|^no "entries"/],
    ['an unknown format', JSON.stringify({ algorithm: 'md5', entries: [{}] }), /^unknown chain format "md5"$/],
    ['no entries', JSON.stringify({ entries: [] }), /^the export has no entries$/],
    ['an unterminated CSV quote', 'seq,"ticketId\r\n', /^not valid CSV: unterminated quoted cell$/],
    [
      'a CSV without the chain columns',
      'seq,ticketId\r\n1,T-42\r\n',
      /^not a timeline export: missing column\(s\) at, kind, actor, type, result, from, to, detail, runId, historyEventId, prevHash, hash$/,
    ],
  ])('refuses %s, saying why', (_what, text, problem) => {
    const verdict = verifyExport(text);
    expect(verdict).toMatchObject({ ok: false, entries: 0 });
    expect((verdict as { problems: string[] }).problems).toEqual([expect.stringMatching(problem)]);
  });

  it('reads JSON after leading blank space, and what the export declares about itself', () => {
    const signature = { algorithm: 'ed25519', value: 'x' };
    const text = `  \n${json(entries, { workflowId: 'privatelink-T-42', head: entries[2]!.hash, exportedAt: 'now', signature, extra: 1 })}`;
    expect(verifyExport(text)).toMatchObject({ ok: true, head: entries[2]!.hash });
    expect(exportHeader(text)).toEqual({
      ticketId,
      workflowId: 'privatelink-T-42',
      algorithm: CHAIN_ALGORITHM,
      head: entries[2]!.hash,
      exportedAt: 'now',
      signature,
    });
    expect(exportHeader(json(entries, { signature: null, ticketId: 7 }))).toEqual({
      algorithm: CHAIN_ALGORITHM,
      signature: null,
    });
    expect(exportHeader(toCsv(entries))).toStrictEqual({ algorithm: CHAIN_ALGORITHM });
    // Saying nothing about a signature is not saying it is unsigned (null).
    expect(exportHeader(json(entries))).toStrictEqual({ ticketId, algorithm: CHAIN_ALGORITHM });
    expect(exportHeader(JSON.stringify(entries))).toStrictEqual({ algorithm: CHAIN_ALGORITHM });
    expect(exportHeader('{')).toEqual({});
  });

  it('takes entries that are no objects as empty ones, which fail', () => {
    expect(verifyExport(JSON.stringify([entries[0], 'x']))).toMatchObject({
      ok: false,
      problems: expect.arrayContaining(['entry 2: numbered  (entries missing or reordered)']),
    });
    const empty = (n: number) => [
      `entry ${n}: numbered  (entries missing or reordered)`,
      `entry ${n}: prevHash does not match the previous entry's hash`,
      `entry ${n}: hash does not match its content (the entry was altered)`,
    ];
    expect(verifyExport(JSON.stringify(['x', null, 3]))).toEqual({
      ok: false,
      entries: 3,
      problems: [...empty(1), ...empty(2), ...empty(3)],
    });
    expect(verifyExport(JSON.stringify({ ticketId, entries: [entries[0], null] }))).toEqual({
      ok: false,
      entries: 2,
      problems: [...empty(2).slice(0, 1), 'entry 2: belongs to ticket , not T-42', ...empty(2).slice(1)],
    });
  });

  it('reads a CSV by its column names, in any order, a row without its trailing empty cells included', () => {
    const [header, ...lines] = parseCsv(toCsv(entries));
    const order = [...header!.filter((c) => c !== 'detail'), 'detail'];
    const reordered = [order, ...lines.map((cells) => order.map((c) => cells[header!.indexOf(c)]!))];
    // Every detail is empty: a tool that leaves out empty cells at the end of a row drops it.
    const csv = reordered.map((cells) => (cells === order ? cells : cells.slice(0, -1)).join(',')).join('\r\n');
    expect(verifyExport(csv)).toEqual({
      ok: true,
      entries: 3,
      ticketId,
      head: entries[2]!.hash,
      algorithm: CHAIN_ALGORITHM,
    });
  });

  it('refuses an empty file as a CSV without the chain columns', () => {
    expect(verifyExport('')).toEqual({
      ok: false,
      entries: 0,
      problems: [
        'not a timeline export: missing column(s) seq, ticketId, at, kind, actor, type, result, from, to, detail, runId, historyEventId, prevHash, hash',
      ],
    });
  });
});

describe('CSV as RFC 4180 writes it', () => {
  it('reads quoted cells with commas, quotes and line breaks, CRLF and LF line ends, and a last line without one', () => {
    expect(parseCsv('a,"b,1","c ""q""","d\r\ne"\r\nx,y\nz')).toEqual([
      ['a', 'b,1', 'c "q"', 'd\r\ne'],
      ['x', 'y'],
      ['z'],
    ]);
    expect(parseCsv('a,b\r\r\nc')).toEqual([['a', 'b'], [''], ['c']]);
    expect(parseCsv('a\n\nb\rc\r')).toEqual([['a'], [''], ['b'], ['c']]);
    expect(parseCsv('a,\r\n')).toEqual([['a', '']]);
    expect(parseCsv('')).toEqual([]);
    expect(parseCsv('a"b,c')).toEqual([['a"b', 'c']]);
    expect(() => parseCsv('"open')).toThrow('unterminated quoted cell');
  });

  it('quotes only the cells that need it, and writes CRLF line ends', () => {
    const [one] = chain(ticketId, [entry('note.added', 'a, "b"\nc')]);
    const csv = toCsv([one!]);
    expect(csv.endsWith('\r\n')).toBe(true);
    expect(csv.split('\r\n')[0]).toBe(
      'seq,ticketId,at,kind,actor,via,authenticated,type,result,from,to,detail,payload,runId,historyEventId,prevHash,hash',
    );
    expect(csv).toContain(',"a, ""b""\nc",{},run-1,7,');
    expect(
      csv
        .split('\r\n')[1]!
        .startsWith('1,T-42,2026-11-02T15:00:00.000Z,event,alice@vendor.example,api,true,note.added,'),
    ).toBe(true);
  });
});

describe('a saved export against the live history', () => {
  let live: TimelineEntry[] = [];
  beforeEach(() => {
    live = chain(ticketId, [entry('a', ''), entry('b', ''), entry('c', '')]);
  });

  it('is the live history, its first entries with --prefix, and nothing else', () => {
    expect(compareWithLive(live, live)).toEqual({ ok: true, saved: 3, live: 3 });
    expect(compareWithLive(live.slice(0, 2), live, { prefix: true })).toEqual({ ok: true, saved: 2, live: 3 });
    expect(compareWithLive(live.slice(0, 2), live)).toEqual({
      ok: false,
      problem:
        'the export is missing 1 later entry of the live history (it is its first 2 of 3); if it was saved before those were recorded, check it with --prefix',
    });
    expect(compareWithLive(live.slice(0, 1), live)).toMatchObject({
      problem: expect.stringContaining('missing 2 later entries'),
    });
    expect(compareWithLive(live, live.slice(0, 2))).toEqual({
      ok: false,
      problem: 'the export has 3 entries, the live history only 2',
    });
    expect(compareWithLive([live[0]!, live[2]!], live, { prefix: true })).toEqual({
      ok: false,
      problem: 'entry 2 differs from the live history',
    });
    // An export rewritten and re-chained from the start verifies on its own, but not against the server.
    const rewritten = chain(ticketId, [entry('a', 'rewritten'), entry('b', ''), entry('c', '')]);
    expect(verifyExport(JSON.stringify(rewritten))).toMatchObject({ ok: true });
    expect(compareWithLive(rewritten, live)).toEqual({ ok: false, problem: 'entry 1 differs from the live history' });
  });

  it("reads a saved export's hashes from JSON or CSV, or nothing from what is neither", () => {
    const hashes = live.map((e) => ({ hash: e.hash }));
    expect(exportedHashes(JSON.stringify({ entries: live }))).toEqual(hashes);
    expect(exportedHashes(` ${JSON.stringify(live)}`)).toEqual(hashes);
    expect(exportedHashes(toCsv(live))).toEqual(hashes);
    expect(exportedHashes('{"entries": 1}')).toBeUndefined();
    expect(exportedHashes('{')).toBeUndefined();
    expect(exportedHashes('a,b\r\n1,2\r\n')).toBeUndefined();
    expect(exportedHashes(JSON.stringify([null, { hash: 5 }]))).toEqual([{ hash: '' }, { hash: '5' }]);
    expect(exportedHashes('hash,seq\r\nh1,1\r\n2\r\n')).toEqual([{ hash: 'h1' }, { hash: '2' }]);
    expect(exportedHashes('seq,hash\r\n1,h1\r\n2\r\n')).toEqual([{ hash: 'h1' }, { hash: '' }]);
    expect(exportedHashes('')).toBeUndefined();
    expect(exportedHashes('seq,"hash\r\n')).toBeUndefined();
  });
});
