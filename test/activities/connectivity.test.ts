import { spawn } from 'node:child_process';
import { connect, createServer, type Server, type Socket } from 'node:net';
import { checkTcp } from '../../activities/connectivity';

/** Real sockets on loopback: the same check the seeds do with `curl -v telnet://<host>:<port>`. */
describe('the TCP connectivity check', () => {
  const servers: Server[] = [];
  const sockets: Socket[] = [];
  afterAll(async () => {
    for (const s of sockets) s.destroy();
    await Promise.all(servers.map((s) => new Promise((r) => s.close(r))));
  });

  async function listen(): Promise<number> {
    const server = createServer((socket) => socket.end());
    servers.push(server);
    await new Promise<void>((resolve) => server.listen({ port: 0, host: '127.0.0.1' }, resolve));
    return (server.address() as { port: number }).port;
  }

  it('reports a listening port as connected, with DNS and connect timings', async () => {
    const port = await listen();
    const result = await checkTcp('localhost', port, 2_000);
    expect(result).toMatchObject({ host: 'localhost', port, outcome: 'connected' });
    expect(['127.0.0.1', '::1']).toContain(result.address);
    expect(result.dnsMs).toBeGreaterThanOrEqual(0);
    expect(result.connectMs).toBeGreaterThanOrEqual(0);
  });

  it('reports a closed port as refused', async () => {
    const port = await listen();
    await new Promise((r) => servers.pop()!.close(r));
    const result = await checkTcp('127.0.0.1', port, 2_000);
    expect(result).toMatchObject({ outcome: 'refused', detail: expect.stringContaining('ECONNREFUSED') });
  });

  it('gives up on a port that never answers within the timeout', async () => {
    // A listener that never accepts: once its backlog is full, the kernel drops new SYNs, as a firewall would.
    const listener = spawn('python3', [
      '-c',
      'import socket,time\ns=socket.socket()\ns.bind(("127.0.0.1",0))\ns.listen(0)\nprint(s.getsockname()[1],flush=True)\ntime.sleep(60)',
    ]);
    try {
      const port = await new Promise<number>((resolve) =>
        listener.stdout.once('data', (d: Buffer) => resolve(Number(String(d).trim()))),
      );
      for (let i = 0; i < 4; i++) sockets.push(connect({ host: '127.0.0.1', port }).on('error', () => undefined));
      const result = await checkTcp('127.0.0.1', port, 600);
      expect(result).toMatchObject({ outcome: 'timed_out', detail: 'no answer in 600 ms' });
    } finally {
      listener.kill();
    }
  });

  it('reports a name that does not resolve as a DNS failure, bounded by the timeout', async () => {
    const result = await checkTcp('no-such-host.invalid', 443, 3_000);
    expect(result.outcome).toBe('dns_failure');
    expect(result.address).toBeUndefined();
    expect(result.detail).toMatch(/ENOTFOUND|EAI_AGAIN|took longer than 3000 ms/);
  });
});
