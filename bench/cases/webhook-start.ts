/**
 * Webhook → workflow start rate: signed `POST /webhooks/tickets` (`ticket.created`, Standard Webhooks signature,
 * zod-checked body, the event check, then update-with-start, answered once the request has taken the event) against
 * the raw client's `workflow.start` with the same intake on a task queue no worker polls. Since issue 15 the webhook
 * answers what became of the event, so its number includes the request's first workflow task on the product's worker;
 * the raw update-with-start on that worker is measured alongside as a diagnostic. The deliveries come from a child process (the ticket system is
 * another machine: its HTTP client's work is not the product's), signed before the clock starts.
 */
import { spawn } from 'node:child_process';
import { WithStartWorkflowOperation } from '@temporalio/client';
import { applyEnablementEventUpdate } from '../../src/temporal/messages';
import { WORKFLOW_TYPE, workflowIdForTicket } from '../../src/temporal/names';
import { signStandard } from '../../test/helpers/api';
import { validIntake } from '../../test/fixtures/requests';
import type { BenchEnvironment } from '../environment';
import { compare, THROUGHPUT_TARGET, type BenchmarkResult, type BenchSizes } from '../result';
import { pool, round, since } from '../stats';
import { submissionEventId } from '../../src/domain/ticket';
import { benchTicket } from './common';

/** Starts done and the time they took, per kind. */
export interface StartSamples {
  webhook: { starts: number; ms: number; batches: number[] };
  raw: { starts: number; ms: number; batches: number[] };
  /** Diagnostic: the raw client's update-with-start, the call the webhook makes, without the HTTP layer. */
  rawUpdateWithStart: { starts: number; ms: number; batches: number[] };
}

/**
 * The sender, run by a plain `node` child: POSTs every delivery with `concurrency` in flight and prints the
 * milliseconds from the first request to the last answer, or the first answer that was not 202. A delivery without
 * headers is signed as it is sent (Standard Webhooks, with \`secret\`): a signature is only accepted for five minutes,
 * which thousands of deliveries outlast.
 */
const SENDER = `
const { createHmac, randomBytes } = require('node:crypto');
function sign(secret, body) {
  const id = 'msg_' + randomBytes(8).toString('hex');
  const ts = String(Math.floor(Date.now() / 1000));
  const key = Buffer.from(secret.slice('whsec_'.length), 'base64');
  const signature = 'v1,' + createHmac('sha256', key).update(id + '.' + ts + '.' + body).digest('base64');
  return { 'content-type': 'application/json', 'webhook-id': id, 'webhook-timestamp': ts, 'webhook-signature': signature };
}
let input = '';
process.stdin.on('data', (d) => (input += d));
process.stdin.on('end', async () => {
  const { url, concurrency, deliveries, secret } = JSON.parse(input);
  let next = 0;
  let failure;
  const started = performance.now();
  await Promise.all(Array.from({ length: concurrency }, async () => {
    while (next < deliveries.length && !failure) {
      const { body, headers = sign(secret, body) } = deliveries[next++];
      const res = await fetch(url, { method: 'POST', headers, body });
      const answer = await res.text();
      if (res.status !== 202) failure = res.status + ' ' + answer;
    }
  }));
  process.stdout.write(JSON.stringify({ ms: performance.now() - started, failure }));
});
`;

export function sendFromChild(
  url: string,
  concurrency: number,
  deliveries: { body: string; headers?: Record<string, string> }[],
  secret?: string,
): Promise<number> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, ['-e', SENDER], { stdio: ['pipe', 'pipe', 'pipe'] });
    let out = '';
    let err = '';
    child.stdout.on('data', (d: Buffer) => (out += d.toString()));
    child.stderr.on('data', (d: Buffer) => (err += d.toString()));
    child.once('error', reject);
    child.once('exit', (code) => {
      try {
        const { ms, failure } = JSON.parse(out) as { ms: number; failure?: string };
        if (code !== 0 || failure) throw new Error(failure ? `a webhook answered ${failure}` : `exit ${code}`);
        resolve(ms);
      } catch (e) {
        reject(new Error(`the webhook sender failed: ${(e as Error).message} ${err.slice(-500)}`));
      }
    });
    child.stdin.end(JSON.stringify({ url, concurrency, deliveries, secret }));
  });
}

