/**
 * The proxy's body-inspector hook, with the real proxy in-process and a local upstream:
 * what the inspector reads (a compressed body decoded), what goes upstream (the client's
 * bytes, or the inspector's rewrite with its own length), and what is refused.
 */
import { brotliCompressSync, deflateSync, gzipSync } from 'node:zlib';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openTestProxy } from '../../test/proxy-harness.js';
import type { TestProxy } from '../../test/proxy-harness.js';
import { viaProxy } from '../../test/hardening/raw-client.js';
import { startHttpUpstream } from '../../test/upstreams.js';
import type { Upstream } from '../../test/upstreams.js';
import { composeInspectors } from './compose-inspectors.js';
import type { BodyInspector } from './context.js';

let upstream: Upstream;
let proxy: TestProxy;
const seen: string[] = [];

/** Refuses "forbidden", rewrites "rewrite-me", records every body it reads. */
const inspector: BodyInspector = {
  inspect(body) {
    const text = body.toString('utf8');
    seen.push(text);
    if (text.includes('throw')) throw new Error('inspector broke');
    if (text.includes('forbidden')) return { allow: false, code: 'EGRESS_SECRET', rule: 'test', message: 'no', events: [{ type: 'dlp.secret.blocked', fields: { rule: 'test-rule' } }] };
    if (text.includes('rewrite-me')) return { allow: true, events: [{ type: 'dlp.secret.redacted', fields: { rule: 'test-rule' } }], body: Buffer.from(text.replace('rewrite-me', '[gone]')) };
    return { allow: true, events: [] };
  },
};

beforeAll(async () => {
  upstream = await startHttpUpstream();
  proxy = await openTestProxy({
    egress: { allow: [{ host: 'up.test', ports: [upstream.port], inspect: false, allowPrivate: false }], resolve: { 'up.test': '127.0.0.1' }, inspectBodyBytes: 64 * 1024 },
    bodyInspector: () => inspector,
  });
});
afterAll(async () => {
  await proxy.close();
  await upstream.close();
});

const post = (body: Buffer | string, headers: Record<string, string> = {}) =>
  viaProxy(proxy.socketPath, `http://up.test:${upstream.port}/v1/messages`, { method: 'POST', body, headers: { 'content-type': 'application/json', ...headers }, timeoutMs: 5000 });
const lastUpstream = () => upstream.requests.at(-1);

describe('the body-inspector hook', () => {
  it.each([
    ['gzip', gzipSync],
    ['deflate', deflateSync],
    ['br', brotliCompressSync],
  ])('reads a %s body decoded, and sends the client its own bytes upstream', async (coding, encode) => {
    const plain = `{"prompt":"hello ${coding}"}`;
    const before = upstream.requests.length;
    const res = await post(encode(Buffer.from(plain)), { 'content-encoding': coding });
    expect(res.status).toBe(200);
    expect(seen.at(-1)).toBe(plain);
    expect(upstream.requests.length).toBe(before + 1);
    expect(lastUpstream()?.headers['content-encoding']).toBe(coding);
    expect(lastUpstream()?.body).toEqual(encode(Buffer.from(plain)));
  });

  it('reads through two encodings, last applied first', async () => {
    const res = await post(gzipSync(deflateSync(Buffer.from('{"two":"layers"}'))), { 'content-encoding': 'deflate, gzip' });
    expect(res.status).toBe(200);
    expect(seen.at(-1)).toBe('{"two":"layers"}');
  });

  it('refuses a denied compressed body before it reaches the upstream, and records the inspector\'s events', async () => {
    const before = upstream.requests.length;
    const res = await post(gzipSync(Buffer.from('{"x":"forbidden"}')), { 'content-encoding': 'gzip' });
    expect(res.status).toBe(403);
    expect(res.headers['x-airlock-deny']).toBe('EGRESS_SECRET');
    expect(upstream.requests.length).toBe(before);
    const types = proxy.events.slice(-2).map((e) => e.type);
    expect(types).toEqual(['dlp.secret.blocked', 'net.request.denied']);
    expect(proxy.events.at(-2)).toMatchObject({ rule: 'test-rule', host: 'up.test', method: 'POST', path: '/v1/messages' });
  });

  it('refuses a body in an encoding it cannot read (EGRESS_BODY_UNINSPECTABLE), and one that does not decode', async () => {
    const before = upstream.requests.length;
    const compress = await post('whatever', { 'content-encoding': 'compress' });
    expect(compress.status).toBe(403);
    expect(compress.headers['x-airlock-deny']).toBe('EGRESS_BODY_UNINSPECTABLE');
    expect(compress.body.toString()).toMatch(/Content-Encoding compress/);
    const broken = await post('not gzip at all', { 'content-encoding': 'gzip' });
    expect(broken.status).toBe(403);
    expect(broken.body.toString()).toMatch(/does not decode as gzip/);
    expect(upstream.requests.length).toBe(before);
  });

  it('never inflates a small body past egress.inspectBodyBytes (a zip bomb): it is passed as unscanned', async () => {
    const bomb = gzipSync(Buffer.alloc(50 * 1024 * 1024, 0x61));
    expect(bomb.length).toBeLessThan(64 * 1024);
    const res = await post(bomb, { 'content-encoding': 'gzip' });
    expect(res.status).toBe(200);
    expect(proxy.events.filter((e) => e.type === 'net.request.completed').at(-1)).toMatchObject({ unscanned: true });
  });

  it('sends a rewritten body decoded, with its own length and no Content-Encoding', async () => {
    const res = await post(gzipSync(Buffer.from('{"x":"rewrite-me please"}')), { 'content-encoding': 'gzip' });
    expect(res.status).toBe(200);
    expect(lastUpstream()?.body?.toString()).toBe('{"x":"[gone] please"}');
    expect(lastUpstream()?.headers['content-encoding']).toBeUndefined();
    expect(lastUpstream()?.headers['content-length']).toBe(String('{"x":"[gone] please"}'.length));
    expect(proxy.events.filter((e) => e.type === 'net.request.completed').at(-1)).toMatchObject({ redacted: true });
  });

  it('rewrites a chunked body too (the upstream gets a length)', async () => {
    const res = await post('{"x":"rewrite-me"}', { 'transfer-encoding': 'chunked' });
    expect(res.status).toBe(200);
    expect(lastUpstream()?.body?.toString()).toBe('{"x":"[gone]"}');
    expect(lastUpstream()?.headers['content-length']).toBe('14');
  });

  it('fails closed when the inspector throws (PROXY_INTERNAL)', async () => {
    const before = upstream.requests.length;
    const res = await post('{"x":"throw"}');
    expect(res.status).toBe(403);
    expect(res.headers['x-airlock-deny']).toBe('PROXY_INTERNAL');
    expect(upstream.requests.length).toBe(before);
  });
});

