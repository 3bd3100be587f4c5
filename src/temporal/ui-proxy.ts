/**
 * The embedded Temporal UI, read-only. `temporal server start-dev` runs the UI with write actions on (terminate,
 * cancel, signal, reset, update, batch operations, schedules) and no way to turn them off, and the UI has no login: on
 * a machine others can reach, anyone who opens it could end a request without a trace in the product's audit. So the
 * dev server's UI listens on a private loopback port and this proxy serves `TEMPORAL_UI_PORT` in front of it, as the
 * Temporal UI server's own `disableWriteActions` does: reads pass (GET, HEAD, and a workflow query's POST), every
 * other request is a 405, and the UI's settings say `DisableWriteActions: true`, so it hides the buttons too.
 * `TEMPORAL_UI_WRITE_ACTIONS=true` runs the UI without the proxy, as before.
 */
import { createServer, type IncomingMessage, request, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';

/** A running proxy; `close` stops it. */
export interface ReadOnlyUiProxy {
  url: string;
  close(): Promise<void>;
}

/** What a refused write is told. */
export const WRITE_REFUSED =
  'Write actions are disabled on this Temporal UI: it is read-only. Record steps through the API or plctl; set TEMPORAL_UI_WRITE_ACTIONS=true to allow them here.';

/** A workflow query: a POST that only reads (the Temporal UI server lets it through with write actions off too). */
const QUERY_PATH = /^\/api\/v1\/namespaces\/[^/]+\/workflows\/[^/]+\/query\/[^/]+$/;
const SETTINGS_PATH = /^\/api\/v1\/settings\/?$/;

/** True when a request only reads. `path` is already normalized (no `..`); encoded slashes never count as a read. */
export function isReadOnly(method: string, path: string): boolean {
  if (method === 'GET' || method === 'HEAD' || method === 'OPTIONS') return true;
  return method === 'POST' && QUERY_PATH.test(path) && !/%2f|%5c/i.test(path);
}

/** Serves `ip:port`, forwarding reads to the UI at `127.0.0.1:upstreamPort` and refusing everything else. */
export async function startReadOnlyUiProxy(opts: {
  ip: string;
  port: number;
  upstreamPort: number;
}): Promise<ReadOnlyUiProxy> {
  const server: Server = createServer((req, res) => forward(req, res, opts.upstreamPort));
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(opts.port, opts.ip, () => {
      server.off('error', reject);
      resolve();
    });
  });
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://${opts.ip}:${port}`,
    close: () =>
      new Promise<void>((resolve) => {
        server.close(() => resolve());
        server.closeAllConnections();
      }),
  };
}

function forward(req: IncomingMessage, res: ServerResponse, upstreamPort: number): void {
  let url: URL;
  try {
    // Parsed, so what is checked is what is forwarded: `..` and `%2e%2e` segments are resolved here.
    url = new URL(req.url ?? '/', 'http://ui.invalid');
  } catch {
    req.resume();
    res.writeHead(400, { 'content-type': 'text/plain' }).end('Bad request\n');
    return;
  }
  const method = req.method ?? 'GET';
  if (!isReadOnly(method, url.pathname)) {
    req.resume();
    res
      .writeHead(405, { 'content-type': 'application/json', allow: 'GET, HEAD' })
      .end(JSON.stringify({ message: WRITE_REFUSED }));
    return;
  }
  const settings = method === 'GET' && SETTINGS_PATH.test(url.pathname);
  const headers = { ...req.headers };
  // The settings are rewritten, so they are asked for uncompressed.
  if (settings) delete headers['accept-encoding'];
  const upstream = request(
    { host: '127.0.0.1', port: upstreamPort, method, path: `${url.pathname}${url.search}`, headers },
    (answer) => {
      if (!settings || answer.statusCode !== 200) {
        res.writeHead(answer.statusCode ?? 502, answer.headers);
        answer.pipe(res);
        return;
      }
      const chunks: Buffer[] = [];
      answer.on('data', (chunk: Buffer) => chunks.push(chunk));
      answer.on('end', () => {
        let body: Buffer;
        try {
          const parsed = JSON.parse(Buffer.concat(chunks).toString('utf8')) as Record<string, unknown>;
          body = Buffer.from(JSON.stringify({ ...parsed, DisableWriteActions: true }));
        } catch {
          res.writeHead(502, { 'content-type': 'text/plain' }).end('The Temporal UI answered unreadable settings\n');
          return;
        }
        const { 'content-length': _length, 'transfer-encoding': _encoding, ...rest } = answer.headers;
        res.writeHead(200, { ...rest, 'content-length': body.length }).end(body);
      });
    },
  );
  upstream.on('error', () => {
    if (!res.headersSent)
      res.writeHead(502, { 'content-type': 'text/plain' }).end('The Temporal UI is not answering\n');
    else res.destroy();
  });
  req.pipe(upstream);
}
