import Fastify, { type FastifyBaseLogger, type FastifyInstance } from 'fastify';

/** Dependencies of the HTTP API. */
export interface ApiServerOptions {
  /** A pino logger; without one the API logs nothing. */
  logger?: FastifyBaseLogger;
}

/** Builds the HTTP API (not yet listening). */
export function buildApiServer(opts: ApiServerOptions = {}): FastifyInstance {
  const app: FastifyInstance = opts.logger ? Fastify({ loggerInstance: opts.logger }) : Fastify({ logger: false });
  // Liveness of this process only; it does not call Temporal, so a slow cluster never fails the probe.
  app.get('/healthz', () => ({ status: 'ok' }));
  return app;
}
