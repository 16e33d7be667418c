import { chmod } from 'node:fs/promises';
import { Agent as HttpAgent, createServer } from 'node:http';
import type { IncomingMessage, Server, ServerResponse } from 'node:http';
import { Agent as HttpsAgent } from 'node:https';
import type { Socket } from 'node:net';
import type { Duplex } from 'node:stream';
import type { ProxyContext } from './context.js';
import { auditGate, emit } from './context.js';
import type { Denial } from './deny-codes.js';
import { decideHost } from './egress/decide.js';
import type { HostAllowed, Target } from './egress/decide.js';
import { normalizeHost } from './egress/host-pattern.js';
import { forwardInspected } from './forward.js';
import { sendDenial, writeDenial } from './http/deny-response.js';
import type { InspectedRequest } from './inspected.js';
import { interceptTls } from './intercept.js';
import type { InterceptTarget } from './intercept.js';
import { matchRouteUrl } from './routes.js';
import { openTunnel } from './tunnel.js';
import { forwardUpgrade } from './upgrade.js';

const bad = (message: string): Denial => ({ allow: false, code: 'PROXY_BAD_REQUEST', message });
const internal = (error: unknown): Denial => ({ allow: false, code: 'PROXY_INTERNAL', message: `the proxy failed and refused the request (fail closed): ${(error as Error).message}` });

