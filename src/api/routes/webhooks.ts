/**
 * Ticket-system webhooks. Each is authenticated by its sender's signature over the raw body (never by bearer token),
 * answers 202 as soon as Temporal has the event, and leaves the work to the workflow. Redeliveries and parallel
 * deliveries are safe: one workflow per ticket (signal-with-start) and one transition per event (its eventId). A change
 * ticket (one that names an enabled connection's ticket, src/webhooks/change.ts) becomes `change.requested` on that
 * connection's request instead, and never starts one.
 */
import { securityOf, webhookBodyDocument } from '../openapi';
import { webhookAnswerSchema } from '../responses';
import { createHash } from 'node:crypto';
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { Webhook, WebhookVerificationError } from 'standardwebhooks';
import { z } from 'zod';
import type { WebhookSecrets } from '../../config/api';
import { ticketSystemActor } from '../../domain/actors';
import { type ChangeKind, checkEvent } from '../../domain/events';
import type { IntakeDraft } from '../../domain/intake';
import type { EnablementStatus } from '../../machines/view';
import { isRecord } from '../../domain/json';
import { limits, truncateUtf8 } from '../../domain/limits';
import { AppError } from '../../errors';
import { submissionEventId } from '../../domain/ticket';
import type { Delivery, EnablementClient } from '../../temporal/enablement-client';
import type { EnablementEventInput } from '../../temporal/messages';
import {
  JIRA_DELIVERY_HEADER,
  JIRA_SIGNATURE_HEADER,
  parseJiraWebhook,
  verifyJiraSignature,
} from '../../webhooks/jira';
import {
  changeEventId,
  changeFromFields,
  changeTicketOf,
  findChangeKey,
  type ChangeTicket,
} from '../../webhooks/change';
import type { SignatureVerdict, TicketWebhookEvent, TicketWebhookParse } from '../../webhooks/types';
import {
  parseZendeskWebhook,
  verifyZendeskSignature,
  ZENDESK_INVOCATION_HEADER,
  ZENDESK_SIGNATURE_HEADER,
  ZENDESK_TIMESTAMP_HEADER,
} from '../../webhooks/zendesk';
import { nestsDeeperThan, tooDeepError } from '../json-depth';
import { changeTicketWebhookBodySchema, problemSchema, standardWebhookBodySchema } from '../schemas';

/** What a ticket webhook answers: what became of the delivery (see {@link forwardTicketEvent}). */
export interface WebhookAnswer {
  /** True when the request took the event, or queued it. */
  accepted: boolean;
  /** The ticket delivered (for a change ticket, the change ticket). */
  ticketId?: string;
  /** A change ticket's connection: the ticket whose request the change went to. */
  connectionTicketId?: string;
  event?: 'ticket.submitted' | 'ticket.updated' | 'change.requested';
  /** A change ticket's kind of change. */
  changeKind?: ChangeKind;
  eventId?: string;
  status?: EnablementStatus;
  state?: string;
  queued?: true;
  note?: string;
  duplicate?: true;
  refused?: string;
  ignored?: string;
}

/**
 * Hands a ticket-system event to the workflow and says what became of it. A created ticket becomes `ticket.submitted`
 * with one eventId per ticket, so however many times (and however concurrently) it is delivered it applies once; an
 * update becomes `ticket.updated` deduped on a key the signature covers: the Standard Webhooks `webhook-id` (signed with
 * the body), else the hash of the signed body itself — Zendesk's and Jira's delivery-id headers are not signed, so a
 * replayed body with a new id header must not count as a new update. The event is checked like any other before it is
 * sent, and then delivered by update (see {@link EnablementClient.deliver}): a repeat or a refusal leaves no trace in
 * the request's history, and the answer says which it was.
 *
 * - `202 { accepted: true }`: applied (`state` and `status` are the request's now), or `queued: true` when no worker
 *   answered in time (the request takes or refuses it when one does; its audit history says which);
 * - `200 { accepted: false }`: nothing will happen: a repeat of an applied delivery (`duplicate: true`), an event the
 *   request refuses now (`refused`, its words), or a request that has ended (`ignored`).
 */
