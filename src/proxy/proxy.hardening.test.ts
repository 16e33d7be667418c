/**
 * Issue 3, "Hardened": limits, timeouts, the connection cap, hop-by-hop headers, and
 * hostile input (random bytes, mutated requests, oversized heads, slowloris, half-closed
 * sockets) against the real proxy, in-process, on its Unix socket. Every hostile case is
 * followed by the liveness check: a normal request still gets 200 within a second and
 * no error escaped to the process (it would have crashed a real session's proxy).
 * Upstreams are local servers on 127.0.0.1 only.
 */
import { createHash } from 'node:crypto';
import { writeFileSync } from 'node:fs';
import { connect as tlsConnect } from 'node:tls';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { tempDir } from '../../test/helpers.js';
import type { TestProxy } from '../../test/proxy-harness.js';
import { createTestUpstreamCa, startHttpsUpstream, startHttpUpstream } from '../../test/upstreams.js';
import type { Upstream } from '../../test/upstreams.js';
import { createRng, makeCase } from '../../test/hardening/fuzz.js';
import { runFuzz } from '../../test/hardening/fuzz-run.js';
import { allUncaught, checkAlive, inPool, openedEvents, openHardenedProxy, resetUncaught, rule, SECRET, sleep, watchUncaught } from '../../test/hardening/proxy-setup.js';
import { closedAfter, closedWithin, hasStatusLine, headerOf, openRaw, openTunnelVia, sendRaw, statusOf, viaProxy } from '../../test/hardening/raw-client.js';
import { parseHead, startBlackhole, startHeadRecorder, startRawUpstream } from '../../test/hardening/raw-upstreams.js';
import type { Blackhole, RawUpstream } from '../../test/hardening/raw-upstreams.js';

/** One seed for the random-bytes and mutation tests; printed, and set with AIRLOCK_FUZZ_SEED to replay a run. */
const SEED = Number(process.env.AIRLOCK_FUZZ_SEED ?? Math.floor(Math.random() * 2 ** 32));
let live: Upstream;
let stopWatching: () => void;

beforeAll(async () => {
  stopWatching = watchUncaught();
  live = await startHttpUpstream();
});
afterAll(async () => {
  stopWatching();
  await live.close();
});
beforeEach(() => resetUncaught());

async function expectAlive(proxy: TestProxy): Promise<void> {
  const alive = await checkAlive(proxy, live.port);
  expect(alive.crashes, 'errors escaped to the process (each would crash the proxy)').toEqual([]);
  expect(alive.status, 'the liveness request through the proxy').toBe(200);
  expect(alive.ms).toBeLessThan(1000);
}

const credentialRoute = (name: string, host: string, port: number, upstream?: string) => ({
  name, hosts: [host], ports: [port], inject: { header: 'x-api-key', prefix: '' }, source: { env: 'X' }, placeholderEnv: [], placeholderPrefix: 'airlock-',
  ...(upstream === undefined ? {} : { upstream }),
});

describe('random bytes', () => {
  let proxy: TestProxy;
  beforeAll(async () => {
    proxy = await openHardenedProxy({ livePort: live.port, limits: { maxHeaderBytes: 16 * 1024, headersTimeoutMs: 1000 } });
  });
  afterAll(() => proxy.close());

  it('answers 400 or closes on 200 connections of random bytes, then serves a normal request', async () => {
    console.log(`random-bytes seed: ${SEED} (replay: AIRLOCK_FUZZ_SEED=${SEED})`);
    const rng = createRng(SEED);
    const cases = Array.from({ length: 200 }, (_, i) => {
      const bytes = rng.bytes(rng.pick([1, 7, 64, 500, 4000, 20_000, 70_000]));
      if (i % 2 === 0) for (let k = 0; k < 1 + rng.int(8); k++) bytes.write(rng.pick(['\r\n', '\r\n\r\n', '\n', ' ']), rng.int(bytes.length), 'latin1');
      return { i, bytes, ending: i % 3 === 0 ? ('destroy' as const) : ('end' as const) };
    });
    const results = await inPool(cases, 40, (c) => sendRaw(proxy.socketPath, c.bytes, { ending: c.ending, waitMs: 2000 }));
    const bad = results.flatMap((r, i) => {
      const status = statusOf(r.data);
      const ok = r.closed && (r.data.length === 0 || status === 400);
      return ok ? [] : [`case ${i} (seed ${SEED}): closed=${r.closed} answer=${JSON.stringify(r.data.subarray(0, 60).toString('latin1'))}`];
    });
    expect(bad).toEqual([]);
    await expectAlive(proxy);
  });
});

