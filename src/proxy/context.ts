import type { Agent as HttpAgent } from 'node:http';
import type { Agent as HttpsAgent } from 'node:https';
import type { SecureContext } from 'node:tls';
import type { AuditSink } from '../audit/index.js';
import type { Clock } from '../core/index.js';
import type { Policy } from '../policy/index.js';
import type { CredentialStore } from './credentials/store.js';
import type { Placeholder } from './credentials/placeholders.js';
import type { Lookup } from './egress/resolve.js';
import type { SessionCa } from './tls/session-ca.js';
import type { Denial } from './deny-codes.js';
import type { NativeRelay } from './native-relay.js';

export interface ProxyLimits {
  /** Largest request head accepted, as the HTTP parser counts it: header names and values. */
  maxHeaderBytes: number;
  /** A client must send its request head within this time (slowloris). */
  headersTimeoutMs: number;
  connectTimeoutMs: number;
  /** A connection with no bytes either way for this long is closed. */
  idleTimeoutMs: number;
  /** Concurrent client connections per session. */
  maxConnections: number;
  /** The longest any one request or tunnel may live, however busy. */
  totalTimeoutMs: number;
}

export const DEFAULT_PROXY_LIMITS: ProxyLimits = {
  maxHeaderBytes: 64 * 1024,
  headersTimeoutMs: 15_000,
  connectTimeoutMs: 10_000,
  idleTimeoutMs: 10 * 60_000,
  maxConnections: 512,
  totalTimeoutMs: 60 * 60_000,
};

/** What a body inspector is told about the request whose body it reads. */
export interface BodyRequest {
  method: string;
  host: string;
  port: number;
  path: string;
  route: string | undefined;
}

/** An audit event an inspector asks the proxy to record (it adds the request's host, method and path). */
export interface InspectorEvent {
  type: string;
  fields: Record<string, unknown>;
}

/**
 * A body inspector's answer: pass (with events to record, and optionally the body to send
 * instead, e.g. with a secret redacted), or a denial (with the events that explain it).
 */
export type BodyVerdict = { allow: true; events: readonly InspectorEvent[]; body?: Buffer } | (Denial & { events?: readonly InspectorEvent[] });

/**
 * Reads the bodies the proxy can read (plain HTTP, intercepted TLS, base-URL routes),
 * whole up to egress.inspectBodyBytes: the code-egress map, DLP. If it throws or
 * rejects, the proxy fails closed (PROXY_INTERNAL).
 */
export interface BodyInspector {
  inspect(body: Buffer, request: BodyRequest): BodyVerdict | Promise<BodyVerdict>;
  /**
   * A body larger than egress.inspectBodyBytes, read as it streams (when overInspectLimit
   * is pass): it cannot be rewritten, only cut off before the bytes that matched leave.
   * Absent: such a body passes unread ("unscanned").
   */
  stream?(request: BodyRequest): BodyStreamInspection;
  /**
   * The request's path, query and header lines (`name: value`, one a line), which cannot
   * be rewritten: a verdict may only pass (with events) or refuse.
   */
  inspectHead?(head: Buffer, request: BodyRequest): HeadVerdict;
}

/** A head inspector's answer; `auditPath`: the path as audit events may show it (a secret in the query redacted). */
export type HeadVerdict = StreamVerdict & { auditPath?: string };

/** A stream inspector's answer for the bytes so far: go on (with events), or stop (a denial). */
export type StreamVerdict = { allow: true; events: readonly InspectorEvent[] } | (Denial & { events?: readonly InspectorEvent[] });

/** One streamed body's inspection: the proxy writes every chunk, then ends it, and sends only what it may. */
export interface BodyStreamInspection {
  /**
   * How many of the last bytes written may not be sent yet: a match that starts there may
   * still be growing. Everything before them has been inspected for good.
   */
  readonly holdBack: number;
  write(chunk: Buffer): StreamVerdict;
  end(): StreamVerdict;
}

/** Everything one session's proxy knows; built once by openProxy. */
export interface ProxyContext {
  sessionId: string;
  policy: Pick<Policy, 'egress' | 'credentials'>;
  placeholders: readonly Placeholder[];
  credentials: CredentialStore;
  /** Present when some host is intercepted. Its key never leaves this process. */
  ca: SessionCa | undefined;
  /**
   * Upstream TLS verification (system roots + tls.upstreamCaFile), built once: passing
   * `ca` per request would re-parse ~150 roots per connection and hash them into the
   * agent's pool key on every request.
   */
  upstreamTls: () => Promise<SecureContext>;
  lookup: Lookup;
  sink: AuditSink;
  clock: Clock;
  limits: ProxyLimits;
  agents: { http: HttpAgent; https: HttpsAgent };
  bodyInspector: BodyInspector | undefined;
  /** The native tunnel relay; tunnels are relayed in Node without it. */
  relay: NativeRelay | undefined;
}

/**
 * The denial for every request once the audit log cannot record it (fail closed):
 * egress that cannot be audited does not happen.
 */
export function auditGate(ctx: ProxyContext): Denial | undefined {
  if (ctx.sink.accepting !== false) return undefined;
  return { allow: false, code: 'AUDIT_UNAVAILABLE', message: 'the audit log cannot be written and policy says fail closed (audit.failMode): no more egress in this session' };
}

export function emit(ctx: ProxyContext, type: string, fields: Record<string, unknown>): void {
  ctx.sink.write({ type, time: new Date(ctx.clock.nowMs()).toISOString(), sessionId: ctx.sessionId, ...fields });
}
