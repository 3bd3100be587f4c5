/**
 * What the API answers, as zod schemas: they serialize each answer (fastify-type-provider-zod) and describe it in
 * `GET /openapi.json` as named components, so a generated client reads typed fields. Each schema is checked at compile
 * time against the TypeScript type the product answers with, both ways and key for key: a field added to the state
 * view and not here fails the build instead of being dropped from the answer.
 */
import { z } from 'zod';
import { CHAIN_ALGORITHM, entryKinds, type TimelineExport } from '../audit/chain';
import type { CheckedPort } from '../domain/connectivity-check';
import { changeKinds, eventTypes, type EventType } from '../domain/events';
import { clouds } from '../domain/formats';
import { connectionTypes, type Intake } from '../domain/intake';
import { intakeSchemaOf } from '../domain/intake-shape';
import type { Problem } from '../domain/problems';
import { enablementStatuses, waitingOnValues } from '../machines/view';
import type { SlaView } from '../sla/types';
import type { AuditEntry, ConnectivityCheckView, EffectRecord, EventOutcome, StateView } from '../temporal/messages';
import type { ConnectionPage, RequestPage } from '../temporal/visibility';
import type { WebhookAnswer } from './routes/webhooks';

/** The named answer schemas: each becomes `#/components/schemas/<id>` in the OpenAPI document. */
export const responseRegistry = z.registry<{ id: string; description?: string }>();

function named<T extends z.ZodType>(id: string, schema: T, description?: string): T {
  responseRegistry.add(schema, description ? { id, description } : { id });
  return schema;
}

const isoTime = (what: string) => z.string().describe(`${what} (ISO 8601, UTC)`);

const problem = named(
  'Problem',
  z.object({
    field: z.string().describe('Path of the field, e.g. customerAccount, services[1].port, azure.clusterId'),
    kind: z.enum(['missing', 'invalid', 'ineligible']),
    message: z.string().describe('The rule, in plain words'),
    code: z.literal('unknown_field').optional().describe('Set when the field is no intake field at all'),
  }),
  'One problem with one intake field',
);

const intake = named('Intake', intakeSchemaOf(), 'The accepted intake: complete, valid and eligible');

const slaRecord = z.object({
  kind: z.enum(['warning', 'breach', 'escalation']),
  percent: z.number().optional().describe('For warnings: the threshold crossed'),
  escalation: z.number().optional().describe('For escalations: business days past the deadline'),
  dueAt: isoTime('When it was due'),
  at: isoTime('When it was acted on'),
});

const sla = named(
  'Sla',
  z.object({
    startedAt: isoTime('When the clock started (the ticket submission)'),
    deadline: z.string().nullable().describe('The deadline (ISO 8601, UTC); null while the clock is paused'),
    deadlineLocal: z
      .string()
      .nullable()
      .describe('The deadline in the calendar zone, e.g. "2026-11-09 10:00 Europe/Berlin"'),
    timeZone: z.string(),
    targetHours: z.number(),
    usedHours: z.number(),
    leftHours: z.number(),
    percent: z.number(),
    paused: z.boolean(),
    pausedSince: z.string().nullable(),
    breached: z.boolean(),
    breachedAt: z.string().nullable(),
    stoppedAt: z
      .string()
      .nullable()
      .describe('When the clock stopped for good (the request enabled, the change done); null while it runs'),
    warningsSent: z.array(z.number()).describe('Warning thresholds (percent of the target) actually sent'),
    escalations: z.number(),
    events: z.array(slaRecord),
  }),
  'The SLA clock in business hours (docs/sla.md)',
);

