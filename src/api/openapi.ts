/**
 * The OpenAPI document at `/openapi.json`: generated from the routes' zod schemas, plus what a generator needs that
 * the schemas alone do not say: a server, the license, an operation id for every route, the security of every route
 * (bearer tokens on `/api`, each webhook's own signature, none on the health and document routes), and the events
 * body as one schema per event type (`oneOf` with a discriminator on `type`), made from the same schemas the product
 * checks events with.
 */
import type { SwaggerOptions } from '@fastify/swagger';
import { createJsonSchemaTransform, createJsonSchemaTransformObject } from 'fastify-type-provider-zod';
import { z } from 'zod';
import { eventBodyJsonSchemas, type EventType } from '../domain/events';
import { JIRA_SIGNATURE_HEADER } from '../webhooks/jira';
import { ZENDESK_SIGNATURE_HEADER } from '../webhooks/zendesk';
import { productVersion } from '../version';
import { responseRegistry } from './responses';
import { changeTicketWebhookBodySchema, standardWebhookBodySchema } from './schemas';

/** The component name of an event type's body: `connection.rejected` → `ConnectionRejectedEvent`. */
export const eventComponentName = (type: EventType) =>
  `${type
    .split(/[._]/)
    .map((word) => `${word.charAt(0).toUpperCase()}${word.slice(1)}`)
    .join('')}Event`;

/** The events body: one schema per event type, told apart by `type`. */
export function eventsBodyDocument(): Record<string, unknown> {
  const types = eventBodyJsonSchemas().map((e) => e.type);
  const ref = (type: EventType) => `#/components/schemas/${eventComponentName(type)}`;
  return {
    description:
      'One event: its type and its payload (docs/intake-and-events.md "Events"); the actor is the authenticated caller, never a body field',
    oneOf: types.map((type) => ({ $ref: ref(type) })),
    discriminator: { propertyName: 'type', mapping: Object.fromEntries(types.map((type) => [type, ref(type)])) },
  };
}

export const securitySchemes = {
  bearer: { type: 'http', scheme: 'bearer', description: 'A token from AUTH_TOKENS_FILE, or an OIDC JWT' },
  standardWebhooks: {
    type: 'apiKey',
    in: 'header',
    name: 'webhook-signature',
    description:
      'Standard Webhooks: webhook-id, webhook-timestamp and webhook-signature (v1,<base64 HMAC-SHA256>) with TICKET_WEBHOOK_SECRET',
  },
  zendeskSignature: {
    type: 'apiKey',
    in: 'header',
    name: ZENDESK_SIGNATURE_HEADER,
    description:
      'Zendesk: base64 HMAC-SHA256 of X-Zendesk-Webhook-Signature-Timestamp + body with ZENDESK_WEBHOOK_SECRET',
  },
  jiraSignature: {
    type: 'apiKey',
    in: 'header',
    name: JIRA_SIGNATURE_HEADER,
    description: 'Jira Cloud: sha256=<hex HMAC-SHA256 of the body> with JIRA_WEBHOOK_SECRET',
  },
} as const;

/** The security requirement of a route, by its scheme; `[]` for a public route. */
export const securityOf = (scheme?: keyof typeof securitySchemes) => (scheme ? [{ [scheme]: [] }] : []);

/** `@fastify/swagger`'s options: the document's frame, each route's transform, and the event components. */
export function swaggerOptions(): SwaggerOptions {
  return {
    openapi: {
      openapi: '3.1.0',
      info: {
        title: 'PrivateLink enablement API',
        version: productVersion(),
        license: { name: 'Apache-2.0', identifier: 'Apache-2.0' },
        description:
          'Start PrivateLink enablement requests, record each step, read their state and audit history. Errors are application/problem+json.',
      },
      servers: [{ url: '/', description: 'This server' }],
      components: { securitySchemes },
    },
    transform: (arg) => {
      const out = transformRoute(arg) as { schema: Record<string, unknown>; url: string };
      const config = (arg.route as { config?: { documentedBody?: () => Record<string, unknown> } }).config;
      if (config?.documentedBody && !out.schema.hide) out.schema.body = config.documentedBody();
      return out;
    },
    transformObject: (documentObject) => {
      const openapiObject = transformDocument(documentObject) as { components?: { schemas?: Record<string, unknown> } };
      const events = Object.fromEntries(
        eventBodyJsonSchemas().map(({ type, schema }) => [eventComponentName(type), schema]),
      );
      const schemas: Record<string, unknown> = { ...openapiObject.components?.schemas, ...events };
      // The answer schemas are registered once and used as answers only: their `<id>Input` twins are never referenced.
      const text = JSON.stringify({ ...openapiObject, components: { ...openapiObject.components, schemas: {} } });
      for (const id of Object.keys(schemas)) {
        if (id.endsWith('Input') && !text.includes(`"#/components/schemas/${id}"`)) delete schemas[id];
      }
      return { ...openapiObject, components: { ...openapiObject.components, schemas } } as never;
    },
  };
}