/** Alternates batches of webhook deliveries and raw starts; the first round is a warm-up. */
export async function sampleStarts(env: BenchEnvironment, sizes: BenchSizes): Promise<StartSamples> {
  const out: StartSamples = {
    webhook: { starts: 0, ms: 0, batches: [] },
    raw: { starts: 0, ms: 0, batches: [] },
    rawUpdateWithStart: { starts: 0, ms: 0, batches: [] },
  };
  const warmup = sizes.webhookRounds > 1;
  for (let r = 0; r < sizes.webhookRounds + (warmup ? 1 : 0); r++) {
    const n = sizes.webhookStartsPerRound;
    const deliveries = Array.from({ length: n }, (_, i) => {
      const ticketId = benchTicket('WH', r * 10_000 + i);
      const body = JSON.stringify({ type: 'ticket.created', data: validIntake('aws', 'unidirectional', ticketId) });
      return { body, headers: signStandard(body, [env.webhookSecret]) };
    });
    const webhookMs = await sendFromChild(
      `${env.intakeApi.url}/webhooks/tickets`,
      sizes.webhookConcurrency,
      deliveries,
    );

    const starts = Array.from({ length: n }, (_, i) => {
      const ticketId = benchTicket('RAW', r * 10_000 + i);
      return { ticketId, intake: validIntake('aws', 'unidirectional', ticketId) };
    });
    const started = performance.now();
    await pool(n, sizes.webhookConcurrency, async (i) => {
      const { ticketId, intake } = starts[i]!;
      await env.client.workflow.start(WORKFLOW_TYPE, {
        workflowId: workflowIdForTicket(ticketId),
        taskQueue: env.unpolledQueue,
        args: [{ ticketId, intake }],
      });
    });
    const rawMs = since(started);

    const signalStarted = performance.now();
    await pool(n, sizes.webhookConcurrency, async (i) => {
      const ticketId = `${starts[i]!.ticketId}-uws`;
      const intake = { ...starts[i]!.intake, ticketId };
      await env.client.workflow.executeUpdateWithStart(applyEnablementEventUpdate, {
        args: [{ type: 'ticket.submitted', actor: 'bench', eventId: submissionEventId(ticketId), intake }],
        startWorkflowOperation: new WithStartWorkflowOperation(WORKFLOW_TYPE, {
          workflowId: workflowIdForTicket(ticketId),
          taskQueue: env.queues.product,
          args: [{ ticketId }],
          workflowIdConflictPolicy: 'USE_EXISTING',
        }),
      });
    });
    const signalMs = since(signalStarted);
    if (warmup && r === 0) continue;
    for (const [k, ms] of [
      ['webhook', webhookMs],
      ['raw', rawMs],
      ['rawUpdateWithStart', signalMs],
    ] as const) {
      out[k].starts += n;
      out[k].ms += ms;
      out[k].batches.push(round((n * 1000) / ms));
    }
  }
  return out;
}

/** The starts/second comparison. */
export function startResult(s: StartSamples, sizes: BenchSizes): BenchmarkResult {
  const rate = (k: keyof StartSamples) => (s[k].starts * 1000) / s[k].ms;
  const side = (k: 'webhook' | 'raw', extra: Record<string, number> = {}) => ({
    value: rate(k),
    unit: 'starts/s',
    raw: { starts: s[k].starts, ms: round(s[k].ms), startsPerSecondPerBatch: s[k].batches, ...extra },
  });
  return compare(
    {
      id: 'webhook-start-rate',
      title: `Webhook → workflow start, ${sizes.webhookConcurrency} concurrent`,
      baselineIs: 'raw client workflow.start with the same intake',
      baseline: side('raw'),
      product: side('webhook', { rawUpdateWithStartPerSecond: round(rate('rawUpdateWithStart')) }),
      note: "signed POST /webhooks/tickets (ticket.created → update-with-start, answered once the request has taken it) sent by a child process, on the product's worker; the baseline's workflow.start goes to a queue no worker polls; raw.rawUpdateWithStartPerSecond is the webhook's call from the raw client",
    },
    THROUGHPUT_TARGET,
  );
}