const auditEntry = named(
  'AuditEntry',
  z.object({
    seq: z.number().int().describe("Position in the request's history, from 1"),
    type: z.string(),
    actor: z.string().describe('The authenticated caller, or the ticket system'),
    at: isoTime('When the request took it'),
    via: z.enum(['signal', 'update']),
    eventId: z.string().optional(),
    comment: z.string().optional(),
    result: z.enum(['applied', 'refused', 'duplicate']),
    from: z.string(),
    to: z.string(),
    reason: z.string().optional().describe('Why it was refused'),
    changeTicketId: z
      .string()
      .optional()
      .describe('The change ticket the event belongs to (after enablement: the change it opens or the one open)'),
  }),
  'One event as the request recorded it',
);

const effectRecord = z.object({
  seq: z.number().int(),
  type: z.enum(['postTicketComment', 'notify', 'runConnectivityCheck']),
  what: z.string().describe('The comment template, the notification kind, or the check target'),
  status: z.enum(['done', 'failed']),
  at: z.string(),
  detail: z.string().optional(),
});

const checkedPort = z.object({
  port: z.number().int(),
  outcome: z.enum(['connected', 'refused', 'timed_out', 'dns_failure', 'error', 'not_allowed', 'not_checked']),
  connectMs: z.number().optional(),
  detail: z.string().optional().describe('Why it did not connect'),
});

const connectivityCheck = named(
  'ConnectivityCheck',
  z.object({
    at: isoTime('When the check finished'),
    target: z.string().describe("The vendor endpoint's DNS name or address"),
    ok: z.boolean().describe('True when every port connected'),
    ports: z.array(checkedPort),
  }),
  "The product's latest check of the reverse connection from the vendor's network",
);

const serviceSchema = z.object({ name: z.string(), port: z.number().int() });

const connectionRecord = named(
  'Connection',
  z.object({
    ticketId: z.string().describe('The ticket that enabled the connection'),
    company: z.string(),
    cloud: z.enum(clouds),
    region: z.string(),
    connectionType: z.enum(connectionTypes),
    customerAccount: z.string().describe('The customer account the connection belongs to'),
    accounts: z
      .array(
        z.object({
          account: z.string(),
          since: isoTime('When its connection was approved'),
          approvedBy: z.string().nullable().describe('Who recorded the approval of its connection request'),
          endpointId: z.string().nullable().describe("The customer's endpoint it connects through"),
        }),
      )
      .describe("The accounts that can connect to the vendor's endpoint service now"),
    services: z.array(serviceSchema).describe("The vendor's ports the customer connects to"),
    reverseServices: z
      .array(
        z.object({
          service: z.string().describe("The customer's endpoint service"),
          endpointId: z.string().describe("The vendor's endpoint to it"),
          endpointDns: z.string(),
          ports: z.array(serviceSchema),
          since: isoTime('When the customer accepted the vendor endpoint'),
          approvedBy: z.string().nullable(),
        }),
      )
      .describe("The customer's services the vendor connects to"),
    since: isoTime('When the connection was enabled'),
  }),
  'A connection as it stands (docs/lifecycle.md)',
);

const changeView = named(
  'Change',
  z.object({
    ticketId: z.string().describe('The change ticket'),
    kind: z.enum(['remove', 'change_account', 'add_service', 'remove_service']),
    what: z.string().describe('The change in words'),
    state: z.string().describe("The state of the change's machine (docs/machines.md)"),
    waitingOn: z.enum(waitingOnValues),
    requestedBy: z.string(),
    requestedAt: isoTime('When the change was requested'),
    submittedAt: isoTime("When the change ticket was submitted: the change's SLA counts from then"),
    sla: sla.nullable().describe("The change's own SLA clock"),
  }),
  'The change open on a connection (docs/lifecycle.md)',
);

