import { createHash, createCipheriv } from 'node:crypto';
import { createServer as createHttpServer } from 'node:http';
import type { IncomingMessage, Server, ServerResponse } from 'node:http';
import { createServer as createHttpsServer } from 'node:https';
import type { AddressInfo, Socket } from 'node:net';
import { Readable } from 'node:stream';
import { createSessionCa } from '../src/proxy/tls/session-ca.js';
import type { SessionCa } from '../src/proxy/tls/session-ca.js';

/** A deterministic pseudo-random stream: AES-128-CTR over zeros, same bytes every time. */
export function keystream(bytes: number): Readable {
  const cipher = createCipheriv('aes-128-ctr', Buffer.alloc(16, 7), Buffer.alloc(16, 0));
  const block = Buffer.alloc(1024 * 1024);
  let left = bytes;
  return new Readable({
    read() {
      if (left <= 0) return void this.push(null);
      const n = Math.min(left, block.length);
      left -= n;
      this.push(cipher.update(block.subarray(0, n)));
    },
  });
}

export async function keystreamSha(bytes: number): Promise<string> {
  const hash = createHash('sha256');
  for await (const chunk of keystream(bytes)) hash.update(chunk as Buffer);
  return hash.digest('hex');
}

export interface Recorded {
  method: string;
  path: string;
  headers: IncomingMessage['headers'];
  bodySha?: string;
  bodyBytes?: number;
  /** The body itself, when it is at most BODY_KEPT_BYTES. */
  body?: Buffer;
}

/** Bodies up to this size are kept whole, for tests that check what reached the upstream. */
const BODY_KEPT_BYTES = 1024 * 1024;

/** A local upstream that stands in for the internet: records what reached it. */
export interface Upstream {
  port: number;
  connections: number;
  requests: Recorded[];
  /** When /sse wrote its last event. */
  sseEndedAt: number;
  close(): Promise<void>;
}

function handler(up: Upstream) {
  return (req: IncomingMessage, res: ServerResponse) => {
    const rec: Recorded = { method: req.method ?? '', path: req.url ?? '', headers: req.headers };
    up.requests.push(rec);
    const hash = createHash('sha256');
    let size = 0;
    const kept: Buffer[] = [];
    req.on('data', (c: Buffer) => {
      hash.update(c);
      size += c.length;
      if (size <= BODY_KEPT_BYTES) kept.push(c);
    });
    req.on('end', () => {
      rec.bodySha = hash.digest('hex');
      rec.bodyBytes = size;
      if (size <= BODY_KEPT_BYTES) rec.body = Buffer.concat(kept);
      respond(up, req, res, rec);
    });
  };
}

function respond(up: Upstream, req: IncomingMessage, res: ServerResponse, rec: Recorded): void {
  const url = new URL(req.url ?? '/', 'http://x');
  if (url.pathname === '/sse') {
    res.writeHead(200, { 'content-type': 'text/event-stream', 'cache-control': 'no-cache' });
    res.write('data: one\n\n');
    setTimeout(() => {
      up.sseEndedAt = Date.now();
      res.end('data: two\n\n');
    }, 1500);
    return;
  }
  if (url.pathname === '/bytes') {
    const n = Number(url.searchParams.get('n') ?? 0);
    res.writeHead(200, { 'content-type': 'application/octet-stream', 'content-length': n });
    keystream(n).pipe(res);
    return;
  }
  if (url.pathname === '/echo-key') {
    // An upstream that echoes the credential back: the proxy must scrub it.
    res.writeHead(200, { 'content-type': 'text/plain', 'x-echo': String(req.headers['x-api-key'] ?? '') });
    res.end(`key=${String(req.headers['x-api-key'] ?? '')}\n`);
    return;
  }
  res.writeHead(200, { 'content-type': 'application/json' });
  res.end(JSON.stringify({ ok: true, method: rec.method, path: rec.path, bodyBytes: rec.bodyBytes, bodySha: rec.bodySha }));
}

async function listen(server: Server, up: Upstream): Promise<Upstream> {
  server.on('connection', (s: Socket) => {
    up.connections++;
    s.setNoDelay(true);
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  up.port = (server.address() as AddressInfo).port;
  up.close = () => new Promise((r) => {
    server.closeAllConnections();
    server.close(() => r());
  });
  return up;
}

const blank = (): Upstream => ({ port: 0, connections: 0, requests: [], sseEndedAt: 0, close: async () => {} });

/** An HTTPS upstream for `name`, with a certificate from `ca` (the test's own CA). */
export function startHttpsUpstream(ca: SessionCa, name: string): Promise<Upstream> {
  const up = blank();
  const server = createHttpsServer({ SNICallback: (_sni, cb) => cb(null, ca.secureContextFor(name)) }, handler(up));
  return listen(server, up);
}

export function startHttpUpstream(): Promise<Upstream> {
  const up = blank();
  return listen(createHttpServer(handler(up)), up);
}

/** The CA that plays "a public CA" for the test upstreams (trusted via tls.upstreamCaFile). */
export function createTestUpstreamCa(): SessionCa {
  return createSessionCa({ nowMs: Date.now(), sessionId: 'upstream-test-ca' });
}