function parseAuthority(authority: string | undefined): Target | undefined {
  const m = /^(\[[0-9a-fA-F:.%a-zA-Z]+\]|[^:/?#\s]+):(\d{1,5})$/.exec(authority ?? '');
  const port = Number(m?.[2]);
  if (!m?.[1] || !(port >= 1 && port <= 65_535)) return undefined;
  return { host: normalizeHost(m[1]), port };
}

/** Resolves what an inspected request is: absolute-form HTTP, a base-URL route, or neither. */
function classify(ctx: ProxyContext, req: IncomingMessage): { r: InspectedRequest } | { denial: Denial; target?: Target } {
  const url = req.url ?? '';
  const routed = matchRouteUrl(ctx.policy.credentials, url);
  const parsed = routed?.upstream ?? (url.startsWith('http://') || url.startsWith('ws://') ? safeUrl(url) : undefined);
  if (parsed === undefined) return { denial: bad(`this is Airlock's egress proxy: send absolute-form requests (set HTTP_PROXY), CONNECT, or /_airlock/routes/<name>/...; got "${url.slice(0, 80)}"`) };
  const tls = routed !== undefined;
  const target = { host: normalizeHost(parsed.hostname), port: Number(parsed.port || (tls ? 443 : 80)) };
  const host = decideHost(ctx.policy, target);
  if (!host.allow) return { denial: host, target };
  return { r: { target, tls, host, mode: routed ? 'route' : 'forward', path: `${parsed.pathname}${parsed.search}` } };
}

function safeUrl(url: string): URL | undefined {
  try {
    return new URL(url);
  } catch {
    return undefined;
  }
}

/**
 * Limits every HTTP server of the proxy shares. Node checks headersTimeout only on a
 * sweep every connectionsCheckingInterval (30 s by default): sweep often enough for
 * the slowloris limit to hold. A connection silent for idleTimeoutMs is closed.
 */
function hardened(ctx: ProxyContext): Server {
  const server = createServer({
    maxHeaderSize: ctx.limits.maxHeaderBytes,
    headersTimeout: ctx.limits.headersTimeoutMs,
    requestTimeout: 0,
    keepAliveTimeout: 5_000,
    connectionsCheckingInterval: Math.max(50, Math.min(1_000, Math.floor(ctx.limits.headersTimeoutMs / 4))),
  });
  server.timeout = ctx.limits.idleTimeoutMs;
  // A parse error while a response is still streaming must not splice a 400 into it.
  const inFlight = new WeakSet<object>();
  server.on('request', (req: IncomingMessage, res: ServerResponse) => {
    inFlight.add(req.socket);
    res.once('close', () => inFlight.delete(req.socket));
  });
  server.on('clientError', (error: NodeJS.ErrnoException, socket: Duplex) => {
    emit(ctx, 'net.request.denied', { decision: 'deny', code: 'PROXY_BAD_REQUEST', error: error.code, mode: 'parse' });
    if (!socket.writable || inFlight.has(socket)) return void socket.destroy();
    const status = error.code === 'HPE_HEADER_OVERFLOW' ? '431 Request Header Fields Too Large' : '400 Bad Request';
    socket.end(`HTTP/1.1 ${status}\r\nX-Airlock-Deny: PROXY_BAD_REQUEST\r\nconnection: close\r\ncontent-length: 0\r\n\r\n`);
  });
  return server;
}

function denyUpgrade(ctx: ProxyContext, req: IncomingMessage, socket: Duplex, denial: Denial, target?: Target): void {
  emit(ctx, 'net.request.denied', { decision: 'deny', code: denial.code, rule: denial.rule, method: req.method, host: target?.host, port: target?.port, mode: 'forward', upgrade: true });
  writeDenial(socket, denial, denial.code === 'PROXY_BAD_REQUEST' ? 400 : 403);
}

/** The outer server: what the sandbox's bridge connects to. */
export function createOuterServer(ctx: ProxyContext, inner: Server, targets: WeakMap<object, InterceptTarget>): Server {
  const server = hardened(ctx);
  server.on('request', (req: IncomingMessage, res: ServerResponse) => {
    const c = classify(ctx, req);
    if ('denial' in c) {
      emit(ctx, 'net.request.denied', { decision: 'deny', code: c.denial.code, rule: c.denial.rule, method: req.method, host: c.target?.host, port: c.target?.port, mode: 'forward' });
      return sendDenial(res, c.denial, c.denial.code === 'PROXY_BAD_REQUEST' ? 400 : 403);
    }
    forwardInspected(ctx, req, res, c.r).catch((e: unknown) => sendDenial(res, internal(e)));
  });
  server.on('upgrade', (req: IncomingMessage, socket: Duplex, head: Buffer) => {
    // Node hands the socket over without an error listener: a peer gone must not crash us.
    socket.on('error', () => socket.destroy());
    const c = classify(ctx, req);
    if ('denial' in c) return denyUpgrade(ctx, req, socket, c.denial, c.target);
    forwardUpgrade(ctx, req, socket, head, c.r).catch((e: unknown) => writeDenial(socket, internal(e)));
  });
  server.on('connect', (req: IncomingMessage, socket: Duplex, head: Buffer) => {
    socket.on('error', () => socket.destroy());
    handleConnect(ctx, req, socket, head, inner, targets).catch((e: unknown) => writeDenial(socket, internal(e)));
  });
  server.maxConnections = ctx.limits.maxConnections;
  return server;
}

async function handleConnect(ctx: ProxyContext, req: IncomingMessage, socket: Duplex, head: Buffer, inner: Server, targets: WeakMap<object, InterceptTarget>): Promise<void> {
  const target = parseAuthority(req.url);
  if (target === undefined) {
    emit(ctx, 'net.request.denied', { decision: 'deny', code: 'PROXY_BAD_REQUEST', method: 'CONNECT', mode: 'tunnel' });
    return writeDenial(socket, bad(`CONNECT needs host:port with a port from 1 to 65535, got "${(req.url ?? '').slice(0, 80)}"`), 400);
  }
  const host = auditGate(ctx) ?? decideHost(ctx.policy, target);
  if (!host.allow) {
    emit(ctx, 'net.request.denied', { decision: 'deny', code: host.code, rule: host.rule, method: 'CONNECT', host: target.host, port: target.port, mode: 'tunnel' });
    return writeDenial(socket, host);
  }
  if (host.inspect) return interceptTls(ctx, socket, head, { target, host }, inner, targets);
  return openTunnel(ctx, socket, head, target, host);
}

/** The inner server: decrypted requests from intercepted CONNECTs. */
export function createInnerServer(ctx: ProxyContext, targets: WeakMap<object, InterceptTarget>): Server {
  const inner = hardened(ctx);
  const inspected = (req: IncomingMessage): InspectedRequest | undefined => {
    const t = targets.get(req.socket);
    if (t === undefined) return undefined;
    return { target: t.target, tls: true, host: t.host as HostAllowed, mode: 'intercept', path: req.url ?? '/' };
  };
  inner.on('request', (req: IncomingMessage, res: ServerResponse) => {
    const r = inspected(req);
    if (r === undefined) return sendDenial(res, internal(new Error('unknown intercepted connection')));
    forwardInspected(ctx, req, res, r).catch((e: unknown) => sendDenial(res, internal(e)));
  });
  inner.on('upgrade', (req: IncomingMessage, socket: Duplex, head: Buffer) => {
    socket.on('error', () => socket.destroy());
    const r = inspected(req);
    if (r === undefined) return socket.destroy();
    forwardUpgrade(ctx, req, socket, head, r).catch((e: unknown) => writeDenial(socket, internal(e)));
  });
  return inner;
}

/** Keep-alive agents; TLS requests bring the session's upstream SecureContext themselves. */
export function createAgents(): ProxyContext['agents'] {
  return { http: new HttpAgent({ keepAlive: true }), https: new HttpsAgent({ keepAlive: true }) };
}

/** Listens on a Unix socket that the sandbox user may connect to. */
export async function listenOnSocket(server: Server, socketPath: string): Promise<Set<Socket>> {
  const sockets = new Set<Socket>();
  server.on('connection', (s: Socket) => {
    sockets.add(s);
    s.on('close', () => sockets.delete(s));
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(socketPath, () => resolve());
  });
  await chmod(socketPath, 0o666);
  return sockets;
}