describe('mutation fuzz', () => {
  const ONLY = process.env.AIRLOCK_FUZZ_CASE;
  const CASES = 2000;
  const ca = createTestUpstreamCa();
  const dir = tempDir('fuzz');
  let proxy: TestProxy;
  let decoy: Upstream;
  let api: Upstream;

  beforeAll(async () => {
    decoy = await startHttpUpstream();
    api = await startHttpsUpstream(ca, 'api.test');
    writeFileSync(`${dir.path}/ca.pem`, ca.certPem);
    proxy = await openHardenedProxy({
      livePort: live.port,
      resolve: { 'api.test': '127.0.0.1', 'decoy.test': '127.0.0.1' },
      credentials: [credentialRoute('x', 'api.test', api.port, `https://api.test:${api.port}/base`)],
      tls: { upstreamCaFile: `${dir.path}/ca.pem` },
      env: { X: SECRET },
      limits: { maxHeaderBytes: 16 * 1024, headersTimeoutMs: 2000, idleTimeoutMs: 5000, connectTimeoutMs: 2000 },
    });
  });
  afterAll(async () => {
    await proxy.close();
    await decoy.close();
    await api.close();
    dir.remove();
  });

  it(`${CASES} mutated requests: well-formed answers or a close, nothing reaches a disallowed upstream, the proxy stays alive`, async () => {
    console.log(`mutation fuzz seed: ${SEED} (replay: AIRLOCK_FUZZ_SEED=${SEED}, one case: AIRLOCK_FUZZ_CASE=<n>)`);
    const targets = { up: live.port, decoy: decoy.port, api: api.port, route: 'x' };
    const all = Array.from({ length: CASES }, (_, i) => makeCase(SEED, i, targets));
    const cases = ONLY === undefined ? all : all.filter((c) => c.index === Number(ONLY));
    const { failures, outcomes, slowUnderLoad } = await runFuzz({ proxy, livePort: live.port, seed: SEED, cases, secret: SECRET });
    console.log(`mutation fuzz outcomes: ${JSON.stringify(outcomes)}; half-closed cases slow under load only: ${slowUnderLoad}`);
    expect(failures.slice(0, 20), `${failures.length} failure(s)`).toEqual([]);
    expect(decoy.connections, 'connections that reached the decoy upstream no rule allows').toBe(0);
    expect(proxy.events.filter((e) => JSON.stringify(e).includes(SECRET))).toEqual([]);
    await expectAlive(proxy);
  });
});

describe('oversized request heads', () => {
  let proxy: TestProxy;
  beforeAll(async () => {
    proxy = await openHardenedProxy({ livePort: live.port, limits: { maxHeaderBytes: 4096 } });
  });
  afterAll(() => proxy.close());

  it.each([
    ['a GET with one 8 KB header', (p: number) => `GET http://up.test:${p}/ HTTP/1.1\r\nHost: up.test\r\nX-Big: ${'b'.repeat(8192)}\r\n\r\n`],
    // The limit is the parser's measure (names and values, not separators): 1000 x 10 bytes.
    ['a GET with 1000 small headers (10 KB of names and values)', (p: number) => `GET http://up.test:${p}/ HTTP/1.1\r\nHost: up.test\r\n${'X-A: 1234567\r\n'.repeat(1000)}\r\n`],
    ['a GET with a 10 KB URL', (p: number) => `GET http://up.test:${p}/${'u'.repeat(10_000)} HTTP/1.1\r\nHost: up.test\r\n\r\n`],
    ['a CONNECT with an 8 KB header', (p: number) => `CONNECT up.test:${p} HTTP/1.1\r\nX-Big: ${'b'.repeat(8192)}\r\n\r\n`],
  ])('%s gets 431 or 400 and the connection closes', async (_name, make) => {
    const r = await sendRaw(proxy.socketPath, make(live.port), { waitMs: 1500 });
    expect([400, 431]).toContain(statusOf(r.data));
    expect(r.closed).toBe(true);
    await expectAlive(proxy);
  });

  it('a head just under the limit is served (near miss)', async () => {
    const res = await viaProxy(proxy.socketPath, `http://up.test:${live.port}/near`, { headers: { 'x-fill': 'f'.repeat(3000) } });
    expect(res.status).toBe(200);
  });
});

