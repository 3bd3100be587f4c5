/**
 * `request.assigned` (src/machines/request.ts): who works on a request, claimed, given up and handed over while the
 * request is open, with `expected` so that two people claiming at once cannot both win; kept over a continue-as-new.
 */
import { checkEvent } from '../../src/domain/events';
import { startRequest } from '../../src/machines';
import {
  applyRequestEvent,
  persistRequest,
  requestAllowedEvents,
  requestOf,
  type RequestState,
  resumeRequest,
} from '../../src/machines/request';
import { forwardLegEvents, type TestEvent } from '../fixtures/events';
import { exampleVendorConfig, validIntake } from '../fixtures/requests';

const vendor = exampleVendorConfig();
const at = '2026-03-02T10:00:00.000Z';
const started = () =>
  requestOf(startRequest({ ticketId: 'T-1001', vendor, intake: validIntake('aws', 'unidirectional') }).snapshot);

function apply(state: RequestState, event: TestEvent, actor = 'alice@vendor.example') {
  const check = checkEvent({ actor, ...event });
  if (!check.ok) throw new Error(check.reason);
  return applyRequestEvent(state, check.event, at);
}
function applied(state: RequestState, event: TestEvent): RequestState {
  const step = apply(state, event);
  if ('refused' in step) throw new Error(step.message);
  // An assignment says nothing to the ticket or to staff: it only names who works on the request.
  if (event.type === 'request.assigned') expect(step.effects).toEqual([]);
  return step.state;
}

describe('assigning a request', () => {
  it('claims, hands over and gives up a request without moving it', () => {
    const before = started();
    const mine = applied(before, { type: 'request.assigned', assignee: 'alice@vendor.example', expected: null });
    expect(mine.assignee).toBe('alice@vendor.example');
    expect(mine.enablement).toBe(before.enablement);
    const bobs = applied(mine, { type: 'request.assigned', assignee: 'bob@vendor.example' });
    expect(bobs.assignee).toBe('bob@vendor.example');
    const nobody = applied(bobs, { type: 'request.assigned', assignee: null, expected: 'bob@vendor.example' });
    expect('assignee' in nobody).toBe(false);
  });

  it('refuses a claim made while someone else has claimed it, naming who has it, as a conflict', () => {
    const taken = applied(started(), { type: 'request.assigned', assignee: 'alice@vendor.example', expected: null });
    expect(apply(taken, { type: 'request.assigned', assignee: 'bob@vendor.example', expected: null })).toEqual({
      refused: true,
      conflict: true,
      message:
        'The request is assigned to alice@vendor.example now, not nobody: someone changed it first. Reload and decide again.',
    });
    expect(
      apply(started(), { type: 'request.assigned', assignee: null, expected: 'alice@vendor.example' }),
    ).toMatchObject({
      refused: true,
      message:
        'The request is assigned to nobody now, not alice@vendor.example: someone changed it first. Reload and decide again.',
    });
  });

  it('keeps the assignee through the steps and over a continue-as-new', () => {
    let state = applied(started(), { type: 'request.assigned', assignee: 'alice@vendor.example' });
    for (const event of forwardLegEvents.slice(0, 2)) state = applied(state, event);
    expect(state.assignee).toBe('alice@vendor.example');
    expect(resumeRequest(persistRequest(state)).assignee).toBe('alice@vendor.example');
    expect('assignee' in resumeRequest(persistRequest(started()))).toBe(false);
  });

  it('is allowed while the request is open, and refused once it has ended', () => {
    expect(requestAllowedEvents(started())).toContain('request.assigned');
    const cancelled = applied(started(), { type: 'request.cancelled', reason: 'withdrawn' });
    expect(requestAllowedEvents(cancelled)).toEqual([]);
    expect(apply(cancelled, { type: 'request.assigned', assignee: 'alice@vendor.example' })).toEqual({
      refused: true,
      message: 'The request has ended: no one can be assigned to it.',
    });
  });

  it('takes text or null as the assignee, never an empty name', () => {
    expect(checkEvent({ type: 'request.assigned', actor: 'a', assignee: '  ' }).ok).toBe(false);
    expect(checkEvent({ type: 'request.assigned', actor: 'a' })).toMatchObject({
      ok: false,
      problems: ['assignee: must be text (who works on the request) or null (nobody)'],
    });
    expect(checkEvent({ type: 'request.assigned', actor: 'a', assignee: null, expected: null }).ok).toBe(true);
  });
});
