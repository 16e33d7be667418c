import type { LookupFunction, Socket } from 'node:net';
import { isIP } from 'node:net';
import type { Resolved } from './egress/resolve.js';

/**
 * A lookup that always answers the address the proxy already resolved and checked:
 * the connection goes exactly there, whatever DNS would say now (no rebinding).
 */
export function pinnedLookup(resolved: Resolved): LookupFunction {
  return ((_host: string, options: { all?: boolean }, callback: (...args: unknown[]) => void) => {
    if (options?.all === true) callback(null, [{ address: resolved.address, family: resolved.family }]);
    else callback(null, resolved.address, resolved.family);
  }) as unknown as LookupFunction;
}

/** SNI names a host, never an address (RFC 6066 §3). */
export function serverName(host: string): string | undefined {
  return isIP(host) === 0 ? host : undefined;
}

export function hostHeader(host: string, port: number, tls: boolean): string {
  const name = isIP(host) === 6 ? `[${host}]` : host;
  return port === (tls ? 443 : 80) ? name : `${name}:${port}`;
}

export function timeoutError(what: string): Error {
  return Object.assign(new Error(what), { code: 'ETIMEDOUT' });
}

/**
 * Destroys `socket` unless it connects (and, for TLS, completes its handshake)
 * within `ms`. Only for new sockets: a reused keep-alive socket never connects again.
 */
export function armConnectTimeout(socket: Socket, ms: number, tls: boolean): void {
  const timer = setTimeout(() => socket.destroy(timeoutError(`no connection within ${ms} ms`)), ms);
  socket.once(tls ? 'secureConnect' : 'connect', () => clearTimeout(timer));
  socket.once('close', () => clearTimeout(timer));
}
