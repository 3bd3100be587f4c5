import {
  checkEvent,
  eventBodyJsonSchemas,
  eventFields,
  eventTypes,
  eventUsage,
  isEventType,
  payloadFields,
  unknownEventTypeProblem,
} from '../../src/domain/events';
import { limits } from '../../src/domain/limits';

const actor = 'ana@vendor.example';

/** The refusal of an event, or a failure naming what was accepted. */
function refusal(input: unknown): { reason: string; problems: string[] } {
  const check = checkEvent(input);
  if (check.ok) throw new Error(`accepted: ${JSON.stringify(check.event)}`);
  return { reason: check.reason, problems: check.problems };
}

describe('the event vocabulary', () => {
  it('knows its own types, and nothing an object inherits', () => {
    for (const type of eventTypes) expect(isEventType(type)).toBe(true);
    for (const other of ['toString', 'constructor', '__proto__', 'hasOwnProperty', '', 'Note.Added', 7, undefined])
      expect(isEventType(other)).toBe(false);
  });

  it.each([
    ['an array holding a type', ['note.added']],
    ['an object that reads as a type', { toString: (): string => 'note.added' }],
  ])('knows no type in a value that is no text: %s', (_what, type) => {
    expect(isEventType(type)).toBe(false);
    expect(refusal({ type, actor, text: 'x' }).problems).toEqual([expect.stringMatching(/^type: unknown event type /)]);
  });

  it.each([
    ['connection.failed', ['eventId', 'comment', 'details', 'failingSide']],
    ['note.added', ['eventId', 'comment', 'text']],
    ['connection.approved', ['eventId', 'comment']],
  ] as const)('lists the fields %s may carry besides type and actor', (type, fields) => {
    expect(eventFields(type)).toEqual(fields);
  });

  it("describes each type's body as the API takes it, without the actor (the caller is the actor)", () => {
    const schemas = eventBodyJsonSchemas();
    expect(schemas.map((s) => s.type)).toEqual(eventTypes);
    expect(schemas.find((s) => s.type === 'note.added')?.schema).toEqual({
      type: 'object',
      properties: {
        type: { type: 'string', const: 'note.added' },
        eventId: {
          type: 'string',
          minLength: 1,
          description:
            'Dedupe key: the same eventId from the same sender for the same type changes state once; at most 200 bytes',
        },
        comment: { type: 'string', description: 'Free text kept in the audit trail; at most 4,096 bytes' },
        text: { type: 'string', minLength: 1, description: 'The note; at most 4,096 bytes' },
      },
      required: ['type', 'text'],
      additionalProperties: false,
    });
  });

  it('says what each type takes, required fields first, optional ones in brackets', () => {
    expect(eventUsage('vendor_endpoint.created')).toBe(
      'vendor_endpoint.created takes endpointId, endpointDns, [eventId], [comment]',
    );
    expect(eventUsage('connection.failed')).toBe(
      'connection.failed takes details, [failingSide], [eventId], [comment]',
    );
    expect(eventUsage('connection.approved')).toBe('connection.approved takes [eventId], [comment]');
    expect(payloadFields('endpoint.requested')).toEqual([
      { name: 'endpointId', required: true },
      { name: 'endpointDns', required: false },
    ]);
  });
});