describe('slowloris', () => {
  const HEADERS_TIMEOUT_MS = 500;
  let proxy: TestProxy;
  beforeAll(async () => {
    proxy = await openHardenedProxy({ livePort: live.port, limits: { headersTimeoutMs: HEADERS_TIMEOUT_MS } });
  });
  afterAll(() => proxy.close());

  it('cuts off clients that send a header line every 100 ms, while others are served promptly', async () => {
    const slow = await Promise.all(Array.from({ length: 10 }, () => openRaw(proxy.socketPath)));
    let n = 0;
    for (const s of slow) s.write(`GET http://up.test:${live.port}/ HTTP/1.1\r\n`);
    const drip = setInterval(() => slow.forEach((s) => !closedAfter.has(s) && s.write(`X-Slow-${n++}: 1\r\n`)), 100);
    try {
      await sleep(250);
      const during = await viaProxy(proxy.socketPath, `http://up.test:${live.port}/during`);
      expect(during.status).toBe(200);
      expect(during.ms, 'a normal request while 10 slowloris clients drip').toBeLessThan(200);
      await Promise.all(slow.map((s) => closedWithin(s, HEADERS_TIMEOUT_MS + 1500)));
      const cut = slow.map((s) => closedAfter.get(s) ?? Infinity);
      expect(Math.max(...cut), `slowloris clients closed after (ms): ${cut.join(', ')}`).toBeLessThan(HEADERS_TIMEOUT_MS + 1000);
    } finally {
      clearInterval(drip);
      slow.forEach((s) => s.destroy());
    }
    await expectAlive(proxy);
  });
});

describe('half-closed sockets', () => {
  let proxy: TestProxy;
  let replyAfterEof: RawUpstream;
  let closesFirst: RawUpstream;
  const afterEof: string[] = [];
  beforeAll(async () => {
    replyAfterEof = await startRawUpstream((s) => {
      let got = '';
      s.on('data', (c: Buffer) => (got += c.toString()));
      s.on('end', () => s.end(`got:${got}`));
    });
    closesFirst = await startRawUpstream((s) => {
      s.end('hello-then-eof');
      s.on('data', (c: Buffer) => afterEof.push(c.toString()));
    });
    proxy = await openHardenedProxy({
      livePort: live.port,
      resolve: { 'reply.test': '127.0.0.1', 'first.test': '127.0.0.1' },
      allow: [rule('reply.test', replyAfterEof.port), rule('first.test', closesFirst.port)],
      limits: { headersTimeoutMs: 2000, idleTimeoutMs: 5000 },
    });
  });
  afterAll(async () => {
    await proxy.close();
    await replyAfterEof.close();
    await closesFirst.close();
  });

  it('a client that half-closes its side of a tunnel still receives the upstream reply', async () => {
    const s = await openTunnelVia(proxy.socketPath, `reply.test:${replyAfterEof.port}`);
    let got = '';
    s.on('data', (c: Buffer) => (got += c.toString()));
    s.resume();
    s.end('ping');
    expect(await closedWithin(s, 1500)).toBe(true);
    expect(got).toBe('got:ping');
    await expectAlive(proxy);
  });

  it('a client that half-closes in the middle of a request head gets 400 or a close', async () => {
    const r = await sendRaw(proxy.socketPath, `GET http://up.test:${live.port}/ HTTP/1.1\r\nHost: up`, { ending: 'end', waitMs: 1500 });
    expect(r.closed).toBe(true);
    expect([undefined, 400]).toContain(statusOf(r.data));
    await expectAlive(proxy);
  });

  it('an upstream that half-closes a tunnel gives the client EOF while the client can still send', async () => {
    const s = await openTunnelVia(proxy.socketPath, `first.test:${closesFirst.port}`);
    let got = '';
    s.on('data', (c: Buffer) => (got += c.toString()));
    await new Promise<void>((resolve, reject) => {
      s.once('end', resolve);
      s.resume();
      setTimeout(() => reject(new Error(`no EOF from the tunnel; got "${got}"`)), 1500);
    });
    expect(got).toBe('hello-then-eof');
    s.write('after-eof');
    await sleep(200);
    expect(afterEof.join('')).toBe('after-eof');
    s.destroy();
    await expectAlive(proxy);
  });
});

