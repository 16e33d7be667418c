import { spawn, spawnSync } from 'node:child_process';
import type { ChildProcess } from 'node:child_process';
import { createHash, randomBytes } from 'node:crypto';
import { existsSync, writeFileSync } from 'node:fs';
import { connect, createServer } from 'node:net';
import type { Server, Socket } from 'node:net';
import { join } from 'node:path';
import { afterEach, beforeAll, describe, expect, it } from 'vitest';
import { ROOT, tempDir } from '../../test/helpers.js';
import { defaultUnixSendBuffer, socketsOf } from '../../test/socket-buffers.js';

// airlock-bridge (native/airlock-bridge.c) run directly on the host: it needs no sandbox,
// only loopback TCP and a Unix socket, both real.

const BRIDGE = join(ROOT, 'dist', 'native', 'airlock-bridge');
const BIG_BYTES = 100 * 1024 * 1024;
const CONCURRENT_CONNECTIONS = 300;
/** Keeps the bridge alive until the test ends; 'ready' says it listens (it listens first). */
const IDLE_COMMAND = ['sh', '-c', 'echo ready; exec sleep 600'];

interface BridgeRun {
  child: ChildProcess;
  exited: Promise<{ code: number | null; stdout: string; stderr: string }>;
  ready: Promise<void>;
}

const cleanups: (() => void | Promise<void>)[] = [];
afterEach(async () => {
  for (const cleanup of cleanups.splice(0).reverse()) await cleanup();
});

const sha = (b: Buffer) => createHash('sha256').update(b).digest('hex');

function startBridge(port: number, socketPath: string, command: string[]): BridgeRun {
  const child = spawn(BRIDGE, [String(port), socketPath, ...command], { stdio: ['pipe', 'pipe', 'pipe'] });
  cleanups.push(() => stop(child));
  let stdout = '';
  let stderr = '';
  const ready = new Promise<void>((resolve, reject) => {
    child.stdout?.on('data', (b: Buffer) => {
      stdout += b.toString();
      if (stdout.includes('ready')) resolve();
    });
    child.on('close', () => reject(new Error(`the bridge exited before the command was ready; stderr: ${stderr}`)));
  });
  ready.catch(() => {});
  child.stderr?.on('data', (b: Buffer) => (stderr += b.toString()));
  const exited = new Promise<{ code: number | null; stdout: string; stderr: string }>((resolve) => {
    child.on('close', (code) => resolve({ code, stdout, stderr }));
  });
  return { child, exited, ready };
}

/** SIGTERM, which the bridge forwards, so the command goes too; SIGKILL would orphan it. */
async function stop(child: ChildProcess): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null) return;
  const gone = new Promise((resolve) => child.once('exit', resolve));
  child.kill('SIGTERM');
  const timer = setTimeout(() => child.kill('SIGKILL'), 2000);
  await gone;
  clearTimeout(timer);
}

async function listenTcp(): Promise<{ server: Server; port: number }> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const address = server.address();
  if (address === null || typeof address === 'string') throw new Error(`expected a TCP address, got ${address}`);
  return { server, port: address.port };
}

async function freePort(): Promise<number> {
  const { server, port } = await listenTcp();
  await new Promise((resolve) => server.close(resolve));
  return port;
}

/** A stand-in for the governance proxy, listening on a Unix socket. */
async function openProxy(socketPath: string, onConnection: (socket: Socket) => void): Promise<Server> {
  const server = createServer({ allowHalfOpen: true }, onConnection);
  await new Promise<void>((resolve) => server.listen(socketPath, resolve));
  cleanups.push(() => void server.close());
  return server;
}

function echo(socket: Socket): void {
  socket.on('error', () => {});
  socket.pipe(socket);
}