describe('checking an incoming event', () => {
  it('takes a valid one, its text trimmed', () => {
    expect(checkEvent({ type: 'note.added', actor, text: '  called the customer  ' })).toEqual({
      ok: true,
      event: { type: 'note.added', actor, text: 'called the customer' },
    });
  });

  it.each([null, [], 'note.added', 3, undefined])('refuses %j: an event is an object', (input) => {
    const reason = 'An event must be an object: { "type": …, "actor": …, …payload }.';
    expect(refusal(input)).toEqual({ reason, problems: [reason] });
  });

  it('names an unknown type, the one it most likely meant, and the known ones', () => {
    const { reason, problems } = refusal({ type: 'endpoint.request', actor });
    expect(reason).toBe(
      `Unknown event type "endpoint.request"; did you mean endpoint.requested? Known types: ${eventTypes.join(', ')}.`,
    );
    expect(problems).toEqual([
      `type: unknown event type "endpoint.request"; did you mean endpoint.requested? Known types: ${eventTypes.join(', ')}`,
    ]);
  });

  it('guesses regardless of case, the closest type when several are near, within three edits only', () => {
    expect(unknownEventTypeProblem('NOTE.ADDED')).toContain('did you mean note.added?');
    expect(unknownEventTypeProblem('ports.opene')).toContain('did you mean ports.opened?');
    // "connection.approve" is one edit from connection.approved, more from reverse_connection.approved.
    expect(unknownEventTypeProblem('connection.approve')).toContain('did you mean connection.approved?');
    expect(unknownEventTypeProblem('reverse_connection.approve')).toContain(
      'did you mean reverse_connection.approved?',
    );
    expect(unknownEventTypeProblem('note.add')).toContain('did you mean note.added?');
    expect(unknownEventTypeProblem('note.a')).toBe(
      `unknown event type "note.a". Known types: ${eventTypes.join(', ')}`,
    );
  });

  it.each([
    // Three edits away still counts.
    ['note.ad', 'note.added'],
    // Two types within three edits: the closer one, whichever comes first in the vocabulary.
    ['ticket.ubmited', 'ticket.submitted'],
    ['vendor_endpoint.caled', 'vendor_endpoint.failed'],
    // As close to each (three edits): the one listed first.
    ['connection.rejroved', 'connection.removed'],
  ])('takes %j to mean %s', (written, meant) => {
    expect(unknownEventTypeProblem(written)).toBe(
      `unknown event type "${written}"; did you mean ${meant}? Known types: ${eventTypes.join(', ')}`,
    );
  });

  it('guesses nothing for a type that is no text or is too long to be a misspelling', () => {
    expect(unknownEventTypeProblem(42)).toBe(`unknown event type 42. Known types: ${eventTypes.join(', ')}`);
    expect(unknownEventTypeProblem(undefined)).toMatch(/^unknown event type undefined\. Known/);
    const long = `note.added${'x'.repeat(55)}`;
    expect(unknownEventTypeProblem(long)).not.toContain('did you mean');
    expect(unknownEventTypeProblem('note.added'.padEnd(64, ' '))).not.toContain('did you mean');
  });

  it('says a required field is missing, or not text, or empty, naming what it is', () => {
    expect(refusal({ type: 'connection.rejected', actor }).problems).toEqual([
      'reason: is required: why the connection request was rejected',
    ]);
    expect(refusal({ type: 'connection.rejected', actor, reason: 5 }).problems).toEqual([
      'reason: must be text: why the connection request was rejected',
    ]);
    expect(refusal({ type: 'connection.rejected', actor, reason: '   ' }).problems).toEqual([
      'reason: must not be empty: why the connection request was rejected',
    ]);
    expect(refusal({ type: 'note.added', text: 'x' }).problems).toEqual(['actor: is required: who sent the event']);
  });

  it('ends the reason with what the type takes', () => {
    expect(refusal({ type: 'connection.rejected', actor }).reason).toBe(
      'Invalid connection.rejected event: reason: is required: why the connection request was rejected. ' +
        'connection.rejected takes reason, [eventId], [comment].',
    );
  });

  it('counts sizes in bytes, up to the limit and not one byte more', () => {
    const fits = 'é'.repeat(limits.noteBytes / 2);
    expect(checkEvent({ type: 'note.added', actor, text: fits }).ok).toBe(true);
    expect(refusal({ type: 'note.added', actor, text: `${fits}a` }).problems).toEqual([
      'text: must be at most 4,096 bytes (got 4,097 bytes)',
    ]);
    expect(checkEvent({ type: 'note.added', actor: 'a'.repeat(256), text: 'x' }).ok).toBe(true);
    expect(refusal({ type: 'note.added', actor: 'a'.repeat(257), text: 'x' }).problems).toEqual([
      'actor: must be at most 256 bytes (got 257 bytes)',
    ]);
  });

  it('bounds the dedupe key and the comment every event may carry', () => {
    const base = { type: 'connection.approved', actor };
    expect(checkEvent({ ...base, eventId: 'e'.repeat(200), comment: 'c'.repeat(4096) }).ok).toBe(true);
    expect(refusal({ ...base, eventId: 'e'.repeat(201) }).problems).toEqual([
      'eventId: must be at most 200 bytes (got 201 bytes)',
    ]);
    expect(refusal({ ...base, eventId: '  ' }).problems).toEqual([expect.stringMatching(/^eventId: /)]);
    expect(refusal({ ...base, comment: 'c'.repeat(4097) }).problems).toEqual([
      'comment: must be at most 4,096 bytes (got 4,097 bytes)',
    ]);
  });

  it('names a field the type does not take', () => {
    expect(refusal({ type: 'connection.approved', actor, reason: 'x' }).problems).toEqual([
      'reason: is not a field of connection.approved',
    ]);
  });

  it('lists ten problems and counts the rest', () => {
    const extra = Object.fromEntries(Array.from({ length: 13 }, (_, i) => [`field${i}`, i]));
    const { problems, reason } = refusal({ type: 'connection.approved', actor, ...extra });
    expect(problems).toHaveLength(11);
    expect(problems.slice(0, 10)).toEqual(
      Array.from({ length: 10 }, (_, i) => `field${i}: is not a field of connection.approved`),
    );
    expect(problems[10]).toBe('and 3 more');
    expect(reason).toContain('field9: is not a field of connection.approved; and 3 more.');
  });

  it('lists exactly ten problems without counting any more', () => {
    const extra = Object.fromEntries(Array.from({ length: 10 }, (_, i) => [`field${i}`, i]));
    const { problems } = refusal({ type: 'connection.approved', actor, ...extra });
    expect(problems).toEqual(Array.from({ length: 10 }, (_, i) => `field${i}: is not a field of connection.approved`));
  });

  it('keeps a refusal to what the audit trail may carry, quoting at most a part of what was sent', () => {
    const key = 'k'.repeat(300);
    const { problems, reason } = refusal({ type: 'connection.approved', actor, [key]: 1 });
    expect(problems).toEqual([`${'k'.repeat(77)}…: is not a field of connection.approved`]);
    const many = Object.fromEntries(Array.from({ length: 12 }, (_, i) => [`${i}${key}`, 1]));
    const long = refusal({ type: 'connection.approved', actor, ...many }).reason;
    expect(Buffer.byteLength(long)).toBeLessThanOrEqual(limits.recordedTextBytes);
    expect(long.endsWith('…')).toBe(true);
    expect(reason).toBe(
      `Invalid connection.approved event: ${problems[0]!}. connection.approved takes [eventId], [comment].`,
    );
  });

  it('takes the failing side as vendor or customer only', () => {
    expect(checkEvent({ type: 'connection.failed', actor, details: 'timeout', failingSide: 'customer' })).toMatchObject(
      {
        ok: true,
        event: { failingSide: 'customer' },
      },
    );
    expect(refusal({ type: 'connection.failed', actor, details: 'timeout', failingSide: 'both' }).problems).toEqual([
      'failingSide: must be vendor or customer: the side whose piece fails',
    ]);
  });
});

