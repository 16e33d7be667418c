/**
 * The sandbox leg of an intercepted connection (the TLS the proxy terminates with a leaf of
 * the session CA): which cipher suite it negotiates. That leg never leaves the machine, so
 * the proxy prefers the cheaper AES-128-GCM (SANDBOX_LEG_CIPHERS says why), and a client
 * that does not offer it still connects.
 */
import type { ConnectionOptions } from 'node:tls';
import { connect as tlsConnect } from 'node:tls';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openTunnelVia } from '../../test/hardening/raw-client.js';
import { openTestProxy } from '../../test/proxy-harness.js';
import type { TestProxy } from '../../test/proxy-harness.js';

describe('the sandbox leg of an intercepted connection', () => {
  let proxy: TestProxy;
  beforeAll(async () => {
    proxy = await openTestProxy({ egress: { allow: [{ host: 'inspected.test', ports: [443], inspect: true, allowPrivate: false }] } });
  });
  afterAll(() => proxy.close());

  /** CONNECT, then a TLS handshake with the proxy's leaf (no upstream is needed for it). */
  const cipherOf = async (options: ConnectionOptions): Promise<string> => {
    const raw = await openTunnelVia(proxy.socketPath, 'inspected.test:443');
    return new Promise((resolve, reject) => {
      const s = tlsConnect({ socket: raw, servername: 'inspected.test', ca: proxy.caPem, ...options });
      s.once('secureConnect', () => {
        resolve(s.getCipher().name);
        s.destroy();
      });
      s.once('error', reject);
    });
  };

  it("prefers AES-128-GCM over the client's own first choice", async () => {
    // Node's client, like most, offers TLS_AES_256_GCM_SHA384 first.
    expect(await cipherOf({})).toBe('TLS_AES_128_GCM_SHA256');
    expect(await cipherOf({ maxVersion: 'TLSv1.2' })).toBe('ECDHE-RSA-AES128-GCM-SHA256');
  });

  it('serves a client that offers only another suite with that one', async () => {
    expect(await cipherOf({ ciphers: 'TLS_AES_256_GCM_SHA384' })).toBe('TLS_AES_256_GCM_SHA384');
    expect(await cipherOf({ ciphers: 'TLS_CHACHA20_POLY1305_SHA256' })).toBe('TLS_CHACHA20_POLY1305_SHA256');
  });
});
