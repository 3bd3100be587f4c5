import { z } from 'zod';
import { isRecord } from './json';
import { bytesText, limits, quoted, truncateUtf8, utf8Length } from './limits';
import { formatPath } from './problems';
import { TICKET_ID_PATTERN, TICKET_ID_RULE } from './ticket';
import { editDistance } from './ticket-words';

/** At most `maxBytes` of UTF-8, with a message naming the limit and the size sent. */
const withinBytes = <T extends z.ZodString>(schema: T, maxBytes: number) =>
  schema.refine((value) => utf8Length(value) <= maxBytes, {
    error: (issue) => `must be at most ${bytesText(maxBytes)} (got ${bytesText(utf8Length(String(issue.input)))})`,
  });

const text = (what: string, maxBytes: number) =>
  withinBytes(
    z
      .string({ error: (issue) => (issue.input === undefined ? `is required: ${what}` : `must be text: ${what}`) })
      .trim()
      .min(1, { error: `must not be empty: ${what}` }),
    maxBytes,
  ).describe(`${what.charAt(0).toUpperCase()}${what.slice(1)}; at most ${bytesText(maxBytes)}`);

/**
 * An intake as an event carries it: an object, at most {@link limits.intakeBytes} as JSON, nested at most
 * {@link limits.intakeDepth} levels, no list longer than {@link limits.intakeListItems} and no text longer than
 * {@link limits.intakeValueBytes}. Within these the intake's own rules judge each field (a too-long company is a
 * problem the ticket is told about, and the request waits for the fix); beyond them the event is refused whole.
 */
const intakeObject = z
  .record(z.string(), z.unknown(), { error: 'must be an object with intake fields' })
  .superRefine((value, ctx) => {
    const problem = intakeSizeProblem(value);
    if (problem) ctx.addIssue(problem);
  });

/** Why an intake is too big to take at all, if it is. */
function intakeSizeProblem(intake: Record<string, unknown>): string | undefined {
  const walk = (value: unknown, depth: number, path: string): string | undefined => {
    if (depth > limits.intakeDepth) return `${path}: nests deeper than ${limits.intakeDepth} levels`;
    if (typeof value === 'string') {
      const size = utf8Length(value);
      return size > limits.intakeValueBytes
        ? `${path}: is ${bytesText(size)}; no intake value may exceed ${bytesText(limits.intakeValueBytes)}`
        : undefined;
    }
    if (Array.isArray(value)) {
      if (value.length > limits.intakeListItems)
        return `${path}: lists ${value.length} items; at most ${limits.intakeListItems}`;
      for (const [i, item] of value.entries()) {
        const found = walk(item, depth + 1, `${path}[${i}]`);
        if (found) return found;
      }
      return undefined;
    }
    if (isRecord(value)) {
      for (const [key, item] of Object.entries(value)) {
        if (utf8Length(key) > 200) return `${path}: has a key longer than 200 bytes`;
        const found = walk(item, depth + 1, path ? `${path}.${key}` : key);
        if (found) return found;
      }
    }
    return undefined;
  };
  const found = walk(intake, 0, '');
  if (found) return found;
  const size = utf8Length(JSON.stringify(intake));
  return size > limits.intakeBytes
    ? `is ${bytesText(size)} as JSON; an event's intake may be at most ${bytesText(limits.intakeBytes)}`
    : undefined;
}

/** Fields every event carries (docs/intake-and-events.md "Events"). */
const common = {
  /** Who did it: the authenticated subject, never a value the caller typed into the payload. */
  actor: text('who sent the event', limits.actorBytes),
  /** Dedupe key: the same eventId twice from the same sender for the same event type changes state once. */
  eventId: withinBytes(z.string().trim().min(1), limits.eventIdBytes)
    .describe(
      `Dedupe key: the same eventId from the same sender for the same type changes state once; at most ${bytesText(limits.eventIdBytes)}`,
    )
    .optional(),
  /** Free text kept in the audit trail. */
  comment: withinBytes(z.string(), limits.commentBytes)
    .describe(`Free text kept in the audit trail; at most ${bytesText(limits.commentBytes)}`)
    .optional(),
};