describe('idle timeout', () => {
  const IDLE_MS = 300;
  let proxy: TestProxy;
  let echo: RawUpstream;
  let mute: RawUpstream;
  beforeAll(async () => {
    echo = await startRawUpstream((s) => s.pipe(s));
    mute = await startRawUpstream(() => {});
    proxy = await openHardenedProxy({
      livePort: live.port,
      resolve: { 'echo.test': '127.0.0.1', 'mute.test': '127.0.0.1' },
      allow: [rule('echo.test', echo.port), rule('mute.test', mute.port)],
      limits: { idleTimeoutMs: IDLE_MS, headersTimeoutMs: 5000 },
    });
  });
  afterAll(async () => {
    await proxy.close();
    await echo.close();
    await mute.close();
  });

  it('closes a tunnel with no bytes either way for idleTimeoutMs', async () => {
    const s = await openTunnelVia(proxy.socketPath, `echo.test:${echo.port}`);
    const started = Date.now();
    expect(await closedWithin(s, IDLE_MS + 1200)).toBe(true);
    expect(Date.now() - started).toBeGreaterThanOrEqual(IDLE_MS - 50);
    await expectAlive(proxy);
  });

  it('keeps an active tunnel open past idleTimeoutMs', async () => {
    const s = await openTunnelVia(proxy.socketPath, `echo.test:${echo.port}`);
    let echoed = 0;
    let closed = false;
    s.on('data', (c: Buffer) => (echoed += c.length));
    s.on('end', () => (closed = true));
    s.on('close', () => (closed = true));
    s.resume();
    for (let i = 0; i < 10; i++) {
      s.write('x');
      await sleep(100);
    }
    expect(closed, 'the active tunnel was closed').toBe(false);
    expect(echoed).toBeGreaterThanOrEqual(9);
    expect(await closedWithin(s, IDLE_MS + 1200), 'closed once it went quiet').toBe(true);
  });

  it('closes a forwarded request whose body stalls for idleTimeoutMs', async () => {
    const head = `POST http://up.test:${live.port}/stall HTTP/1.1\r\nHost: up.test\r\nContent-Length: 1000\r\n\r\n${'x'.repeat(10)}`;
    const r = await sendRaw(proxy.socketPath, head, { waitMs: IDLE_MS + 1500, until: hasStatusLine });
    expect(r.closed || (statusOf(r.data) ?? 0) >= 400, `still open after ${r.ms} ms with no bytes for ${IDLE_MS} ms idle`).toBe(true);
    await expectAlive(proxy);
  });

  it('ends a forwarded request whose upstream never answers within about idleTimeoutMs', async () => {
    const r = await sendRaw(proxy.socketPath, `GET http://mute.test:${mute.port}/ HTTP/1.1\r\nHost: mute.test\r\n\r\n`, { waitMs: IDLE_MS + 1500, until: hasStatusLine });
    expect(r.closed || (statusOf(r.data) ?? 0) >= 500, `no answer and no close after ${r.ms} ms`).toBe(true);
    await expectAlive(proxy);
  });
});

describe('connect timeout', () => {
  const CONNECT_MS = 300;
  const SLACK_MS = 1000;
  let proxy: TestProxy;
  let hole: Blackhole;
  let silent: RawUpstream;
  beforeAll(async () => {
    hole = await startBlackhole();
    silent = await startRawUpstream(() => {});
    proxy = await openHardenedProxy({
      livePort: live.port,
      resolve: { 'hole.test': '127.0.0.1', 'silent.test': '127.0.0.1' },
      allow: [rule('hole.test', hole.port), rule('silent.test', silent.port, true)],
      limits: { connectTimeoutMs: CONNECT_MS, idleTimeoutMs: 10_000 },
    });
  });
  afterAll(async () => {
    await proxy.close();
    hole.close();
    await silent.close();
  });

  it('a CONNECT to an upstream that never accepts ends with 502 within about connectTimeoutMs', async () => {
    const r = await sendRaw(proxy.socketPath, `CONNECT hole.test:${hole.port} HTTP/1.1\r\n\r\n`, { waitMs: CONNECT_MS + SLACK_MS, until: hasStatusLine });
    expect(statusOf(r.data), `after ${r.ms} ms`).toBe(502);
    expect(headerOf(r.data, 'x-airlock-error') ?? headerOf(r.data, 'x-airlock-deny')).toBeDefined();
    await expectAlive(proxy);
  });

  it('an absolute-form request to an upstream that never accepts ends with 502 within about connectTimeoutMs', async () => {
    const r = await sendRaw(proxy.socketPath, `GET http://hole.test:${hole.port}/ HTTP/1.1\r\nHost: hole.test\r\n\r\n`, { waitMs: CONNECT_MS + SLACK_MS, until: hasStatusLine });
    expect(statusOf(r.data), `no answer after ${r.ms} ms`).toBe(502);
    await expectAlive(proxy);
  });

  it('a WebSocket upgrade to an upstream that never accepts ends within about connectTimeoutMs', async () => {
    const ws = `GET http://hole.test:${hole.port}/ws HTTP/1.1\r\nHost: hole.test\r\nUpgrade: websocket\r\nConnection: Upgrade\r\nSec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==\r\nSec-WebSocket-Version: 13\r\n\r\n`;
    const r = await sendRaw(proxy.socketPath, ws, { waitMs: CONNECT_MS + SLACK_MS, until: hasStatusLine });
    expect(r.closed || statusOf(r.data) === 502, `no answer and no close after ${r.ms} ms`).toBe(true);
    await expectAlive(proxy);
  });

  it('an intercepted request to an upstream that accepts TCP but never completes TLS ends with 502 within about connectTimeoutMs', async () => {
    const raw = await openTunnelVia(proxy.socketPath, `silent.test:${silent.port}`);
    const s = tlsConnect({ socket: raw, servername: 'silent.test', ca: proxy.caPem });
    await new Promise((resolve, reject) => {
      s.once('secureConnect', resolve);
      s.once('error', reject);
    });
    const started = Date.now();
    let got = Buffer.alloc(0);
    s.on('data', (c: Buffer) => (got = Buffer.concat([got, c])));
    s.on('error', () => {});
    s.write(`GET /x HTTP/1.1\r\nHost: silent.test:${silent.port}\r\n\r\n`);
    while (!hasStatusLine(got) && !s.destroyed && Date.now() - started < CONNECT_MS + SLACK_MS) await sleep(25);
    s.destroy();
    expect(statusOf(got), `no answer after ${Date.now() - started} ms`).toBe(502);
    await expectAlive(proxy);
  });
});

