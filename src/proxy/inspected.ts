import type { IncomingMessage } from 'node:http';
import type { ProxyContext } from './context.js';
import { findPlaceholder } from './credentials/find-placeholder.js';
import type { Denial } from './deny-codes.js';
import type { HostAllowed, Target } from './egress/decide.js';

/** A request the proxy can read: plain HTTP, intercepted TLS, or a base-URL route. */
export interface InspectedRequest {
  target: Target;
  tls: boolean;
  host: HostAllowed;
  mode: 'forward' | 'intercept' | 'route';
  /** Path and query sent upstream. */
  path: string;
  /** The path as audit events show it, when an inspector found a secret in it. */
  logPath?: string;
}

/** The path audit events may show: the secret-free one when an inspector made it. */
export function loggedPath(r: InspectedRequest): string {
  return r.logPath ?? r.path;
}

export type BodyRead = { kind: 'whole'; body: Buffer } | { kind: 'partial'; head: Buffer } | { kind: 'none' };

/** A placeholder of a route that does not serve this host, in any of the texts. */
function misuseIn(ctx: ProxyContext, r: InspectedRequest, texts: readonly (string | Buffer)[]): Denial | undefined {
  const foreign = ctx.placeholders.filter((p) => p.route.name !== r.host.route?.name);
  const hit = findPlaceholder(foreign, texts);
  return hit === undefined ? undefined : misuse(hit.route.name, r.target.host);
}

export function headerMisuse(ctx: ProxyContext, req: IncomingMessage, r: InspectedRequest): Denial | undefined {
  return misuseIn(ctx, r, [req.url ?? '', ...req.rawHeaders]);
}

export function bodyMisuse(ctx: ProxyContext, body: Buffer, r: InspectedRequest): Denial | undefined {
  return misuseIn(ctx, r, [body]);
}

function misuse(route: string, host: string): Denial {
  return { allow: false, code: 'CREDENTIAL_MISUSE', rule: `credentials:${route}`, message: `the placeholder of credential route ${route} may not be sent to ${host}` };
}

/**
 * Reads the body up to the inspection cap when there is something to look for.
 * "partial": the body is larger than the cap; the rest is still in `req`, paused.
 */
export function readForInspection(req: IncomingMessage, cap: number, needed: boolean): Promise<BodyRead> {
  if (!needed) return Promise.resolve({ kind: 'none' });
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    let size = 0;
    const onData = (chunk: Buffer) => {
      chunks.push(chunk);
      size += chunk.length;
      if (size > cap) {
        cleanup();
        req.pause();
        resolve({ kind: 'partial', head: Buffer.concat(chunks) });
      }
    };
    const onEnd = () => {
      cleanup();
      resolve({ kind: 'whole', body: Buffer.concat(chunks) });
    };
    const cleanup = () => {
      req.off('data', onData);
      req.off('end', onEnd);
      req.off('error', reject);
    };
    req.on('data', onData);
    req.on('end', onEnd);
    req.on('error', reject);
  });
}
