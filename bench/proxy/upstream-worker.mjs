// Plays the internet for bench/proxy.mjs, in its own process: an HTTPS and an HTTP
// server on 127.0.0.1 whose handlers cost as little CPU as possible (bodies come from
// one random 1 MiB block), so that what the benchmark sees is the proxy's cost.
//   /bytes?n=N  N bytes, with content-length
//   /small      3 bytes, with content-length
//   /sse        an event stream: the first event at once, a second and the end SSE_END_MS later
import { randomBytes } from 'node:crypto';
import { createServer as createHttpServer } from 'node:http';
import { createServer as createHttpsServer } from 'node:https';
import { createTestUpstreamCa } from '../../test/upstreams.ts';
import { serveParent } from './workers.mjs';

const BLOCK = randomBytes(1024 * 1024);
const SMALL = Buffer.from('ok\n');
const SSE_END_MS = 2;
const KEEP_ALIVE_MS = 120_000;

function sendBytes(res, n) {
  res.writeHead(200, { 'content-type': 'application/octet-stream', 'content-length': n });
  let left = n;
  const pump = () => {
    while (left > 0) {
      const k = Math.min(left, BLOCK.length);
      left -= k;
      if (!res.write(k === BLOCK.length ? BLOCK : BLOCK.subarray(0, k))) return void res.once('drain', pump);
    }
    res.end();
  };
  pump();
}

function handle(req, res) {
  req.resume();
  req.once('end', () => {
    const url = new URL(req.url ?? '/', 'http://upstream');
    if (url.pathname === '/bytes') return sendBytes(res, Number(url.searchParams.get('n') ?? 0));
    if (url.pathname === '/sse') {
      res.writeHead(200, { 'content-type': 'text/event-stream', 'cache-control': 'no-cache' });
      res.write('data: one\n\n');
      return void setTimeout(() => res.end('data: two\n\n'), SSE_END_MS);
    }
    res.writeHead(200, { 'content-type': 'text/plain', 'content-length': SMALL.length });
    res.end(SMALL);
  });
}

let connections = 0;

function listen(server) {
  server.on('connection', () => connections++);
  server.keepAliveTimeout = KEEP_ALIVE_MS;
  server.headersTimeout = KEEP_ALIVE_MS + 1000;
  return new Promise((resolve) => server.listen(0, '127.0.0.1', () => resolve(server.address().port)));
}

process.once('message', async () => {
  const ca = createTestUpstreamCa();
  const https = createHttpsServer({ SNICallback: (name, cb) => cb(null, ca.secureContextFor(name || 'localhost')), noDelay: true }, handle);
  const http = createHttpServer({ noDelay: true }, handle);
  const [httpsPort, httpPort] = await Promise.all([listen(https), listen(http)]);
  serveParent({ connections: () => connections });
  process.send({ httpsPort, httpPort, caPem: ca.certPem });
});
