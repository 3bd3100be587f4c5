import { lookup } from 'node:dns/promises';
import { connect } from 'node:net';
import {
  type Cidr,
  cidrContains,
  embeddedIpv4,
  endpointDnsProblem,
  neverCheckedReason,
  parseCidr,
  parseIp,
  privateRanges,
} from '../src/domain/formats';
import { quoted } from '../src/domain/limits';

/**
 * How one TCP check ended. `not_allowed`: the target was not checked at all (not an endpoint DNS name or address, or
 * it resolved to an address the worker may not connect to; `detail` says which). `not_checked`: the port was past
 * {@link MAX_PORTS_PER_CHECK}.
 */
export type ConnectivityOutcome =
  'connected' | 'refused' | 'timed_out' | 'dns_failure' | 'error' | 'not_allowed' | 'not_checked';

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

/** A check tries at most this many ports (the intake allows no more services; older requests may have more). */
export const MAX_PORTS_PER_CHECK = 20;
/** At most this many connections of one check are open at once. */
export const MAX_CONCURRENT_CONNECTIONS = 4;

/** Resolves a name to its addresses, as the system resolver does (`/etc/hosts`, then DNS). */
export type Resolve = (host: string) => Promise<string[]>;

const systemResolve: Resolve = async (host) =>
  (await lookup(host, { all: true, verbatim: true })).map((entry) => entry.address);

/** How a check runs: where it may connect, how long each step may take. */
export interface ConnectivityOptions {
  /** The vendor configuration's `connectivity.allowedCidrs`: the only blocks a check may connect to. */
  allowedCidrs: readonly string[];
  /** Bound on name resolution, and on each connection. */
  timeoutMs: number;
  /** The name resolver (the system's by default). */
  resolve?: Resolve;
}

/**
 * The connectivity check of a request: `target` (the vendor endpoint's DNS name or address) on each port, like
 * `curl -v telnet://<target>:<port>`. Never throws and never connects anywhere its policy does not allow:
 *
 * - the target must be an endpoint DNS name of either cloud or an IP address;
 * - it is resolved once, and every address it resolves to must be allowed: never loopback, link-local, metadata,
 *   unspecified, multicast or reserved, and inside one of `allowedCidrs` (none by default, so nothing is checked
 *   until the vendor lists its VPC blocks). Connections go to the address that was judged, never to the name again;
 * - at most {@link MAX_PORTS_PER_CHECK} ports, at most {@link MAX_CONCURRENT_CONNECTIONS} connections at once.
 *
 * One result per port, in the order asked: a refused target is every port's `not_allowed` result, with the reason.
 */
export async function checkConnectivity(
  input: { target: string; ports: number[] },
  { allowedCidrs, timeoutMs, resolve = systemResolve }: ConnectivityOptions,
): Promise<ConnectivityResult[]> {
  const host = typeof input.target === 'string' ? input.target : String(input.target);
  const ports = Array.isArray(input.ports) ? input.ports : [];
  const tried = ports.slice(0, MAX_PORTS_PER_CHECK);
  const skipped = ports.slice(MAX_PORTS_PER_CHECK).map((port): ConnectivityResult => ({
    host,
    port,
    outcome: 'not_checked',
    dnsMs: 0,
    detail: `a check tries the first ${MAX_PORTS_PER_CHECK} ports only`,
  }));
  const notAllowed = (dnsMs: number, detail: string, address?: string) =>
    tried.map((port): ConnectivityResult => ({
      host,
      port,
      outcome: 'not_allowed',
      ...(address ? { address } : {}),
      dnsMs,
      detail,
    }));

  const formatProblem = endpointDnsProblem(undefined, host, quoted(host, 260));
  if (formatProblem) return [...notAllowed(0, `not allowed: ${formatProblem}`), ...skipped];

  const started = performance.now();
  let addresses: string[];
  try {
    addresses = await withTimeout(resolve(host), timeoutMs, 'name resolution');
  } catch (err) {
    const dnsMs = ms(started);
    return [
      ...tried.map((port): ConnectivityResult => ({
        host,
        port,
        outcome: 'dns_failure',
        dnsMs,
        detail: describe(err),
      })),
      ...skipped,
    ];
  }
  const dnsMs = ms(started);
  const allowed = allowedCidrs.flatMap((text) => {
    const parsed = parseCidr(text);
    return parsed.ok ? [parsed.cidr] : [];
  });
  // Every address the name has must be allowed, not just the first: a name that also resolves elsewhere is refused.
  for (const address of addresses) {
    const reason = addressRefusal(address, allowed);
    if (reason) return [...notAllowed(dnsMs, `not allowed: ${reason}`, address), ...skipped];
  }
  const address = addresses[0];
  if (address === undefined) {
    return [...notAllowed(dnsMs, `not allowed: ${quoted(host, 260)} resolved to no address`), ...skipped];
  }

  const results = await mapBounded(tried, MAX_CONCURRENT_CONNECTIONS, async (port): Promise<ConnectivityResult> => {
    if (!Number.isInteger(port) || port < 1 || port > 65_535) {
      return { host, port, outcome: 'not_allowed', dnsMs, detail: `not allowed: ${quoted(port)} is not a TCP port` };
    }
    return { ...(await connectTo(address, port, timeoutMs)), host, dnsMs };
  });
  return [...results, ...skipped];
}

/** Why the check may not connect to `text` (an address as resolved), or `undefined` when it may. */
export function addressRefusal(text: string, allowed: readonly Cidr[]): string | undefined {
  const address = parseIp(text);
  if (!address) return `${quoted(text)} is not an IP address`;
  const never = neverCheckedReason(address);
  if (never) return `${text} is ${never}`;
  const judged = embeddedIpv4(address) ?? address;
  if (allowed.some((block) => cidrContains(block, judged))) return undefined;
  const kind = privateRanges.some((block) => cidrContains(block, judged)) ? 'a private' : 'a public';
  return allowed.length
    ? `${text} is ${kind} address outside connectivity.allowedCidrs of the vendor configuration`
    : `${text} is ${kind} address, and the vendor configuration allows none (connectivity.allowedCidrs)`;
}

/** Runs `fn` on every item, at most `limit` at once; the results in the items' order. */
async function mapBounded<T, R>(items: readonly T[], limit: number, fn: (item: T) => Promise<R>): Promise<R[]> {
  const results = new Array<R>(items.length);
  let next = 0;
  const lane = async () => {
    while (next < items.length) {
      const i = next++;
      results[i] = await fn(items[i]!);
    }
  };
  await Promise.all(Array.from({ length: Math.min(limit, items.length) }, lane));
  return results;
}

/** Opens a TCP connection to an address (never a name: it was resolved and judged already), then closes it. */
function connectTo(
  address: string,
  port: number,
  timeoutMs: number,
): Promise<Omit<ConnectivityResult, 'host' | 'dnsMs'>> {
  const started = performance.now();
  return new Promise((resolve) => {
    const socket = connect({ host: address, port });
    const finish = (outcome: ConnectivityOutcome, detail?: string) => {
      socket.destroy();
      resolve({ port, outcome, address, connectMs: ms(started), ...(detail ? { detail } : {}) });
    };
    socket.setTimeout(timeoutMs, () => finish('timed_out', `no answer in ${timeoutMs} ms`));
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
