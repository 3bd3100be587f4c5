/** `/api/requests`: start requests, record steps, read state, list, and the audit history. */
import type { FastifyInstance } from 'fastify';
import type { ZodTypeProvider } from 'fastify-type-provider-zod';
import { z } from 'zod';
import { type TimelineExport, toCsv } from '../../audit/chain';
import { readTimeline } from '../../audit/history';
import { type AuditSigningKey, exportTimeline, signatureFileOf } from '../../audit/signing';
import type { EnablementClient } from '../../temporal/enablement-client';
import { PageTokens } from '../../temporal/page-token';
import { connectionsQuery, listQuery } from '../../temporal/visibility';
import { recordEvent } from '../record-event';
import { eventsBodyDocument, securityOf } from '../openapi';
import {
  connectionPageSchema,
  eventOutcomeSchema,
  requestPageSchema,
  stateViewSchema,
  timelineExportSchema,
} from '../responses';
import {
  connectionsQuerySchema,
  eventBodySchema,
  historyQuerySchema,
  intakeBodySchema,
  listQuerySchema,
  problemSchema,
  ticketParamsSchema,
} from '../schemas';

const API_BODY_LIMIT = 64 * 1024;

const errors = (...statuses: number[]) => Object.fromEntries(statuses.map((s) => [s, problemSchema]));
/** A JSON answer with its description (the document's response description, instead of "Default Response"). */
const json = <T extends z.ZodType>(description: string, schema: T) => ({
  description,
  content: { 'application/json': { schema } },
});
/** The header a CSV export's signature file comes in (base64 of its JSON), since a CSV has no room for it. */
export const AUDIT_SIGNATURE_HEADER = 'audit-signature';

/** The value of {@link AUDIT_SIGNATURE_HEADER} for an export: its signature file as base64 JSON. */
export function auditSignatureHeader(timeline: TimelineExport): string {
  return Buffer.from(JSON.stringify(signatureFileOf(timeline)), 'utf8').toString('base64');
}