/** The sides of a connection; each owns some of the pieces a connection test can fail on. */
export const sides = ['vendor', 'customer'] as const;
export type Side = (typeof sides)[number];

/**
 * Whose piece fails (docs/process.md "Troubleshooting"): the side that troubleshoots it, and so whom the request waits
 * on. Without it, the side owning the service end: the vendor going forward, the customer in reverse.
 */
const failingSide = z
  .enum(sides, { error: 'must be vendor or customer: the side whose piece fails' })
  .describe(
    "Whose piece fails, vendor or customer: that side troubleshoots it. By default the service's side: vendor for connection.failed, customer for reverse_connection.failed",
  );

/** A reverse service's ports, as an `add_service` change may give them (the customer's own ports: no port rules). */
const changeServices = z
  .array(
    z
      .object({
        name: text('the service name, e.g. postgres', 100),
        port: z
          .number({ error: 'must be a port number, 1 to 65535' })
          .int({ error: 'must be a whole number, 1 to 65535' })
          .min(1, { error: 'must be 1 to 65535' })
          .max(65535, { error: 'must be 1 to 65535' }),
      })
      .strict(),
  )
  .min(1, { error: 'must list at least one service and port' })
  .max(limits.servicesPerRequest, { error: `may list at most ${limits.servicesPerRequest} services` })
  .refine((list) => new Set(list.map((s) => s.port)).size === list.length, { error: 'must list each port once' })
  .describe("The ports of the customer's service the vendor connects to; default: the connection's reverse ports");

/**
 * What a change asks for (docs/lifecycle.md): remove the connection, move it to another customer account, connect the
 * vendor to one more of the customer's endpoint services, or disconnect from one. `troubleshoot` is answered, never
 * opened: troubleshooting an enabled connection is outside the vendor's support.
 */
const changeSchema = z.discriminatedUnion(
  'kind',
  [
    z.object({ kind: z.literal('remove') }).strict(),
    z
      .object({
        kind: z.literal('change_account'),
        customerAccount: text('the customer account that is to connect instead', limits.identifierBytes),
      })
      .strict(),
    z
      .object({
        kind: z.literal('add_service'),
        customerServiceName: text("the customer's endpoint service to connect to", limits.identifierBytes),
        services: changeServices.optional(),
      })
      .strict(),
    z
      .object({
        kind: z.literal('remove_service'),
        customerServiceName: text("the customer's endpoint service to disconnect from", limits.identifierBytes),
      })
      .strict(),
    z
      .object({
        kind: z.literal('troubleshoot'),
        details: text('what does not work', limits.reasonBytes).optional(),
      })
      .strict(),
  ],
  { error: 'must name a change: kind remove, change_account, add_service, remove_service or troubleshoot' },
);

