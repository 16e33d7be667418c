import { connect } from 'node:net';
import type { Socket } from 'node:net';
import type { Duplex } from 'node:stream';
import type { ProxyContext } from './context.js';
import { emit } from './context.js';
import type { HostAllowed, Target } from './egress/decide.js';
import { resolveTarget } from './egress/resolve.js';
import { writeDenial, writeUpstreamFailure } from './http/deny-response.js';

export const ESTABLISHED = 'HTTP/1.1 200 Connection Established\r\n\r\n';

/**
 * A CONNECT the proxy does not read: resolve and check once, connect to that
 * address, then relay bytes untouched both ways (half-close kept) until both ends close.
 */
export async function openTunnel(ctx: ProxyContext, client: Duplex, head: Buffer, target: Target, host: HostAllowed): Promise<void> {
  const resolved = await resolveTarget(target.host, { lookup: ctx.lookup, resolveMap: ctx.policy.egress.resolve, allowPrivate: host.allowPrivate });
  if (!('ok' in resolved)) {
    emit(ctx, 'net.request.denied', { decision: 'deny', code: resolved.code, method: 'CONNECT', host: target.host, port: target.port, mode: 'tunnel' });
    writeDenial(client, resolved);
    return;
  }
  const started = ctx.clock.nowMs();
  const upstream = connect({ host: resolved.address, port: target.port, allowHalfOpen: true });
  let connected = false;
  const timer = setTimeout(() => upstream.destroy(Object.assign(new Error('connect timeout'), { code: 'ETIMEDOUT' })), ctx.limits.connectTimeoutMs);
  upstream.once('connect', () => {
    connected = true;
    clearTimeout(timer);
    upstream.setNoDelay(true);
    (client as Socket).setNoDelay?.(true);
    client.write(ESTABLISHED);
    if (head.length > 0) upstream.write(head);
    relay(ctx, client, upstream, () => {
      emit(ctx, 'net.tunnel.closed', {
        decision: 'allow', rule: host.rule, method: 'CONNECT', host: target.host, port: target.port, address: resolved.address,
        bytesUp: upstream.bytesWritten, bytesDown: upstream.bytesRead, durationMs: ctx.clock.nowMs() - started, mode: 'tunnel',
      });
    });
  });
  upstream.once('error', (error) => {
    clearTimeout(timer);
    if (connected) return; // relay() closes both sides.
    emit(ctx, 'net.request.failed', { method: 'CONNECT', host: target.host, port: target.port, error: (error as NodeJS.ErrnoException).code, mode: 'tunnel' });
    writeUpstreamFailure(client);
  });
}

/** Pipes a and b both ways, keeps half-closes, closes both on error or idleness. */
export function relay(ctx: ProxyContext, a: Duplex, b: Duplex, onDone: () => void): void {
  const kill = () => {
    a.destroy();
    b.destroy();
  };
  for (const s of [a, b]) {
    s.on('error', kill);
    (s as Socket).setTimeout?.(ctx.limits.idleTimeoutMs, kill);
  }
  a.pipe(b);
  b.pipe(a);
  const total = setTimeout(kill, ctx.limits.totalTimeoutMs);
  let closed = 0;
  const onClose = () => {
    if (++closed < 2) return;
    clearTimeout(total);
    onDone();
  };
  a.once('close', onClose);
  b.once('close', onClose);
}