describe('connection cap', () => {
  const CAP = 20;
  let proxy: TestProxy;
  beforeAll(async () => {
    proxy = await openHardenedProxy({ livePort: live.port, limits: { maxConnections: CAP, headersTimeoutMs: 500, idleTimeoutMs: 500 } });
  });
  afterAll(() => proxy.close());

  it(`with maxConnections ${CAP}, 40 idle connections: at most ${CAP} are held, and after they close new ones are served`, async () => {
    const sockets = await Promise.all(Array.from({ length: 40 }, () => openRaw(proxy.socketPath)));
    await sleep(300);
    const held = sockets.filter((s) => !closedAfter.has(s)).length;
    expect(held).toBeLessThanOrEqual(CAP);
    sockets.forEach((s) => s.destroy());
    await sleep(100);
    await expectAlive(proxy);
  });

  it('closes connections that never send a byte, so silent clients cannot hold the cap', async () => {
    const sockets = await Promise.all(Array.from({ length: CAP }, () => openRaw(proxy.socketPath)));
    try {
      const closed = await Promise.all(sockets.map((s) => closedWithin(s, 500 + 1500)));
      expect(closed.filter((c) => !c).length, 'silent connections still open 2 s after connecting (headers and idle timeouts are 500 ms)').toBe(0);
      await expectAlive(proxy);
    } finally {
      sockets.forEach((s) => s.destroy());
    }
  });
});

