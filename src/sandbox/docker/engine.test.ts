import { createServer } from 'node:http';
import type { IncomingMessage, Server } from 'node:http';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Socket } from 'node:net';
import { PassThrough } from 'node:stream';
import { afterEach, describe, expect, it } from 'vitest';
import { demuxStream } from './demux.js';
import { createEngineClient } from './engine.js';
import { dockerError } from './errors.js';

const frame = (kind: number, text: string) => {
  const payload = Buffer.from(text);
  const header = Buffer.alloc(8);
  header[0] = kind;
  header.writeUInt32BE(payload.length, 4);
  return Buffer.concat([header, payload]);
};

const collect = (s: PassThrough) => {
  const parts: Buffer[] = [];
  s.on('data', (c: Buffer) => parts.push(c));
  return () => Buffer.concat(parts).toString();
};

describe('demuxStream', () => {
  it('splits frames cut anywhere into stdout and stderr, in order, and drops other streams', () => {
    const wire = Buffer.concat([frame(1, 'out-1 '), frame(2, 'err-1'), frame(0, 'stdin?'), frame(1, ''), frame(1, 'out-2 ü')]);
    for (let cut = 1; cut <= wire.length; cut += 3) {
      const source = new PassThrough();
      const out = new PassThrough();
      const err = new PassThrough();
      const got = [collect(out), collect(err)];
      demuxStream(source, out, err);
      for (let at = 0; at < wire.length; at += cut) source.write(wire.subarray(at, at + cut));
      expect(got[0]?.()).toBe('out-1 out-2 ü');
      expect(got[1]?.()).toBe('err-1');
    }
  });
});

