import { connect, Socket as NetSocket } from 'node:net';
import type { Socket } from 'node:net';
import type { Duplex } from 'node:stream';
import { TLSSocket } from 'node:tls';
import type { ProxyContext } from './context.js';
import { emit } from './context.js';
import type { HostAllowed, Target } from './egress/decide.js';
import { resolveTarget } from './egress/resolve.js';
import { writeDenial, writeUpstreamFailure } from './http/deny-response.js';
import { detachBoth, HAND_OVER_AFTER_BYTES } from './native-relay.js';
import type { NativeRelay, RelayMoved } from './native-relay.js';
import { socketFd } from './socket-fd.js';

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
    // relayLost: the relay host ended mid-tunnel, taking the relay with it; the bytes are
    // those Node moved before the hand-over, a floor.
    const closed = (bytesUp: number, bytesDown: number, lost: boolean) => {
      emit(ctx, 'net.tunnel.closed', {
        decision: 'allow', rule: host.rule, method: 'CONNECT', host: target.host, port: target.port, address: resolved.address,
        bytesUp, bytesDown, durationMs: ctx.clock.nowMs() - started, mode: 'tunnel', relayLost: lost || undefined,
      });
    };
    client.write(ESTABLISHED);
    if (head.length > 0) upstream.write(head);
    relay(ctx, client, upstream, (native) => closed(upstream.bytesWritten + native.up, upstream.bytesRead + native.down, native.lost === true));
  });
  upstream.once('error', (error) => {
    clearTimeout(timer);
    if (connected) return; // relay() closes both sides.
    emit(ctx, 'net.request.failed', { method: 'CONNECT', host: target.host, port: target.port, error: (error as NodeJS.ErrnoException).code, mode: 'tunnel' });
    writeUpstreamFailure(client);
  });
}

/** A plain TCP or Unix socket with its own fd. Never a TLSSocket: splicing its fd would skip TLS. */
function isSocket(s: Duplex): boolean {
  return s instanceof NetSocket && !(s instanceof TLSSocket) && socketFd(s) !== undefined;
}

/**
 * Pipes a (the client) and b (the upstream) both ways, keeps half-closes, closes both on
 * error or idleness. With the native relay, a tunnel that has carried
 * HAND_OVER_AFTER_BYTES with both directions still open is handed to it; `onDone` then
 * also gets the bytes it moved.
 */
export function relay(ctx: ProxyContext, a: Duplex, b: Duplex, onDone: (native: RelayMoved) => void): void {
  let native: { kill: () => void } | undefined;
  let handingOver = false;
  const kill = () => {
    native?.kill();
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
    if (++closed < 2 || handingOver) return;
    clearTimeout(total);
    onDone({ up: 0, down: 0 });
  };
  a.once('close', onClose);
  b.once('close', onClose);
  const relayer = ctx.relay;
  if (relayer === undefined || !isSocket(a) || !isSocket(b)) return;
  relayer.warm();
  let carried = 0;
  let ended = false;
  const onEnd = () => (ended = true);
  a.once('end', onEnd);
  b.once('end', onEnd);
  const count = (c: Buffer) => {
    carried += c.length;
    if (carried < HAND_OVER_AFTER_BYTES || ended || handingOver) return;
    handingOver = true;
    a.off('data', count);
    b.off('data', count);
    void handOver(ctx, relayer, a as Socket, b as Socket).then(
      (relay) => {
        native = relay;
        void relay.done.then((moved) => {
          clearTimeout(total);
          a.destroy();
          b.destroy();
          onDone(moved);
        });
      },
      () => {
        handingOver = false;
        kill();
      },
    );
  };
  a.on('data', count);
  b.on('data', count);
}

/** Takes a busy tunnel out of Node: unpiped, detached, what Node holds flushed, then the native relay. */
async function handOver(ctx: ProxyContext, relayer: NativeRelay, a: Socket, b: Socket): ReturnType<NativeRelay['run']> {
  a.unpipe(b);
  b.unpipe(a);
  // Node's own idle timers would see no bytes from here on: the relay keeps its own.
  a.setTimeout(0);
  b.setTimeout(0);
  // What was flushed here counts in the sockets' own bytesWritten.
  await detachBoth(a, b);
  return relayer.run(ctx.limits.idleTimeoutMs, a, b);
}
