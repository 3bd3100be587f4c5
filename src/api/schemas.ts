/**
 * Request and response schemas of the HTTP API: they validate input and generate `GET /openapi.json`. Intake values
 * are checked by the domain rules inside the request (a ticket may start incomplete); here only their JSON types.
 */
import { z } from 'zod';
import { eventTypes, isEventType, unknownEventTypeProblem } from '../domain/events';
import { clouds } from '../domain/formats';
import { type Cloud, cloudModules } from '../domain/clouds';
import type { DetailField } from '../domain/clouds/cloud';
import { connectionTypes, intakeFields } from '../domain/intake';
import { unknownFieldMessage } from '../domain/intake-rules';
import { isRecord } from '../domain/json';
import { TICKET_ID_PATTERN, TICKET_ID_RULE } from '../domain/ticket';
import { enablementStatuses, waitingOnValues } from '../machines/view';

/** Ticket ids as workflow ids accept them. */

/** A cloud's details, if its intake has any (`azure`, `alibaba`). */
const detailsOf = (id: Cloud) => cloudModules[id].details;

/** The API's schema of each cloud's details object: every field optional, as a draft may lack it. */
function detailSchemas(): Record<string, z.ZodOptional<z.ZodObject>> {
  const fieldSchema = (f: DetailField) => {
    const schema = f.kind === 'list' ? z.array(z.string()) : f.kind === 'boolean' ? z.boolean() : z.string();
    return (f.describe ? schema.describe(f.describe) : schema).optional();
  };
  return Object.fromEntries(
    clouds.flatMap((id) => {
      const details = detailsOf(id);
      return details
        ? [
            [
              id,
              z
                .object(Object.fromEntries(details.fields.map((f) => [f.name, fieldSchema(f)])))
                .loose()
                .optional()
                .describe(details.describe),
            ],
          ]
        : [];
    }),
  );
}

export const ticketIdSchema = z
  .string()
  .regex(TICKET_ID_PATTERN, { error: TICKET_ID_RULE })
  .describe('The ticket id, e.g. T-1001');

/** One service to open: `{ "name": "mysql", "port": 3306 }` or the short form `"mysql 3306"`, as tickets write it. */
const serviceEntrySchema = z.union([
  z.object({ name: z.string(), port: z.number() }).loose(),
  z.string().describe('"<name> <port>", e.g. "mysql 3306"'),
]);

/**
 * Intake data as docs/intake-and-events.md shows it, the same shape on every way in (API, plctl, `/webhooks/tickets`,
 * the workflow's input). Values are checked by the request's intake rules, not here; a key that is no intake field is
 * refused here, before a request exists, with the field it most likely meant.
 */
export const intakeBodySchema = z
  .object({
    ticketId: ticketIdSchema,
    subject: z.string().optional().describe('"PrivateLink support for <company>"'),
    company: z.string().optional(),
    submittedAt: z.string().optional().describe('ISO 8601 with a zone; the SLA clock starts here'),
    projectId: z.string().optional(),
    environment: z.string().optional().describe('production or staging are eligible'),
    cloud: z.string().optional().describe('aws or azure'),
    region: z.string().optional(),
    customerAccount: z
      .string()
      .optional()
      .describe(clouds.map((id) => cloudModules[id].account.what).join(', ')),
    services: z
      .array(serviceEntrySchema)
      .optional()
      .describe('Ports opened in the vendor environment, e.g. [{ "name": "mysql", "port": 3306 }] or ["mysql 3306"]'),
    reverseServices: z
      .array(serviceEntrySchema)
      .optional()
      .describe(
        'Bidirectional and reverse only: the ports of the customer\'s own service the vendor connects to, e.g. ["https 443"]',
      ),
    connectionType: z.string().optional().describe('unidirectional, bidirectional or reverse'),
    customerEndpointService: z.string().optional(),
    vendorPrincipalAccessGranted: z.boolean().optional(),
    privateDns: z.boolean().optional(),
    // Each cloud's details object, as its module describes its fields.
    ...detailSchemas(),
  })
  .loose()
  .superRefine((intake, ctx) => {
    for (const key of Object.keys(intake).filter((k) => !intakeFields.includes(k))) {
      ctx.addIssue({ code: 'custom', path: [key], message: unknownKeyMessage(key, intakeFields) });
    }
    for (const id of clouds) {
      const known = detailsOf(id)?.fields.map((f) => f.name) ?? [];
      const details: Record<string, unknown> = known.length && isRecord(intake[id]) ? intake[id] : {};
      for (const key of Object.keys(details).filter((k) => !known.includes(k))) {
        ctx.addIssue({ code: 'custom', path: [id, key], message: unknownKeyMessage(key, known) });
      }
    }
  })
  .describe(
    'Intake data (docs/intake-and-events.md): only intake fields (others are refused); missing or invalid values make the request wait for information',
  );

/** The body of `POST /webhooks/tickets` (Standard Webhooks): a ticket event and its intake. */
export const standardWebhookBodySchema = z
  .object({
    type: z
      .enum(['ticket.created', 'ticket.updated'], { error: 'must be ticket.created or ticket.updated' })
      .describe('ticket.created starts a request; ticket.updated adds to it'),
    data: intakeBodySchema,
  })
  .loose()
  .describe('Standard Webhooks payload: { type, data }, data being the intake (docs/webhooks.md)');

/**
 * The body of `POST /webhooks/tickets` for a change ticket (docs/webhooks.md "Change tickets"): `data` names the
 * connection's ticket and the change instead of an intake. The change ticket keys (`"PrivateLink ticket"`, `"New
 * account"`, ...) are accepted as keys too; the route reads `data` with them (src/webhooks/change.ts).
 */