export async function forwardTicketEvent(
  requests: EnablementClient,
  e: TicketWebhookEvent,
  raw: Buffer,
): Promise<{ status: 200 | 202; body: WebhookAnswer }> {
  if (e.change) return forwardChangeTicket(requests, e, e.change);
  const created = e.kind === 'created';
  const updateKey = e.source === 'tickets' && e.deliveryId ? e.deliveryId : bodyId(raw);
  // A ticket's text may be longer than any field allows: cut to what an event carries, and the intake's own rules
  // tell the customer the field is too long (the request waits for the fix) rather than the delivery failing.
  const intake = clampIntake(e.intake);
  const event: EnablementEventInput = created
    ? {
        type: 'ticket.submitted',
        actor: ticketSystemActor(e.source),
        eventId: submissionEventId(e.ticketId),
        intake: { ...intake, ticketId: e.ticketId },
      }
    : {
        type: 'ticket.updated',
        actor: ticketSystemActor(e.source),
        // Long delivery ids are hashed to fit the eventId limit.
        eventId: `${e.source}:${updateKey.length > 120 ? bodyId(Buffer.from(updateKey)) : updateKey}`,
        intake,
      };
  const checked = checkEvent(event);
  if (!checked.ok) {
    throw new AppError(
      'invalid',
      `The ${e.source} webhook does not make a valid ${event.type} event:`,
      checked.problems,
    );
  }
  const { ticketId } = e;
  const delivery = await requests.deliver(ticketId, event, { startIfMissing: created });
  const about = {
    ticketId,
    event: created ? ('ticket.submitted' as const) : ('ticket.updated' as const),
    eventId: event.eventId,
  };
  switch (delivery.kind) {
    case 'applied': {
      const { status, state } = delivery.outcome;
      return { status: 202, body: { accepted: true, ...about, status, state } };
    }
    case 'queued':
      return {
        status: 202,
        body: {
          accepted: true,
          queued: true,
          ...about,
          note: 'No worker answered in time: the event is queued, and the request takes or refuses it when one does.',
        },
      };
    case 'duplicate':
      return {
        status: 200,
        body: {
          accepted: false,
          duplicate: true,
          ...about,
          ignored: `Applied already${delivery.of ? ` (event ${delivery.of} of the request)` : ''}; a repeat changes nothing.`,
        },
      };
    case 'refused':
      return { status: 200, body: { accepted: false, ...about, refused: delivery.reason } };
    case 'ended':
      return {
        status: 200,
        body: {
          accepted: false,
          ...about,
          ignored: `The request for ticket ${ticketId} has ended; a ticket has one request.`,
        },
      };
  }
}

/**
 * Hands a change ticket to the connection it names: `change.requested` on the connection's request (never a request
 * of its own, never a new one), with one eventId per change ticket ({@link changeEventId}), so its redeliveries, and
 * its creation and updates that repeat it, open one change. Answers as {@link forwardTicketEvent} does, and:
 *
 * - `200 { accepted: false, refused }` when no change can be made of the ticket as written (no or an unknown `Change:`,
 *   a missing `New account:` or `Service name:`, a value the event's schema refuses), or the connection refuses it
 *   (another change is open, the connection is not enabled, the account already connects, ...);
 * - `200 { accepted: false, ignored }` when the connection's request has ended (removed, rejected, cancelled);
 * - `404` problem when no request has the connection's ticket id: nothing is started.
 *
 * A troubleshooting ticket is applied (`202`): the connection's request answers it on the change ticket, opening no
 * change (`note` says so).
 */