const summaryShape = {
  ticketId: z.string(),
  cloud: z.enum(clouds).nullable(),
  connectionType: z.enum(connectionTypes),
  company: z.string().nullable(),
  status: z.enum(enablementStatuses),
  state: z.string().describe('The state of the path (docs/machines.md)'),
  waitingOn: z.enum(waitingOnValues),
  assignee: z.string().nullable().describe('Who works on the request (request.assigned), or null for nobody'),
  allowedEvents: z
    .array(z.enum(eventTypes as [EventType, ...EventType[]]))
    .describe('The events the request takes now'),
  request: z.object({
    intake: intake.nullable().describe('The accepted intake, once valid'),
    draft: z.record(z.string(), z.unknown()).nullable().describe('Everything the ticket has said so far'),
    problems: z.array(problem).describe('What is still missing, invalid or ineligible'),
  }),
  sla: sla.nullable().describe("Null until the ticket's intake arrives"),
  change: changeView.nullable().describe('The change open on the connection, or null'),
  connection: connectionRecord.nullable().describe('The connection as it stands, once enabled'),
};

export const stateViewSchema = named(
  'StateView',
  z.object({
    ...summaryShape,
    events: z.array(auditEntry).describe('The most recent events, oldest first (at most 50)'),
    eventCount: z.object({ total: z.number().int(), repeats: z.number().int(), notes: z.number().int() }),
    effects: z.object({ pending: z.number().int(), done: z.array(effectRecord) }),
    connectivityCheck: connectivityCheck.nullable(),
    stopped: z
      .object({ how: z.string(), at: z.string().nullable() })
      .optional()
      .describe('Set when the run was stopped outside the process (terminated, timed out, ...): the state it had then'),
  }),
  'Where a request stands (docs/intake-and-events.md "The state view")',
);

export const eventOutcomeSchema = named(
  'EventOutcome',
  z.object({
    ...summaryShape,
    event: auditEntry,
    effects: z.object({ pending: z.number().int() }),
  }),
  'Where the request stands after this call, and the audit entry it recorded',
);

const requestSummary = z.object({
  ticketId: z.string(),
  workflowId: z.string(),
  status: z.string().nullable(),
  state: z.string().nullable(),
  waitingOn: z.string().nullable(),
  assignee: z.string().nullable(),
  cloud: z.string().nullable(),
  connectionType: z.string().nullable(),
  company: z.string().nullable(),
  slaBreached: z.boolean(),
  slaDeadline: z.string().nullable(),
  startedAt: z.string().nullable(),
  closedAt: z.string().nullable(),
  openChange: z
    .object({
      ticketId: z.string(),
      kind: z.string(),
      slaBreached: z.boolean(),
      slaDeadline: z.string().nullable().describe("The change's own SLA deadline; null until its clock starts"),
    })
    .nullable()
    .describe('The change open on the connection, if any, with its own SLA'),
});

export const requestPageSchema = named(
  'RequestPage',
  z.object({
    query: z.string().describe('The Temporal visibility query this page answers'),
    requests: z.array(requestSummary),
    nextPageToken: z.string().nullable().describe('Pass as pageToken for the next page; null on the last page'),
  }),
  'One page of requests, most recently started first',
);

export const connectionPageSchema = named(
  'ConnectionPage',
  z.object({
    query: z.string().describe('The Temporal visibility query this page answers'),
    connections: z.array(
      connectionRecord.extend({
        workflowId: z.string(),
        openChange: z
          .object({ ticketId: z.string(), kind: z.string() })
          .nullable()
          .describe('The change open on the connection, if any'),
      }),
    ),
    nextPageToken: z.string().nullable().describe('Pass as pageToken for the next page; null on the last page'),
  }),
  "The connections that exist now: who can reach the vendor's endpoint services, since when, approved by whom",
);

/** What an event entry and a pending event both say of who sent what, and where Temporal has it. */
const sentFields = {
  at: z.string(),
  via: z.string().describe('The Temporal client identity that wrote it'),
  authenticated: z.boolean().describe("True when via is the product's own process for this kind of entry"),
  actor: z.string(),
  type: z.string(),
  payload: z.record(z.string(), z.string()).describe('The fields of the event as sent, as text'),
  runId: z.string(),
  historyEventId: z.number().int(),
};

