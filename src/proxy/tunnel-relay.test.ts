/**
 * One suite for both tunnel relays (airlock-relay, native, as sessions run it; and
 * Node's, without it): bytes both ways untouched, half-closes kept, what Node had read
 * before the hand-over delivered first and in order, counts in net.tunnel.closed, and
 * nothing left running when the proxy closes.
 */
import { createHash, randomBytes } from 'node:crypto';
import { connect, createServer } from 'node:net';
import type { AddressInfo, Server, Socket } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openTestProxy } from '../../test/proxy-harness.js';
import type { TestProxy } from '../../test/proxy-harness.js';
import { closedWithin, openTunnelVia } from '../../test/hardening/raw-client.js';

/** Echoes until the client half-closes, then writes "bye" and half-closes too. A server that speaks first says "hello". */
async function startServer(): Promise<{ port: number; close: () => Promise<void> }> {
  const server: Server = createServer({ allowHalfOpen: true }, (s) => {
    s.write('hello\n');
    s.on('data', (c: Buffer) => s.write(c));
    s.on('end', () => s.end('bye\n'));
    s.on('error', () => s.destroy());
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  return { port: (server.address() as AddressInfo).port, close: () => new Promise((r) => server.close(() => r())) };
}

function collect(s: Socket): Promise<Buffer> {
  return new Promise((resolve) => {
    const chunks: Buffer[] = [];
    s.on('data', (c: Buffer) => chunks.push(c));
    s.on('end', () => resolve(Buffer.concat(chunks)));
    s.resume();
  });
}

const sha = (b: Buffer) => createHash('sha256').update(b).digest('hex');

describe.each(['native', 'node'] as const)('the %s tunnel relay', (relay) => {
  let server: Awaited<ReturnType<typeof startServer>>;
  let proxy: TestProxy;
  beforeAll(async () => {
    server = await startServer();
    proxy = await openTestProxy({ relay, egress: { allow: [{ host: 'echo.test', ports: [server.port], inspect: false, allowPrivate: false }], resolve: { 'echo.test': '127.0.0.1' } } });
  });
  afterAll(async () => {
    await proxy.close();
    await server.close();
  });

  it('relays 8 MiB both ways untouched, the server speaking first, half-closes kept, and counts them', async () => {
    const s = await openTunnelVia(proxy.socketPath, `echo.test:${server.port}`);
    const received = collect(s);
    const payload = randomBytes(8 * 1024 * 1024);
    s.end(payload);
    const got = await received;
    expect(got.subarray(0, 6).toString()).toBe('hello\n');
    expect(sha(got.subarray(6, got.length - 4))).toBe(sha(payload));
    expect(got.subarray(got.length - 4).toString()).toBe('bye\n');
    await new Promise((r) => setTimeout(r, 100));
    expect(proxy.events.filter((e) => e.type === 'net.tunnel.closed').at(-1)).toMatchObject({ bytesUp: payload.length, bytesDown: payload.length + 10, host: 'echo.test' });
  });

  it('delivers bytes the client sent right behind its CONNECT, first and in order', async () => {
    const s = await new Promise<Socket>((resolve, reject) => {
      const c = connect({ path: proxy.socketPath, allowHalfOpen: true }, () => resolve(c));
      c.once('error', reject);
    });
    const received = collect(s);
    s.end(`CONNECT echo.test:${server.port} HTTP/1.1\r\nHost: echo.test\r\n\r\nearly bytes`);
    const text = (await received).toString('latin1');
    expect(text).toMatch(/^HTTP\/1\.1 200 [^\r]*\r\n\r\nhello\nearly bytesbye\n$/);
  });
});

/** Sends `bytes` through an echo tunnel and resolves once they all came back (the tunnel stays open). */
function echoThrough(s: Socket, bytes: number, first = false): Promise<void> {
  return new Promise((resolve) => {
    let back = first ? -6 : 0; // the server's hello comes first
    const onData = (c: Buffer) => {
      back += c.length;
      if (back >= bytes) {
        s.off('data', onData);
        resolve();
      }
    };
    s.on('data', onData);
    s.resume();
    s.write(randomBytes(bytes));
  });
}

const processes = async () => {
  const { execFileSync } = await import('node:child_process');
  return execFileSync('ps', ['-eo', 'pid=,ppid=,comm=']).toString().trim().split('\n').map((l) => l.trim().split(/\s+/) as [string, string, string]);
};
/** airlock-relay processes started by the relay hosts of this process (its children). */
const relaysOf = async (pid: number) => {
  const rows = await processes();
  const children = new Set(rows.filter(([, ppid]) => ppid === String(pid)).map(([p]) => p));
  return rows.filter(([, ppid, comm]) => children.has(ppid) && comm === 'airlock-relay');
};
/** The pids of the relay hosts this process started. */
const hostPidsOf = async (pid: number) => {
  const { execFileSync } = await import('node:child_process');
  return execFileSync('ps', ['-eo', 'pid=,ppid=,args=']).toString().split('\n').map((l) => l.trim().split(/\s+/)).filter(([, ppid, ...args]) => ppid === String(pid) && args.join(' ').includes('relay-host.js')).map(([p]) => Number(p));
};
const until = async (what: () => Promise<boolean>, ms: number) => {
  for (const end = Date.now() + ms; Date.now() < end; await new Promise((r) => setTimeout(r, 20))) if (await what()) return true;
  return what();
};

/** airlock-relay processes this process started itself: a fork of the whole proxy each. */
const forkedBy = async (pid: number) => (await processes()).filter(([, ppid, comm]) => ppid === String(pid) && comm === 'airlock-relay');

describe('the native relay and the proxy', () => {
  it('takes over a tunnel that carried a MiB, not before, and ends it after idleTimeoutMs of quiet', async () => {
    const server = await startServer();
    const hostsBefore = (await hostPidsOf(process.pid)).length;
    const proxy = await openTestProxy({ limits: { idleTimeoutMs: 600 }, egress: { allow: [{ host: 'echo.test', ports: [server.port], inspect: false, allowPrivate: false }], resolve: { 'echo.test': '127.0.0.1' } } });
    expect(await hostPidsOf(process.pid)).toHaveLength(hostsBefore); // no process until a tunnel opens
    const s = await openTunnelVia(proxy.socketPath, `echo.test:${server.port}`);
    await echoThrough(s, 100_000, true);
    expect(await relaysOf(process.pid)).toEqual([]);
    expect(await hostPidsOf(process.pid)).toHaveLength(hostsBefore + 1);
    await echoThrough(s, 2 * 1024 * 1024);
    await new Promise((r) => setTimeout(r, 100));
    expect(await relaysOf(process.pid)).toHaveLength(1);
    expect(await forkedBy(process.pid)).toEqual([]);
    await echoThrough(s, 1000); // still relayed, in order, after the hand-over
    const quietSince = Date.now();
    expect(await closedWithin(s, 3000)).toBe(true);
    expect(Date.now() - quietSince).toBeGreaterThanOrEqual(550);
    await new Promise((r) => setTimeout(r, 100));
    expect(proxy.events.filter((e) => e.type === 'net.tunnel.closed').at(-1)).toMatchObject({ bytesUp: 100_000 + 2 * 1024 * 1024 + 1000 });
    await proxy.close();
    await server.close();
  });

  it('leaves no relay running once the proxy is closed with busy tunnels open', async () => {
    const server = await startServer();
    const proxy = await openTestProxy({ egress: { allow: [{ host: 'echo.test', ports: [server.port], inspect: false, allowPrivate: false }], resolve: { 'echo.test': '127.0.0.1' } } });
    const tunnels = await Promise.all([1, 2, 3].map(() => openTunnelVia(proxy.socketPath, `echo.test:${server.port}`)));
    await Promise.all(tunnels.map((t) => echoThrough(t, 2 * 1024 * 1024, true)));
    await new Promise((r) => setTimeout(r, 100));
    expect(await relaysOf(process.pid)).toHaveLength(3);
    await proxy.close();
    await new Promise((r) => setTimeout(r, 200));
    expect(await relaysOf(process.pid)).toEqual([]);
    for (const t of tunnels) t.destroy();
    await server.close();
  });

  it('a relay host that dies takes its relays with it; the tunnel is recorded relayLost, and the next tunnel gets a new host', async () => {
    const server = await startServer();
    const proxy = await openTestProxy({ egress: { allow: [{ host: 'echo.test', ports: [server.port], inspect: false, allowPrivate: false }], resolve: { 'echo.test': '127.0.0.1' } } });
    const first = await openTunnelVia(proxy.socketPath, `echo.test:${server.port}`);
    await echoThrough(first, 2 * 1024 * 1024, true);
    expect(await until(async () => (await relaysOf(process.pid)).length === 1, 2000)).toBe(true);
    const [host] = await hostPidsOf(process.pid);
    process.kill(host as number, 'SIGKILL');
    // The relay dies with its host, so the tunnel ends: nothing relays it out of the proxy's sight.
    expect(await closedWithin(first, 3000)).toBe(true);
    expect(await relaysOf(process.pid)).toEqual([]);
    await new Promise((r) => setTimeout(r, 100));
    expect(proxy.events.filter((e) => e.type === 'net.tunnel.closed').at(-1)).toMatchObject({ relayLost: true, host: 'echo.test' });
    // A host is forked again at most once a second (HOST_RESTART_MS).
    await new Promise((r) => setTimeout(r, 1100));
    const second = await openTunnelVia(proxy.socketPath, `echo.test:${server.port}`);
    const received = collect(second);
    const payload = randomBytes(4 * 1024 * 1024);
    second.end(payload);
    const got = await received;
    expect(sha(got.subarray(6, got.length - 4))).toBe(sha(payload));
    expect((await hostPidsOf(process.pid)).filter((p) => p !== host)).toHaveLength(1);
    await new Promise((r) => setTimeout(r, 100));
    const closed = proxy.events.filter((e) => e.type === 'net.tunnel.closed').at(-1);
    expect(closed).toMatchObject({ bytesUp: payload.length, bytesDown: payload.length + 10 });
    expect(closed?.relayLost).toBeUndefined();
    await proxy.close();
    await server.close();
  });
});
