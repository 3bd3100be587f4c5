import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';

/** A scripted failure: the status to answer, optionally a Retry-After, optionally after doing the work anyway. */
export interface FakeFailure {
  status: number;
  retryAfter?: string;
  /** Apply the request, then answer with the failure (a lost answer: the comment exists, the caller sees an error). */
  afterCommit?: boolean;
}

/**
 * What the local fakes of outside HTTP APIs share: a server on a free loopback port, a log of the requests it got,
 * and scripted failures per method. Each fake implements {@link handle} with its system's wire format.
 */
export abstract class FakeHttpService<Method extends string> {
  readonly requests: { method: string; path: string }[] = [];
  url = '';
  private readonly failures = new Map<string, FakeFailure[]>();
  private server: Server | undefined;

  /** Answer the next requests with this method with these failures, in order (then normally). */
  failNext(method: Method, ...failures: (number | FakeFailure)[]): void {
    const queue = this.failures.get(method) ?? [];
    queue.push(...failures.map((f) => (typeof f === 'number' ? { status: f } : f)));
    this.failures.set(method, queue);
  }

  /** The next scripted failure for a method, if any (taken from the queue). */
  protected nextFailure(method: string): FakeFailure | undefined {
    return this.failures.get(method)?.shift();
  }

  async start(): Promise<this> {
    this.server = createServer((req, res) => {
      let body = '';
      req.on('data', (chunk: Buffer) => (body += chunk.toString()));
      req.on('end', () => this.handle(req, body, res));
    });
    await new Promise<void>((resolve) => this.server!.listen(0, '127.0.0.1', resolve));
    this.url = `http://127.0.0.1:${(this.server.address() as AddressInfo).port}`;
    return this;
  }

  async stop(): Promise<void> {
    await new Promise((resolve) => this.server?.close(resolve));
  }

  protected abstract handle(req: IncomingMessage, raw: string, res: ServerResponse): void;
}
