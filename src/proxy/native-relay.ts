import { fork } from 'node:child_process';
import type { Socket } from 'node:net';
import { AirlockError } from '../core/index.js';
import type { Clock } from '../core/index.js';
import { RelayHostReplySchema } from './relay-host-protocol.js';
import type { RelayHostRequest } from './relay-host-protocol.js';

/**
 * The native tunnel relay: airlock-relay, started for each tunnel by the relay host
 * (relay-host-main.ts, a process of its own; see there why not by the proxy).
 */
export interface NativeRelay {
  /**
   * Hands both sockets (detached and flushed) to a new relay. Resolves once the host has
   * them; `done` when the relay ends (at both EOFs, an error or idleness) with the bytes
   * it moved each way, `kill` ends it sooner. Node keeps its own copies, paused, open and
   * counted until then. Rejects (AirlockError 'INTERNAL') when the host is gone. When the
   * host ends first, its relays die with it and `done` says `lost`: what they moved is not known.
   */
  run(idleMs: number, client: Socket, upstream: Socket): Promise<{ done: Promise<RelayMoved>; kill: () => void }>;
  /** Gets the host going (a tunnel has opened, a hand-over may follow); run() does the same. */
  warm(): void;
  /** Ends every relay and the host. */
  close(): Promise<void>;
}

/** Bytes a relay moved each way; `lost`: its host ended before it reported them. */
export interface RelayMoved {
  up: number;
  down: number;
  lost?: true;
}

export interface RelayHostPaths {
  /** dist/native/airlock-relay */
  relayPath: string;
  /** dist/cli/relay-host.js */
  hostPath: string;
}

/**
 * A tunnel is handed to the native relay once it has carried this much: starting a
 * process costs a few ms (the relay host's fork, and the hand-over itself), which only
 * a bulk transfer earns back; short tunnels stay in Node.
 */
export const HAND_OVER_AFTER_BYTES = 1024 * 1024;

/**
 * Stops Node reading the socket for good (pause() alone keeps reading into the stream's
 * buffer up to its high-water mark, bytes the relay would then never see) and returns
 * what it had already read.
 */
export function detach(s: Socket): Buffer {
  s.pause();
  const handle = (s as unknown as { _handle?: { reading?: boolean; readStop?: () => number } | null })._handle;
  if (handle?.readStop !== undefined) {
    handle.reading = false;
    handle.readStop();
  }
  // read() would start the handle again: from here on the relay owns the bytes.
  s._read = () => {};
  const chunks: Buffer[] = [];
  for (let c = s.read() as Buffer | null; c !== null; c = s.read() as Buffer | null) chunks.push(c);
  return Buffer.concat(chunks);
}

/** Writes `bytes` (maybe none) and resolves once they and every earlier write left Node. */
function flushed(s: Socket, bytes: Buffer): Promise<void> {
  return new Promise((resolve, reject) => s.write(bytes, (error) => (error ? reject(error) : resolve())));
}

/**
 * Detaches both sides of a tunnel (a: the client, b: the upstream) and writes what each
 * had already read to the other; resolves once that has left Node, with how much went
 * each way. The proxy does it before a hand-over, the relay host again on receipt.
 */
export async function detachBoth(a: Socket, b: Socket): Promise<{ up: number; down: number }> {
  const fromA = detach(a);
  const fromB = detach(b);
  await Promise.all([flushed(b, fromA), flushed(a, fromB)]);
  return { up: fromA.length, down: fromB.length };
}

/**
 * A relay host that ended (killed, or out of memory) is replaced by the next tunnel,
 * at most once per this many ms: a host that keeps dying at once is not forked in a loop.
 */
export const HOST_RESTART_MS = 1000;

/**
 * The relay host, forked on the first tunnel (warm()) or hand-over, not when the proxy
 * opens: a session that opens no tunnel never starts a Node process for it (about 40 MiB
 * and 0.1 CPU-s), and the first tunnel usually comes while the proxy is still small, when
 * its one fork is cheap. The host never keeps this process alive on its own. Its relays
 * die with it (airlock-relay asks the kernel to kill it when its parent dies): a tunnel
 * is never relayed where the proxy can no longer account for or end it.
 */
export function openRelayHost(paths: RelayHostPaths, clock: Clock): NativeRelay {
  let host: HostProcess | undefined;
  let forkedAt = 0;
  let closed = false;
  const started = () => {
    if (host === undefined || (host.ended() && clock.nowMs() - forkedAt >= HOST_RESTART_MS)) {
      host = forkHost(paths);
      forkedAt = clock.nowMs();
    }
    return host;
  };
  return {
    warm: () => {
      if (!closed) started();
    },
    run: (idleMs, client, upstream) => {
      if (closed) return Promise.reject(new AirlockError('INTERNAL', 'the proxy is closed: no tunnel is handed over'));
      return started().run(idleMs, client, upstream);
    },
    close: async () => {
      closed = true;
      await host?.close();
    },
  };
}

interface HostProcess extends Omit<NativeRelay, 'warm'> {
  /** The host process has exited or failed: it takes no more tunnels. */
  ended(): boolean;
}

function forkHost(paths: RelayHostPaths): HostProcess {
  const host = fork(paths.hostPath, [paths.relayPath], { execArgv: [], stdio: ['ignore', 'ignore', 'inherit', 'ipc'], serialization: 'json' });
  host.unref();
  host.channel?.unref();
  const running = new Map<number, (moved: RelayMoved) => void>();
  let nextId = 1;
  let gone: AirlockError | undefined;
  const end = (why: string) => {
    gone ??= new AirlockError('INTERNAL', `the tunnel relay host ${paths.hostPath} ${why}`);
    for (const resolve of running.values()) resolve({ up: 0, down: 0, lost: true });
    running.clear();
  };
  host.on('message', (raw: unknown) => {
    const m = RelayHostReplySchema.safeParse(raw);
    if (!m.success) return;
    running.get(m.data.id)?.({ up: m.data.up, down: m.data.down });
    running.delete(m.data.id);
  });
  host.on('error', (e) => end(`failed: ${e.message}`));
  const exited = new Promise<void>((resolve) => host.once('exit', () => resolve()));
  void exited.then(() => end('has ended'));
  const send = (message: RelayHostRequest, handle?: Socket) =>
    new Promise<void>((resolve, reject) => {
      if (gone !== undefined) return reject(gone);
      host.send(message, handle, { keepOpen: true }, (error) => (error ? reject(error) : resolve()));
    });
  return {
    ended: () => gone !== undefined,
    async run(idleMs, client, upstream) {
      const id = nextId++;
      const done = new Promise<RelayMoved>((resolve) => running.set(id, resolve));
      try {
        await send({ type: 'socket', id, side: 'a', idleMs }, client);
        await send({ type: 'socket', id, side: 'b', idleMs }, upstream);
      } catch (error) {
        running.delete(id);
        throw error instanceof AirlockError ? error : new AirlockError('INTERNAL', `could not hand a tunnel to the relay host: ${(error as Error).message}`, { cause: error });
      }
      return { done, kill: () => void send({ type: 'kill', id }).catch(() => undefined) };
    },
    async close() {
      // The host ends its relays when the channel closes.
      if (host.connected) host.disconnect();
      const timer = setTimeout(() => host.kill('SIGKILL'), 2000);
      await exited;
      clearTimeout(timer);
    },
  };
}
