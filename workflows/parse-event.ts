import { type EnablementEvent, eventSchemas, eventTypes, isEventType } from '../src/domain/events';
import { formatPath } from '../src/domain/problems';

/**
 * Checks an incoming event against the vocabulary and its payload schema. The reason is written for the person who
 * sent it: the unknown type with the known ones, or each invalid field.
 */
export function parseEvent(input: unknown): { ok: true; event: EnablementEvent } | { ok: false; reason: string } {
  if (typeof input !== 'object' || input === null || Array.isArray(input)) {
    return { ok: false, reason: 'An event must be an object: { "type": …, "actor": …, …payload }.' };
  }
  const type = (input as { type?: unknown }).type;
  if (!isEventType(type)) {
    return {
      ok: false,
      reason: `Unknown event type ${JSON.stringify(type)}. Known types: ${eventTypes.join(', ')}.`,
    };
  }
  const parsed = eventSchemas[type].safeParse(input);
  if (parsed.success) return { ok: true, event: parsed.data };
  const problems = parsed.error.issues.flatMap((issue) =>
    issue.code === 'unrecognized_keys'
      ? issue.keys.map((key) => `${key}: is not a field of ${type}`)
      : [`${formatPath(issue.path)}: ${issue.message}`],
  );
  return { ok: false, reason: `Invalid ${type} event: ${problems.join('; ')}.` };
}