async function forwardChangeTicket(
  requests: EnablementClient,
  e: TicketWebhookEvent,
  asked: ChangeTicket,
): Promise<{ status: 200 | 202; body: WebhookAnswer }> {
  const eventId = changeEventId(e.ticketId);
  const about = {
    ticketId: e.ticketId,
    ...(asked.connectionTicketId !== undefined ? { connectionTicketId: asked.connectionTicketId } : {}),
    event: 'change.requested' as const,
    ...(asked.change ? { changeKind: asked.change.kind } : {}),
    eventId,
  };
  if (asked.problem !== undefined) {
    return {
      status: 200,
      body: { accepted: false, ...about, refused: `Change ticket ${e.ticketId}: ${asked.problem}.` },
    };
  }
  const connection = asked.connectionTicketId;
  const event: EnablementEventInput = {
    type: 'change.requested',
    actor: ticketSystemActor(e.source),
    eventId,
    changeTicketId: e.ticketId,
    change: asked.change,
    ...(asked.submittedAt !== undefined ? { submittedAt: asked.submittedAt } : {}),
  };
  const checked = checkEvent(event);
  if (!checked.ok) {
    return {
      status: 200,
      body: { accepted: false, ...about, refused: `Change ticket ${e.ticketId}: ${checked.reason}` },
    };
  }
  let delivery: Delivery;
  try {
    delivery = await requests.deliver(connection, event, { startIfMissing: false });
  } catch (err) {
    if (err instanceof AppError && err.code === 'not_found') {
      throw new AppError(
        'not_found',
        `No request for ticket ${connection}, which change ticket ${e.ticketId} names as its connection ("PrivateLink ticket: ${connection}"): nothing was started or changed. Name the ticket on which the connection was enabled.`,
      );
    }
    throw err;
  }
  switch (delivery.kind) {
    case 'applied': {
      const { status, state } = delivery.outcome;
      return {
        status: 202,
        body: {
          accepted: true,
          ...about,
          status,
          state,
          ...(asked.change.kind === 'troubleshoot'
            ? {
                note: 'Troubleshooting an enabled connection is outside support: the change ticket is answered with that reason, and no change is opened.',
              }
            : {}),
        },
      };
    }
    case 'queued':
      return {
        status: 202,
        body: {
          accepted: true,
          queued: true,
          ...about,
          note: "No worker answered in time: the change is queued, and the connection's request takes or refuses it when one does (a refusal is answered on the change ticket).",
        },
      };
    case 'duplicate':
      return {
        status: 200,
        body: {
          accepted: false,
          duplicate: true,
          ...about,
          ignored: `The change of ticket ${e.ticketId} was applied already${delivery.of ? ` (event ${delivery.of} of the request for ${connection})` : ''}; a change ticket asks for one change, and a repeat changes nothing.`,
        },
      };
    case 'refused':
      // No person saw the refusal: the same event by signal makes the connection's request answer it on the change
      // ticket (it refuses it again and comments why). Our comment comes back as an update without change keys, which
      // is ignored, so nothing loops.
      await requests.signalEvent(connection, event, { startIfMissing: false }).catch(() => undefined);
      return {
        status: 200,
        body: {
          accepted: false,
          ...about,
          refused: delivery.reason,
          note: 'The change ticket is told why, in a comment from the connection’s request.',
        },
      };
    case 'ended':
      return {
        status: 200,
        body: {
          accepted: false,
          ...about,
          ignored: `The request for ticket ${connection} has ended (removed, rejected or cancelled): there is no connection to change.`,
        },
      };
  }
}

/** An intake from a ticket with every text cut to {@link limits.intakeValueBytes} and every list to its item limit. */
function clampIntake(intake: IntakeDraft): IntakeDraft {
  const clamp = (value: unknown): unknown => {
    if (typeof value === 'string') return truncateUtf8(value, limits.intakeValueBytes);
    if (Array.isArray(value)) return value.slice(0, limits.intakeListItems).map(clamp);
    if (isRecord(value)) return Object.fromEntries(Object.entries(value).map(([k, v]) => [k, clamp(v)]));
    return value;
  };
  return clamp(intake) as IntakeDraft;
}

/** The raw body, kept as bytes: signatures are over exactly what was sent. */
declare module 'fastify' {
  interface FastifyRequest {
    rawBody?: Buffer;
  }
}

/**
 * How deeply a ticket system's body may nest: more than the API's bodies, for Jira's rich-text descriptions (a list in
 * a list in a table cell is a dozen levels of its own), and still far from what would overflow a parser's stack.
 */
const WEBHOOK_MAX_JSON_DEPTH = 128;

function parseJson(raw: Buffer): unknown {
  if (nestsDeeperThan(raw, WEBHOOK_MAX_JSON_DEPTH)) throw tooDeepError(WEBHOOK_MAX_JSON_DEPTH);
  try {
    return JSON.parse(raw.toString('utf8'));
  } catch (err) {
    throw new AppError('bad_request', `The body is not valid JSON: ${(err as Error).message}`);
  }
}

function notConfigured(variable: string): AppError {
  return new AppError('invalid_config', `This webhook is switched off: set ${variable} on the server to enable it.`);
}

/** A ticket webhook's two answers, each the same {@link WebhookAnswer} shape. */
const webhookAnswers = {
  200: {
    description: 'Nothing will happen: ignored, a repeat, a refusal (its reason), an ended request',
    content: { 'application/json': { schema: webhookAnswerSchema } },
  },
  202: {
    description: 'The request took the event, or it is queued until a worker answers',
    content: { 'application/json': { schema: webhookAnswerSchema } },
  },
};