/** Everything a socket sends until its end, hashed as it arrives. */
function receive(socket: Socket): Promise<{ bytes: number; sha: string; text: string }> {
  const hash = createHash('sha256');
  let bytes = 0;
  let head = '';
  socket.on('data', (b: Buffer) => {
    hash.update(b);
    bytes += b.length;
    if (head.length < 4096) head += b.toString('latin1');
  });
  return new Promise((resolve, reject) => {
    socket.on('error', reject);
    socket.on('end', () => resolve({ bytes, sha: hash.digest('hex'), text: head }));
  });
}

function dial(port: number): Socket {
  const socket = connect({ port, host: '127.0.0.1', allowHalfOpen: true });
  cleanups.push(() => void socket.destroy());
  return socket;
}

async function roundTrip(port: number, payload: Buffer): Promise<Buffer> {
  const socket = dial(port);
  const chunks: Buffer[] = [];
  socket.on('data', (b: Buffer) => chunks.push(b));
  socket.end(payload);
  await new Promise<void>((resolve, reject) => {
    socket.on('end', resolve);
    socket.on('error', reject);
  });
  return Buffer.concat(chunks);
}

/** A fresh port, socket path and bridge running IDLE_COMMAND, ready for connections. */
async function setUp(): Promise<{ port: number; socketPath: string; bridge: BridgeRun }> {
  const dir = tempDir('bridge');
  cleanups.push(dir.remove);
  const port = await freePort();
  const socketPath = join(dir.path, 'proxy.sock');
  const bridge = startBridge(port, socketPath, IDLE_COMMAND);
  await bridge.ready;
  return { port, socketPath, bridge };
}