/** The kinds of change (`change.requested`'s `change.kind`). */
export const changeKinds = ['remove', 'change_account', 'add_service', 'remove_service', 'troubleshoot'] as const;
export type ChangeKind = (typeof changeKinds)[number];
/** A change as `change.requested` carries it. */
export type Change = z.infer<typeof changeSchema>;

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
    vendorServiceName: text('the vendor endpoint service name', limits.identifierBytes).optional(),
  }),
  'endpoint.requested': event('endpoint.requested', {
    endpointId: text("the id of the customer's endpoint", limits.identifierBytes),
    /**
     * The DNS name (or private address) of the customer's endpoint, when the vendor sees it (AWS lists it with the
     * connection request): the host the customer is told to test. Without it the customer is told how to find it.
     */
    endpointDns: text(
      "the DNS name or private IP address of the customer's endpoint, which the customer tests the connection with",
      limits.identifierBytes,
    ).optional(),
  }),
  'connection.approved': event('connection.approved', {}),
  'connection.rejected': event('connection.rejected', {
    reason: text('why the connection request was rejected', limits.reasonBytes),
  }),
  'ports.opened': event('ports.opened', {}),
  'connection.verified': event('connection.verified', {}),
  'connection.failed': event('connection.failed', {
    details: text('what the connection test showed', limits.reasonBytes),
    failingSide: failingSide.optional(),
  }),
  'troubleshooting.resolved': event('troubleshooting.resolved', {}),
  'principal.granted': event('principal.granted', {
    /** The customer's endpoint service; defaults to the one declared at intake. */
    customerServiceName: text("the customer's endpoint service name", limits.identifierBytes).optional(),
  }),
  'vendor_endpoint.created': event('vendor_endpoint.created', {
    endpointId: text("the id of the vendor's endpoint", limits.identifierBytes),
    /**
     * The DNS name (or private address) of the vendor's endpoint: the host the customer tests the connection with from
     * the vendor's network, and the product's own connectivity check's target. An endpoint id is no host name.
     */
    endpointDns: text(
      "the DNS name or private IP address of the vendor's endpoint, which the customer tests the connection with",
      limits.identifierBytes,
    ),
  }),
  'vendor_endpoint.failed': event('vendor_endpoint.failed', {
    reason: text('why the endpoint could not be created', limits.reasonBytes),
  }),
  'reverse_connection.approved': event('reverse_connection.approved', {}),
  'reverse_connection.rejected': event('reverse_connection.rejected', {
    reason: text('why the customer rejected it', limits.reasonBytes),
  }),
  'reverse_connection.verified': event('reverse_connection.verified', {}),
  'reverse_connection.failed': event('reverse_connection.failed', {
    details: text('what the connection test showed', limits.reasonBytes),
    failingSide: failingSide.optional(),
  }),
  'change.requested': event('change.requested', {
    /** The change's own ticket: its comments go there, and its audit entries carry it. */
    changeTicketId: z
      .string({ error: 'is required: the id of the ticket asking for the change' })
      .trim()
      // A refinement, not `.regex`: zod resets a pattern's lastIndex, and workflow code may not write shared objects.
      .refine((value) => TICKET_ID_PATTERN.test(value), { error: `must be a ticket id: ${TICKET_ID_RULE}` })
      .describe(`The change ticket's id (${TICKET_ID_RULE})`),
    change: changeSchema,
    /** When the change ticket was submitted: its SLA counts from then. Defaults to when the event arrives. */
    submittedAt: z
      .string({ error: 'must be text: an ISO 8601 date-time with an offset' })
      .trim()
      .pipe(
        z.iso.datetime({
          offset: true,
          error: 'must be an ISO 8601 date-time with an offset, e.g. 2026-11-02T15:00:00Z',
        }),
      )
      .describe("When the change ticket was submitted (ISO 8601); the change's SLA counts from then. Default: now")
      .optional(),
  }),
  'change.cancelled': event('change.cancelled', { reason: text('why the change is cancelled', limits.reasonBytes) }),
  'customer_access.revoked': event('customer_access.revoked', {}),
  'connection.removed': event('connection.removed', {}),
  'vendor_endpoint.deleted': event('vendor_endpoint.deleted', {
    /** Which vendor endpoint was deleted; defaults to the next one the change deletes. */
    endpointId: text("the id of the vendor's endpoint that was deleted", limits.identifierBytes).optional(),
  }),
  'request.cancelled': event('request.cancelled', { reason: text('why the request is cancelled', limits.reasonBytes) }),
  /**
   * Who works on the request now (claim, unclaim, reassign): `null` for nobody. With `expected`, applied only while
   * the request is assigned to that person (`null`: to nobody), so two people claiming at once cannot both win.
   */
  'request.assigned': event('request.assigned', {
    assignee: z
      .union([text('who works on the request (null: nobody)', limits.actorBytes), z.null()], {
        error: 'must be text (who works on the request) or null (nobody)',
      })
      .describe(`Who works on the request now, or null for nobody; at most ${bytesText(limits.actorBytes)}`),
    expected: z
      .union([text('who the request is assigned to before this event', limits.actorBytes), z.null()], {
        error: 'must be text (who the request is assigned to now) or null (nobody)',
      })
      .describe('Applied only while the request is assigned to this person (null: nobody); refused otherwise')
      .optional(),
  }),
  'note.added': event('note.added', { text: text('the note', limits.noteBytes) }),
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

