import { spawn } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { connect, createServer, type Server, type Socket } from 'node:net';
import { networkInterfaces } from 'node:os';
import { checkConnectivity, type Resolve } from '../../activities/connectivity';
import { eventually } from '../helpers/eventually';

/**
 * This machine's own non-loopback IPv4 address: a real address the check may be allowed to reach (loopback never is).
 * Every machine the tests run on (a laptop, a CI container) has one.
 */
function hostAddress(): string {
  const address = Object.values(networkInterfaces())
    .flat()
    .find((i) => i && i.family === 'IPv4' && !i.internal)?.address;
  if (!address) throw new Error('these tests need a non-loopback IPv4 address on this machine');
  return address;
}

/** Real sockets: the same check the seeds do with `curl -v telnet://<host>:<port>`. */
describe('the TCP connectivity check', () => {
  const host = hostAddress();
  const allowHost = { allowedCidrs: [`${host}/32`], timeoutMs: 2_000 };
  const servers: Server[] = [];
  const sockets: Socket[] = [];
  afterAll(async () => {
    for (const s of sockets) s.destroy();
    await Promise.all(servers.map((s) => new Promise((r) => s.close(r))));
  });

  /** A listener on `address` that counts the connections it gets. */
  async function listen(address = host): Promise<{ port: number; connections: () => number }> {
    let connections = 0;
    const server = createServer((socket) => {
      connections++;
      socket.end();
    });
    servers.push(server);
    await new Promise<void>((resolve) => server.listen({ port: 0, host: address }, resolve));
    return { port: (server.address() as { port: number }).port, connections: () => connections };
  }

  /** A listener that never accepts: once its backlog is full, the kernel drops new SYNs, as a firewall would. */
  async function blackhole(): Promise<{ port: number; stop: () => void }> {
    const listener = spawn('python3', [
      '-c',
      `import socket,time\ns=socket.socket()\ns.bind(("${host}",0))\ns.listen(0)\nprint(s.getsockname()[1],flush=True)\ntime.sleep(60)`,
    ]);
    const port = await new Promise<number>((resolve) =>
      listener.stdout.once('data', (d: Buffer) => resolve(Number(String(d).trim()))),
    );
    for (let i = 0; i < 4; i++) sockets.push(connect({ host, port }).on('error', () => undefined));
    return { port, stop: () => listener.kill() };
  }

  it('reports a listening port as connected, with DNS and connect timings', async () => {
    const { port } = await listen();
    const [result] = await checkConnectivity({ target: host, ports: [port] }, allowHost);
    expect(result).toMatchObject({ host, port, outcome: 'connected', address: host });
    expect(result!.dnsMs).toBeGreaterThanOrEqual(0);
    expect(result!.connectMs).toBeGreaterThanOrEqual(0);
  });

  it('reports a closed port as refused', async () => {
    const { port } = await listen();
    await new Promise((r) => servers.pop()!.close(r));
    const [result] = await checkConnectivity({ target: host, ports: [port] }, allowHost);
    expect(result).toMatchObject({ outcome: 'refused', detail: expect.stringContaining('ECONNREFUSED') });
  });

  it('gives up on a port that never answers within the timeout', async () => {
    const { port, stop } = await blackhole();
    try {
      const [result] = await checkConnectivity({ target: host, ports: [port] }, { ...allowHost, timeoutMs: 600 });
      expect(result).toMatchObject({ outcome: 'timed_out', detail: 'no answer in 600 ms' });
    } finally {
      stop();
    }
  });

  it('reports a name that does not resolve as a DNS failure, bounded by the timeout', async () => {
    // An Azure private endpoint's name in the reserved .invalid domain, which never resolves.
    const [result] = await checkConnectivity(
      { target: 'vendor-pe.privatelink.invalid', ports: [443] },
      { ...allowHost, timeoutMs: 3_000 },
    );
    expect(result!.outcome).toBe('dns_failure');
    expect(result!.address).toBeUndefined();
    expect(result!.detail).toMatch(/ENOTFOUND|EAI_AGAIN|took longer than 3000 ms/);
  });
});