describe('createEngineClient (a fake engine on a Unix socket)', () => {
  let server: Server | undefined;
  let dir: string | undefined;
  const sockets = new Set<Socket>();
  afterEach(async () => {
    for (const s of sockets) s.destroy();
    sockets.clear();
    await new Promise((resolve) => (server ? server.close(resolve) : resolve(undefined)));
    server = undefined;
    if (dir) rmSync(dir, { recursive: true, force: true });
  });

  async function fake(handle: (req: IncomingMessage, body: string) => { status: number; body?: unknown }, upgrades = true): Promise<{ socketPath: string; seen: { method: string; url: string; body: string }[] }> {
    dir = mkdtempSync(join(tmpdir(), 'airlock-engine-'));
    const socketPath = join(dir, 'docker.sock');
    const seen: { method: string; url: string; body: string }[] = [];
    server = createServer((req, res) => {
      let body = '';
      req.on('data', (c: Buffer) => (body += c.toString()));
      req.on('end', () => {
        seen.push({ method: req.method ?? '', url: req.url ?? '', body });
        const r = handle(req, body);
        res.writeHead(r.status, { 'content-type': 'application/json' });
        res.end(r.body === undefined ? '' : typeof r.body === 'string' ? r.body : JSON.stringify(r.body));
      });
    });
    if (upgrades) server.on('upgrade', (req, socket) => {
      seen.push({ method: req.method ?? '', url: req.url ?? '', body: '' });
      socket.write('HTTP/1.1 101 UPGRADED\r\nContent-Type: application/vnd.docker.raw-stream\r\nConnection: Upgrade\r\nUpgrade: tcp\r\n\r\n');
      socket.write(frame(1, 'hello'));
      socket.on('data', (c: Buffer) => socket.end(frame(2, `got ${c.toString()}`)));
    });
    server.on('connection', (s: Socket) => sockets.add(s));
    await new Promise<void>((resolve) => server?.listen(socketPath, resolve));
    return { socketPath, seen };
  }

  it('sends the calls a session makes, with names and filters in the query, and reads their answers', async () => {
    const f = await fake((req) => {
      if (req.url?.startsWith('/containers/create')) return { status: 201, body: { Id: 'c1', Warnings: [] } };
      if (req.url?.startsWith('/containers/json')) return { status: 200, body: [{ Id: 'c1', State: 'running', Labels: { 'dev.airlock.session': 's1' } }] };
      if (req.url?.includes('/wait')) return { status: 200, body: { StatusCode: 3 } };
      if (req.url === '/containers/c1/json') return { status: 200, body: { State: { OOMKilled: true } } };
      if (req.url?.startsWith('/images/')) return { status: 200, body: { Id: 'sha256:ab', Config: { Labels: { v: '1' } } } };
      return { status: 204 };
    });
    const engine = createEngineClient({ socketPath: f.socketPath });
    expect(await engine.createContainer({ name: 'airlock-s1', Image: 'img' })).toBe('c1');
    expect(await engine.listContainers(['dev.airlock.session'])).toEqual([{ Id: 'c1', State: 'running', Labels: { 'dev.airlock.session': 's1' } }]);
    await engine.start('c1');
    await engine.resize('c1', { h: 24, w: 80 });
    await engine.kill('c1', 'SIGINT');
    expect(await engine.wait('c1')).toEqual({ StatusCode: 3 });
    expect((await engine.inspectContainer('c1')).State?.OOMKilled).toBe(true);
    expect((await engine.inspectImage('airlock/claude:1'))?.Id).toBe('sha256:ab');
    await engine.remove('c1');
    const urls = f.seen.map((s) => `${s.method} ${decodeURIComponent(s.url)}`);
    expect(urls).toEqual([
      'POST /containers/create?name=airlock-s1',
      'GET /containers/json?all=1&filters={"label":["dev.airlock.session"]}',
      'POST /containers/c1/start',
      'POST /containers/c1/resize?h=24&w=80',
      'POST /containers/c1/kill?signal=SIGINT',
      'POST /containers/c1/wait?condition=not-running',
      'GET /containers/c1/json',
      'GET /images/airlock/claude:1/json',
      'DELETE /containers/c1?force=1&v=1',
    ]);
    // The name goes in the query only; the rest of the spec is the body.
    expect(JSON.parse(f.seen[0]?.body ?? '')).toEqual({ Image: 'img' });
  });

  it('attaches over a hijacked connection: stdin goes in, framed output comes back', async () => {
    const f = await fake(() => ({ status: 500 }));
    const stream = await createEngineClient({ socketPath: f.socketPath }).attach('c1');
    const out = new PassThrough();
    const err = new PassThrough();
    const got = [collect(out), collect(err)];
    demuxStream(stream, out, err);
    stream.write('ping');
    await new Promise((resolve) => stream.once('end', resolve));
    expect([got[0]?.(), got[1]?.()]).toEqual(['hello', 'got ping']);
    expect(f.seen[0]?.url).toBe('/containers/c1/attach?stream=1&stdin=1&stdout=1&stderr=1');
  });

  it('gives a missing image as undefined, a removed container as done, and other failures with the engine\'s words', async () => {
    const f = await fake((req) => {
      if (req.url?.startsWith('/images/')) return { status: 404, body: { message: 'No such image: nope' } };
      if (req.method === 'DELETE') return { status: 404, body: { message: 'No such container: c9' } };
      if (req.url?.startsWith('/containers/create')) return { status: 409, body: { message: 'Conflict. The container name "/airlock-s1" is already in use' } };
      if (req.url === '/version') return { status: 200, body: 'not json' };
      return { status: 500, body: 'plain words' };
    }, false);
    const engine = createEngineClient({ socketPath: f.socketPath });
    expect(await engine.inspectImage('nope')).toBeUndefined();
    await expect(engine.remove('c9')).resolves.toBeUndefined();
    const conflict = await engine.createContainer({ name: 'airlock-s1', Image: 'img' }).catch((e: unknown) => e);
    expect(conflict).toMatchObject({ statusCode: 409, json: { message: 'Conflict. The container name "/airlock-s1" is already in use' } });
    expect(dockerError(conflict, f.socketPath, 'creating the sandbox container').message).toBe('Docker Engine refused creating the sandbox container: Conflict. The container name "/airlock-s1" is already in use');
    await expect(engine.start('c1')).rejects.toMatchObject({ statusCode: 500, json: { message: 'plain words' } });
    await expect(engine.version()).rejects.toMatchObject({ message: expect.stringContaining('not JSON') });
    const attach = await engine.attach('c1').catch((e: unknown) => e);
    expect(attach).toMatchObject({ statusCode: 500 });
  });

  it('keeps the socket error code when nothing listens, which errors.ts reports as DRIVER_UNAVAILABLE', async () => {
    const engine = createEngineClient({ socketPath: join(tmpdir(), 'airlock-no-such-engine.sock') });
    const error = await engine.version().catch((e: unknown) => e);
    expect(error).toMatchObject({ code: 'ENOENT' });
    expect(dockerError(error, 'x.sock', 'answering a version request').code).toBe('DRIVER_UNAVAILABLE');
  });
});
