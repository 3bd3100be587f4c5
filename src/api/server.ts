import swagger from '@fastify/swagger';
import Fastify, { type FastifyBaseLogger, type FastifyInstance } from 'fastify';
import { serializerCompiler, validatorCompiler } from 'fastify-type-provider-zod';
import { z } from 'zod';
import { securityOf, swaggerOptions } from './openapi';
import { problemSchema } from './schemas';
import { type Action, allows, type Authenticator, type Principal } from './auth';
import { installMetrics } from './metrics';
import { nestsDeeperThan, tooDeepError } from './json-depth';
import { installProblemHandlers, sendProblem } from './problem';
import type { AuditSigningKey } from '../audit/signing';
import type { EnablementClient } from '../temporal/enablement-client';
import type { PageTokens } from '../temporal/page-token';
import { requestRoutes } from './routes/requests';
import type { WebhookSecrets } from '../config/api';
import { webhookRoutes } from './routes/webhooks';
import { AppError } from '../errors';
import { consoleRoutes, type ConsoleOptions } from '../console/routes';
import { landingPage } from '../console/landing';

declare module 'fastify' {
  interface FastifyContextConfig {
    /** What the route does, for authorization; routes without one are public (health, docs, signed webhooks). */
    action?: Action;
    /** The body as `/openapi.json` shows it, when it says more than the schema the route validates with. */
    documentedBody?: () => Record<string, unknown>;
  }
  interface FastifyRequest {
    /** The authenticated caller of an `/api` route. */
    principal?: Principal;
  }
}

/** Dependencies of the HTTP API. */
export interface ApiServerOptions {
  /** A pino logger; without one the API logs nothing. */
  logger?: FastifyBaseLogger;
  /** Requests over Temporal; without it only `/healthz` and `/openapi.json` answer (the API is starting). */
  requests?: EnablementClient;
  authenticator?: Authenticator;
  webhooks?: WebhookSecrets;
  /** The key audit exports are signed with; without one they are unsigned (`"signature": null`). */
  auditSigning?: AuditSigningKey;
  /** Signs the request list's page tokens (`PAGE_TOKEN_KEY`); without it, a key made at random for this server. */
  pageTokens?: PageTokens;
  /** Readiness: resolves when the API can serve requests (Temporal reachable), throws with the reason otherwise. */
  ready?: () => Promise<void>;
  /** Also export the Node process' metrics at `/metrics` (the entry points; tests build many APIs per process). */
  processMetrics?: boolean;
  /** The staff console's own settings (sessions, SLA policy, clock); the console is served whenever `requests` is. */
  console?: Omit<ConsoleOptions, 'requests' | 'authenticator' | 'pageTokens' | 'auditSigning'>;
}

/** Largest body accepted (webhooks carry whole tickets; `/api` routes set a smaller limit). */
export const WEBHOOK_BODY_LIMIT = 1024 * 1024;

