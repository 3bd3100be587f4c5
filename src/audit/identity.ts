/**
 * The Temporal client identities of the product's own processes. Temporal writes the identity of whoever sent a
 * signal or update, started or terminated a workflow, completed a workflow task or an activity into the event history;
 * the audit timeline names it (`via`) and says whether it is one of the product's (`authenticated`).
 *
 * An identity is asserted by the client that connects, not checked by Temporal: `authenticated: true` means "came in
 * through the product's API or worker" only as far as access to Temporal is restricted to the product (docs/audit.md).
 */
import { hostname } from 'node:os';
import { productVersion } from '../version';

/** The product's processes that talk to Temporal: the HTTP API (with its webhooks) and the worker. */
export type ProductProcess = 'api' | 'worker';

const prefixes: Readonly<Record<ProductProcess, string>> = {
  api: 'privatelink-api/',
  worker: 'privatelink-worker/',
};

let version: string | undefined;

/**
 * The identity a product process gives its Temporal client or worker: `privatelink-api/<version>@<host>:<pid>` or
 * `privatelink-worker/<version>@<host>:<pid>`.
 */
export function productIdentity(process_: ProductProcess): string {
  version ??= productVersion();
  return `${prefixes[process_]}${version}@${hostname()}:${process.pid}`;
}

/** Which product process an identity names, or undefined for anything else (the stock CLI, the UI, another SDK). */
export function productProcessOf(identity: string | null | undefined): ProductProcess | undefined {
  if (!identity) return undefined;
  return (Object.keys(prefixes) as ProductProcess[]).find((p) => identity.startsWith(prefixes[p]));
}