/** A change ticket the connection did not take, logged for the operator: its sender rarely shows the answer. */
function logRefusedChange(request: FastifyRequest, source: string, answer: WebhookAnswer): void {
  if (answer.event !== 'change.requested' || answer.accepted || answer.duplicate) return;
  const { ticketId, connectionTicketId, refused, ignored } = answer;
  request.log.info({ source, ticketId, connectionTicketId, refused, ignored }, 'a change ticket opened no change');
}

/** True when a Standard Webhooks body's `data` names a connection's ticket: a change ticket's body. */
function namesConnection(body: unknown): boolean {
  return (
    isRecord(body) &&
    isRecord(body.data) &&
    Object.keys(body.data).some((key) => findChangeKey(key)?.field === 'connectionTicketId')
  );
}

/** The `data` keys of a change ticket's body that are no change keys but still the ticket's own. */
const changeTicketOwnKeys = new Set(['ticketId', 'subject', 'submittedAt']);

/**
 * A change ticket's Standard Webhooks body as the event it is (see {@link changeTicketWebhookBodySchema}); a body
 * that is not one, or names keys that are neither the ticket's nor change keys, is refused (422) with each problem.
 */
function changeTicketEvent(body: unknown, deliveryId: string): TicketWebhookEvent {
  const parsed = changeTicketWebhookBodySchema.safeParse(body);
  if (!parsed.success) {
    throw new AppError(
      'invalid',
      'The change ticket webhook body is invalid:',
      parsed.error.issues.slice(0, 20).map((i) => `${i.path.join('.') || '(body)'}: ${truncateUtf8(i.message, 300)}`),
    );
  }
  const { type, data } = parsed.data;
  const read = changeFromFields(Object.entries(data).filter(([key]) => !changeTicketOwnKeys.has(key)));
  if (read.unknownKeys.length) {
    throw new AppError(
      'invalid',
      'The change ticket webhook body is invalid:',
      read.unknownKeys
        .slice(0, 20)
        .map(
          (key) =>
            `data.${truncateUtf8(key, 80)}: is not a field of a change ticket; it takes ticketId, connectionTicketId, change, customerAccount, customerServiceName, services, subject and submittedAt`,
        ),
    );
  }
  const { ticketId, submittedAt } = data;
  return {
    source: 'tickets',
    kind: type === 'ticket.created' ? 'created' : 'updated',
    ticketId,
    intake: { ticketId },
    deliveryId,
    change: changeTicketOf(read, {
      source: 'tickets',
      ticketId,
      ...(submittedAt !== undefined ? { submittedAt } : {}),
    }),
  };
}

