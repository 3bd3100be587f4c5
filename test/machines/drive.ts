/** Driving the machines' host event by event, and reading the effects as people get them. */
import type { EnablementEvent } from '../../src/domain/events';
import { applyEvent, type Effect, renderComment, type Step } from '../../src/machines';

export const actor = 'alice@vendor.example';
export type WithoutActor<E> = E extends unknown ? Omit<E, 'actor'> : never;

/** Applies events in order, failing the test on any refusal; returns every step. */
export function drive(start: Step, ...events: WithoutActor<EnablementEvent>[]): Step[] {
  const steps = [start];
  for (const event of events) {
    const result = applyEvent(steps[steps.length - 1]!.snapshot, { actor, ...event });
    if ('refused' in result) throw new Error(`refused ${event.type}: ${result.message}`);
    steps.push(result);
  }
  return steps;
}
/** The templates of the ticket comments among the effects. */
export const comments = (effects: Effect[]) =>
  effects.flatMap((e) => (e.type === 'postTicketComment' ? [e.params.template] : []));
/** The ticket comments among the effects, rendered as the customer reads them. */
export const commentText = (effects: Effect[]) =>
  effects.flatMap((e) => (e.type === 'postTicketComment' ? [renderComment(e.params)] : [])).join('\n');
/** The staff notifications among the effects. */
export const notifications = (effects: Effect[]) =>
  effects.flatMap((e) => (e.type === 'notify' ? [e.params.message] : [])).join('\n');
