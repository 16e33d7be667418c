import { existsSync } from 'node:fs';
import { lookup as dnsLookup } from 'node:dns/promises';
import { createSecureContext } from 'node:tls';
import type { SecureContext } from 'node:tls';
import type { AuditSink } from '../audit/index.js';
import type { Clock } from '../core/index.js';
import { AirlockError } from '../core/index.js';
import type { Policy } from '../policy/index.js';
import type { BodyInspector, ProxyContext, ProxyLimits } from './context.js';
import { DEFAULT_PROXY_LIMITS } from './context.js';
import type { EgressSetup } from './egress-setup.js';
import type { Lookup } from './egress/resolve.js';
import type { InterceptTarget } from './intercept.js';
import { openRelayHost } from './native-relay.js';
import type { RelayHostPaths } from './native-relay.js';
import type { WidenSendBuffer } from './send-buffer.js';
import { createAgents, createInnerServer, createOuterServer, listenOnSocket } from './server.js';

export interface OpenProxyOptions {
  sessionId: string;
  /** Unix socket path, in a directory private to airlock. */
  socketPath: string;
  policy: Pick<Policy, 'egress' | 'credentials'>;
  setup: EgressSetup;
  sink: AuditSink;
  clock: Clock;
  lookup?: Lookup;
  limits?: Partial<ProxyLimits>;
  /** Reads inspected request bodies (the code-egress map, DLP). */
  bodyInspector?: BodyInspector;
  /**
   * dist/native/airlock-relay, which relays CONNECT tunnels natively, and dist/cli/relay-host.js,
   * the process that starts it; without them Node relays tunnels itself.
   */
  relay?: RelayHostPaths;
  /** Applied to each accepted connection (loadSendBufferWidener); without it sockets keep the kernel's default. */
  widenSendBuffer?: WidenSendBuffer;
}

export interface ProxyHandle {
  socketPath: string;
  /** Stops listening and closes every connection. Idempotent. */
  close(): Promise<void>;
}

/** Unix socket paths are limited to 107 bytes (sockaddr_un.sun_path). */
const MAX_SOCKET_PATH = 107;

const systemLookup: Lookup = (host) => dnsLookup(host, { all: true, verbatim: true });

/**
 * Starts one session's governance proxy. Default deny; every request becomes an
 * audit event; it fails closed (an internal error refuses the request).
 */
export async function openProxy(options: OpenProxyOptions): Promise<ProxyHandle> {
  for (const path of options.relay === undefined ? [] : [options.relay.relayPath, options.relay.hostPath]) {
    if (!existsSync(path)) throw new AirlockError('INTERNAL', `the tunnel relay's ${path} is missing: run npm run build`);
  }
  if (Buffer.byteLength(options.socketPath) > MAX_SOCKET_PATH) {
    throw new AirlockError('CONFIG_INVALID', `the proxy socket path ${options.socketPath} is longer than ${MAX_SOCKET_PATH} bytes: use a shorter AIRLOCK_HOME`);
  }
  // Built on the first intercepted request: ~150 roots take tens of ms to parse.
  let tlsContext: Promise<SecureContext> | undefined;
  const upstreamTls = () => (tlsContext ??= options.setup.upstreamCa().then((ca) => createSecureContext({ ca })));
  const ctx: ProxyContext = {
    sessionId: options.sessionId, policy: options.policy, placeholders: options.setup.placeholders, credentials: options.setup.credentials,
    ca: options.setup.ca, upstreamTls, lookup: options.lookup ?? systemLookup, sink: options.sink, clock: options.clock,
    limits: { ...DEFAULT_PROXY_LIMITS, ...options.limits }, agents: createAgents(), bodyInspector: options.bodyInspector,
    relay: options.relay === undefined ? undefined : openRelayHost(options.relay, options.clock),
  };
  const targets = new WeakMap<object, InterceptTarget>();
  const inner = createInnerServer(ctx, targets);
  const outer = createOuterServer(ctx, inner, targets);
  const widen = options.widenSendBuffer;
  if (widen !== undefined) outer.on('connection', widen);
  let sockets: Awaited<ReturnType<typeof listenOnSocket>>;
  try {
    sockets = await listenOnSocket(outer, options.socketPath);
  } catch (error) {
    await ctx.relay?.close();
    throw error;
  }
  let closed: Promise<void> | undefined;
  return {
    socketPath: options.socketPath,
    close: () => {
      closed ??= new Promise<void>((resolve) => {
        // Relays first: Node tracks the server's sockets sent to the host, and the server's
        // close asks the host about them; once the host is gone it does not wait.
        const relaysEnded = ctx.relay?.close() ?? Promise.resolve();
        outer.close(() => void relaysEnded.then(() => resolve()));
        for (const s of sockets) s.destroy();
        ctx.agents.http.destroy();
        ctx.agents.https.destroy();
      });
      return closed;
    },
  };
}
