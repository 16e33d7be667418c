import { spawn } from 'node:child_process';
import type { ChildProcess } from 'node:child_process';
import type { Socket } from 'node:net';

/** The native tunnel relay (dist/native/airlock-relay) and the relays running now. */
export interface NativeRelay {
  path: string;
  live: Set<ChildProcess>;
}

/**
 * A tunnel is handed to the native relay once it has carried this much: starting a
 * process costs a few ms (and blocks the proxy's event loop while Node forks), which
 * only a bulk transfer earns back; short tunnels stay in Node.
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
export function flushed(s: Socket, bytes: Buffer): Promise<void> {
  return new Promise((resolve, reject) => s.write(bytes, (error) => (error ? reject(error) : resolve())));
}

/**
 * Starts airlock-relay on two sockets Node has detached and flushed (its fds 3 and 4,
 * dup'ed: Node keeps its own copies, paused, open and counted until the relay ends).
 * Resolves with the bytes it moved each way when it ends: at both EOFs, an error or
 * idleness; `kill` ends it sooner (the proxy's total limit, its close).
 */
export function runRelay(relay: NativeRelay, idleMs: number, client: Socket, upstream: Socket): { done: Promise<{ up: number; down: number }>; kill: () => void } {
  const child = spawn(relay.path, [String(idleMs)], { stdio: ['ignore', 'pipe', 'ignore', client, upstream] });
  relay.live.add(child);
  let out = '';
  child.stdout?.setEncoding('utf8').on('data', (s: string) => (out += s));
  const done = new Promise<{ up: number; down: number }>((resolve) => {
    let ended = false;
    const end = () => {
      if (ended) return;
      ended = true;
      relay.live.delete(child);
      const [up, down] = out.trim().split(' ').map(Number);
      resolve({ up: Number.isFinite(up) ? (up as number) : 0, down: Number.isFinite(down) ? (down as number) : 0 });
    };
    child.once('error', end);
    child.once('close', end);
  });
  return { done, kill: () => void child.kill('SIGKILL') };
}
