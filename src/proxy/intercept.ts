import type { Server } from 'node:http';
import { TLSSocket } from 'node:tls';
import type { Duplex } from 'node:stream';
import { AirlockError } from '../core/index.js';
import type { ProxyContext } from './context.js';
import type { HostAllowed, Target } from './egress/decide.js';
import { ESTABLISHED } from './tunnel.js';

/** What an intercepted TLS connection was opened for (the CONNECT, not the Host header). */
export interface InterceptTarget {
  target: Target;
  host: HostAllowed;
}

/**
 * Terminates the sandbox's TLS with a leaf certificate from the session CA, then
 * hands the decrypted connection to the inner HTTP server, which forwards each
 * request to the CONNECT target (never to whatever its Host header says).
 */
export function interceptTls(ctx: ProxyContext, client: Duplex, head: Buffer, t: InterceptTarget, inner: Server, targets: WeakMap<object, InterceptTarget>): void {
  if (ctx.ca === undefined) throw new AirlockError('INTERNAL', `interception of ${t.target.host} needs the session CA`);
  client.write(ESTABLISHED);
  if (head.length > 0) client.unshift(head);
  const secure = new TLSSocket(client as never, { isServer: true, secureContext: ctx.ca.secureContextFor(t.target.host), ALPNProtocols: ['http/1.1'] });
  secure.on('error', () => secure.destroy());
  targets.set(secure, t);
  inner.emit('connection', secure);
}
