/**
 * DLP on a body past egress.inspectBodyBytes, which the proxy forwards as it streams:
 * the real proxy, the real scanner, a raw upstream that records every byte it receives.
 */
import { request } from 'node:http';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openTestProxy } from '../../test/proxy-harness.js';
import type { TestProxy } from '../../test/proxy-harness.js';
import { startRawUpstream } from '../../test/hardening/raw-upstreams.js';
import type { RawUpstream } from '../../test/hardening/raw-upstreams.js';
import { createScanCache, createScanner } from '../dlp/index.js';
import { checksummedToken, createRng } from '../dlp/test-tokens.js';
import type { DlpAction } from '../policy/index.js';
import { createDlpInspector } from './dlp-inspector.js';

const CAP = 64 * 1024;
const token = checksummedToken(createRng(5), 'ghp_');
let upstream: RawUpstream;
const received: Buffer[] = [];

beforeAll(async () => {
  upstream = await startRawUpstream((s) => {
    const chunks: Buffer[] = [];
    s.on('data', (c: Buffer) => {
      chunks.push(c);
      const all = Buffer.concat(chunks);
      received.push(all);
      const headEnd = all.indexOf('\r\n\r\n');
      const length = Number(/content-length: (\d+)/i.exec(all.toString('latin1', 0, headEnd))?.[1] ?? -1);
      if (headEnd >= 0 && all.length - headEnd - 4 === length) s.end('HTTP/1.1 200 OK\r\ncontent-length: 2\r\nconnection: close\r\n\r\nok');
    });
  });
});
afterAll(() => upstream.close());

async function proxyWith(onHigh: DlpAction): Promise<TestProxy> {
  return openTestProxy({
    egress: { allow: [{ host: 'up.test', ports: [upstream.port], inspect: false, allowPrivate: false }], resolve: { 'up.test': '127.0.0.1' }, inspectBodyBytes: CAP, overInspectLimit: 'pass' },
    bodyInspector: () => createDlpInspector({ scanner: createScanner(), cache: createScanCache(), policy: { onHigh }, routes: [], placeholders: [] }),
  });
}

/** A body of `size` bytes with `planted` at `at`, sent in 1000-byte writes (so chunks split the token). */
function send(proxy: TestProxy, size: number, planted: string, at: number): Promise<{ status: number; deny: string | undefined }> {
  const body = Buffer.alloc(size, 'lorem ipsum dolor sit amet, ');
  body.write(planted, at, 'latin1');
  return new Promise((resolve, reject) => {
    const req = request({ socketPath: proxy.socketPath, method: 'POST', path: `http://up.test:${upstream.port}/upload`, headers: { host: `up.test:${upstream.port}`, 'content-length': size }, agent: false }, (res) => {
      res.resume();
      res.on('end', () => resolve({ status: res.statusCode ?? 0, deny: res.headers['x-airlock-deny'] as string | undefined }));
    });
    req.on('error', reject);
    let offset = 0;
    const write = () => {
      while (offset < size) {
        const chunk = body.subarray(offset, offset + 1000);
        offset += chunk.length;
        if (!req.write(chunk)) return void req.once('drain', write);
      }
      req.end();
    };
    write();
  });
}

describe('DLP past the inspection cap, as the body streams', () => {
  it('cuts the body off before the secret leaves, after streaming what came before it', async () => {
    const proxy = await proxyWith('block');
    received.length = 0;
    const res = await send(proxy, 400_000, ` token=${token} `, 300_123);
    await proxy.close();
    expect(res).toEqual({ status: 403, deny: 'EGRESS_SECRET' });
    const got = received.at(-1) ?? Buffer.alloc(0);
    expect(got.length).toBeGreaterThan(200_000);
    expect(got.includes(token.slice(0, 6))).toBe(false);
    expect(proxy.events.map((e) => e.type)).toEqual(expect.arrayContaining(['dlp.secret.blocked', 'net.request.denied']));
    expect(proxy.events.find((e) => e.type === 'dlp.secret.blocked')).toMatchObject({ rule: 'github-token', offset: 300_130, hmac: expect.stringMatching(/^[0-9a-f]{64}$/) });
    expect(proxy.events.find((e) => e.type === 'net.request.failed')).toBeUndefined();
  });

  it('cuts it off on a route that says redact too: what has streamed cannot be redacted', async () => {
    const proxy = await proxyWith('redact');
    const res = await send(proxy, 200_000, ` token=${token} `, CAP + 10);
    await proxy.close();
    expect(res.deny).toBe('EGRESS_SECRET');
  });

  it('only records when policy says alert, and the whole body arrives', async () => {
    const proxy = await proxyWith('alert');
    received.length = 0;
    const res = await send(proxy, 200_000, ` token=${token} `, 150_000);
    await proxy.close();
    expect(res.status).toBe(200);
    expect(received.at(-1)?.includes(token)).toBe(true);
    expect(proxy.events.find((e) => e.type === 'dlp.secret.alert')).toMatchObject({ rule: 'github-token', offset: 150_007 });
    expect(proxy.events.find((e) => e.type === 'net.request.completed')).toMatchObject({ unscanned: true, streamInspected: true, bytesUp: 200_000 });
  });

  it('lets a clean streamed body through whole', async () => {
    const proxy = await proxyWith('block');
    received.length = 0;
    const res = await send(proxy, 300_000, 'nothing here', 100);
    await proxy.close();
    expect(res.status).toBe(200);
    const got = received.at(-1) ?? Buffer.alloc(0);
    expect(got.length - got.indexOf('\r\n\r\n') - 4).toBe(300_000);
  });
});