/** Registers `/webhooks/*`. */
export function webhookRoutes(scope: FastifyInstance, requests: EnablementClient, secrets: WebhookSecrets): void {
  // Every content type is read as bytes; each route verifies the signature before parsing anything.
  scope.removeAllContentTypeParsers();
  scope.addContentTypeParser('*', { parseAs: 'buffer' }, (request, body, done) => {
    request.rawBody = body as Buffer;
    done(null, body);
  });

  const problems = Object.fromEntries([400, 401, 404, 413, 422, 503].map((status) => [status, problemSchema]));
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
      config: { documentedBody: () => webhookBodyDocument('tickets') },
      schema: {
        summary: 'Ticket events (Standard Webhooks)',
        operationId: 'ticketWebhook',
        security: securityOf('standardWebhooks'),
        description:
          'Signed per Standard Webhooks (webhook-id, webhook-timestamp, webhook-signature; ±5 min). Body { "type": "ticket.created" | "ticket.updated", "data": <intake> }, or for a change ticket "data": { ticketId, connectionTicketId, change, ... } (docs/webhooks.md "Change tickets"). 202 when the request took the event (or queued it while no worker answers), 200 with accepted:false when nothing will happen (a repeat, a refusal, an ended request).',
        headers: z.looseObject({
          'webhook-id': z.string().optional(),
          'webhook-timestamp': z.string().optional(),
          'webhook-signature': z.string().optional(),
        }),
        response: {
          ...webhookAnswers,
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

      const body = parseJson(raw);
      if (namesConnection(body)) {
        const result = await forwardTicketEvent(requests, changeTicketEvent(body, headers['webhook-id']!), raw);
        logRefusedChange(request, 'tickets', result.body);
        return reply.code(result.status).send(result.body);
      }
      const parsed = standardWebhookBodySchema.safeParse(body);
      if (!parsed.success) {
        throw new AppError(
          'invalid',
          'The webhook body is invalid:',
          parsed.error.issues.map((i) => `${i.path.join('.') || '(body)'}: ${i.message}`),
        );
      }
      const { type, data } = parsed.data;
      const result = await forwardTicketEvent(
        requests,
        {
          source: 'tickets',
          kind: type === 'ticket.created' ? 'created' : 'updated',
          ticketId: data.ticketId,
          intake: data,
          deliveryId: headers['webhook-id']!,
        },
        raw,
      );
      return reply.code(result.status).send(result.body);
    },
  );

  /** Zendesk and Jira: verify with the system's own scheme, parse its payload, then deliver like any ticket event. */
  const ticketSystemRoute = (
    source: 'zendesk' | 'jira',
    doc: { summary: string; description: string; operationId: string; security: Record<string, never[]>[] },
    variable: string,
    verify: (request: FastifyRequest, raw: Buffer) => SignatureVerdict,
    parse: (body: unknown, request: FastifyRequest) => TicketWebhookParse,
  ) =>
    scope.post(
      `/webhooks/${source}`,
      {
        config: { documentedBody: () => webhookBodyDocument(source) },
        schema: {
          ...doc,
          response: {
            ...webhookAnswers,
            ...problems,
          },
        },
      },
      async (request: FastifyRequest, reply: FastifyReply) => {
        if (!secrets[source]?.length) throw notConfigured(variable);
        const raw = request.rawBody ?? Buffer.alloc(0);
        const verdict = verify(request, raw);
        if (!verdict.ok)
          throw new AppError('unauthenticated', `The ${source} webhook signature is not valid: ${verdict.reason}.`);
        const parsed = parse(parseJson(raw), request);
        if (!parsed.ok) throw new AppError('invalid', `The ${source} webhook body is not usable:`, parsed.problems);
        if (parsed.ignored !== undefined) return reply.code(200).send({ accepted: false, ignored: parsed.ignored });
        const { unknownKeys, ticketId } = parsed.value;
        if (unknownKeys?.length) {
          // Keys a customer wrote that are no intake field: ignored, and named here for the operator.
          request.log.info(
            { source, ticketId, unknownKeys },
            parsed.value.change
              ? 'change ticket keys that are not change keys were ignored'
              : 'ticket keys that are not intake fields were ignored',
          );
        }
        const result = await forwardTicketEvent(requests, parsed.value, raw);
        logRefusedChange(request, source, result.body);
        return reply.code(result.status).send(result.body);
      },
    );

  ticketSystemRoute(
    'zendesk',
    {
      summary: 'Zendesk trigger webhook',
      operationId: 'zendeskWebhook',
      security: securityOf('zendeskSignature'),
      description:
        'Signed by Zendesk (X-Zendesk-Webhook-Signature: base64 HMAC-SHA256 of X-Zendesk-Webhook-Signature-Timestamp + body; ±5 min). Body from the trigger template in docs/webhooks.md.',
    },
    'ZENDESK_WEBHOOK_SECRET',
    (request, raw) =>
      verifyZendeskSignature({
        rawBody: raw,
        signature: header(request, ZENDESK_SIGNATURE_HEADER),
        timestamp: header(request, ZENDESK_TIMESTAMP_HEADER),
        secrets: secrets.zendesk ?? [],
        nowMs: Date.now(),
      }),
    (body, request) => parseZendeskWebhook(body, { deliveryId: header(request, ZENDESK_INVOCATION_HEADER) }),
  );

  ticketSystemRoute(
    'jira',
    {
      summary: 'Jira Cloud webhook',
      operationId: 'jiraWebhook',
      security: securityOf('jiraSignature'),
      description:
        'Signed by Jira (X-Hub-Signature: sha256=<hex HMAC of the body>); jira:issue_created starts a request, jira:issue_updated forwards ticket.updated; other events are acknowledged and ignored.',
    },
    'JIRA_WEBHOOK_SECRET',
    (request, raw) =>
      verifyJiraSignature({
        rawBody: raw,
        signature: header(request, JIRA_SIGNATURE_HEADER),
        secrets: secrets.jira ?? [],
      }),
    (body, request) =>
      parseJiraWebhook(body, { deliveryId: header(request, JIRA_DELIVERY_HEADER), customFields: secrets.jiraFields }),
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
