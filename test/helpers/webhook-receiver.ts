import { createServer, type IncomingHttpHeaders, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';

/** One request the receiver got. */
export interface ReceivedRequest {
  method: string;
  path: string;
  headers: IncomingHttpHeaders;
  body: unknown;
}

/**
 * A local HTTP endpoint that records what it receives (JSON bodies) and answers with the statuses it is told to,
 * in order (then 200). Stands in for third-party receivers over real HTTP.
 */
export class WebhookReceiver {
  readonly received: ReceivedRequest[] = [];
  private readonly statuses = new Map<string, number[]>();
  private server: Server | undefined;
  url = '';

  /**
   * Answer the next requests about one ticket (`ticketId` in the JSON body) with these statuses, e.g. 503, 503, 503,
   * then 200s. Scoped to a ticket so effects of other requests still in flight cannot use them up.
   */
  failNext(ticketId: string, ...statuses: number[]): void {
    this.statuses.set(ticketId, [...(this.statuses.get(ticketId) ?? []), ...statuses]);
  }

  async start(): Promise<this> {
    this.server = createServer((req, res) => {
      let body = '';
      req.on('data', (chunk: Buffer) => (body += chunk.toString()));
      req.on('end', () => {
        const parsed = body ? (JSON.parse(body) as { ticketId?: string }) : undefined;
        this.received.push({ method: req.method ?? '', path: req.url ?? '', headers: req.headers, body: parsed });
        const status = this.statuses.get(parsed?.ticketId ?? '')?.shift() ?? 200;
        res
          .writeHead(status, { 'content-type': 'application/json' })
          .end(status < 300 ? '{"ok":true}' : '{"error":"unavailable"}');
      });
    });
    await new Promise<void>((resolve) => this.server!.listen(0, '127.0.0.1', resolve));
    this.url = `http://127.0.0.1:${(this.server.address() as AddressInfo).port}/notify`;
    return this;
  }

  async stop(): Promise<void> {
    await new Promise((resolve) => this.server?.close(resolve));
  }
}
