import { execFile } from 'node:child_process';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { promisify } from 'node:util';
import Ajv2020 from 'ajv/dist/2020';
import addFormats from 'ajv-formats';
import type { FastifyInstance } from 'fastify';
import type { TimelineExport } from '../../src/audit/chain';
import { validIntake } from '../fixtures/requests';
import { buildTestApi, newWebhookSecret, signStandard, testCredentials, bearer } from '../helpers/api';
import { repoRoot } from '../helpers/processes';
import { useTemporal } from '../helpers/temporal';

/**
 * Issue 16, item 12, on the real stack: every answer the API gives is what `/openapi.json` says it is. A client
 * generated from the running server's document (openapi-typescript + openapi-fetch) starts a request, records a step
 * and reads the state view, the list and the audit history through typed fields, against a real API, dev server and
 * worker; and each kind of answer (state view, event outcome, list page, history, webhook answer, problem) is checked
 * against the document's own JSON Schema.
 */
const run = promisify(execFile);
const temporal = useTemporal('dev-server');
const creds = testCredentials();
const secret = newWebhookSecret();
let api: FastifyInstance;
let baseUrl: string;
let document: { components: { schemas: Record<string, unknown> } };
beforeAll(async () => {
  api = buildTestApi(temporal, { store: creds.store, webhooks: { tickets: [secret] } });
  baseUrl = await api.listen({ host: '127.0.0.1', port: 0 });
  document = (await (await fetch(`${baseUrl}/openapi.json`)).json()) as typeof document;
});
afterAll(() => api.close());

let n = 0;
const nextTicket = () => `OAC-${Date.now().toString(36)}-${++n}`;
const support = bearer(creds.tokens.support);

/** Checks a value against `#/components/schemas/<name>` of the served document. */
function conforms(name: string, value: unknown): string[] {
  const ajv = new Ajv2020({ strict: false, allErrors: true });
  addFormats(ajv);
  ajv.addSchema({ ...document, $id: 'openapi.json' });
  const validate = ajv.getSchema(`openapi.json#/components/schemas/${name}`);
  if (!validate) throw new Error(`the document has no component ${name}`);
  return validate(value) ? [] : (validate.errors ?? []).map((e) => `${e.instancePath} ${e.message}`);
}