/** Routes and the document's components from zod, answers as `$ref`s to the {@link responseRegistry} components. */
const transformRoute = createJsonSchemaTransform({ schemaRegistry: responseRegistry });
const transformDocument = createJsonSchemaTransformObject({ schemaRegistry: responseRegistry });

/** A JSON Schema (2020-12) of a body the route reads itself after checking its signature, for the document only. */
const bodyDocument = (schema: z.ZodType): Record<string, unknown> => {
  const { $schema: _, ...json } = z.toJSONSchema(schema, { io: 'input', unrepresentable: 'any' }) as Record<
    string,
    unknown
  >;
  return json;
};

/** The body of the Zendesk trigger template (docs/webhooks.md, src/webhooks/zendesk.ts `zendeskTriggerBody`). */
const zendeskBody = z
  .object({
    event: z.enum(['created', 'updated']).describe('Set in each trigger: "Ticket is Created" or "Ticket is Updated"'),
    ticket: z.object({
      id: z.union([z.string(), z.number().int()]).describe('{{ticket.id}}: the Zendesk ticket number'),
      title: z.string().describe('{{ticket.title}}: must mention PrivateLink, else the delivery is ignored'),
      description: z.string().optional().describe('{{ticket.description}}: Key: value lines of intake'),
      latest_public_comment: z.string().optional().describe('{{ticket.latest_public_comment}}: read on updates'),
      created_at: z.string().optional().describe('{{ticket.created_at_with_timestamp}}: the SLA starts here'),
      updated_at: z.string().optional(),
    }),
    intake: z
      .record(z.string(), z.string())
      .optional()
      .describe('Optional: intake field → "{{ticket.ticket_field_<id>}}"; wins over Key: value lines'),
  })
  .describe('The JSON body of the Zendesk trigger template (docs/webhooks.md)');

/** The parts of a Jira Cloud issue webhook the product reads. */
const jiraBody = z
  .object({
    webhookEvent: z
      .string()
      .describe('jira:issue_created starts a request, jira:issue_updated adds to it; other events are ignored (200)'),
    issue: z.object({
      key: z.string().describe('The issue key, e.g. PL-42: the ticket id'),
      fields: z
        .object({
          summary: z.string().describe('Must mention PrivateLink, else the delivery is ignored'),
          description: z
            .unknown()
            .optional()
            .describe('Key: value lines of intake (text or Atlassian Document Format)'),
        })
        .catchall(z.unknown())
        .describe('Custom fields named in JIRA_INTAKE_FIELDS are read as intake fields'),
    }),
    changelog: z.object({ items: z.array(z.object({ field: z.string() }).catchall(z.unknown())) }).optional(),
    comment: z
      .object({ body: z.unknown() })
      .catchall(z.unknown())
      .optional()
      .describe('A new comment: its Key: value lines update the intake'),
  })
  .catchall(z.unknown())
  .describe('A Jira Cloud webhook payload (docs/webhooks.md)');

/** The documented body of each ticket webhook (the route verifies the signature first, then parses it itself). */
export function webhookBodyDocument(source: 'tickets' | 'zendesk' | 'jira'): Record<string, unknown> {
  return bodyDocument(
    source === 'tickets'
      ? z.union([standardWebhookBodySchema, changeTicketWebhookBodySchema])
      : source === 'zendesk'
        ? zendeskBody
        : jiraBody,
  );
}
