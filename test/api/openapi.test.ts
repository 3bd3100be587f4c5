import { execFile } from 'node:child_process';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { createConfig, lintFromString } from '@redocly/openapi-core';
import type { FastifyInstance } from 'fastify';
import { buildApiServer } from '../../src/api/server';
import { eventComponentName } from '../../src/api/openapi';
import { eventTypes, payloadFields } from '../../src/domain/events';
import type { EnablementClient } from '../../src/temporal/enablement-client';
import { repoRoot } from '../helpers/processes';

/**
 * Issue 16, item 12: `/openapi.json` is a document a client can be generated from. It passes Redocly's recommended
 * lint, says the security of every route, describes the events body as one schema per event type, and
 * openapi-typescript makes from it a typed client (openapi-fetch) under which a right call type-checks and a wrong one
 * does not.
 */
const run = promisify(execFile);

interface Operation {
  operationId?: string;
  security?: Record<string, string[]>[];
  requestBody?: { content: Record<string, { schema: Record<string, unknown> }> };
}
interface Document {
  paths: Record<string, Record<string, Operation>>;
  components: { schemas: Record<string, { required?: string[]; properties: Record<string, unknown> }> };
}

let app: FastifyInstance;
let document: Document;
beforeAll(async () => {
  // The document needs the routes, not a Temporal server: no route is called here.
  app = buildApiServer({ requests: {} as EnablementClient });
  const answer = await app.inject({ method: 'GET', url: '/openapi.json' });
  expect(answer.statusCode).toBe(200);
  document = answer.json<Document>();
});
afterAll(() => app.close());

const operations = () =>
  Object.entries(document.paths).flatMap(([path, item]) =>
    Object.entries(item).map(([method, operation]) => ({ path, method, operation })),
  );

describe('GET /openapi.json', () => {
  it("passes Redocly's recommended rules", async () => {
    const config = await createConfig({
      extends: ['recommended'],
      // /healthz, /readyz and /openapi.json take no input, so they have no 4xx answer to describe.
      rules: { 'operation-4xx-response': 'off' },
    });
    const problems = await lintFromString({ source: JSON.stringify(document), absoluteRef: 'openapi.json', config });
    expect(problems.map((p) => `${p.severity} ${p.ruleId}: ${p.message} at ${p.location[0]?.pointer}`)).toEqual([]);
  });

  it('lists every route with an operation id and its security: bearer on /api, each webhook its signature, none on health', () => {
    const seen = operations().map(({ path, method, operation }) => ({
      route: `${method.toUpperCase()} ${path}`,
      operationId: typeof operation.operationId,
      security: operation.security,
    }));
    expect(seen.map((s) => s.route).sort()).toEqual(
      [
        'GET /healthz',
        'GET /readyz',
        'GET /openapi.json',
        'POST /api/requests',
        'GET /api/requests',
        'GET /api/connections',
        'GET /api/requests/{ticketId}',
        'POST /api/requests/{ticketId}/events',
        'GET /api/requests/{ticketId}/history',
        'POST /webhooks/tickets',
        'POST /webhooks/zendesk',
        'POST /webhooks/jira',
      ].sort(),
    );
    for (const s of seen) {
      expect(`${s.route} ${s.operationId}`).toBe(`${s.route} string`);
      const expected = s.route.includes(' /api/')
        ? [{ bearer: [] }]
        : s.route.endsWith('/webhooks/tickets')
          ? [{ standardWebhooks: [] }]
          : s.route.endsWith('/webhooks/zendesk')
            ? [{ zendeskSignature: [] }]
            : s.route.endsWith('/webhooks/jira')
              ? [{ jiraSignature: [] }]
              : [];
      expect({ route: s.route, security: s.security }).toEqual({ route: s.route, security: expected });
    }
  });

  it('describes the events body as one schema per event type, told apart by type, with its required fields', () => {
    const body = document.paths['/api/requests/{ticketId}/events']!.post!.requestBody!.content['application/json']!
      .schema as {
      oneOf: { $ref: string }[];
      discriminator: { propertyName: string; mapping: Record<string, string> };
    };
    const refs = eventTypes.map((type) => `#/components/schemas/${eventComponentName(type)}`);
    expect(body.oneOf.map((o) => o.$ref)).toEqual(refs);
    expect(body.discriminator.propertyName).toBe('type');
    expect(Object.entries(body.discriminator.mapping)).toEqual(eventTypes.map((type, i) => [type, refs[i]]));
    for (const type of eventTypes) {
      const schema = document.components.schemas[eventComponentName(type)]!;
      const required = payloadFields(type)
        .filter((f) => f.required)
        .map((f) => f.name);
      expect({ type, required: schema.required }).toEqual({ type, required: ['type', ...required] });
      // The actor is the caller: no body may name one.
      expect(Object.keys(schema.properties)).not.toContain('actor');
    }
  });

  it('generates a typed client (openapi-typescript + openapi-fetch) under which a right event call type-checks and a wrong one does not', async () => {
    // Inside the repository, so the generated client resolves openapi-fetch from its node_modules.
    const base = join(repoRoot, 'node_modules', '.cache');
    mkdirSync(base, { recursive: true });
    const dir = mkdtempSync(join(base, 'openapi-client-'));
    try {
      writeFileSync(join(dir, 'openapi.json'), JSON.stringify(document));
      const bin = (name: string) => join(repoRoot, 'node_modules', '.bin', name);
      await run(bin('openapi-typescript'), [join(dir, 'openapi.json'), '-o', join(dir, 'api.d.ts')]);
      writeFileSync(
        join(dir, 'client.ts'),
        `import createClient from 'openapi-fetch';
import type { paths } from './api';

const client = createClient<paths>({ baseUrl: 'http://127.0.0.1:3000', headers: { authorization: 'Bearer x' } });

export async function recordSteps(ticketId: string): Promise<void> {
  await client.POST('/api/requests/{ticketId}/events', {
    params: { path: { ticketId } },
    body: { type: 'vendor_endpoint.created', endpointId: 'vpce-0a1b2c3d4e5f67890', endpointDns: '10.0.3.7' },
  });
  await client.POST('/api/requests/{ticketId}/events', {
    params: { path: { ticketId } },
    body: { type: 'connection.approved', eventId: 'step-2' },
  });
  await client.POST('/api/requests/{ticketId}/events', {
    params: { path: { ticketId } },
    // @ts-expect-error vendor_endpoint.created needs endpointDns
    body: { type: 'vendor_endpoint.created', endpointId: 'vpce-0a1b2c3d4e5f67890' },
  });
  await client.POST('/api/requests/{ticketId}/events', {
    params: { path: { ticketId } },
    // @ts-expect-error no event type is called this
    body: { type: 'connection.aproved' },
  });
  await client.GET('/api/requests', { params: { query: { status: 'in_progress', pageSize: 100 } } });
  // @ts-expect-error status is one of the request statuses
  await client.GET('/api/requests', { params: { query: { status: 'done' } } });
}
`,
      );
      const checked = await run(
        process.execPath,
        [
          join(repoRoot, 'node_modules', 'typescript', 'bin', 'tsc'),
          '--noEmit',
          '--strict',
          '--skipLibCheck',
          '--target',
          'es2022',
          '--module',
          'nodenext',
          '--moduleResolution',
          'nodenext',
          join(dir, 'client.ts'),
        ],
        { cwd: dir },
      ).then(
        () => 'type-checks',
        (err: Error & { stdout?: string }) => err.stdout ?? err.message,
      );
      expect(checked).toBe('type-checks');
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  }, 120_000);
});