const timelineEntry = z.object({
  ...sentFields,
  seq: z.number().int(),
  ticketId: z.string(),
  kind: z.enum(entryKinds),
  result: z.string(),
  from: z.string(),
  to: z.string(),
  detail: z.string(),
  prevHash: z.string(),
  hash: z.string(),
});

export const timelineExportSchema = named(
  'TimelineExport',
  z.object({
    ticketId: z.string(),
    workflowId: z.string(),
    algorithm: z.literal(CHAIN_ALGORITHM),
    head: z.string().describe("The last entry's hash"),
    entries: z.array(timelineEntry),
    pending: z
      .array(z.object({ ...sentFields, channel: z.enum(['signal', 'update']) }))
      .describe('Events received and not handled yet: outside the chain and the signature'),
    archived: z
      .boolean()
      .describe(
        "True when the request (or an earlier run of it) is past the namespace retention and was read from Temporal's archive (same entries and head)",
      ),
    exportedAt: z.string(),
    signature: z
      .object({ algorithm: z.literal('Ed25519'), keyId: z.string(), value: z.string() })
      .nullable()
      .describe('Ed25519 over the head and export time; null when the server has no signing key'),
  }),
  'The audit timeline, hash-chained (docs/audit.md)',
);

export const webhookAnswerSchema = named(
  'WebhookAnswer',
  z.object({
    accepted: z.boolean().describe('True when the request took the event, or queued it'),
    ticketId: z.string().optional().describe('The ticket delivered (for a change ticket, the change ticket)'),
    connectionTicketId: z
      .string()
      .optional()
      .describe("A change ticket's connection: the ticket whose request the change went to"),
    event: z.enum(['ticket.submitted', 'ticket.updated', 'change.requested']).optional(),
    changeKind: z.enum(changeKinds).optional().describe("A change ticket's kind of change"),
    eventId: z.string().optional(),
    status: z.enum(enablementStatuses).optional(),
    state: z.string().optional(),
    queued: z.literal(true).optional().describe('No worker answered in time; the request takes or refuses it later'),
    note: z.string().optional(),
    duplicate: z.literal(true).optional(),
    refused: z.string().optional().describe('Why the request refused the event'),
    ignored: z.string().optional().describe('Why nothing will happen'),
  }),
  'What became of a ticket delivery',
);

/** `A` and `B` are the same type, key for key (optional and nullable alike). */
type Same<A, B> = (<T>() => T extends A ? 1 : 2) extends <T>() => T extends B ? 1 : 2 ? true : false;
/** Same as {@link Same}, through nested objects and arrays (interfaces and zod's inferred aliases compare equal). */
type Deep<T> = T extends readonly (infer E)[] ? Deep<E>[] : T extends object ? { [K in keyof T]: Deep<T[K]> } : T;
type Matches<S extends z.ZodType, T> = Same<Deep<z.output<S>>, Deep<T>>;

// Compile-time: each answer schema is exactly the type the product answers with.
const exact: {
  stateView: Matches<typeof stateViewSchema, StateView>;
  eventOutcome: Matches<typeof eventOutcomeSchema, EventOutcome>;
  requestPage: Matches<typeof requestPageSchema, RequestPage>;
  connectionPage: Matches<typeof connectionPageSchema, ConnectionPage>;
  timelineExport: Matches<typeof timelineExportSchema, TimelineExport>;
  webhookAnswer: Matches<typeof webhookAnswerSchema, WebhookAnswer>;
  parts: [
    Matches<typeof problem, Problem>,
    Matches<typeof intake, Intake>,
    Matches<typeof sla, SlaView>,
    Matches<typeof auditEntry, AuditEntry>,
    Matches<typeof effectRecord, EffectRecord>,
    Matches<typeof checkedPort, CheckedPort>,
    Matches<typeof connectivityCheck, ConnectivityCheckView>,
  ];
} = {
  stateView: true,
  eventOutcome: true,
  requestPage: true,
  connectionPage: true,
  timelineExport: true,
  webhookAnswer: true,
  parts: [true, true, true, true, true, true, true],
};
void exact;
