import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { connect } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openTestProxy } from '../../test/proxy-harness.js';
import type { TestProxy } from '../../test/proxy-harness.js';

/** One raw request through the proxy's socket; resolves with the response head. */
function send(proxy: TestProxy, text: string): Promise<string> {
  return new Promise((resolve, reject) => {
    const s = connect(proxy.socketPath);
    let got = '';
    s.on('data', (c: Buffer) => {
      got += c.toString('latin1');
      if (got.includes('\r\n\r\n')) {
        s.destroy();
        resolve(got.slice(0, got.indexOf('\r\n\r\n')));
      }
    });
    s.on('error', reject);
    s.write(text);
  });
}

describe('proxy: fail closed when the audit log cannot be written', () => {
  let accepting = true;
  let upstreamHits = 0;
  const upstream = createServer((_req, res) => {
    upstreamHits++;
    res.end('ok');
  });
  let port = 0;
  let proxy: TestProxy;

  beforeAll(async () => {
    await new Promise<void>((resolve) => upstream.listen(0, '127.0.0.1', resolve));
    port = (upstream.address() as AddressInfo).port;
    proxy = await openTestProxy({
      egress: { allow: [{ host: 'audited.test', ports: [port], inspect: false, allowPrivate: true }], resolve: { 'audited.test': '127.0.0.1' } },
      auditAccepting: () => accepting,
    });
  });
  afterAll(async () => {
    await proxy.close();
    upstream.close();
  });

  it('forwards while the log is writable, then denies every kind of request, none reaching the upstream', async () => {
    const get = `GET http://audited.test:${port}/x HTTP/1.1\r\nHost: audited.test:${port}\r\nConnection: close\r\n\r\n`;
    expect(await send(proxy, get)).toMatch(/^HTTP\/1\.1 200/);
    expect(upstreamHits).toBe(1);
    accepting = false;
    const denied = await send(proxy, get);
    expect(denied).toMatch(/^HTTP\/1\.1 403/);
    expect(denied).toMatch(/X-Airlock-Deny: AUDIT_UNAVAILABLE/i);
    const tunnel = await send(proxy, `CONNECT audited.test:${port} HTTP/1.1\r\nHost: audited.test:${port}\r\n\r\n`);
    expect(tunnel).toMatch(/^HTTP\/1\.1 403/);
    expect(tunnel).toMatch(/X-Airlock-Deny: AUDIT_UNAVAILABLE/i);
    expect(upstreamHits).toBe(1);
    expect(proxy.events.filter((e) => e.code === 'AUDIT_UNAVAILABLE').map((e) => e.method)).toEqual(['GET', 'CONNECT']);
  });
});