/** Registers the `/api/requests` routes; `auditSigning` signs audit exports, `pageTokens` the list's page tokens. */
export function requestRoutes(
  scope: FastifyInstance,
  requests: EnablementClient,
  opts: { auditSigning?: AuditSigningKey; pageTokens?: PageTokens } = {},
): void {
  const app = scope.withTypeProvider<ZodTypeProvider>();
  const security = securityOf('bearer');
  const pageTokens = opts.pageTokens ?? PageTokens.random();

  app.post(
    '/api/requests',
    {
      config: { action: 'start' },
      bodyLimit: API_BODY_LIMIT,
      schema: {
        summary: 'Start a request from intake data',
        operationId: 'startRequest',
        description:
          'Starts the workflow for the ticket and applies ticket.submitted as the caller. Incomplete or invalid intake data is accepted: the request waits for information (status awaiting_information, with every problem listed).',
        security,
        body: intakeBodySchema,
        response: {
          201: json('The request started: where it stands, and its first audit entry', eventOutcomeSchema),
          ...errors(400, 401, 403, 409, 413, 422, 503),
        },
      },
    },
    async (request, reply) => {
      const view = await requests.start(request.body.ticketId, request.body, request.principal!.subject);
      return reply
        .code(201)
        .header('location', `/api/requests/${encodeURIComponent(view.ticketId)}`)
        .send(view);
    },
  );

  app.get(
    '/api/requests',
    {
      config: { action: 'read' },
      schema: {
        summary: 'List requests',
        operationId: 'listRequests',
        description:
          'Filters map to the search attributes (visibility is eventually consistent: a change shows within a second or so). Pass nextPageToken back as pageToken for the next page.',
        security,
        querystring: listQuerySchema,
        response: {
          200: json('One page of requests', requestPageSchema),
          ...errors(400, 401, 403, 503),
        },
      },
    },
    async (request) => {
      const { pageSize, pageToken, ...filters } = request.query;
      // Callers get signed tokens and Temporal only ever sees a token this API signed for this same query.
      const query = listQuery(filters);
      const serverToken = pageToken === undefined ? undefined : pageTokens.open(pageToken, query).toString('base64url');
      const page = await requests.list(filters, pageSize, serverToken);
      const next = page.nextPageToken && pageTokens.seal(Buffer.from(page.nextPageToken, 'base64url'), page.query);
      return { ...page, nextPageToken: next };
    },
  );

  app.get(
    '/api/connections',
    {
      config: { action: 'read' },
      schema: {
        summary: 'List the connections that exist now',
        operationId: 'listConnections',
        description:
          "The inventory (docs/lifecycle.md): every enabled connection not removed, with the accounts that can connect to the vendor's endpoint services (since when, approved by whom), the ports, the customer services the vendor connects to, and the change open on it. `account` matches any account that can connect now. From visibility and each connection's memo: a change shows within a second or so. Auditors may read it.",
        security,
        querystring: connectionsQuerySchema,
        response: {
          200: json('One page of connections', connectionPageSchema),
          ...errors(400, 401, 403, 503),
        },
      },
    },
    async (request) => {
      const { pageSize, pageToken, ...filters } = request.query;
      const query = connectionsQuery(filters);
      const serverToken = pageToken === undefined ? undefined : pageTokens.open(pageToken, query).toString('base64url');
      const page = await requests.connections(filters, pageSize, serverToken);
      const next = page.nextPageToken && pageTokens.seal(Buffer.from(page.nextPageToken, 'base64url'), page.query);
      return { ...page, nextPageToken: next };
    },
  );

  app.get(
    '/api/requests/:ticketId',
    {
      config: { action: 'read' },
      schema: {
        summary: "A request's state view",
        operationId: 'getRequest',
        security,
        params: ticketParamsSchema,
        response: {
          200: json('Where the request stands', stateViewSchema),
          ...errors(400, 401, 403, 404, 503),
        },
      },
    },
    async (request) => requests.get(request.params.ticketId),
  );

  app.post(
    '/api/requests/:ticketId/events',
    {
      config: { action: 'ticket_event', documentedBody: eventsBodyDocument },
      bodyLimit: API_BODY_LIMIT,
      schema: {
        summary: 'Record a step (an event)',
        operationId: 'recordEvent',
        description:
          'Applied through the workflow update, so the answer says at once whether the step was accepted: 200 with where the request now stands and the audit entry of the event, 409 when the event is not allowed in the current state (with the allowed events), 422 when its payload is invalid. The actor is the authenticated caller.',
        security,
        params: ticketParamsSchema,
        body: eventBodySchema,
        response: {
          200: json(
            'Where the request stands after this event, and the audit entry this call recorded',
            eventOutcomeSchema,
          ),
          ...errors(400, 401, 403, 404, 409, 413, 422, 503),
        },
      },
    },
    async (request) => recordEvent(requests, request.params.ticketId, request.principal!, request.body),
  );

  app.get(
    '/api/requests/:ticketId/history',
    {
      config: { action: 'read' },
      schema: {
        summary: 'The audit timeline',
        operationId: 'getHistory',
        description:
          'Built from the Temporal event history of every run (continued as new, reset): events with actor, payload and result, state changes, effects and their answers, SLA warnings and breaches; each entry names the Temporal identity that wrote it (`via`) and whether that is the product (`authenticated`). Each entry carries a SHA-256 hash chained to the previous one; with AUDIT_SIGNING_KEY_FILE the head is signed (Ed25519). `plctl history --verify <file> --public-key <pem>` checks a saved export. `?format=csv` for CSV, its signature in the `Audit-Signature` header (base64 JSON).',
        security,
        params: ticketParamsSchema,
        querystring: historyQuerySchema,
        response: {
          200: {
            description:
              'The timeline as JSON, or as CSV with ?format=csv (its signature in the Audit-Signature header)',
            content: {
              'application/json': { schema: timelineExportSchema },
              'text/csv': { schema: z.string().describe('RFC 4180, a header row, CRLF line ends') },
            },
          },
          ...errors(400, 401, 403, 404, 503),
        },
      },
    },
    async (request, reply) => {
      const timeline = exportTimeline(
        await readTimeline(requests.client, request.params.ticketId),
        opts.auditSigning,
        new Date(),
      );
      if (request.query.format === 'csv') {
        return reply
          .type('text/csv; charset=utf-8')
          .header('content-disposition', `attachment; filename="${timeline.ticketId}-history.csv"`)
          .header(AUDIT_SIGNATURE_HEADER, auditSignatureHeader(timeline))
          .serializer((payload: string) => payload)
          .send(toCsv(timeline.entries));
      }
      return timeline;
    },
  );
}
