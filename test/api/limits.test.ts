import type { FastifyInstance } from 'fastify';
import { limits } from '../../src/domain/limits';
import type { StateView } from '../../src/temporal/messages';
import { workflowIdForTicket } from '../../src/temporal/names';
import { bearer, useTestApi } from '../helpers/api';

/**
 * What a caller with a valid token can no longer do to a request by volume: notes and comments are capped in size,
 * notes in number, an eventId reused for another event is a 409 naming it, and a request at its limits still answers
 * `GET` and `/history` (an automation token once terminated a request with 320 notes of 9,000 characters).
 */
const { temporal, support, nextTicket, start, send, creds, ...testApi } = useTestApi('LIM');
let api: FastifyInstance;
beforeAll(() => {
  api = testApi.api();
});

/** Text of exactly `bytes` UTF-8 bytes, in three-byte characters (so a limit counted in characters would let 3x in). */
const textOfBytes = (bytes: number) => '€'.repeat(Math.floor(bytes / 3)) + 'x'.repeat(bytes % 3);

describe('limits on what one request keeps', () => {
  it('refuses a note or comment over its byte limit with 422 naming the limit', () =>
    temporal.withWorker(async () => {
      const ticketId = nextTicket();
      expect((await start(ticketId)).statusCode).toBe(201);
      const long = await send(ticketId, { type: 'note.added', text: textOfBytes(limits.noteBytes + 3) });
      expect(long.statusCode).toBe(422);
      expect(long.json<{ problems: string[] }>().problems).toEqual([
        `text: must be at most 4,096 bytes (got ${(limits.noteBytes + 3).toLocaleString('en-US')} bytes)`,
      ]);
      const comment = await send(ticketId, {
        type: 'customer_access.granted',
        comment: textOfBytes(limits.commentBytes + 1),
      });
      expect(comment.statusCode).toBe(422);
      expect(comment.json<{ problems: string[] }>().problems[0]).toMatch(/^comment: must be at most 4,096 bytes/);
      const ok = await send(ticketId, { type: 'note.added', text: textOfBytes(limits.noteBytes) });
      expect(ok.statusCode).toBe(200);
    }));

  it('refuses an eventId the same caller reused for a different event with 409 naming the first', () =>
    temporal.withWorker(async () => {
      const ticketId = nextTicket();
      await start(ticketId);
      const automation = bearer(creds.tokens.automation);
      expect((await send(ticketId, { type: 'note.added', text: 'one', eventId: 'n-1' }, automation)).statusCode).toBe(
        200,
      );
      // Support's step with the same id is its own: applied, not a silent duplicate of automation's note.
      const grant = await send(ticketId, { type: 'customer_access.granted', eventId: 'n-1' });
      expect(grant.statusCode).toBe(200);
      expect(grant.json<{ event: { result: string } }>().event.result).toBe('applied');
      // The same caller repeating itself exactly is a duplicate (200); with other content, a conflict.
      const repeat = await send(ticketId, { type: 'note.added', text: 'one', eventId: 'n-1' }, automation);
      expect(repeat.statusCode).toBe(200);
      expect(repeat.json<{ event: { result: string; seq: number } }>().event).toMatchObject({
        result: 'duplicate',
        seq: 2,
      });
      const reused = await send(ticketId, { type: 'note.added', text: 'two', eventId: 'n-1' }, automation);
      expect(reused.statusCode).toBe(409);
      expect(reused.json<{ detail: string }>().detail).toContain(
        `eventId "n-1" was already used by ${creds.subjects.automation} for a different note.added event (event 2)`,
      );
    }));

  it(`keeps at most ${limits.notesPerRequest} notes (422 after), and a request at its limits still answers GET and /history`, () =>
    temporal.withWorker(async () => {
      const ticketId = nextTicket();
      await start(ticketId);
      const automation = bearer(creds.tokens.automation);
      const note = textOfBytes(limits.noteBytes);
      const comment = textOfBytes(limits.commentBytes);
      for (let i = 1; i <= limits.notesPerRequest; i++) {
        const res = await send(ticketId, { type: 'note.added', text: note, comment }, automation);
        expect(res.statusCode).toBe(200);
      }
      const over = await send(ticketId, { type: 'note.added', text: 'one more' }, automation);
      expect(over.statusCode).toBe(422);
      expect(over.json<{ detail: string }>().detail).toContain(`already has ${limits.notesPerRequest} notes`);

      const view = await api.inject({ method: 'GET', url: `/api/requests/${ticketId}`, headers: support });
      expect(view.statusCode).toBe(200);
      const state = view.json<StateView>();
      expect(state.eventCount).toEqual({
        total: limits.notesPerRequest + 1,
        repeats: 0,
        notes: limits.notesPerRequest,
      });
      expect(state.events).toHaveLength(limits.recentEvents);
      expect(state.events.at(-1)).toMatchObject({ seq: limits.notesPerRequest + 1, type: 'note.added' });
      // Still a live request that takes its next step.
      expect((await send(ticketId, { type: 'customer_access.granted' })).statusCode).toBe(200);
      const { status } = await temporal.client.workflow.getHandle(workflowIdForTicket(ticketId)).describe();
      expect(status.name).toBe('RUNNING');

      const history = await api.inject({
        method: 'GET',
        url: `/api/requests/${ticketId}/history`,
        headers: bearer(creds.tokens.auditor),
      });
      expect(history.statusCode).toBe(200);
      const entries = history.json<{ entries: { kind: string; type: string }[] }>().entries;
      expect(entries.filter((e) => e.kind === 'event' && e.type === 'note.added')).toHaveLength(limits.notesPerRequest);
    }));
});