describe('airlock-bridge', () => {
  beforeAll(() => {
    if (!existsSync(BRIDGE)) throw new Error(`${BRIDGE} is missing: run node scripts/build-native.mjs (or npm run build)`);
  });

  it('relays bytes both ways, byte-exact, as they come', async () => {
    const { port, socketPath } = await setUp();
    await openProxy(socketPath, echo);
    const everyByte = Buffer.from(Array.from({ length: 256 }, (_, i) => i));
    expect((await roundTrip(port, everyByte)).equals(everyByte)).toBe(true);
    // Interactive: each small message comes back before the next one is sent.
    const socket = dial(port);
    for (const message of ['a', 'bc', 'def']) {
      const back = new Promise<Buffer>((resolve) => socket.once('data', resolve));
      socket.write(message);
      expect((await back).toString()).toBe(message);
    }
  });

  it('relays 100 MB each way at the same time, byte-exact', async () => {
    const { port, socketPath } = await setUp();
    const up = randomBytes(BIG_BYTES);
    const down = randomBytes(BIG_BYTES);
    let received: Promise<{ bytes: number; sha: string }> | undefined;
    await openProxy(socketPath, (socket) => {
      received = receive(socket);
      socket.end(down);
    });
    const client = dial(port);
    const got = receive(client);
    client.end(up);
    const [atClient, atProxy] = [await got, await received];
    expect(atProxy).toMatchObject({ bytes: BIG_BYTES, sha: sha(up) });
    expect(atClient).toMatchObject({ bytes: BIG_BYTES, sha: sha(down) });
  }, 60_000);

  it("widens its Unix connection's send buffer, so uploads are not held to 208 KiB in flight", async () => {
    const { port, socketPath, bridge } = await setUp();
    await openProxy(socketPath, echo);
    const socket = dial(port);
    const back = new Promise<Buffer>((resolve) => socket.once('data', resolve));
    socket.write('x');
    expect((await back).toString()).toBe('x');
    // fds 0-2 are the test's stdio socketpairs; the connection to the proxy is the other one.
    const toProxy = socketsOf(bridge.child.pid ?? -1, 'unix').filter((s) => s.fd > 2);
    expect(toProxy.map((s) => s.sendBuffer > defaultUnixSendBuffer())).toEqual([true]);
  });

  it('keeps relaying the reply after the client half-closes', async () => {
    const { port, socketPath } = await setUp();
    const seen: string[] = [];
    await openProxy(socketPath, (socket) => {
      let request = '';
      socket.on('data', (b: Buffer) => (request += b.toString()));
      socket.on('end', () => {
        seen.push(`proxy got end after ${request}`);
        setTimeout(() => socket.end('reply'), 50);
      });
    });
    const client = dial(port);
    const got = receive(client);
    client.end('request');
    expect((await got).text).toBe('reply');
    expect(seen).toEqual(['proxy got end after request']);
  });

  it('keeps relaying the request after the proxy half-closes', async () => {
    const { port, socketPath } = await setUp();
    let request: Promise<{ text: string }> | undefined;
    await openProxy(socketPath, (socket) => {
      request = receive(socket);
      socket.end('early answer');
    });
    const client = dial(port);
    const got = receive(client);
    expect((await got).text).toBe('early answer');
    client.end('late request');
    expect((await request)?.text).toBe('late request');
  });

  it(`echoes ${CONCURRENT_CONNECTIONS} concurrent connections, each its own payload`, async () => {
    const { port, socketPath } = await setUp();
    await openProxy(socketPath, echo);
    const payloads = Array.from({ length: CONCURRENT_CONNECTIONS }, (_, i) => Buffer.concat([Buffer.from(`conn ${i}:`), randomBytes(20_000 + i)]));
    const echoed = await Promise.all(payloads.map((p) => roundTrip(port, p)));
    echoed.forEach((b, i) => expect(b.equals(payloads[i] as Buffer), `connection ${i}`).toBe(true));
  });

  it('closes the client when the proxy is absent, and serves the next one once it is there', async () => {
    const { port, socketPath, bridge } = await setUp();
    const refused = dial(port);
    refused.on('error', () => {});
    refused.on('data', () => expect.fail('no bytes may come from an absent proxy'));
    await new Promise((resolve) => refused.on('close', resolve));
    expect(bridge.child.exitCode).toBeNull();
    await openProxy(socketPath, echo);
    expect((await roundTrip(port, Buffer.from('after'))).toString()).toBe('after');
  });

  it.each([
    { command: ['true'], code: 0 },
    { command: ['sh', '-c', 'exit 3'], code: 3 },
    { command: ['sh', '-c', 'kill -9 $$'], code: 137 },
    { command: ['/nonexistent/airlock-test'], code: 127, stderr: 'airlock-bridge: cannot run /nonexistent/airlock-test: No such file or directory' },
  ])('exits with the command status: $command', async ({ command, code, stderr }) => {
    const dir = tempDir('bridge');
    cleanups.push(dir.remove);
    const r = await startBridge(await freePort(), join(dir.path, 'proxy.sock'), command).exited;
    expect(r.code).toBe(code);
    if (stderr !== undefined) expect(r.stderr).toContain(stderr);
  });

  it('exits at once when the command exits, even with a connection open', async () => {
    const dir = tempDir('bridge');
    cleanups.push(dir.remove);
    const port = await freePort();
    const socketPath = join(dir.path, 'proxy.sock');
    await openProxy(socketPath, echo);
    const bridge = startBridge(port, socketPath, ['sh', '-c', 'echo ready; read line; exit 4']);
    await bridge.ready;
    const open = dial(port);
    open.on('error', () => {}); // it may well be reset when the bridge goes
    const first = new Promise((resolve) => open.once('data', resolve));
    open.write('still here');
    await first;
    const started = Date.now();
    bridge.child.stdin?.write('go\n');
    expect((await bridge.exited).code).toBe(4);
    expect(Date.now() - started).toBeLessThan(1000);
  });

  it('forwards SIGTERM to the command', async () => {
    const dir = tempDir('bridge');
    cleanups.push(dir.remove);
    const trap = 'trap "exit 42" TERM; echo ready; while :; do sleep 0.05; done';
    const bridge = startBridge(await freePort(), join(dir.path, 'proxy.sock'), ['sh', '-c', trap]);
    await bridge.ready;
    bridge.child.kill('SIGTERM');
    expect((await bridge.exited).code).toBe(42);
  });

  it('lets a Ctrl-C on the terminal reach the command once, not twice', async () => {
    const dir = tempDir('bridge');
    cleanups.push(dir.remove);
    // The terminal sends SIGINT to its whole foreground group, bridge and command both:
    // forwarding that one too would look like a double Ctrl-C ("press again to quit").
    const counter = join(dir.path, 'count-sigint.js');
    writeFileSync(counter, "let n = 0; process.on('SIGINT', () => n++); console.log('ready'); setTimeout(() => console.log(`sigints=${n}`), 700);\n");
    const command = [BRIDGE, String(await freePort()), join(dir.path, 'proxy.sock'), process.execPath, counter];
    // script(1) runs it on a fresh terminal; a 0x03 written to it is a Ctrl-C there.
    const onTerminal = spawn('script', ['-qfec', command.map((a) => `'${a}'`).join(' '), '/dev/null'], { stdio: ['pipe', 'pipe', 'pipe'] });
    cleanups.push(() => stop(onTerminal));
    let out = '';
    onTerminal.stdout.on('data', (b: Buffer) => {
      out += b.toString();
      if (b.toString().includes('ready')) onTerminal.stdin.write('\x03');
    });
    await new Promise((resolve) => onTerminal.on('close', resolve));
    expect(out).toContain('sigints=1');
  });

  it('gives the command no fd of its own: only stdin, stdout, stderr and what it inherited', async () => {
    const dir = tempDir('bridge');
    cleanups.push(dir.remove);
    const list = ['ls', '-l', '/proc/self/fd'];
    // The baseline: what ls gets when spawned directly. A test runner may itself pass down
    // an fd it inherited (not CLOEXEC); the bridge must add nothing to that.
    const direct = spawnSync(list[0] as string, list.slice(1), { stdio: ['pipe', 'pipe', 'pipe'] });
    const r = await startBridge(await freePort(), join(dir.path, 'proxy.sock'), list).exited;
    expect(r.code).toBe(0);
    const fds = (out: string) => new Map([...out.matchAll(/ (\d+) -> (.*)$/gm)].map((m) => [m[1], m[2]]));
    const viaBridge = fds(r.stdout);
    expect([...viaBridge.keys()].sort()).toEqual([...fds(direct.stdout.toString()).keys()].sort());
    expect([...viaBridge.keys()]).toEqual(expect.arrayContaining(['0', '1', '2', '3'])); // 3: the directory ls reads
    for (const [fd, target] of viaBridge) {
      if (Number(fd) > 2) expect(target, `fd ${fd}`).not.toMatch(/eventpoll|signalfd|socket:/);
    }
  });

  it('exits 70 without running the command when the port is taken', async () => {
    const { server: taken, port } = await listenTcp();
    cleanups.push(() => void taken.close());
    const r = await startBridge(port, '/nonexistent/proxy.sock', ['sh', '-c', 'echo started']).exited;
    expect(r.code).toBe(70);
    expect(r.stderr).toContain(`airlock-bridge: cannot listen on 127.0.0.1:${port}: Address already in use`);
    expect(r.stdout).toBe('');
  });

  it.each([[[]], [['8080', '/tmp/x']], [['0', '/tmp/x', 'true']], [['80x', '/tmp/x', 'true']], [['8080', `/tmp/${'x'.repeat(120)}`, 'true']]])(
    'exits 64 on bad usage: %j',
    async (args) => {
      const child = spawn(BRIDGE, args, { stdio: ['ignore', 'pipe', 'pipe'] });
      let stderr = '';
      child.stderr.on('data', (b: Buffer) => (stderr += b.toString()));
      const code = await new Promise((resolve) => child.on('close', resolve));
      expect(code).toBe(64);
      expect(stderr).toMatch(/^(usage: airlock-bridge PORT SOCKET_PATH COMMAND|airlock-bridge: socket path too long)/);
    },
  );
});
