import { z } from 'zod';
import { formatPath } from './problems';

const text = (what: string) =>
  z
    .string({ error: `must be text: ${what}` })
    .trim()
    .min(1, { error: `must not be empty: ${what}` });
const intakeObject = z.record(z.string(), z.unknown(), { error: 'must be an object with intake fields' });

/** Fields every event carries (docs/intake-and-events.md "Events"). */
const common = {
  /** Who did it: the authenticated subject, never a value the caller typed into the payload. */
  actor: text('who sent the event'),
  /** Dedupe key: the same eventId twice changes state once. */
  eventId: z.string().trim().min(1).max(200).optional(),
  /** Free text kept in the audit trail. */
  comment: z.string().max(10_000).optional(),
};

const event = <T extends string, S extends z.ZodRawShape>(type: T, shape: S) =>
  z.object({ type: z.literal(type), ...common, ...shape }).strict();

/**
 * Every event of both machines, by type; payloads as docs/intake-and-events.md lists them. Module-private, like every schema of
 * the modules workers share between workflows (see `test/domain/shared-modules.test.ts`); use {@link checkEvent}.
 */
const eventSchemas = {
  'ticket.submitted': event('ticket.submitted', { intake: intakeObject }),
  'ticket.updated': event('ticket.updated', { intake: intakeObject }),
  'customer_access.granted': event('customer_access.granted', {
    /** The vendor service name posted on the ticket; defaults to the configured one for the request's region. */
    vendorServiceName: text('the vendor endpoint service name').optional(),
  }),
  'endpoint.requested': event('endpoint.requested', { endpointId: text("the id of the customer's endpoint") }),
  'connection.approved': event('connection.approved', {}),
  'connection.rejected': event('connection.rejected', { reason: text('why the connection request was rejected') }),
  'connection.verified': event('connection.verified', {}),
  'connection.failed': event('connection.failed', { details: text('what the connection test showed') }),
  'troubleshooting.resolved': event('troubleshooting.resolved', {}),
  'principal.granted': event('principal.granted', {
    /** The customer's endpoint service; defaults to the one declared at intake. */
    customerServiceName: text("the customer's endpoint service name").optional(),
  }),
  'vendor_endpoint.created': event('vendor_endpoint.created', {
    endpointId: text("the id of the vendor's endpoint"),
    /** DNS name of the vendor's endpoint, used for the connectivity check. */
    endpointDns: text("the DNS name of the vendor's endpoint").optional(),
  }),
  'vendor_endpoint.failed': event('vendor_endpoint.failed', { reason: text('why the endpoint could not be created') }),
  'reverse_connection.approved': event('reverse_connection.approved', {}),
  'reverse_connection.rejected': event('reverse_connection.rejected', { reason: text('why the customer rejected it') }),
  'reverse_connection.verified': event('reverse_connection.verified', {}),
  'reverse_connection.failed': event('reverse_connection.failed', { details: text('what the connection test showed') }),
  'request.cancelled': event('request.cancelled', { reason: text('why the request is cancelled') }),
  'note.added': event('note.added', { text: text('the note') }),
} as const;

/** The event vocabulary, in the order docs/intake-and-events.md lists it. */
export const eventTypes = Object.keys(eventSchemas) as EventType[];
export type EventType = keyof typeof eventSchemas;

/** Any enablement event, discriminated by `type`. */
export type EnablementEvent = { [K in EventType]: z.infer<(typeof eventSchemas)[K]> }[EventType];
export type EventOf<K extends EventType> = Extract<EnablementEvent, { type: K }>;

/** The fields an event of this type may carry besides `type` and `actor`: its payload, `eventId` and `comment`. */
export function eventFields(type: EventType): string[] {
  return Object.keys(eventSchemas[type].shape).filter((k) => k !== 'type' && k !== 'actor');
}

/** True when `type` is one of the vocabulary's event types. */
export function isEventType(type: unknown): type is EventType {
  return typeof type === 'string' && Object.prototype.hasOwnProperty.call(eventSchemas, type);
}

/** The verdict on an incoming event: the parsed event, or why not (as one sentence and as one line per field). */
export type EventCheck = { ok: true; event: EnablementEvent } | { ok: false; reason: string; problems: string[] };

/**
 * Checks an incoming event against the vocabulary and its payload schema. The reason is written for the person who
 * sent it: the unknown type with the known ones, or each invalid field. The workflow, the API and the webhooks all
 * use it, so they refuse the same events with the same words.
 */
export function checkEvent(input: unknown): EventCheck {
  if (typeof input !== 'object' || input === null || Array.isArray(input)) {
    const reason = 'An event must be an object: { "type": …, "actor": …, …payload }.';
    return { ok: false, reason, problems: [reason] };
  }
  const type = (input as { type?: unknown }).type;
  if (!isEventType(type)) {
    const problem = `type: unknown event type ${JSON.stringify(type)}; known types: ${eventTypes.join(', ')}`;
    return {
      ok: false,
      reason: `Unknown event type ${JSON.stringify(type)}. Known types: ${eventTypes.join(', ')}.`,
      problems: [problem],
    };
  }
  const parsed = eventSchemas[type].safeParse(input);
  if (parsed.success) return { ok: true, event: parsed.data };
  const problems = parsed.error.issues.flatMap((issue) =>
    issue.code === 'unrecognized_keys'
      ? issue.keys.map((key) => `${key}: is not a field of ${type}`)
      : [`${formatPath(issue.path)}: ${issue.message}`],
  );
  return { ok: false, reason: `Invalid ${type} event: ${problems.join('; ')}.`, problems };
}