describe('hop-by-hop headers (RFC 9110 §7.6.1)', () => {
  const UPSTREAM_RESPONSE = [
    'HTTP/1.1 200 OK', 'Content-Type: text/plain', 'Connection: keep-alive, X-Up-Hop', 'Keep-Alive: timeout=77, max=99', 'X-Up-Hop: up-hop-value',
    'Proxy-Authenticate: Basic realm="up"', 'Proxy-Connection: keep-alive', 'Trailer: X-Checksum', 'Upgrade: h2c', 'X-End-To-End: kept-down',
    'Transfer-Encoding: chunked', '', '5\r\nhello\r\n0\r\nX-Checksum: abc\r\n\r\n',
  ].join('\r\n');
  let proxy: TestProxy;
  let hop: RawUpstream & { heads: string[] };
  let wsUp: RawUpstream & { heads: string[] };
  beforeAll(async () => {
    hop = await startHeadRecorder(UPSTREAM_RESPONSE);
    wsUp = await startHeadRecorder('HTTP/1.1 101 Switching Protocols\r\nUpgrade: websocket\r\nConnection: Upgrade\r\n\r\n');
    proxy = await openHardenedProxy({
      livePort: live.port,
      resolve: { 'hop.test': '127.0.0.1', 'wsup.test': '127.0.0.1' },
      allow: [rule('hop.test', hop.port), rule('wsup.test', wsUp.port)],
    });
  });
  afterAll(async () => {
    await proxy.close();
    await hop.close();
    await wsUp.close();
  });

  it('strips hop-by-hop request fields and every field Connection names; end-to-end fields arrive', async () => {
    const request = [
      `GET http://hop.test:${hop.port}/hop HTTP/1.1`, `Host: hop.test:${hop.port}`, 'Connection: close, X-Secret-Hop', 'Connection: X-Other-Hop',
      'X-Secret-Hop: s1', 'X-Other-Hop: s2', 'Keep-Alive: timeout=99', 'Proxy-Connection: keep-alive', 'Proxy-Authorization: Basic c2VjcmV0OnNlY3JldA==',
      'TE: trailers', 'Trailer: X-Foo', 'Upgrade: h2c', 'X-End-To-End: kept-up', '', '',
    ].join('\r\n');
    const r = await sendRaw(proxy.socketPath, request, { waitMs: 1500 });
    expect(statusOf(r.data)).toBe(200);
    const { fields } = parseHead(hop.heads.at(-1) ?? '');
    const names = fields.map(([n]) => n);
    for (const banned of ['keep-alive', 'proxy-connection', 'proxy-authorization', 'te', 'trailer', 'upgrade', 'x-secret-hop', 'x-other-hop']) {
      expect(names, `the upstream received ${banned}`).not.toContain(banned);
    }
    const connection = fields.filter(([n]) => n === 'connection').map(([, v]) => v.toLowerCase()).join(', ');
    expect(connection, 'the Connection field the upstream received (the proxy may send its own)').not.toMatch(/x-secret-hop|x-other-hop/);
    expect(fields).toContainEqual(['x-end-to-end', 'kept-up']);
    expect(fields).toContainEqual(['host', `hop.test:${hop.port}`]);
  });

  it('strips hop-by-hop response fields and every field the upstream Connection names', async () => {
    const r = await sendRaw(proxy.socketPath, `GET http://hop.test:${hop.port}/down HTTP/1.1\r\nHost: hop.test\r\nConnection: close\r\n\r\n`, { waitMs: 1500 });
    expect(statusOf(r.data)).toBe(200);
    const { fields } = parseHead(r.data.toString('latin1').split('\r\n\r\n')[0] ?? '');
    const names = fields.map(([n]) => n);
    for (const banned of ['x-up-hop', 'proxy-authenticate', 'proxy-connection', 'trailer', 'upgrade']) expect(names, `the client received ${banned}`).not.toContain(banned);
    const hopValues = fields.filter(([n]) => n === 'keep-alive' || n === 'connection').map(([, v]) => v.toLowerCase()).join(', ');
    expect(hopValues, 'the upstream\'s own Keep-Alive/Connection values').not.toMatch(/timeout=77|max=99|x-up-hop/);
    expect(fields).toContainEqual(['x-end-to-end', 'kept-down']);
    expect(r.data.toString('latin1')).toContain('hello');
    expect(r.data.toString('latin1')).not.toContain('up-hop-value');
  });

  it('on a WebSocket upgrade, keeps Upgrade and Connection: Upgrade but strips the rest', async () => {
    const request = [
      `GET http://wsup.test:${wsUp.port}/ws HTTP/1.1`, `Host: wsup.test:${wsUp.port}`, 'Upgrade: websocket', 'Connection: Upgrade, X-Secret-Hop', 'X-Secret-Hop: s',
      'Proxy-Authorization: Basic c2VjcmV0OnNlY3JldA==', 'Keep-Alive: 1', 'Sec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==', 'Sec-WebSocket-Version: 13', '', '',
    ].join('\r\n');
    const r = await sendRaw(proxy.socketPath, request, { waitMs: 1500, until: hasStatusLine });
    expect(statusOf(r.data)).toBe(101);
    const { fields } = parseHead(wsUp.heads.at(-1) ?? '');
    const names = fields.map(([n]) => n);
    for (const banned of ['x-secret-hop', 'proxy-authorization', 'keep-alive']) expect(names, `the upstream received ${banned}`).not.toContain(banned);
    expect(fields).toContainEqual(['upgrade', 'websocket']);
    expect(fields.find(([n]) => n === 'connection')?.[1].toLowerCase()).toBe('upgrade');
    expect(fields).toContainEqual(['sec-websocket-key', 'dGhlIHNhbXBsZSBub25jZQ==']);
  });
});

