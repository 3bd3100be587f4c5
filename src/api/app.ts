import { Client, type Connection } from '@temporalio/client';
import type { FastifyInstance } from 'fastify';
import type { Logger as PinoLogger } from 'pino';
import { productIdentity } from '../audit/identity';
import { EnablementClient } from '../temporal/enablement-client';
import type { ApiSecurity } from './security';
import { buildApiServer } from './server';
import type { SlaPolicy } from '../console/sla-badge';

/** How long `/readyz` waits for Temporal before answering 503. */
const READY_TIMEOUT_MS = 3_000;

/**
 * `/readyz`'s check: Temporal lists one request of the namespace within 3 s. A list reads Temporal's database (its
 * visibility store), so a frontend that answers while its database is down (PostgreSQL restarting) is not ready; a
 * system-info call would still answer. One row, so it costs the same on 10 or 10 million requests.
 */
export function temporalReadiness(connection: Connection, namespace: string): () => Promise<void> {
  return async () => {
    await connection.withDeadline(Date.now() + READY_TIMEOUT_MS, () =>
      connection.workflowService.listWorkflowExecutions({ namespace, pageSize: 1 }),
    );
  };
}

/**
 * The API's Temporal client: it names itself `privatelink-api/<version>@<host>:<pid>` to Temporal, so the audit
 * history tells what came in through the API (and its webhooks) from what was sent to Temporal directly.
 */
export function productClient(connection: Connection, namespace: string): Client {
  return new Client({ connection, namespace, identity: productIdentity('api') });
}

/**
 * The product's HTTP API as `npm start` and `npm run api` serve it: requests over the given Temporal connection, the
 * configured security, the process' own metrics at `/metrics`, and `/readyz` asking Temporal for one request.
 */
export function buildProductApi(opts: {
  connection: Connection;
  namespace: string;
  logger: PinoLogger;
  security: ApiSecurity;
  /** The vendor's SLA policy, for the console's badges (business hours); without it they count wall-clock time. */
  slaPolicy?: SlaPolicy;
  /** The embedded Temporal UI's address (`TEMPORAL_UI_URL` wins), for the console's links to workflows. */
  temporalUiUrl?: string;
}): FastifyInstance {
  const { connection, namespace, logger, security } = opts;
  return buildApiServer({
    logger,
    requests: new EnablementClient(productClient(connection, namespace)),
    authenticator: security.authenticator,
    webhooks: security.webhooks,
    auditSigning: security.auditSigning,
    pageTokens: security.pageTokens,
    processMetrics: true,
    console: {
      sessions: security.sessions,
      ...(security.consoleOidc ? { oidc: security.consoleOidc } : {}),
      ...(opts.slaPolicy ? { slaPolicy: opts.slaPolicy } : {}),
      ...(opts.temporalUiUrl || security.temporalUiUrl
        ? { temporalUiUrl: security.temporalUiUrl ?? opts.temporalUiUrl }
        : {}),
    },
    ready: temporalReadiness(connection, namespace),
  });
}
