import { lookup } from 'node:dns/promises';
import { connect } from 'node:net';

/** How one TCP check ended. */
export type ConnectivityOutcome = 'connected' | 'refused' | 'timed_out' | 'dns_failure' | 'error';

/** The result of one check, like the seeds' `curl -v telnet://<host>:<port>`, with timings. */
export interface ConnectivityResult {
  host: string;
  port: number;
  outcome: ConnectivityOutcome;
  /** The address connected to (or tried), once the name resolved. */
  address?: string;
  dnsMs: number;
  connectMs?: number;
  /** The system error, for anything but `connected`. */
  detail?: string;
}

/**
 * Resolves `host` and opens a TCP connection to `port`, then closes it. Never throws: every way of failing is a result,
 * and the whole check is bounded by `timeoutMs` (name resolution included).
 */
export async function checkTcp(host: string, port: number, timeoutMs: number): Promise<ConnectivityResult> {
  const started = performance.now();
  const deadline = started + timeoutMs;
  let address: string;
  try {
    const resolved = await withTimeout(lookup(host), timeoutMs, 'name resolution');
    address = resolved.address;
  } catch (err) {
    return { host, port, outcome: 'dns_failure', dnsMs: ms(started), detail: describe(err) };
  }
  const dnsMs = ms(started);
  const connectStarted = performance.now();
  return new Promise((resolve) => {
    const socket = connect({ host: address, port });
    const finish = (outcome: ConnectivityOutcome, detail?: string) => {
      socket.destroy();
      resolve({ host, port, outcome, address, dnsMs, connectMs: ms(connectStarted), ...(detail ? { detail } : {}) });
    };
    socket.setTimeout(Math.max(1, deadline - performance.now()), () =>
      finish('timed_out', `no answer in ${timeoutMs} ms`),
    );
    socket.once('connect', () => finish('connected'));
    socket.once('error', (err: NodeJS.ErrnoException) =>
      finish(err.code === 'ECONNREFUSED' ? 'refused' : err.code === 'ETIMEDOUT' ? 'timed_out' : 'error', describe(err)),
    );
  });
}

function ms(since: number): number {
  return Math.round((performance.now() - since) * 10) / 10;
}

function describe(err: unknown): string {
  const e = err as NodeJS.ErrnoException;
  return e.code ? `${e.code}: ${e.message}` : String(e?.message ?? err);
}

function withTimeout<T>(promise: Promise<T>, timeoutMs: number, what: string): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  return Promise.race([
    promise,
    new Promise<never>((_, reject) => {
      timer = setTimeout(() => reject(new Error(`${what} took longer than ${timeoutMs} ms`)), timeoutMs);
    }),
  ]).finally(() => clearTimeout(timer));
}
