/**
 * The relay host on its own (dist/cli/relay-host.js, run npm run build first), driven as
 * the proxy drives it: a tunnel's two sockets over the IPC channel, a relay per tunnel,
 * its counts back; and no relay left once the channel closes, as when the proxy dies.
 */
import { fork } from 'node:child_process';
import type { ChildProcess } from 'node:child_process';
import { execFileSync } from 'node:child_process';
import { createHash, randomBytes } from 'node:crypto';
import { connect, createServer } from 'node:net';
import type { AddressInfo, Socket } from 'node:net';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { detach } from './native-relay.js';
import { RelayHostReplySchema } from './relay-host-protocol.js';
import type { RelayHostReply } from './relay-host-protocol.js';

const HOST = fileURLToPath(new URL('../../dist/cli/relay-host.js', import.meta.url));
const RELAY = fileURLToPath(new URL('../../dist/native/airlock-relay', import.meta.url));
const sha = (b: Buffer) => createHash('sha256').update(b).digest('hex');

/** Two connected TCP pairs: [the proxy's end, the far end] for the client and for the upstream. */
async function pairs(): Promise<{ a: Socket; farA: Socket; b: Socket; farB: Socket; close: () => void }> {
  const accepted: Socket[] = [];
  const server = createServer((s) => accepted.push(s));
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  const port = (server.address() as AddressInfo).port;
  const open = () => new Promise<Socket>((r) => { const s = connect(port, '127.0.0.1', () => r(s)); });
  const farA = await open();
  const farB = await open();
  while (accepted.length < 2) await new Promise((r) => setTimeout(r, 5));
  const [a, b] = accepted as [Socket, Socket];
  return { a, farA, b, farB, close: () => { for (const s of [a, b, farA, farB]) s.destroy(); server.close(); } };
}

function startHost(): { host: ChildProcess; replies: RelayHostReply[]; exited: Promise<number | null> } {
  const host = fork(HOST, [RELAY], { execArgv: [], stdio: ['ignore', 'ignore', 'inherit', 'ipc'], serialization: 'json' });
  const replies: RelayHostReply[] = [];
  host.on('message', (m) => replies.push(RelayHostReplySchema.parse(m)));
  return { host, replies, exited: new Promise((r) => host.once('exit', (code) => r(code))) };
}

/** As the proxy hands over: its own reading stopped for good (nothing was read yet here), then both sockets. */
const handOver = async (host: ChildProcess, id: number, a: Socket, b: Socket, idleMs = 5000) => {
  expect([detach(a).length, detach(b).length]).toEqual([0, 0]);
  for (const [side, s] of [['a', a], ['b', b]] as const) {
    await new Promise<void>((resolve, reject) => host.send({ type: 'socket', id, side, idleMs }, s, { keepOpen: true }, (e) => (e ? reject(e) : resolve())));
  }
};

const running = (pid: number) => execFileSync('ps', ['-eo', 'pid=']).toString().split('\n').some((l) => l.trim() === String(pid));
const relayPidsOf = (pid: number) => execFileSync('ps', ['-eo', 'pid=,ppid=,comm=']).toString().split('\n').map((l) => l.trim().split(/\s+/)).filter(([, ppid, comm]) => ppid === String(pid) && comm === 'airlock-relay').map(([p]) => Number(p));

const readAll = (s: Socket) => new Promise<Buffer>((resolve) => {
  const chunks: Buffer[] = [];
  s.on('data', (c: Buffer) => chunks.push(c));
  s.on('end', () => resolve(Buffer.concat(chunks)));
});

describe('the relay host', () => {
  it('starts a relay for a tunnel handed over, which moves both directions untouched, and reports its counts', async () => {
    const { host, replies, exited } = startHost();
    const p = await pairs();
    await handOver(host, 1, p.a, p.b);
    const up = randomBytes(3 * 1024 * 1024);
    const down = randomBytes(1024 * 1024 + 7);
    const atUpstream = readAll(p.farB);
    const atClient = readAll(p.farA);
    p.farA.end(up);
    p.farB.end(down);
    expect(sha(await atUpstream)).toBe(sha(up));
    expect(sha(await atClient)).toBe(sha(down));
    await expect.poll(() => replies, { timeout: 5000 }).toEqual([{ type: 'done', id: 1, up: up.length, down: down.length }]);
    expect(relayPidsOf(host.pid as number)).toEqual([]);
    host.disconnect();
    expect(await exited).toBe(0);
    p.close();
  });

  it('ends every relay and exits when the channel closes (the proxy closed it, or died)', async () => {
    const { host, exited } = startHost();
    const p = await pairs();
    // Idle for a minute before the relay would end by itself: only the host can end it sooner.
    await handOver(host, 1, p.a, p.b, 60_000);
    await expect.poll(() => relayPidsOf(host.pid as number), { timeout: 5000 }).toHaveLength(1);
    const [relay] = relayPidsOf(host.pid as number) as [number];
    const clientEnded = new Promise<void>((r) => p.farA.once('close', () => r()).on('error', () => undefined).resume());
    host.disconnect();
    expect(await exited).toBe(0);
    await expect.poll(() => running(relay), { timeout: 3000 }).toBe(false);
    // Our own copies are still open here: the far end closes only once both are gone.
    p.a.destroy();
    p.b.destroy();
    await clientEnded;
    p.close();
  });

  it('ignores a message it does not know, and a kill ends a running relay with its counts', async () => {
    const { host, replies, exited } = startHost();
    host.send({ type: 'launch', id: 1 });
    const p = await pairs();
    await handOver(host, 2, p.a, p.b);
    p.farA.write('ping');
    const got = await new Promise<Buffer>((r) => p.farB.once('data', r));
    expect(got.toString()).toBe('ping');
    host.send({ type: 'kill', id: 2 });
    await expect.poll(() => replies, { timeout: 5000 }).toEqual([{ type: 'done', id: 2, up: 4, down: 0 }]);
    host.disconnect();
    expect(await exited).toBe(0);
    p.close();
  });
});