describe('the API answers what its OpenAPI document says', () => {
  it('a client generated from the served document drives a request through typed fields', async () => {
    const ticketId = nextTicket();
    const base = join(repoRoot, 'node_modules', '.cache');
    mkdirSync(base, { recursive: true });
    const dir = mkdtempSync(join(base, 'openapi-client-'));
    try {
      writeFileSync(join(dir, 'openapi.json'), JSON.stringify(document));
      await run(join(repoRoot, 'node_modules', '.bin', 'openapi-typescript'), [
        join(dir, 'openapi.json'),
        '-o',
        join(dir, 'api.d.ts'),
      ]);
      writeFileSync(
        join(dir, 'client.ts'),
        `import createClient from 'openapi-fetch';
import type { components, paths } from './api';

type Intake = paths['/api/requests']['post']['requestBody']['content']['application/json'];
const client = createClient<paths, 'application/json'>({
  baseUrl: process.env.BASE_URL!,
  headers: { authorization: \`Bearer \${process.env.TOKEN}\` },
});
const ticketId = process.env.TICKET!;

function ok<T>(answer: { data?: T; error?: unknown; response: Response }): T {
  if (answer.data === undefined) throw new Error(\`\${answer.response.status} \${JSON.stringify(answer.error)}\`);
  return answer.data;
}

async function main(): Promise<void> {
  const started: components['schemas']['EventOutcome'] = ok(
    await client.POST('/api/requests', { body: JSON.parse(process.env.INTAKE!) as Intake }),
  );
  const step = ok(
    await client.POST('/api/requests/{ticketId}/events', {
      params: { path: { ticketId } },
      body: { type: 'customer_access.granted', comment: 'allowlisted in the console' },
    }),
  );
  const view = ok(await client.GET('/api/requests/{ticketId}', { params: { path: { ticketId } } }));
  const page = ok(await client.GET('/api/requests', { params: { query: { pageSize: 200 } } }));
  const history = ok(await client.GET('/api/requests/{ticketId}/history', { params: { path: { ticketId } } }));
  // @ts-expect-error the state view has no field called nope
  void view.nope;
  // @ts-expect-error waitingOn is one of vendor, customer, none
  const never: typeof view.waitingOn = 'support';
  void never;
  console.log(
    JSON.stringify({
      started: { status: started.status, state: started.state, actor: started.event.actor },
      step: { state: step.state, result: step.event.result, pending: step.effects.pending },
      view: {
        waitingOn: view.waitingOn,
        allowedEvents: view.allowedEvents,
        cloud: view.request.intake?.cloud,
        ports: view.request.intake?.services.map((s) => s.port),
        problems: view.request.problems.map((p) => p.field),
        lastEvent: view.events.at(-1)?.comment,
      },
      listed: page.requests.some((r) => r.ticketId === ticketId),
      history: { head: history.head, last: history.entries.at(-1)?.hash, kinds: [...new Set(history.entries.map((e) => e.kind))] },
    }),
  );
}
void main();
`,
      );
      const tsc = join(repoRoot, 'node_modules', 'typescript', 'bin', 'tsc');
      const flags = ['--noEmit', '--strict', '--skipLibCheck', '--target', 'es2022', '--module', 'nodenext'];
      const checked = await run(process.execPath, [tsc, ...flags, '--moduleResolution', 'nodenext', 'client.ts'], {
        cwd: dir,
      }).then(
        () => 'type-checks',
        (err: Error & { stdout?: string }) => err.stdout ?? err.message,
      );
      expect(checked).toBe('type-checks');

      const intake = validIntake('aws', 'unidirectional', ticketId);
      const out = await temporal.withWorker(() =>
        run(process.execPath, ['--import', 'tsx', 'client.ts'], {
          cwd: dir,
          env: {
            ...process.env,
            BASE_URL: baseUrl,
            TOKEN: creds.tokens.support,
            TICKET: ticketId,
            INTAKE: JSON.stringify(intake),
          },
        }),
      );
      const said = JSON.parse(out.stdout) as {
        started: unknown;
        step: { state: string; result: string };
        view: Record<string, unknown>;
        listed: boolean;
        history: { head: string; last: string; kinds: string[] };
      };
      expect(said.started).toEqual({ status: 'in_progress', state: 'allowlisting', actor: creds.subjects.support });
      expect(said.step).toMatchObject({ result: 'applied', state: 'awaitingEndpoint' });
      expect(said.view).toMatchObject({
        waitingOn: 'customer',
        cloud: 'aws',
        ports: (intake.services as { port: number }[]).map((s) => s.port),
        problems: [],
        lastEvent: 'allowlisted in the console',
      });
      expect(said.view.allowedEvents).toContain('endpoint.requested');
      expect(said.listed).toBe(true);
      expect(said.history.head).toBe(said.history.last);
      expect(said.history.kinds).toEqual(expect.arrayContaining(['request.started', 'event', 'state.changed']));
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  }, 180_000);

  it('every kind of answer conforms to its schema in the document', () =>
    temporal.withWorker(async () => {
      const ticketId = nextTicket();
      const call = async (method: 'GET' | 'POST', url: string, payload?: object) => {
        const res = await api.inject({ method, url, headers: support, ...(payload ? { payload } : {}) });
        return { status: res.statusCode, body: res.json<unknown>() };
      };
      const started = await call('POST', '/api/requests', validIntake('azure', 'bidirectional', ticketId));
      expect(started.status).toBe(201);
      expect(conforms('EventOutcome', started.body)).toEqual([]);
      const step = await call('POST', `/api/requests/${ticketId}/events`, {
        type: 'note.added',
        text: 'checked with the customer',
      });
      expect(step.status).toBe(200);
      expect(conforms('EventOutcome', step.body)).toEqual([]);
      const view = await call('GET', `/api/requests/${ticketId}`);
      expect(conforms('StateView', view.body)).toEqual([]);
      const page = await call('GET', '/api/requests?pageSize=5');
      expect(conforms('RequestPage', page.body)).toEqual([]);
      const history = await call('GET', `/api/requests/${ticketId}/history`);
      expect(conforms('TimelineExport', history.body)).toEqual([]);
      expect((history.body as TimelineExport).entries.length).toBeGreaterThan(2);

      // An incomplete request: problems, a draft, no intake, no SLA yet.
      const incomplete = nextTicket();
      const waiting = await call('POST', '/api/requests', { ticketId: incomplete, company: 'Acme' });
      expect(waiting.body).toMatchObject({ status: 'awaiting_information', request: { intake: null } });
      expect(conforms('EventOutcome', waiting.body)).toEqual([]);
      expect(conforms('StateView', (await call('GET', `/api/requests/${incomplete}`)).body)).toEqual([]);

      // A ticket webhook: taken (202), then the same delivery again (200, a repeat).
      const body = JSON.stringify({ type: 'ticket.updated', data: { ticketId: incomplete, subject: 'PrivateLink' } });
      const headers = signStandard(body, [secret]);
      for (const expected of [202, 200]) {
        const res = await api.inject({ method: 'POST', url: '/webhooks/tickets', headers, payload: body });
        expect(res.statusCode).toBe(expected);
        expect(conforms('WebhookAnswer', res.json())).toEqual([]);
      }

      // The schema is no formality: a wrong answer does not conform.
      expect(conforms('StateView', { ...(view.body as object), waitingOn: 'support' })).not.toEqual([]);
      expect(conforms('RequestPage', { query: '', requests: [] })).not.toEqual([]);
    }));
});