/** Builds the HTTP API (not yet listening). */
export function buildApiServer(opts: ApiServerOptions = {}): FastifyInstance {
  const app: FastifyInstance = Fastify({
    ...(opts.logger ? { loggerInstance: opts.logger } : { logger: false }),
    bodyLimit: WEBHOOK_BODY_LIMIT,
  });
  app.setValidatorCompiler(validatorCompiler);
  app.setSerializerCompiler(serializerCompiler);
  installProblemHandlers(app);
  installMetrics(app, { processMetrics: opts.processMetrics });
  installJsonParser(app);

  void app.register(swagger, swaggerOptions());

  // Authentication and the role check run before the body is read: an unauthenticated caller learns nothing else.
  app.addHook('onRequest', async (request) => {
    const action = request.routeOptions.config?.action;
    if (!action) return;
    if (!opts.authenticator) throw new AppError('unauthenticated', 'No credentials are configured on this server.');
    const principal = await opts.authenticator.authenticate(request.headers.authorization);
    if (!allows(principal.role, action)) {
      throw new AppError(
        'forbidden',
        `${principal.subject} has role ${principal.role}, which may not ${describeAction(action)}.`,
      );
    }
    request.principal = principal;
  });

  // Registered after the swagger plugin (like every route) so that /openapi.json lists them.
  void app.register((scope, _opts, done) => {
    // Liveness of this process only; it does not call Temporal, so a slow cluster never fails the probe.
    scope.get(
      '/healthz',
      {
        schema: {
          summary: 'Liveness of this process',
          operationId: 'getHealth',
          security: securityOf(),
          response: { 200: z.object({ status: z.literal('ok') }) },
        },
      },
      () => ({ status: 'ok' as const }),
    );
    scope.get(
      '/openapi.json',
      {
        schema: {
          summary: 'This document',
          operationId: 'getOpenApiDocument',
          security: securityOf(),
          response: { 200: z.record(z.string(), z.unknown()).describe('OpenAPI 3.1') },
        },
      },
      () => app.swagger() as unknown as Record<string, unknown>,
    );
    // Readiness: can this process serve requests now? (Temporal lists a request within 3 s.) For load balancers and compose.
    scope.get(
      '/readyz',
      {
        schema: {
          summary: 'Readiness: Temporal (and its database) answers within 3 s',
          operationId: 'getReadiness',
          security: securityOf(),
          response: { 200: z.object({ status: z.literal('ready') }), 503: problemSchema },
        },
      },
      async (request, reply) => {
        if (!opts.ready) return { status: 'ready' as const };
        try {
          await Promise.race([
            opts.ready(),
            new Promise((_, reject) => setTimeout(() => reject(new Error('no answer within 3 s')), 3_000).unref()),
          ]);
          return { status: 'ready' as const };
        } catch (err) {
          return sendProblem(
            reply,
            request,
            new AppError(
              'unavailable',
              `Not ready: Temporal is not reachable, or cannot read its database (${(err as Error).message}).`,
            ),
          );
        }
      },
    );

    // A person opening the server's address finds the console; programs find their documents.
    scope.get('/', { schema: { hide: true } }, (_request, reply) =>
      reply
        .type('text/html; charset=utf-8')
        .header('content-security-policy', "default-src 'self'")
        .send(landingPage(opts.requests !== undefined).text),
    );

    done();
  });

  if (opts.requests) {
    const requests = opts.requests;
    void app.register((scope, _opts, done) => {
      requestRoutes(scope, requests, { auditSigning: opts.auditSigning, pageTokens: opts.pageTokens });
      done();
    });
    void app.register((scope, _opts, done) => {
      webhookRoutes(scope, requests, opts.webhooks ?? {});
      done();
    });
    void app.register(
      (scope, _opts, done) => {
        consoleRoutes(scope, {
          ...opts.console,
          requests,
          ...(opts.authenticator ? { authenticator: opts.authenticator } : {}),
          ...(opts.pageTokens ? { pageTokens: opts.pageTokens } : {}),
          ...(opts.auditSigning ? { auditSigning: opts.auditSigning } : {}),
        });
        done();
      },
      { prefix: '/console' },
    );
  }
  return app;
}

/**
 * JSON bodies as Fastify parses them (prototype poisoning refused), after a check of their depth on the raw text: a body
 * nested more than `MAX_JSON_DEPTH` (32) levels is a 400, not a stack overflow further on. The webhooks read their
 * bodies as bytes and check the same with `assertJsonDepth`.
 */
function installJsonParser(app: FastifyInstance): void {
  const parse = app.getDefaultJsonParser('error', 'error');
  app.removeContentTypeParser('application/json');
  app.addContentTypeParser('application/json', { parseAs: 'string' }, (request, body, done) => {
    const text = typeof body === 'string' ? body : body.toString('utf8');
    if (nestsDeeperThan(text)) {
      done(tooDeepError(), undefined);
      return;
    }
    void parse(request, text, done);
  });
}

function describeAction(action: Action): string {
  switch (action) {
    case 'read':
      return 'read requests';
    case 'start':
      return 'start requests';
    case 'event':
      return 'record enablement steps';
    case 'ticket_event':
      return 'send events';
    case 'metrics':
      return 'read metrics';
  }
}
