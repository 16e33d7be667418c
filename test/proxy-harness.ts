import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { createMemorySink } from '../src/audit/index.js';
import type { AuditEvent, AuditSink } from '../src/audit/index.js';
import { systemClock } from '../src/core/index.js';
import { builtInPolicy } from '../src/policy/index.js';
import type { Policy } from '../src/policy/index.js';
import { loadSendBufferWidener, openProxy, prepareEgress } from '../src/proxy/index.js';
import type { BodyInspector, EgressSetup, Lookup, Placeholder, ProxyLimits } from '../src/proxy/index.js';

export interface TestProxy {
  socketPath: string;
  events: AuditEvent[];
  placeholders: Placeholder[];
  /** The session CA certificate (PEM), when some host is intercepted. */
  caPem: string | undefined;
  close(): Promise<void>;
}

export interface TestProxyOptions {
  egress?: Partial<Policy['egress']>;
  credentials?: Policy['credentials'];
  tls?: Policy['tls'];
  /** airlock's environment for credential sources. */
  env?: Record<string, string>;
  lookup?: Lookup;
  limits?: Partial<ProxyLimits>;
  /** The audit sink's `accepting` (false: the log cannot be written, fail closed). */
  auditAccepting?: () => boolean;
  /** A real audit sink instead of the in-memory one (then `events` stays empty). */
  sink?: AuditSink;
  /** Reads the bodies the proxy can read, made once the routes' secrets are read (as a session does). */
  bodyInspector?: (setup: EgressSetup) => BodyInspector | Promise<BodyInspector>;
  /** Who relays CONNECT tunnels: the native relay (default, as in a session) or Node. */
  relay?: 'native' | 'node';
}

/**
 * The real governance proxy, in-process, on a Unix socket in a temp dir: for
 * handler tests, the fuzz test and the benchmarks. Same code path as a session.
 */
export async function openTestProxy(options: TestProxyOptions = {}): Promise<TestProxy> {
  const base = builtInPolicy();
  const policy: Policy = { ...base, egress: { ...base.egress, ...options.egress }, credentials: options.credentials ?? [], tls: options.tls ?? {} };
  const dir = mkdtempSync(join(tmpdir(), 'airlock-proxy-'));
  const memory = createMemorySink();
  const accepting = options.auditAccepting;
  const sink = options.sink ?? (accepting === undefined ? memory : { write: memory.write, close: memory.close, get accepting() { return accepting(); } });
  const setup = await prepareEgress({ policy, sessionId: 'test-session', env: options.env ?? {}, clock: systemClock });
  const bodyInspector = await options.bodyInspector?.(setup);
  const relay = options.relay === 'node' ? undefined : { relayPath: fileURLToPath(new URL('../dist/native/airlock-relay', import.meta.url)), hostPath: fileURLToPath(new URL('../dist/cli/relay-host.js', import.meta.url)) };
  const widenSendBuffer = loadSendBufferWidener(fileURLToPath(new URL('../dist/native/airlock-sockets.node', import.meta.url)));
  const proxy = await openProxy({
    sessionId: 'test-session', widenSendBuffer, socketPath: join(dir, 'proxy.sock'), policy, setup, sink, clock: systemClock,
    ...(options.lookup ? { lookup: options.lookup } : {}), ...(options.limits ? { limits: options.limits } : {}), ...(bodyInspector ? { bodyInspector } : {}), ...(relay ? { relay } : {}),
  });
  return {
    socketPath: proxy.socketPath, events: memory.events, placeholders: setup.placeholders, caPem: setup.caFiles?.caPem,
    close: async () => {
      await proxy.close();
      rmSync(dir, { recursive: true, force: true });
    },
  };
}
