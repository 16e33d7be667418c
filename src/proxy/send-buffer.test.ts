/**
 * The send buffers of the sockets that carry bulk bytes between the sandbox and the proxy
 * (native/send-buffer.h says why): the proxy's side of each accepted connection, the
 * native relay's and the bridge's Unix sides. Read back with ss(8), the kernel's own view.
 */
import { spawn } from 'node:child_process';
import { connect, createServer } from 'node:net';
import type { AddressInfo, Server, Socket } from 'node:net';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterEach, describe, expect, it } from 'vitest';
import { tempDir } from '../../test/helpers.js';
import { openTestProxy } from '../../test/proxy-harness.js';
import { defaultUnixSendBuffer, socketsOf } from '../../test/socket-buffers.js';
import { isAirlockError } from '../core/index.js';
import { loadSendBufferWidener } from './send-buffer.js';
import { socketFd } from './socket-fd.js';

const ADDON = fileURLToPath(new URL('../../dist/native/airlock-sockets.node', import.meta.url));
const RELAY = fileURLToPath(new URL('../../dist/native/airlock-relay', import.meta.url));

const cleanups: (() => void | Promise<void>)[] = [];
afterEach(async () => {
  for (const c of cleanups.splice(0).reverse()) await c();
});

/** A connected pair over `listen` (a Unix path or TCP on loopback): [accepted, client]. */
async function connected(listen: string | 0): Promise<[Socket, Socket]> {
  const server: Server = createServer();
  const accepted = new Promise<Socket>((r) => server.once('connection', r));
  await new Promise<void>((r) => (listen === 0 ? server.listen(0, '127.0.0.1', r) : server.listen(listen, r)));
  const address = server.address();
  const client = listen === 0 ? connect((address as AddressInfo).port, '127.0.0.1') : connect(listen);
  const pair: [Socket, Socket] = [await accepted, client];
  cleanups.push(() => {
    for (const s of pair) s.destroy();
    server.close();
  });
  return pair;
}

const fdOf = (s: Socket) => socketFd(s) ?? -1;
const held = (pid: number, kind: 'unix' | 'tcp', fd: number) => socketsOf(pid, kind).find((s) => s.fd === fd);

describe('loadSendBufferWidener', () => {
  it('widens a Unix connection past the kernel default, as the kernel then reports it', async () => {
    const dir = tempDir('sndbuf');
    cleanups.push(dir.remove);
    const [accepted] = await connected(join(dir.path, 's.sock'));
    expect(held(process.pid, 'unix', fdOf(accepted))?.sendBuffer).toBe(defaultUnixSendBuffer());
    const bytes = loadSendBufferWidener(ADDON)(accepted);
    expect(bytes).toBeGreaterThan(defaultUnixSendBuffer());
    expect(held(process.pid, 'unix', fdOf(accepted))?.sendBuffer).toBe(bytes);
  });

  it('leaves a TCP socket to the kernel, which sizes TCP buffers itself', async () => {
    const [accepted] = await connected(0);
    const before = held(process.pid, 'tcp', fdOf(accepted))?.sendBuffer;
    expect(before).toBeGreaterThan(0);
    expect(loadSendBufferWidener(ADDON)(accepted)).toBe(before);
    expect(held(process.pid, 'tcp', fdOf(accepted))?.sendBuffer).toBe(before);
  });

  it('refuses to start without its addon, saying how to build it', () => {
    let thrown: unknown;
    try {
      loadSendBufferWidener('/nonexistent/airlock-sockets.node');
    } catch (error) {
      thrown = error;
    }
    expect(isAirlockError(thrown) && thrown.code === 'INTERNAL' && thrown.message.includes('npm run build')).toBe(true);
  });
});

describe('send buffers on the way out of the sandbox', () => {
  it("the proxy widens its side of every connection it accepts, and only its side", async () => {
    const proxy = await openTestProxy();
    cleanups.push(proxy.close);
    const clients = [connect(proxy.socketPath), connect(proxy.socketPath)];
    cleanups.push(() => clients.forEach((c) => c.destroy()));
    await Promise.all(clients.map((c) => new Promise((r) => c.once('connect', r))));
    let mine = socketsOf(process.pid, 'unix').filter((s) => s.local === proxy.socketPath);
    for (let i = 0; i < 50 && mine.length < 2; i++) {
      await new Promise((r) => setTimeout(r, 10));
      mine = socketsOf(process.pid, 'unix').filter((s) => s.local === proxy.socketPath);
    }
    expect(mine.map((s) => s.sendBuffer > defaultUnixSendBuffer())).toEqual([true, true]);
    for (const c of clients) expect(held(process.pid, 'unix', fdOf(c))?.sendBuffer).toBe(defaultUnixSendBuffer());
  });

  it('airlock-relay widens the Unix side it is handed and leaves the TCP side alone', async () => {
    const dir = tempDir('relay-sndbuf');
    cleanups.push(dir.remove);
    const [client] = await connected(join(dir.path, 'c.sock'));
    const [upstream] = await connected(0);
    const tcpBefore = held(process.pid, 'tcp', fdOf(upstream))?.sendBuffer;
    const relay = spawn(RELAY, ['60000'], { stdio: ['ignore', 'ignore', 'ignore', client, upstream] });
    cleanups.push(() => void relay.kill('SIGKILL'));
    let seen = held(relay.pid ?? -1, 'unix', 3);
    for (let i = 0; i < 100 && !(seen !== undefined && seen.sendBuffer > defaultUnixSendBuffer()); i++) {
      await new Promise((r) => setTimeout(r, 10));
      seen = held(relay.pid ?? -1, 'unix', 3);
    }
    expect(seen?.sendBuffer).toBeGreaterThan(defaultUnixSendBuffer());
    expect(held(relay.pid ?? -1, 'tcp', 4)?.sendBuffer).toBe(tcpBefore);
  });
});
