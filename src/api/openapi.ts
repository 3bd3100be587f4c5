/**
 * The OpenAPI document at `/openapi.json`: generated from the routes' zod schemas, plus what a generator needs that
 * the schemas alone do not say: a server, the license, an operation id for every route, the security of every route
 * (bearer tokens on `/api`, each webhook's own signature, none on the health and document routes), and the events
 * body as one schema per event type (`oneOf` with a discriminator on `type`), made from the same schemas the product
 * checks events with.
 */
import type { SwaggerOptions } from '@fastify/swagger';
import { jsonSchemaTransform } from 'fastify-type-provider-zod';
import { eventBodyJsonSchemas, type EventType } from '../domain/events';
import { JIRA_SIGNATURE_HEADER } from '../webhooks/jira';
import { ZENDESK_SIGNATURE_HEADER } from '../webhooks/zendesk';
import { productVersion } from '../version';

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
      const out = jsonSchemaTransform(arg) as { schema: Record<string, unknown>; url: string };
      const config = (arg.route as { config?: { documentedBody?: () => Record<string, unknown> } }).config;
      if (config?.documentedBody && !out.schema.hide) out.schema.body = config.documentedBody();
      return out;
    },
    transformObject: (documentObject) => {
      const openapiObject = (documentObject as { openapiObject: Record<string, unknown> }).openapiObject;
      const document = openapiObject as { components?: { schemas?: Record<string, unknown> } };
      const schemas = Object.fromEntries(
        eventBodyJsonSchemas().map(({ type, schema }) => [eventComponentName(type), schema]),
      );
      return {
        ...openapiObject,
        components: { ...document.components, schemas: { ...document.components?.schemas, ...schemas } },
      } as never;
    },
  };
}