/** The payload fields of an event type (not `eventId`/`comment`, which every event may carry), each required or not. */
export function payloadFields(type: EventType): { name: string; required: boolean }[] {
  const shape = eventSchemas[type].shape as Record<string, z.ZodType>;
  return Object.keys(shape)
    .filter((k) => !['type', 'actor', 'eventId', 'comment'].includes(k))
    .map((name) => ({ name, required: !shape[name]!.safeParse(undefined).success }));
}

/**
 * The fields an event type takes, optional ones in brackets, e.g. `vendor_endpoint.created takes endpointId,
 * endpointDns, [eventId], [comment]`: said in every refusal of its payload, so the sender sees what it may send.
 */
export function eventUsage(type: EventType): string {
  const fields = [...payloadFields(type).map((f) => (f.required ? f.name : `[${f.name}]`)), '[eventId]', '[comment]'];
  return `${type} takes ${fields.join(', ')}`;
}

/**
 * Each event type's body as the API takes it (no `actor`: that is the caller), as JSON Schema for `/openapi.json`.
 * Plain data made from the same schemas {@link checkEvent} applies; byte limits are said in the descriptions.
 */
export function eventBodyJsonSchemas(): { type: EventType; schema: Record<string, unknown> }[] {
  return eventTypes.map((type) => {
    const { $schema: _, ...schema } = z.toJSONSchema((eventSchemas[type] as z.ZodObject).omit({ actor: true }), {
      io: 'input',
      unrepresentable: 'any',
    }) as Record<string, unknown>;
    return { type, schema };
  });
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
    const problem = unknownEventTypeProblem(type);
    return {
      ok: false,
      reason: `${problem.charAt(0).toUpperCase()}${problem.slice(1)}.`,
      problems: [`type: ${problem}`],
    };
  }
  const parsed = eventSchemas[type].safeParse(input);
  if (parsed.success) return { ok: true, event: parsed.data };
  const all = parsed.error.issues.flatMap((issue) =>
    issue.code === 'unrecognized_keys'
      ? // A key inside a change is named with its path (`change.<key>`), as every other problem is.
        issue.keys.map(
          (key) =>
            `${issue.path.length ? `${truncateUtf8(formatPath(issue.path), 200)}.` : ''}${truncateUtf8(key, 80)}: is not a field of ${type}`,
        )
      : [`${truncateUtf8(formatPath(issue.path), 200)}: ${truncateUtf8(issue.message, 300)}`],
  );
  // What was sent is quoted in the refusal, which the audit trail keeps: so much of it, and no more.
  const problems =
    all.length > MAX_PROBLEMS ? [...all.slice(0, MAX_PROBLEMS), `and ${all.length - MAX_PROBLEMS} more`] : all;
  const reason = truncateUtf8(
    `Invalid ${type} event: ${problems.join('; ')}. ${eventUsage(type)}.`,
    limits.recordedTextBytes,
  );
  return { ok: false, reason, problems };
}

/** Why `type` is no event type: the type as sent, the one it most likely meant, and the known types. */
export function unknownEventTypeProblem(type: unknown): string {
  const guess = typeof type === 'string' && type.length <= 64 ? closestEventType(type) : undefined;
  return `unknown event type ${quoted(type)}${guess ? `; did you mean ${guess}?` : '.'} Known types: ${eventTypes.join(', ')}`;
}

/** The event type a misspelt one most likely meant (within three edits, ignoring case), if any. */
function closestEventType(type: string): EventType | undefined {
  let best: { type: EventType; distance: number } | undefined;
  for (const known of eventTypes) {
    const distance = editDistance(known, type.toLowerCase());
    if (distance <= 3 && (!best || distance < best.distance)) best = { type: known, distance };
  }
  return best?.type;
}

/** Problems a refusal lists; the rest are counted. */
const MAX_PROBLEMS = 10;
