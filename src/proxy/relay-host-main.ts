/**
 * The relay host (dist/cli/relay-host.js): a small process the proxy forks once, on its
 * first tunnel, that starts airlock-relay (its one argument) for each tunnel the proxy
 * hands over. A fork costs in proportion to the forking process's memory: from a proxy
 * that had written 100 MiB, its event loop stalled 19 to 28 ms, and each page it wrote
 * afterwards faulted once (every page was shared copy-on-write with the child): writing
 * those 100 MiB again took 470 ms instead of 1 ms on this VM, where a fault costs about
 * 16 us. This process stays small and writes little, so its forks are cheap.
 *
 * It ends its relays and exits when the proxy closes the channel, or dies.
 */
import { spawn } from 'node:child_process';
import type { ChildProcess } from 'node:child_process';
import { Socket } from 'node:net';
import { detachBoth } from './native-relay.js';
import { RelayHostRequestSchema } from './relay-host-protocol.js';
import type { RelayHostReply } from './relay-host-protocol.js';

const relayPath = process.argv[2];
const send = process.send?.bind(process);
if (relayPath === undefined || send === undefined) {
  process.stderr.write('relay-host: run by the proxy (fork) with the path of airlock-relay\n');
  process.exit(64);
}

interface Tunnel {
  sockets: { a?: Socket; b?: Socket };
  idleMs: number;
  /** Bytes the host read before it stopped reading and wrote on itself: counted with the relay's. */
  flushed: { up: number; down: number };
  child?: ChildProcess;
  killed: boolean;
}
const tunnels = new Map<number, Tunnel>();

const reply = (message: RelayHostReply): void => {
  if (process.connected) send(message);
};

function finish(id: number, up: number, down: number): void {
  const t = tunnels.get(id);
  if (t === undefined) return;
  tunnels.delete(id);
  t.sockets.a?.destroy();
  t.sockets.b?.destroy();
  reply({ type: 'done', id, up: up + t.flushed.up, down: down + t.flushed.down });
}

/** What the host had read from either socket goes to the other first, then the relay takes both. */
async function start(id: number, t: Tunnel, a: Socket, b: Socket): Promise<void> {
  t.flushed = await detachBoth(a, b);
  if (t.killed) return finish(id, 0, 0);
  const child = spawn(relayPath as string, [String(t.idleMs)], { stdio: ['ignore', 'pipe', 'ignore', a, b] });
  t.child = child;
  let out = '';
  child.stdout?.setEncoding('utf8').on('data', (s: string) => (out += s));
  const end = () => {
    const [up, down] = out.trim().split(' ').map(Number);
    finish(id, Number.isSafeInteger(up) ? (up as number) : 0, Number.isSafeInteger(down) ? (down as number) : 0);
  };
  child.once('error', end);
  child.once('close', end);
}

process.on('message', (raw: unknown, handle: unknown) => {
  const parsed = RelayHostRequestSchema.safeParse(raw);
  if (!parsed.success) return;
  const m = parsed.data;
  if (m.type === 'kill') {
    const t = tunnels.get(m.id);
    if (t === undefined) return;
    // Sent after both sockets, on the same channel: the relay is starting or running.
    t.killed = true;
    t.child?.kill('SIGKILL');
    return;
  }
  let t = tunnels.get(m.id);
  if (t === undefined) tunnels.set(m.id, (t = { sockets: {}, idleMs: m.idleMs, flushed: { up: 0, down: 0 }, killed: false }));
  if (!(handle instanceof Socket)) return finish(m.id, 0, 0);
  t.sockets[m.side] = handle;
  const { a, b } = t.sockets;
  if (a === undefined || b === undefined) return;
  start(m.id, t, a, b).catch(() => finish(m.id, 0, 0));
});

// The proxy closed the channel, or died: no relay outlives it. The host waits for its
// relays to end (and reaps them) before it exits.
process.on('disconnect', () => {
  const relays = [...tunnels.values()].flatMap((t) => (t.child === undefined || t.child.exitCode !== null || t.child.signalCode !== null ? [] : [t.child]));
  for (const child of relays) child.kill('SIGKILL');
  void Promise.all(relays.map((child) => new Promise((resolve) => child.once('exit', resolve)))).then(() => process.exit(0));
  setTimeout(() => process.exit(0), 2000).unref();
});