describe('composeInspectors', () => {
  const request = { method: 'POST', host: 'h', port: 1, path: '/', route: undefined };
  const rewrite = (from: string, to: string): BodyInspector => ({
    inspect: (body) => ({ allow: true, events: [{ type: `saw.${body.toString()}`, fields: {} }], body: Buffer.from(body.toString().replace(from, to)) }),
  });

  it('hands each inspector the body the one before left, and sends the last', async () => {
    const verdict = await composeInspectors([rewrite('a', 'b'), rewrite('b', 'c')]).inspect(Buffer.from('a'), request);
    expect(verdict).toMatchObject({ allow: true, body: Buffer.from('c') });
    expect(verdict.events?.map((e) => e.type)).toEqual(['saw.a', 'saw.b']);
  });

  it('stops at the first denial, keeping the events so far', async () => {
    let ran = false;
    const deny: BodyInspector = { inspect: () => ({ allow: false, code: 'EGRESS_SECRET', message: 'no', events: [{ type: 'denied', fields: {} }] }) };
    const after: BodyInspector = { inspect: () => ((ran = true), { allow: true, events: [] }) };
    const verdict = await composeInspectors([rewrite('a', 'b'), deny, after]).inspect(Buffer.from('a'), request);
    expect(verdict).toMatchObject({ allow: false, code: 'EGRESS_SECRET' });
    expect(verdict.events?.map((e) => e.type)).toEqual(['saw.a', 'denied']);
    expect(ran).toBe(false);
  });

  it('reads streams with the inspectors that can: the longest hold-back, the first denial', () => {
    const plain: BodyInspector = { inspect: () => ({ allow: true, events: [] }) };
    expect(composeInspectors([plain]).stream).toBeUndefined();
    const streaming = (holdBack: number, stopAt: string): BodyInspector => ({
      inspect: () => ({ allow: true, events: [] }),
      stream: () => ({
        holdBack,
        write: (chunk) => (chunk.toString() === stopAt ? { allow: false, code: 'EGRESS_SECRET', message: stopAt, events: [{ type: `stop.${holdBack}`, fields: {} }] } : { allow: true, events: [{ type: `saw.${holdBack}`, fields: {} }] }),
        end: () => ({ allow: true, events: [] }),
      }),
    });
    const s = composeInspectors([streaming(10, 'x'), plain, streaming(99, 'y')]).stream?.(request);
    expect(s?.holdBack).toBe(99);
    expect(s?.write(Buffer.from('a')).events?.map((e) => e.type)).toEqual(['saw.10', 'saw.99']);
    expect(s?.write(Buffer.from('y'))).toMatchObject({ allow: false, message: 'y', events: [{ type: 'saw.10' }, { type: 'stop.99' }] });
  });

  it('says nothing of a body when no inspector rewrote it', async () => {
    const pass: BodyInspector = { inspect: () => ({ allow: true, events: [] }) };
    expect(await composeInspectors([pass, pass]).inspect(Buffer.from('a'), request)).toEqual({ allow: true, events: [] });
  });
});