describe('body inspection limit', () => {
  const BODY = Buffer.alloc(5000, 'b');
  const sha = createHash('sha256').update(BODY).digest('hex');
  const proxies: Record<'block' | 'pass', TestProxy | undefined> = { block: undefined, pass: undefined };
  const ups: Record<'block' | 'pass', Upstream | undefined> = { block: undefined, pass: undefined };
  beforeAll(async () => {
    for (const mode of ['block', 'pass'] as const) {
      const up = await startHttpUpstream();
      ups[mode] = up;
      proxies[mode] = await openHardenedProxy({
        livePort: live.port,
        resolve: { 'body.test': '127.0.0.1' },
        allow: [rule('body.test', up.port)],
        egress: { inspectBodyBytes: 1024, overInspectLimit: mode },
        credentials: [credentialRoute('cred', 'cred.test', 443)],
        env: { X: SECRET },
      });
    }
  });
  afterAll(async () => {
    for (const mode of ['block', 'pass'] as const) {
      await proxies[mode]?.close();
      await ups[mode]?.close();
    }
  });

  it("with overInspectLimit 'block', a 5000-byte POST gets 403 EGRESS_BODY_UNINSPECTABLE and the upstream receives nothing", async () => {
    const proxy = proxies.block as TestProxy;
    const up = ups.block as Upstream;
    const res = await viaProxy(proxy.socketPath, `http://body.test:${up.port}/upload`, { method: 'POST', body: BODY, headers: { 'content-type': 'application/octet-stream' } });
    expect(res.status).toBe(403);
    expect(res.headers['x-airlock-deny']).toBe('EGRESS_BODY_UNINSPECTABLE');
    await sleep(100);
    expect(up.connections).toBe(0);
    expect(up.requests).toEqual([]);
    expect(proxy.events.some((e) => e.type === 'net.request.denied' && e.code === 'EGRESS_BODY_UNINSPECTABLE')).toBe(true);
    await expectAlive(proxy);
  });

  it("with overInspectLimit 'block', a body under the limit passes (near miss)", async () => {
    const proxy = proxies.block as TestProxy;
    const up = ups.block as Upstream;
    const res = await viaProxy(proxy.socketPath, `http://body.test:${up.port}/small`, { method: 'POST', body: BODY.subarray(0, 500) });
    expect(res.status).toBe(200);
    expect(up.requests.at(-1)?.bodyBytes).toBe(500);
  });

  it("with overInspectLimit 'pass', the 5000-byte POST arrives whole and the event says unscanned", async () => {
    const proxy = proxies.pass as TestProxy;
    const up = ups.pass as Upstream;
    const res = await viaProxy(proxy.socketPath, `http://body.test:${up.port}/upload`, { method: 'POST', body: BODY });
    expect(res.status).toBe(200);
    expect(up.requests.at(-1)).toMatchObject({ path: '/upload', bodyBytes: 5000, bodySha: sha });
    expect(proxy.events.find((e) => e.type === 'net.request.completed' && e.path === '/upload')).toMatchObject({ unscanned: true, bytesUp: 5000 });
    await expectAlive(proxy);
  });
});

describe('clients that leave at the wrong moment', () => {
  let proxy: TestProxy;
  let slowUp: RawUpstream;
  beforeAll(async () => {
    // Answers EOF with EOF, as a server does: a connection the proxy ends does close.
    slowUp = await startRawUpstream((s) => s.on('end', () => s.end()));
    proxy = await openHardenedProxy({
      livePort: live.port,
      allow: [{ host: 'slow.test', ports: [slowUp.port], inspect: false, allowPrivate: true }],
      // slow.test is not in egress.resolve, so it goes through this (slow) lookup.
      lookup: async () => {
        await sleep(150);
        return [{ address: '127.0.0.1', family: 4 }];
      },
      limits: { idleTimeoutMs: 10_000 },
    });
  });
  afterAll(async () => {
    await proxy.close();
    await slowUp.close();
  });

  it('a client that drops the connection right after a denied WebSocket upgrade does not crash the proxy', async () => {
    const ws = 'GET http://denied.test/ HTTP/1.1\r\nHost: denied.test\r\nUpgrade: websocket\r\nConnection: Upgrade\r\n\r\n';
    await inPool(Array.from({ length: 30 }), 10, () => sendRaw(proxy.socketPath, Buffer.concat([Buffer.from(ws), Buffer.alloc(64 * 1024, 'x')]), { ending: 'destroy' }));
    await sleep(100);
    await expectAlive(proxy);
  });

  it('a client that drops the connection right after a denied CONNECT does not crash the proxy', async () => {
    const connect = `CONNECT denied.test:443 HTTP/1.1\r\nHost: denied.test\r\n\r\n`;
    await inPool(Array.from({ length: 30 }), 10, () => sendRaw(proxy.socketPath, Buffer.concat([Buffer.from(connect), Buffer.alloc(64 * 1024, 'x')]), { ending: 'destroy' }));
    await sleep(100);
    await expectAlive(proxy);
  });

  it('a client that leaves while its CONNECT is being resolved leaves no upstream connection open', async () => {
    await sendRaw(proxy.socketPath, `CONNECT slow.test:${slowUp.port} HTTP/1.1\r\nHost: slow.test\r\n\r\n`, { ending: 'destroy' });
    await sleep(150 + 300);
    const deadline = Date.now() + 1000;
    while (slowUp.open() > 0 && Date.now() < deadline) await sleep(25);
    expect(slowUp.open(), `upstream connections still open (of ${slowUp.sockets.length} made)`).toBe(0);
    await expectAlive(proxy);
  });

  it('a parse error on a pipelined request never splices a 400 into a response in progress', async () => {
    const s = await openRaw(proxy.socketPath);
    let got = Buffer.alloc(0);
    let sentGarbage = false;
    s.on('data', (c: Buffer) => {
      got = Buffer.concat([got, c]);
      if (!sentGarbage && got.includes('\r\n\r\n')) {
        sentGarbage = true;
        s.write('\x00garbage\r\n\r\n');
      }
    });
    s.write(`GET http://up.test:${live.port}/bytes?n=2000000 HTTP/1.1\r\nHost: up.test\r\n\r\n`);
    await closedWithin(s, 3000);
    s.destroy();
    // A 400 after the whole 2 MB body is proper pipelining; one inside it corrupts the response.
    const bodyStart = got.indexOf('\r\n\r\n') + 4;
    const body = got.subarray(bodyStart, bodyStart + 2_000_000);
    expect(statusOf(got)).toBe(200);
    expect(body.indexOf('HTTP/1.1 400'), `offset of a 400 status line inside the 200 body (${body.length} body bytes received)`).toBe(-1);
    await expectAlive(proxy);
  });
});

