import type { IncomingMessage } from 'node:http';
import { connect as netConnect } from 'node:net';
import type { Duplex } from 'node:stream';
import { connect as tlsConnect } from 'node:tls';
import type { ProxyContext } from './context.js';
import { auditGate, emit } from './context.js';
import { injectCredential } from './credentials/inject.js';
import { decideRequest } from './egress/decide.js';
import { resolveTarget } from './egress/resolve.js';
import { writeDenial, writeUpstreamFailure } from './http/deny-response.js';
import { endToEndHeaders } from './http/hop-by-hop.js';
import type { InspectedRequest } from './inspected.js';
import { headerMisuse } from './inspected.js';
import { relay } from './tunnel.js';
import { armConnectTimeout, hostHeader, serverName } from './upstream.js';

/** A WebSocket (or other) upgrade on inspected traffic: checked like a request, then relayed. */
export async function forwardUpgrade(ctx: ProxyContext, req: IncomingMessage, client: Duplex, head: Buffer, r: InspectedRequest): Promise<void> {
  const decision = auditGate(ctx) ?? decideRequest(r.host, req.method ?? 'GET', r.path, r.target);
  const denial = !decision.allow ? decision : headerMisuse(ctx, req, r);
  const resolved = denial ?? (await resolveTarget(r.target.host, { lookup: ctx.lookup, resolveMap: ctx.policy.egress.resolve, allowPrivate: r.host.allowPrivate }));
  if (!('ok' in resolved)) {
    emit(ctx, resolved.code === 'CREDENTIAL_MISUSE' ? 'credential.misuse' : 'net.request.denied', { decision: 'deny', code: resolved.code, method: req.method, host: r.target.host, port: r.target.port, path: r.path, mode: r.mode, upgrade: true });
    writeDenial(client, resolved);
    return;
  }
  const headers = endToEndHeaders(req.headers, true);
  headers.host = hostHeader(r.target.host, r.target.port, r.tls);
  if (r.host.route !== undefined) injectCredential(headers, r.host.route, await ctx.credentials.get(r.host.route));
  const lines = Object.entries(headers).flatMap(([k, v]) => (Array.isArray(v) ? v.map((x) => `${k}: ${x}`) : [`${k}: ${String(v)}`]));
  const started = ctx.clock.nowMs();
  const secureContext = r.tls ? await ctx.upstreamTls() : undefined;
  const upstream = r.tls
    ? tlsConnect({ host: resolved.address, port: r.target.port, servername: serverName(r.target.host), secureContext, ALPNProtocols: ['http/1.1'] })
    : netConnect({ host: resolved.address, port: r.target.port });
  armConnectTimeout(upstream, ctx.limits.connectTimeoutMs, r.tls);
  upstream.once(r.tls ? 'secureConnect' : 'connect', () => {
    upstream.write(`${req.method} ${r.path} HTTP/1.1\r\n${lines.join('\r\n')}\r\n\r\n`);
    if (head.length > 0) upstream.write(head);
    relay(ctx, client, upstream, () =>
      emit(ctx, 'net.request.completed', { decision: 'allow', rule: decision.allow ? decision.rule : undefined, method: req.method, host: r.target.host, port: r.target.port, path: r.path, mode: r.mode, upgrade: true, durationMs: ctx.clock.nowMs() - started }),
    );
  });
  upstream.once('error', () => {
    if (client.writable && upstream.bytesRead === 0) writeUpstreamFailure(client);
    else client.destroy();
  });
}
