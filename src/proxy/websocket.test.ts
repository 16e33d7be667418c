import { createHash, randomBytes } from 'node:crypto';
import { writeFileSync } from 'node:fs';
import type { IncomingMessage } from 'node:http';
import { createServer as createHttpServer } from 'node:http';
import { createServer as createHttpsServer } from 'node:https';
import { connect } from 'node:net';
import type { AddressInfo, Socket } from 'node:net';
import type { Duplex } from 'node:stream';
import { connect as tlsConnect } from 'node:tls';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { tempDir } from '../../test/helpers.js';
import { openTestProxy } from '../../test/proxy-harness.js';
import type { TestProxy } from '../../test/proxy-harness.js';
import { createTestUpstreamCa } from '../../test/upstreams.js';

const GUID = '258EAFA5-E914-47DA-95CA-C5AB0DC11B85';

/** RFC 6455 §4.2.2: answer the handshake, then echo raw bytes back. */
function onUpgrade(seen: IncomingMessage[]) {
  return (req: IncomingMessage, socket: Duplex) => {
    seen.push(req);
    const accept = createHash('sha1').update(`${String(req.headers['sec-websocket-key'])}${GUID}`).digest('base64');
    socket.write(`HTTP/1.1 101 Switching Protocols\r\nUpgrade: websocket\r\nConnection: Upgrade\r\nSec-WebSocket-Accept: ${accept}\r\n\r\n`);
    socket.pipe(socket);
  };
}

function handshake(path: string, host: string): string {
  return `GET ${path} HTTP/1.1\r\nHost: ${host}\r\nUpgrade: websocket\r\nConnection: Upgrade\r\nSec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==\r\nSec-WebSocket-Version: 13\r\nx-api-key: placeholder\r\n\r\n`;
}

/** Sends the handshake, waits for 101, then sends `payload` and reads it back. */
function exchange(socket: Duplex, request: string, payload: Buffer): Promise<{ head: string; echo: Buffer }> {
  return new Promise((resolve, reject) => {
    let buf = Buffer.alloc(0);
    let head = '';
    socket.on('data', (c: Buffer) => {
      buf = Buffer.concat([buf, c]);
      if (head === '') {
        const end = buf.indexOf('\r\n\r\n');
        if (end === -1) return;
        head = buf.subarray(0, end).toString();
        buf = buf.subarray(end + 4);
        if (!head.startsWith('HTTP/1.1 101')) return resolve({ head, echo: Buffer.alloc(0) });
        socket.write(payload);
      }
      if (buf.length >= payload.length) resolve({ head, echo: buf.subarray(0, payload.length) });
    });
    socket.on('error', reject);
    socket.write(request);
  });
}

function connectVia(proxy: TestProxy, authority: string): Promise<Socket> {
  return new Promise((resolve, reject) => {
    const s = connect(proxy.socketPath);
    s.write(`CONNECT ${authority} HTTP/1.1\r\nHost: ${authority}\r\n\r\n`);
    s.once('data', (c: Buffer) => (c.toString().startsWith('HTTP/1.1 200') ? resolve(s) : reject(new Error(c.toString()))));
  });
}

describe('WebSocket upgrades pass through the proxy', () => {
  const ca = createTestUpstreamCa();
  const dir = tempDir('ws');
  const plainSeen: IncomingMessage[] = [];
  const tlsSeen: IncomingMessage[] = [];
  const plain = createHttpServer();
  const secure = createHttpsServer({ SNICallback: (_n, cb) => cb(null, ca.secureContextFor('wss.test')) });
  let proxy: TestProxy;

  beforeAll(async () => {
    plain.on('upgrade', onUpgrade(plainSeen));
    secure.on('upgrade', onUpgrade(tlsSeen));
    await new Promise<void>((r) => plain.listen(0, '127.0.0.1', r));
    await new Promise<void>((r) => secure.listen(0, '127.0.0.1', r));
    writeFileSync(`${dir.path}/ca.pem`, ca.certPem);
    const wssPort = (secure.address() as AddressInfo).port;
    proxy = await openTestProxy({
      egress: { resolve: { 'ws.test': '127.0.0.1', 'wss.test': '127.0.0.1' }, allow: [{ host: 'ws.test', ports: [(plain.address() as AddressInfo).port], inspect: false, allowPrivate: false }] },
      credentials: [{ name: 'wsapi', hosts: ['wss.test'], ports: [wssPort], inject: { header: 'x-api-key', prefix: '' }, source: { env: 'WS_SECRET' }, placeholderEnv: [], placeholderPrefix: 'airlock-' }],
      tls: { upstreamCaFile: `${dir.path}/ca.pem` },
      env: { WS_SECRET: 'ws-real-secret' },
    });
  });
  afterAll(async () => {
    await proxy.close();
    plain.close();
    secure.close();
    dir.remove();
  });

  // 3 MiB: past the native relay's hand-over point, which plain sockets take and TLS ones must not.
  it('relays a ws:// upgrade sent to the forward proxy', async () => {
    const port = (plain.address() as AddressInfo).port;
    const s = connect(proxy.socketPath);
    const payload = randomBytes(3 * 1024 * 1024);
    const { head, echo } = await exchange(s, handshake(`ws://ws.test:${port}/chat`, `ws.test:${port}`), payload);
    s.destroy();
    expect(head).toMatch(/^HTTP\/1.1 101/);
    expect(echo.equals(payload)).toBe(true);
    expect(plainSeen[0]?.url).toBe('/chat');
  });

  it('relays an intercepted wss:// upgrade, with the credential injected on the handshake', async () => {
    const port = (secure.address() as AddressInfo).port;
    const raw = await connectVia(proxy, `wss.test:${port}`);
    const s = tlsConnect({ socket: raw, servername: 'wss.test', ca: proxy.caPem });
    await new Promise((r) => s.once('secureConnect', r));
    const payload = randomBytes(3 * 1024 * 1024);
    const { head, echo } = await exchange(s, handshake('/stream', `wss.test:${port}`), payload);
    s.destroy();
    expect(head).toMatch(/^HTTP\/1.1 101/);
    expect(echo.equals(payload)).toBe(true);
    expect(tlsSeen[0]?.headers['x-api-key']).toBe('ws-real-secret');
    expect(proxy.events.some((e) => e.type === 'net.request.completed' && e.upgrade === true)).toBe(true);
  });

  it('denies an upgrade to a host outside policy with 403 and its code', async () => {
    const s = connect(proxy.socketPath);
    const { head } = await exchange(s, handshake('ws://other.test:80/', 'other.test'), Buffer.from('x'));
    s.destroy();
    expect(head).toMatch(/^HTTP\/1.1 403/);
    expect(head).toContain('X-Airlock-Deny: EGRESS_NO_RULE');
  });
});