/** Issue 15, finding 3: the check was an internal port scanner (any host, any number of ports, all at once). */
describe('where the connectivity check may connect', () => {
  const host = hostAddress();
  const servers: Server[] = [];
  afterAll(() => Promise.all(servers.map((s) => new Promise((r) => s.close(r)))));

  /**
   * A listener on `address`. `connectionsSoFar` counts the connections it has had: it connects once itself and waits
   * until the listener has seen that, so every connection made before it is counted too (then leaves itself out).
   */
  async function listen(address: string): Promise<{ port: number; connectionsSoFar: () => Promise<number> }> {
    let connections = 0;
    const server = createServer((socket) => {
      connections++;
      socket.end();
    });
    servers.push(server);
    await new Promise<void>((resolve) => server.listen({ port: 0, host: address }, resolve));
    const { port } = server.address() as { port: number };
    const connectionsSoFar = async () => {
      const before = connections;
      connect({ host: address, port }).on('error', () => undefined);
      await eventually(
        () => connections,
        (n) => n > before,
        { what: 'the listener to see its own connection' },
      );
      connections--;
      return connections;
    };
    return { port, connectionsSoFar };
  }

  it('never reaches a loopback listener, even with everything allowed: 1,000 ports give 20 refusals and no connection', async () => {
    const local = await listen('127.0.0.2');
    const ports = Array.from({ length: 1_000 }, (_, i) => (i % 2 ? local.port : 1024 + i));
    const results = await checkConnectivity(
      { target: '127.0.0.2', ports },
      { allowedCidrs: ['0.0.0.0/0', '::/0'], timeoutMs: 1_000 },
    );
    expect(await local.connectionsSoFar()).toBe(0);
    expect(results).toHaveLength(1_000);
    expect(results.map((r) => r.port)).toEqual(ports);
    expect(new Set(results.slice(0, 20).map((r) => `${r.outcome}: ${r.detail}`))).toEqual(
      new Set(['not_allowed: not allowed: 127.0.0.2 is a loopback address']),
    );
    expect(new Set(results.slice(20).map((r) => r.outcome))).toEqual(new Set(['not_checked']));
    expect(results[20]!.detail).toBe('a check tries the first 20 ports only');
  });

  it.each([
    ['169.254.169.254', 'the cloud instance metadata address'],
    ['169.254.170.2', 'a link-local address (cloud metadata, DNS and time services live there)'],
    ['fd00:ec2::254', 'the AWS instance metadata address'],
    ['::1', 'a loopback address'],
    ['::ffff:127.0.0.1', 'a loopback address'],
    ['0.0.0.0', 'an unspecified ("this network") address'],
    ['224.0.0.1', 'a multicast address'],
  ])('refuses %s (%s) whatever the configuration allows', async (target, what) => {
    const results = await checkConnectivity(
      { target, ports: [80] },
      { allowedCidrs: ['0.0.0.0/0', '::/0'], timeoutMs: 1_000 },
    );
    expect(results).toEqual([
      expect.objectContaining({ outcome: 'not_allowed', detail: `not allowed: ${target} is ${what}` }),
    ]);
  });

  it('refuses private and public addresses the vendor configuration does not list, saying so', async () => {
    const check = (target: string, allowedCidrs: string[]) =>
      checkConnectivity({ target, ports: [3306] }, { allowedCidrs, timeoutMs: 1_000 }).then(([r]) => r!.detail);
    expect(await check('10.20.3.4', [])).toBe(
      'not allowed: 10.20.3.4 is a private address, and the vendor configuration allows none (connectivity.allowedCidrs)',
    );
    expect(await check('10.21.3.4', ['10.20.0.0/16'])).toBe(
      'not allowed: 10.21.3.4 is a private address outside connectivity.allowedCidrs of the vendor configuration',
    );
    expect(await check('8.8.8.8', ['10.20.0.0/16'])).toBe(
      'not allowed: 8.8.8.8 is a public address outside connectivity.allowedCidrs of the vendor configuration',
    );
  });

  it('checks only endpoint DNS names and addresses, never other names', async () => {
    for (const target of [
      'localhost',
      'metadata.google.internal',
      '0177.0.0.1',
      '2130706433',
      '<vendor-endpoint-dns-name>',
    ]) {
      const [result] = await checkConnectivity(
        { target, ports: [80] },
        { allowedCidrs: ['0.0.0.0/0'], timeoutMs: 500 },
      );
      expect(result).toMatchObject({
        outcome: 'not_allowed',
        detail: expect.stringContaining(`${JSON.stringify(target)} is not an AWS endpoint DNS name`),
      });
      expect(result!.address).toBeUndefined();
    }
  });

  it('judges every address a name resolves to, and connects to the address it judged, never the name again', async () => {
    const allowed = await listen(host);
    const target = 'vendor-pe.privatelink.acme.example';
    const options = { allowedCidrs: [`${host}/32`], timeoutMs: 1_000 };
    // A resolver answering as a rebinding DNS server would: an allowed address with loopback beside it...
    const [mixed] = await checkConnectivity(
      { target, ports: [allowed.port] },
      { ...options, resolve: () => Promise.resolve([host, '127.0.0.1']) },
    );
    expect(mixed).toMatchObject({ outcome: 'not_allowed', address: '127.0.0.1' });
    expect(mixed!.detail).toBe('not allowed: 127.0.0.1 is a loopback address');
    expect(await allowed.connectionsSoFar()).toBe(0);
    // ... or the allowed address first and loopback on every later question.
    const answers: string[][] = [[host]];
    const asked: string[] = [];
    const rebinding: Resolve = (name) => {
      asked.push(name);
      return Promise.resolve(answers.shift() ?? ['127.0.0.1']);
    };
    const results = await checkConnectivity(
      { target, ports: [allowed.port, allowed.port, allowed.port] },
      { ...options, resolve: rebinding },
    );
    expect(results.map((r) => [r.outcome, r.address])).toEqual(Array(3).fill(['connected', host]));
    expect(asked).toEqual([target]);
    expect(await allowed.connectionsSoFar()).toBe(3);
  });

  it('refuses ports that are not TCP ports, one result per port', async () => {
    const { port } = await listen(host);
    const results = await checkConnectivity(
      { target: host, ports: [0, port, 70_000] },
      { allowedCidrs: [`${host}/32`], timeoutMs: 1_000 },
    );
    expect(results.map((r) => r.outcome)).toEqual(['not_allowed', 'connected', 'not_allowed']);
    expect(results[2]!.detail).toBe('not allowed: 70000 is not a TCP port');
  });

  it('keeps at most 4 connections open at once', async () => {
    // A listener that never accepts: each connection waits in SYN-SENT until it times out, where the kernel shows it.
    const listener = spawn('python3', [
      '-c',
      `import socket,time\ns=socket.socket()\ns.bind(("${host}",0))\ns.listen(0)\nprint(s.getsockname()[1],flush=True)\ntime.sleep(60)`,
    ]);
    const fillers: Socket[] = [];
    try {
      const port = await new Promise<number>((resolve) =>
        listener.stdout.once('data', (d: Buffer) => resolve(Number(String(d).trim()))),
      );
      for (let i = 0; i < 4; i++) fillers.push(connect({ host, port }).on('error', () => undefined));
      // The fillers that did not fit the backlog wait in SYN-SENT too: the check's own connections are the ones above.
      const fillersWaiting = (
        await eventually(
          () => tcpStatesTo(host, port),
          (s) => s.established + s.synSent === fillers.length,
          { what: 'the fillers to connect or wait' },
        )
      ).synSent;
      const waiting = () => tcpStatesTo(host, port).synSent - fillersWaiting;
      let most = 0;
      let done = false;
      const check = checkConnectivity(
        { target: host, ports: Array<number>(12).fill(port) },
        { allowedCidrs: [`${host}/32`], timeoutMs: 400 },
      ).finally(() => (done = true));
      while (!done) {
        most = Math.max(most, waiting());
        await new Promise((r) => setTimeout(r, 10));
      }
      expect((await check).map((r) => r.outcome)).toEqual(Array(12).fill('timed_out'));
      expect(most).toBe(4);
    } finally {
      for (const s of fillers) s.destroy();
      listener.kill();
    }
  });
});

/** Connections from this machine to `address:port` by state, as /proc/net/tcp lists them (Linux). */
function tcpStatesTo(address: string, port: number): { established: number; synSent: number } {
  const hex = (n: number, width: number) => n.toString(16).padStart(width, '0').toUpperCase();
  const remote = `${address
    .split('.')
    .map(Number)
    .reverse()
    .map((b) => hex(b, 2))
    .join('')}:${hex(port, 4)}`;
  const states = readFileSync('/proc/net/tcp', 'utf8')
    .split('\n')
    .slice(1)
    .map((line) => line.trim().split(/\s+/))
    .filter((cols) => cols[2] === remote)
    .map((cols) => cols[3]);
  return {
    established: states.filter((s) => s === '01').length,
    synSent: states.filter((s) => s === '02').length,
  };
}
