import { execFile } from 'node:child_process';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { createServer, type Server } from 'node:https';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { connect, type ConnectionOptions } from 'node:tls';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { mergeCaBundle, readSystemRoots } from './ca-bundle.js';
import { createSessionCa, type SessionCa } from './session-ca.js';

const run = promisify(execFile);
const CURL = '/usr/bin/curl';
const API_HOST = 'api.test.invalid';
const LOOPBACK = '127.0.0.1';

type Handshake = { ok: true; subject: string } | { ok: false; code: string };

/**
 * An HTTPS server on 127.0.0.1:0. With SNI it serves secureContextFor(pick(servername)),
 * as the proxy will; without SNI (clients connecting by IP) it serves leafFor(defaultHost).
 */
async function startServer(ca: SessionCa, defaultHost: string, pick = (name: string) => name): Promise<Server> {
  const leaf = ca.leafFor(defaultHost);
  const server = createServer(
    {
      key: leaf.keyPem.reveal(),
      cert: leaf.certPem + ca.certPem,
      SNICallback: (servername, done) => {
        try {
          done(null, ca.secureContextFor(pick(servername)));
        } catch (error) {
          done(error as Error);
        }
      },
    },
    (_request, response) => response.end('hello through the session CA\n'),
  );
  await new Promise<void>((resolve) => server.listen(0, LOOPBACK, resolve));
  return server;
}

async function stopServer(server: Server | undefined): Promise<void> {
  if (server === undefined) return;
  server.closeAllConnections();
  await new Promise<void>((resolve) => server.close(() => resolve()));
}

const portOf = (server: Server): number => (server.address() as AddressInfo).port;

/** Connects with full verification (rejectUnauthorized defaults to true) and reports the outcome. */
function handshake(options: ConnectionOptions): Promise<Handshake> {
  return new Promise((resolve) => {
    const socket = connect({ host: LOOPBACK, ...options });
    socket.once('secureConnect', () => {
      resolve({ ok: true, subject: String(socket.getPeerCertificate().subject.CN) });
      socket.destroy();
    });
    socket.once('error', (error: NodeJS.ErrnoException) => {
      resolve({ ok: false, code: error.code ?? error.message });
      socket.destroy();
    });
  });
}

describe('session CA over real TLS', () => {
  const ca = createSessionCa({ nowMs: Date.now(), sessionId: 'tls-session-1' });
  const otherCa = createSessionCa({ nowMs: Date.now(), sessionId: 'tls-session-2' });
  let dynamic: Server | undefined;
  let fixed: Server | undefined;
  let byIp: Server | undefined;
  let foreign: Server | undefined;
  let dir = '';

  beforeAll(async () => {
    dynamic = await startServer(ca, API_HOST);
    fixed = await startServer(ca, API_HOST, () => API_HOST);
    byIp = await startServer(ca, LOOPBACK);
    foreign = await startServer(otherCa, API_HOST);
    dir = await mkdtemp(join(tmpdir(), 'airlock-tls-'));
  });

  afterAll(async () => {
    await Promise.all([dynamic, fixed, byIp, foreign].map(stopServer));
    if (dir !== '') await rm(dir, { recursive: true, force: true });
  });

  it('verifies a leaf for the requested name when the client trusts the session CA', async () => {
    const result = await handshake({ port: portOf(dynamic!), servername: API_HOST, ca: ca.certPem });
    expect(result).toEqual({ ok: true, subject: API_HOST });
  });

  it('issues on demand for any SNI name (the proxy path)', async () => {
    const result = await handshake({ port: portOf(dynamic!), servername: 'Other.Test.Invalid', ca: ca.certPem });
    expect(result).toEqual({ ok: true, subject: 'other.test.invalid' });
  });

  it('refuses a leaf whose name does not match the server name', async () => {
    const result = await handshake({ port: portOf(fixed!), servername: 'other.test.invalid', ca: ca.certPem });
    expect(result).toEqual({ ok: false, code: 'ERR_TLS_CERT_ALTNAME_INVALID' });
  });

  it('is not trusted by a client that trusts only the system roots', async () => {
    const system = await readSystemRoots();
    const result = await handshake({ port: portOf(dynamic!), servername: API_HOST, ca: system });
    expect(result).toEqual({ ok: false, code: 'SELF_SIGNED_CERT_IN_CHAIN' });
  });

  it('is trusted through the merged bundle (system roots + session CA)', async () => {
    const bundle = mergeCaBundle(await readSystemRoots(), ca.certPem);
    const result = await handshake({ port: portOf(dynamic!), servername: API_HOST, ca: bundle });
    expect(result).toEqual({ ok: true, subject: API_HOST });
  });

  it('verifies an IP-literal leaf for a client connecting by IP', async () => {
    const result = await handshake({ port: portOf(byIp!), ca: ca.certPem });
    expect(result).toEqual({ ok: true, subject: LOOPBACK });
  });

  it('does not verify a leaf of one session under another session CA', async () => {
    const result = await handshake({ port: portOf(foreign!), servername: API_HOST, ca: ca.certPem });
    expect(result.ok).toBe(false);
    const back = await handshake({ port: portOf(foreign!), servername: API_HOST, ca: otherCa.certPem });
    expect(back).toEqual({ ok: true, subject: API_HOST });
  });

  it('is accepted by curl given the CA file', async () => {
    const caFile = join(dir, 'session-ca.pem');
    await writeFile(caFile, ca.certPem);
    const port = portOf(dynamic!);
    const { stdout } = await run(CURL, curlArgs(caFile, port));
    expect(stdout).toBe('hello through the session CA\n');
  });

  it('is refused by curl given another session CA file (exit 60, certificate problem)', async () => {
    const caFile = join(dir, 'other-session-ca.pem');
    await writeFile(caFile, otherCa.certPem);
    const error: unknown = await run(CURL, curlArgs(caFile, portOf(dynamic!))).catch((e: unknown) => e);
    expect(error).toMatchObject({ code: 60 });
  });
});

/** curl argv: no config file, no proxy from the environment, loopback only via --resolve. */
function curlArgs(caFile: string, port: number): string[] {
  return [
    '-q',
    '--silent',
    '--show-error',
    '--fail',
    '--noproxy',
    '*',
    '--max-time',
    '10',
    '--cacert',
    caFile,
    '--resolve',
    `${API_HOST}:${port}:${LOOPBACK}`,
    `https://${API_HOST}:${port}/`,
  ];
}
