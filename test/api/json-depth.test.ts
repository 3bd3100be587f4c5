import { MAX_JSON_DEPTH } from '../../src/api/json-depth';
import { validIntake } from '../fixtures/requests';
import { useTestApi } from '../helpers/api';

const { temporal, support, nextTicket, ...testApi } = useTestApi('DEPTH');

/** `levels` arrays, one inside the other: `[[[…]]]`. */
const nested = (levels: number) => `${'['.repeat(levels)}${']'.repeat(levels)}`;
const post = (url: string, payload: string) =>
  testApi.api().inject({ method: 'POST', url, headers: { ...support, 'content-type': 'application/json' }, payload });

describe('deeply nested JSON bodies', () => {
  it('answers 400 with a clear problem for an intake nested 5,000 levels deep, and starts nothing', () =>
    temporal.withWorker(async () => {
      const ticketId = nextTicket();
      const intake = JSON.stringify(validIntake('aws', 'unidirectional', ticketId));
      for (const payload of [
        `${intake.slice(0, -1)},"notes":${nested(5000)}}`,
        `${intake.slice(0, -1)},"azure":{"clusterId":"c","x":${nested(5000)}}}`,
        `${'{"a":'.repeat(5000)}1${'}'.repeat(5000)}`,
      ]) {
        const res = await post('/api/requests', payload);
        expect(res.statusCode).toBe(400);
        expect(res.headers['content-type']).toMatch(/^application\/problem\+json/);
        expect(res.json<{ detail: string }>().detail).toBe(
          `The body nests arrays and objects more than ${MAX_JSON_DEPTH} levels deep; no request needs that many.`,
        );
      }
      expect((await testApi.api().inject({ url: `/api/requests/${ticketId}`, headers: support })).statusCode).toBe(404);
    }));

  it('refuses the same on the events route, before the event is looked at', async () => {
    const res = await post(`/api/requests/${nextTicket()}/events`, `{"type":"note.added","x":${nested(5000)}}`);
    expect(res.statusCode).toBe(400);
    expect(res.json<{ detail: string }>().detail).toMatch(/nests arrays and objects more than 32 levels deep/);
  });

  it(`reads a body nested exactly ${MAX_JSON_DEPTH} levels deep, and brackets inside strings do not count`, () =>
    temporal.withWorker(async () => {
      // The body object is level 1; 31 arrays inside it make 32: read, then refused by the schema (company is text).
      const deepest = await post(
        '/api/requests',
        `{"ticketId":"${nextTicket()}","company":${nested(MAX_JSON_DEPTH - 1)}}`,
      );
      expect(deepest.statusCode).toBe(422);
      const tooDeep = await post('/api/requests', `{"ticketId":"${nextTicket()}","company":${nested(MAX_JSON_DEPTH)}}`);
      expect(tooDeep.statusCode).toBe(400);
      // Brackets and escaped quotes inside a string are text: this (incomplete) intake starts a request.
      const company = `${'['.repeat(100)}"\\${'{'.repeat(100)}`;
      const brackets = await post('/api/requests', JSON.stringify({ ticketId: nextTicket(), company }));
      expect(brackets.statusCode).toBe(201);
    }));
});
