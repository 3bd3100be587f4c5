/**
 * Ticket-system webhooks. Each is authenticated by its sender's signature over the raw body (never by bearer token),
 * answers 202 as soon as Temporal has the event, and leaves the work to the workflow. Redeliveries and parallel
 * deliveries are safe: one workflow per ticket (signal-with-start) and one transition per event (its eventId).
 */
import { createHash } from 'node:crypto';
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { Webhook, WebhookVerificationError } from 'standardwebhooks';
import { z } from 'zod';
import { AppError } from '../../errors';
import type { EnablementEventInput } from '../../temporal/messages';
import type { RequestsService } from '../requests';
import { intakeBodySchema, problemSchema } from '../schemas';

/** Secrets of each webhook; several per source during key rotation. A source without secrets is switched off. */
export interface WebhookSecrets {
  /** Standard Webhooks secrets (`whsec_…`), from TICKET_WEBHOOK_SECRET. */
  tickets?: string[];
  zendesk?: string[];
  jira?: string[];
}

/** Splits a secrets variable: several secrets separated by spaces or commas (rotation). */
export function splitSecrets(value: string | undefined): string[] {
  return (value ?? '').split(/[\s,]+/).filter(Boolean);
}

/** The actor recorded for events a ticket system sends: the sender its signature authenticated. */
export const webhookActor = (source: string) => `ticket-system:${source}`;

/** A ticket-system event, in the shape the webhooks share. */
export interface TicketDelivery {
  source: 'tickets' | 'zendesk' | 'jira';
  kind: 'created' | 'updated';
  ticketId: string;
  intake: Record<string, unknown>;
  /** The sender's delivery id, stable across redeliveries. */
  deliveryId: string;
}

/**
 * Hands a delivery to the workflow. A created ticket becomes `ticket.submitted` with one eventId per ticket, so
 * however many times (and however concurrently) it is delivered it applies once; an update becomes `ticket.updated`
 * deduped on the delivery id.
 */
export async function deliver(requests: RequestsService, d: TicketDelivery) {
  const created = d.kind === 'created';
  const event: EnablementEventInput = created
    ? {
        type: 'ticket.submitted',
        actor: webhookActor(d.source),
        eventId: `ticket.submitted:${d.ticketId}`,
        intake: { ...d.intake, ticketId: d.ticketId },
      }
    : {
        type: 'ticket.updated',
        actor: webhookActor(d.source),
        eventId: `${d.source}:${d.deliveryId}`,
        intake: d.intake,
      };
  await requests.deliver(d.ticketId, event, created);
  return { accepted: true, ticketId: d.ticketId, event: event.type, eventId: event.eventId };
}

/** The raw body, kept as bytes: signatures are over exactly what was sent. */
declare module 'fastify' {
  interface FastifyRequest {
    rawBody?: Buffer;
  }
}

function parseJson(raw: Buffer): unknown {
  try {
    return JSON.parse(raw.toString('utf8'));
  } catch (err) {
    throw new AppError('bad_request', `The body is not valid JSON: ${(err as Error).message}`);
  }
}

function notConfigured(variable: string): AppError {
  return new AppError('invalid_config', `This webhook is switched off: set ${variable} on the server to enable it.`);
}

const standardBody = z
  .object({
    type: z.enum(['ticket.created', 'ticket.updated'], { error: 'must be ticket.created or ticket.updated' }),
    data: intakeBodySchema,
  })
  .loose();

/** Registers `/webhooks/*`. */
export function webhookRoutes(scope: FastifyInstance, requests: RequestsService, secrets: WebhookSecrets): void {
  // Every content type is read as bytes; each route verifies the signature before parsing anything.
  scope.removeAllContentTypeParsers();
  scope.addContentTypeParser('*', { parseAs: 'buffer' }, (request, body, done) => {
    request.rawBody = body as Buffer;
    done(null, body);
  });

  const verifiers = (secrets.tickets ?? []).map((s) => {
    try {
      return new Webhook(s);
    } catch {
      throw new AppError('invalid_config', 'TICKET_WEBHOOK_SECRET must be whsec_ followed by base64.');
    }
  });

  scope.post(
    '/webhooks/tickets',
    {
      schema: {
        summary: 'Ticket events (Standard Webhooks)',
        description:
          'Signed per Standard Webhooks (webhook-id, webhook-timestamp, webhook-signature; ±5 min). Body { "type": "ticket.created" | "ticket.updated", "data": <intake> }. 202 once the event is with the workflow.',
        headers: z.looseObject({
          'webhook-id': z.string().optional(),
          'webhook-timestamp': z.string().optional(),
          'webhook-signature': z.string().optional(),
        }),
        response: {
          202: z.unknown(),
          ...Object.fromEntries([400, 401, 404, 413, 422, 503].map((s) => [s, problemSchema])),
        },
      },
    },
    async (request: FastifyRequest, reply: FastifyReply) => {
      if (!verifiers.length) throw notConfigured('TICKET_WEBHOOK_SECRET');
      const raw = request.rawBody ?? Buffer.alloc(0);
      const headers = {
        'webhook-id': header(request, 'webhook-id'),
        'webhook-timestamp': header(request, 'webhook-timestamp'),
        'webhook-signature': header(request, 'webhook-signature'),
      };
      const missing = Object.entries(headers)
        .filter(([, v]) => !v)
        .map(([k]) => k);
      if (missing.length)
        throw new AppError('unauthenticated', `Missing Standard Webhooks header(s): ${missing.join(', ')}.`);
      let reason = 'no signature matches';
      const verified = verifiers.some((v) => {
        try {
          v.verify(raw.toString('utf8'), headers as Record<string, string>, { jsonParse: false });
          return true;
        } catch (err) {
          if (err instanceof WebhookVerificationError) reason = describeFailure(err.message);
          return false;
        }
      });
      if (!verified) throw new AppError('unauthenticated', `The webhook signature is not valid: ${reason}.`);

      const parsed = standardBody.safeParse(parseJson(raw));
      if (!parsed.success) {
        throw new AppError(
          'invalid',
          'The webhook body is invalid:',
          parsed.error.issues.map((i) => `${i.path.join('.') || '(body)'}: ${i.message}`),
        );
      }
      const { type, data } = parsed.data;
      const result = await deliver(requests, {
        source: 'tickets',
        kind: type === 'ticket.created' ? 'created' : 'updated',
        ticketId: data.ticketId,
        intake: data,
        deliveryId: headers['webhook-id']!,
      });
      return reply.code(202).send(result);
    },
  );
}

function header(request: FastifyRequest, name: string): string | undefined {
  const value = request.headers[name];
  return Array.isArray(value) ? value.join(' ') : value;
}

function describeFailure(message: string): string {
  if (/too old/i.test(message)) return 'the webhook-timestamp is more than 5 minutes old';
  if (/too new/i.test(message)) return 'the webhook-timestamp is more than 5 minutes in the future';
  if (/Invalid Signature Headers/i.test(message)) return 'the webhook-timestamp is not a Unix time in seconds';
  return 'no signature matches (wrong secret, or the body was changed)';
}

/** A stable id for a delivery without one: the hash of its body (a redelivery repeats the same bytes). */
export function bodyId(raw: Buffer): string {
  return createHash('sha256').update(raw).digest('hex').slice(0, 32);
}