export const changeTicketWebhookBodySchema = z
  .object({
    type: z
      .enum(['ticket.created', 'ticket.updated'], { error: 'must be ticket.created or ticket.updated' })
      .describe("Either: the change ticket's change (one per change ticket; a repeat changes nothing)"),
    data: z
      .object({
        ticketId: ticketIdSchema.describe("The change ticket's id, e.g. T-2001"),
        connectionTicketId: z
          .string()
          .optional()
          .describe(
            'The ticket on which the connection was enabled, e.g. T-1001: the request the change goes to (or under the key "PrivateLink ticket")',
          ),
        change: z
          .union([
            z.string().describe('remove, change account, add service, remove service or troubleshooting'),
            z.object({ kind: z.string() }).loose().describe("change.requested's change, e.g. { kind: 'remove' }"),
          ])
          .optional(),
        customerAccount: z.string().optional().describe('change_account: the account that is to connect instead'),
        customerServiceName: z
          .string()
          .optional()
          .describe("add_service, remove_service: the customer's endpoint service"),
        services: z.array(serviceEntrySchema).optional().describe("add_service: the ports of the customer's service"),
        subject: z.string().optional(),
        submittedAt: z.string().optional().describe("ISO 8601 with a zone; the change's SLA clock starts here"),
      })
      .loose(),
  })
  .loose()
  .describe('Standard Webhooks payload of a change ticket: { type, data }, data naming the connection and the change');

/** Why a key is refused: not an intake field, with a "did you mean"; the workflow input's shape gets its own hint. */
function unknownKeyMessage(key: string, known: readonly string[]): string {
  if (key === 'intake') {
    return 'is not an intake field: send the intake\'s fields at the top level ({ "ticketId": …, "company": …, "services": … }), not inside "intake" (that is the Temporal workflow input\'s shape)';
  }
  return `${unknownFieldMessage(key, known)}; a request takes only intake fields`;
}

/** An event as the API takes it: the actor is the caller, so it is not part of the body. */
export const eventBodySchema = z
  .object({
    type: z
      .string({ error: `must be one of ${eventTypes.join(', ')}` })
      .refine(isEventType, { error: (issue) => unknownEventTypeProblem(issue.input) })
      .describe(`One of ${eventTypes.join(', ')}`),
    eventId: z.string().optional().describe('Dedupe key: the same eventId twice changes state once'),
    comment: z.string().optional().describe('Free text kept in the audit trail'),
  })
  .loose()
  .describe(
    'One event: { type, eventId?, comment?, ...payload } with the payload of its type (docs/intake-and-events.md), e.g. { "type": "connection.rejected", "reason": "..." }',
  );

export const ticketParamsSchema = z.object({ ticketId: ticketIdSchema });

const bool = z.enum(['true', 'false'], { error: 'must be true or false' }).transform((v) => v === 'true');

/** Filters and paging of `GET /api/requests`. */
/** A list's page: its size, and the token of an earlier page's answer. */
const paging = {
  pageSize: z.coerce
    .number({ error: 'must be a number' })
    .int()
    .min(1, { error: 'must be at least 1' })
    .max(200, { error: 'must be at most 200' })
    .default(50),
  pageToken: z
    .string()
    .regex(/^[A-Za-z0-9_-]{1,4096}$/, { error: 'must be a nextPageToken from an earlier page' })
    .optional(),
};

export const listQuerySchema = z
  .object({
    status: z.enum(enablementStatuses, { error: `must be one of ${enablementStatuses.join(', ')}` }).optional(),
    waitingOn: z.enum(waitingOnValues, { error: `must be one of ${waitingOnValues.join(', ')}` }).optional(),
    cloud: z.enum(clouds, { error: `must be one of ${clouds.join(', ')}` }).optional(),
    connectionType: z.enum(connectionTypes, { error: `must be one of ${connectionTypes.join(', ')}` }).optional(),
    company: z.string().min(1).max(200).optional(),
    breached: bool.optional(),
    assignee: z
      .string()
      .max(256, { error: 'must be at most 256 characters' })
      .optional()
      .describe('Who works on the request (request.assigned); empty for the requests nobody works on'),
    q: z
      .string()
      .min(1)
      .max(256, { error: 'must be at most 256 characters' })
      .optional()
      .describe(
        "A ticket id, company, customer account or endpoint id, matched whole (the console's inbox also finds parts)",
      ),
    ...paging,
  })
  .strict();

export const connectionsQuerySchema = z
  .object({
    company: z.string().min(1).max(200).optional(),
    cloud: z.enum(clouds, { error: `must be one of ${clouds.join(', ')}` }).optional(),
    region: z
      .string()
      .regex(/^[a-z0-9-]{1,64}$/, { error: 'must be a region code, e.g. us-east-1 or eastus' })
      .optional(),
    account: z
      .string()
      .regex(/^[A-Za-z0-9-]{1,64}$/, { error: 'must be an AWS account id or an Azure subscription id' })
      .optional(),
    ...paging,
  })
  .strict();

export const historyQuerySchema = z
  .object({ format: z.enum(['json', 'csv'], { error: 'must be json or csv' }).default('json') })
  .strict();

/** A problem answer (RFC 9457). */
export const problemSchema = z
  .object({
    type: z.string(),
    title: z.string(),
    status: z.number(),
    detail: z.string(),
    instance: z.string().optional(),
    problems: z.array(z.string()).optional(),
  })
  .loose()
  .describe('application/problem+json');