describe("an event's intake: bounded before its own rules judge it", () => {
  const submitted = (intake: unknown) => ({ type: 'ticket.submitted', actor, intake });

  it('takes an intake within every bound, whatever its fields say', () => {
    expect(checkEvent(submitted({ company: 'x'.repeat(4096), services: Array(50).fill({ port: 1 }) })).ok).toBe(true);
  });

  it.each([
    ['not an object', ['a'], 'intake: must be an object with intake fields'],
    [
      'a text over 4,096 bytes',
      { company: 'x'.repeat(4097) },
      'intake: company: is 4,097 bytes; no intake value may exceed 4,096 bytes',
    ],
    ['a list of 51 items', { services: Array(51).fill(1) }, 'intake: services: lists 51 items; at most 50'],
    [
      'nesting deeper than 4 levels',
      { azure: { a: [{ b: ['x'] }] } },
      'intake: azure.a[0].b[0]: nests deeper than 4 levels',
    ],
    ['a key over 200 bytes', { ['k'.repeat(201)]: 1 }, 'intake: : has a key longer than 200 bytes'],
    [
      'over 64 KiB as JSON',
      Object.fromEntries(Array.from({ length: 20 }, (_, i) => [`f${i}`, 'x'.repeat(4000)])),
      "intake: is 80,171 bytes as JSON; an event's intake may be at most 65,536 bytes",
    ],
  ])('refuses %s, saying where', (_what, intake, problem) => {
    expect(refusal(submitted(intake)).problems).toEqual([problem]);
  });

  it('takes exactly 4 levels, 50 items, 4,096-byte values and 200-byte keys', () => {
    expect(checkEvent(submitted({ azure: { a: [{ b: 'x' }] } })).ok).toBe(true);
    expect(checkEvent(submitted({ ['k'.repeat(200)]: ['x'.repeat(4096)] })).ok).toBe(true);
  });

  it("takes null, numbers and booleans as intake values, for the intake's own rules to judge", () => {
    expect(checkEvent(submitted({ company: null, services: [null, 3, true, { port: null }] })).ok).toBe(true);
  });

  it('looks at every key of an object, not only the first', () => {
    expect(refusal(submitted({ company: 'ok', subject: 'x'.repeat(4097) })).problems).toEqual([
      'intake: subject: is 4,097 bytes; no intake value may exceed 4,096 bytes',
    ]);
  });

  it('takes an intake of exactly 65,536 bytes as JSON, and refuses one byte more', () => {
    /** An intake of `bytes` as JSON: 16 values of 4,000 bytes and one that makes up the rest. */
    const ofSize = (bytes: number) => {
      const intake: Record<string, string> = {};
      for (let i = 0; i < 16; i++) intake[`f${i}`] = 'x'.repeat(4000);
      intake.rest = '';
      intake.rest = 'x'.repeat(bytes - Buffer.byteLength(JSON.stringify(intake)));
      return intake;
    };
    expect(Buffer.byteLength(JSON.stringify(ofSize(65_536)))).toBe(65_536);
    expect(checkEvent(submitted(ofSize(65_536))).ok).toBe(true);
    expect(refusal(submitted(ofSize(65_537))).problems).toEqual([
      "intake: is 65,537 bytes as JSON; an event's intake may be at most 65,536 bytes",
    ]);
  });

  it('names the first item that breaks a bound, deep in a list', () => {
    expect(refusal(submitted({ services: [{ port: 1 }, { name: 'x'.repeat(4097) }] })).problems).toEqual([
      'intake: services[1].name: is 4,097 bytes; no intake value may exceed 4,096 bytes',
    ]);
  });
});
