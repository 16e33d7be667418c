import { spawn } from 'node:child_process';
import { createServer, connect } from 'node:net';
import type { AddressInfo, Socket } from 'node:net';

/** A TCP upstream on 127.0.0.1 that hands each connection to `onSocket` (half-close allowed). */
export interface RawUpstream {
  port: number;
  /** Every connection ever accepted. */
  sockets: Socket[];
  /** Connections not yet closed. */
  open(): number;
  close(): Promise<void>;
}

export async function startRawUpstream(onSocket: (s: Socket) => void = () => {}): Promise<RawUpstream> {
  const sockets: Socket[] = [];
  const server = createServer({ allowHalfOpen: true }, (s) => {
    sockets.push(s);
    s.on('error', () => s.destroy());
    onSocket(s);
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  return {
    port: (server.address() as AddressInfo).port,
    sockets,
    open: () => sockets.filter((s) => !s.destroyed && !s.closed).length,
    close: () =>
      new Promise((r) => {
        for (const s of sockets) s.destroy();
        server.close(() => r());
      }),
  };
}

/**
 * A port on 127.0.0.1 where connect() hangs: a child process listens with a backlog of 1
 * and then blocks its event loop, so it never accepts; once the kernel's accept queue is
 * full (filled here), Linux drops further SYNs and a new connect waits (SYN retries).
 * This is Linux behaviour (tcp_abort_on_overflow = 0, the default); elsewhere it fails loudly.
 */
export interface Blackhole {
  port: number;
  close(): void;
}

const BLACKHOLE_CHILD = `
const net = require('node:net');
const s = net.createServer();
s.listen({ port: 0, host: '127.0.0.1', backlog: 1 }, () => {
  process.stdout.write(String(s.address().port) + '\\n', () => {
    // Blocked, never accepting; gone after 60 s even if its parent dies without killing it.
    setTimeout(() => { Atomics.wait(new Int32Array(new SharedArrayBuffer(4)), 0, 0, 60000); process.exit(0); }, 20);
  });
});`;

function tryConnect(port: number, ms: number): Promise<Socket | undefined> {
  return new Promise((resolve) => {
    const s = connect({ host: '127.0.0.1', port });
    s.on('error', () => resolve(undefined));
    const timer = setTimeout(() => resolve(s), ms);
    s.once('connect', () => {
      clearTimeout(timer);
      resolve(s);
    });
  });
}

export async function startBlackhole(): Promise<Blackhole> {
  const child = spawn(process.execPath, ['-e', BLACKHOLE_CHILD], { stdio: ['ignore', 'pipe', 'inherit'] });
  const port = await new Promise<number>((resolve, reject) => {
    child.stdout.once('data', (b: Buffer) => resolve(Number(b.toString().trim())));
    child.once('error', reject);
  });
  await new Promise((r) => setTimeout(r, 100));
  const fillers: Socket[] = [];
  let hung = false;
  for (let i = 0; i < 16 && !hung; i++) {
    const s = await tryConnect(port, 150);
    if (s === undefined) break;
    fillers.push(s);
    hung = s.connecting;
  }
  const close = () => {
    for (const s of fillers) s.destroy();
    child.kill('SIGKILL');
  };
  if (!hung) {
    close();
    throw new Error('could not make a connect() on 127.0.0.1 hang (full accept queue): this test needs Linux with net.ipv4.tcp_abort_on_overflow = 0');
  }
  return { port, close };
}

/** An upstream that reads one request head, records it, and answers `response` (raw bytes). */
export async function startHeadRecorder(response: string): Promise<RawUpstream & { heads: string[] }> {
  const heads: string[] = [];
  const up = await startRawUpstream((s) => {
    let buf = '';
    s.on('data', (c: Buffer) => {
      if (buf.includes('\r\n\r\n')) return;
      buf += c.toString('latin1');
      const end = buf.indexOf('\r\n\r\n');
      if (end === -1) return;
      heads.push(buf.slice(0, end));
      s.end(response);
    });
  });
  return Object.assign(up, { heads });
}

/** Header names (lower case) and values of a raw request or response head. */
export function parseHead(head: string): { start: string; fields: [string, string][] } {
  const [start = '', ...rest] = head.split('\r\n');
  const fields = rest.map((l): [string, string] => {
    const i = l.indexOf(':');
    return [l.slice(0, i).trim().toLowerCase(), l.slice(i + 1).trim()];
  });
  return { start, fields };
}