describe('audit events', () => {
  let proxy: TestProxy;
  let decoy: Upstream;
  beforeAll(async () => {
    decoy = await startHttpUpstream();
    proxy = await openHardenedProxy({ livePort: live.port, resolve: { 'decoy.test': '127.0.0.1' } });
  });
  afterAll(async () => {
    await proxy.close();
    await decoy.close();
  });

  const ws = (url: string) => `GET ${url} HTTP/1.1\r\nHost: x\r\nUpgrade: websocket\r\nConnection: Upgrade\r\nSec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==\r\nSec-WebSocket-Version: 13\r\n\r\n`;
  const cases: [string, (decoyPort: number) => string][] = [
    ['GET to a host no rule allows', () => 'GET http://nope.test/ HTTP/1.1\r\nHost: nope.test\r\n\r\n'],
    ['GET to an allowed host on another port', (d) => `GET http://up.test:${d}/ HTTP/1.1\r\nHost: up.test\r\n\r\n`],
    ['GET in origin form', () => 'GET / HTTP/1.1\r\nHost: up.test\r\n\r\n'],
    ['CONNECT to a host no rule allows', () => 'CONNECT nope.test:443 HTTP/1.1\r\n\r\n'],
    ['CONNECT to an IP literal', (d) => `CONNECT 127.0.0.1:${d} HTTP/1.1\r\n\r\n`],
    ['CONNECT to a resolvable name no rule allows', (d) => `CONNECT decoy.test:${d} HTTP/1.1\r\n\r\n`],
    ['CONNECT without a port', () => 'CONNECT nope.test HTTP/1.1\r\n\r\n'],
    ['CONNECT to port 99999', () => 'CONNECT nope.test:99999 HTTP/1.1\r\n\r\n'],
    ['WebSocket upgrade to a host no rule allows', () => ws('http://nope.test/ws')],
    ['WebSocket upgrade in origin form', () => ws('/ws')],
  ];

  it.each(cases)('%s is refused with a code, and an audit event records that code', async (_name, make) => {
    const before = proxy.events.length;
    const r = await sendRaw(proxy.socketPath, make(decoy.port), { waitMs: 1500, until: (d) => d.includes('\r\n\r\n') });
    const code = headerOf(r.data, 'x-airlock-deny');
    expect(code, `answer: ${r.data.subarray(0, 80).toString('latin1')}`).toMatch(/^[A-Z_]+$/);
    const fresh = proxy.events.slice(before);
    expect(fresh.map((e) => e.code), `events after the refusal: ${JSON.stringify(fresh)}`).toContain(code);
    expect(decoy.connections).toBe(0);
  });

  it('a request refused as unparseable (400 PROXY_BAD_REQUEST) is recorded too', async () => {
    const before = proxy.events.length;
    const r = await sendRaw(proxy.socketPath, 'GET http://up.test/ HTTP/1.1\r\nBad Header Name: x\r\n\r\n', { waitMs: 1500 });
    expect(headerOf(r.data, 'x-airlock-deny')).toBe('PROXY_BAD_REQUEST');
    expect(proxy.events.slice(before).map((e) => e.code)).toContain('PROXY_BAD_REQUEST');
  });

  it('over every proxy in this file: each deny event has a code, and no event holds the real secret', () => {
    const events = openedEvents.flat();
    expect(events.length).toBeGreaterThan(0);
    expect(events.filter((e) => e.decision === 'deny' && typeof e.code !== 'string')).toEqual([]);
    expect(events.filter((e) => JSON.stringify(e).includes(SECRET))).toEqual([]);
    expect(allUncaught.map((e) => e.message), 'errors that escaped to the process during this file').toEqual([]);
  });
});
