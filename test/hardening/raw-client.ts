import { request } from 'node:http';
import { connect } from 'node:net';
import type { Socket } from 'node:net';

/** How a raw client leaves after sending: keep the socket open, half-close it, or drop it. */
export type Ending = 'wait' | 'end' | 'destroy';

export interface RawExchange {
  /** Every byte the proxy sent before the connection closed or the wait ended. */
  data: Buffer;
  /** The proxy closed (or reset) the connection before the wait ended. */
  closed: boolean;
  ms: number;
}

export interface RawSendOptions {
  ending?: Ending;
  /** How long to wait for the proxy before giving up (and destroying the socket). */
  waitMs?: number;
  /** Stop waiting as soon as this holds for the bytes received so far. */
  until?: (data: Buffer) => boolean;
  /** The bytes, sent as several writes. */
  chunks?: number;
}

/** RFC 9112 §4: status-line = HTTP-version SP status-code SP [ reason-phrase ]. */
const STATUS_LINE = /^HTTP\/1\.[01] [1-5]\d\d(?: [^\r\n]*)?\r\n/;

/** True when `data` is empty (the proxy only closed) or starts with a whole status line. */
export function isWellFormedStart(data: Buffer): boolean {
  return data.length === 0 || STATUS_LINE.test(data.subarray(0, 8192).toString('latin1'));
}

export function statusOf(data: Buffer): number | undefined {
  const m = /^HTTP\/1\.[01] (\d{3})/.exec(data.subarray(0, 32).toString('latin1'));
  return m?.[1] === undefined ? undefined : Number(m[1]);
}

export function headerOf(data: Buffer, name: string): string | undefined {
  const head = data.toString('latin1').split('\r\n\r\n')[0] ?? '';
  const line = head.split('\r\n').find((l) => l.toLowerCase().startsWith(`${name.toLowerCase()}:`));
  return line?.slice(name.length + 1).trim();
}

export const hasStatusLine = (data: Buffer): boolean => data.includes('\r\n');

function writeInChunks(s: Socket, bytes: Buffer, chunks: number): void {
  const size = Math.max(1, Math.ceil(bytes.length / chunks));
  for (let i = 0; i < bytes.length; i += size) s.write(bytes.subarray(i, i + size));
}

/** Sends raw bytes on a fresh connection to the proxy and records what comes back. */
export function sendRaw(socketPath: string, bytes: Buffer | string, options: RawSendOptions = {}): Promise<RawExchange> {
  const payload = typeof bytes === 'string' ? Buffer.from(bytes, 'latin1') : bytes;
  const started = Date.now();
  return new Promise((resolve) => {
    const s = connect({ path: socketPath, allowHalfOpen: true });
    const received: Buffer[] = [];
    let settled = false;
    const finish = (closed: boolean) => {
      if (settled) return;
      settled = true;
      clearTimeout(timer);
      s.destroy();
      resolve({ data: Buffer.concat(received), closed, ms: Date.now() - started });
    };
    const timer = setTimeout(() => finish(false), options.waitMs ?? 1000);
    s.on('data', (c: Buffer) => {
      received.push(c);
      if (options.until?.(Buffer.concat(received))) finish(false);
    });
    // The proxy closing its side shows as 'end' (this socket allows half-open) or 'close'.
    s.on('end', () => finish(true));
    s.on('error', () => finish(true));
    s.on('close', () => finish(true));
    s.on('connect', () => {
      writeInChunks(s, payload, options.chunks ?? 1);
      if (options.ending === 'end') s.end();
      if (options.ending === 'destroy') s.destroy();
    });
  });
}

/** When the proxy closed (EOF, reset or close) a connection opened by `openRaw`, in ms since it was opened. */
export const closedAfter = new WeakMap<Socket, number>();

/** Opens a connection and waits for it to be established (nothing sent). Records when the proxy closes it. */
export function openRaw(socketPath: string): Promise<Socket> {
  return new Promise((resolve, reject) => {
    const started = Date.now();
    const s = connect({ path: socketPath, allowHalfOpen: true });
    const mark = () => closedAfter.has(s) || closedAfter.set(s, Date.now() - started);
    s.on('end', mark);
    s.on('close', mark);
    s.on('error', mark);
    s.once('connect', () => {
      s.resume();
      resolve(s);
    });
    s.once('error', reject);
  });
}

/**
 * Sends CONNECT and resolves with the socket, paused, once the proxy answered 200; rejects
 * with the answer otherwise. The caller attaches its listeners, then calls resume().
 */
export function openTunnelVia(socketPath: string, authority: string): Promise<Socket> {
  return new Promise((resolve, reject) => {
    const s = connect({ path: socketPath, allowHalfOpen: true });
    let buf = Buffer.alloc(0);
    const onData = (c: Buffer) => {
      buf = Buffer.concat([buf, c]);
      const end = buf.indexOf('\r\n\r\n');
      if (end === -1) return;
      s.off('data', onData);
      const head = buf.subarray(0, end).toString('latin1');
      if (!head.startsWith('HTTP/1.1 200')) return reject(new Error(`CONNECT ${authority} was answered: ${head}`));
      // Paused, so nothing (bytes or EOF) is lost before the caller listens: call resume().
      s.pause();
      const rest = buf.subarray(end + 4);
      if (rest.length > 0) s.unshift(rest);
      resolve(s);
    };
    s.on('data', onData);
    s.once('error', reject);
    s.write(`CONNECT ${authority} HTTP/1.1\r\nHost: ${authority}\r\n\r\n`);
  });
}

/** Resolves with true when the proxy closes `s` (EOF or close; `s` is read meanwhile), or with false after `ms`. */
export function closedWithin(s: Socket, ms: number): Promise<boolean> {
  if (s.destroyed || s.readableEnded) return Promise.resolve(true);
  return new Promise((resolve) => {
    const done = (closed: boolean) => {
      clearTimeout(timer);
      s.off('end', onClose);
      s.off('close', onClose);
      resolve(closed);
    };
    const onClose = () => done(true);
    const timer = setTimeout(() => done(false), ms);
    s.on('end', onClose);
    s.on('close', onClose);
    s.resume();
  });
}

export interface ProxiedResponse {
  status: number;
  headers: Record<string, string | string[] | undefined>;
  body: Buffer;
  ms: number;
}

export interface ProxiedRequest {
  method?: string;
  headers?: Record<string, string>;
  body?: Buffer | string;
  timeoutMs?: number;
}

/** One absolute-form request through the proxy on a fresh connection (no agent, no keep-alive). */
export function viaProxy(socketPath: string, url: string, options: ProxiedRequest = {}): Promise<ProxiedResponse> {
  const started = Date.now();
  const u = new URL(url);
  return new Promise((resolve, reject) => {
    const req = request({ socketPath, method: options.method ?? 'GET', path: url, headers: { host: u.host, ...options.headers }, agent: false }, (res) => {
      const chunks: Buffer[] = [];
      res.on('data', (c: Buffer) => chunks.push(c));
      res.on('end', () => {
        clearTimeout(timer);
        resolve({ status: res.statusCode ?? 0, headers: res.headers, body: Buffer.concat(chunks), ms: Date.now() - started });
      });
      res.on('error', reject);
    });
    const timer = setTimeout(() => req.destroy(new Error(`no answer from the proxy within ${options.timeoutMs ?? 1000} ms for ${url}`)), options.timeoutMs ?? 1000);
    req.on('error', (e) => {
      clearTimeout(timer);
      reject(e);
    });
    req.end(options.body);
  });
}
