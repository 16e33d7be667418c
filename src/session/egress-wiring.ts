import { existsSync } from 'node:fs';
import { writeFile } from 'node:fs/promises';
import { AirlockError } from '../core/index.js';
import { dirname, join } from 'node:path';
import type { AuditSink } from '../audit/index.js';
import type { Clock } from '../core/index.js';
import type { Policy } from '../policy/index.js';
import { loadSendBufferWidener, openProxy, placeholderEnv, prepareEgress } from '../proxy/index.js';
import type { BodyInspector, EgressSetup, Lookup, ProxyHandle } from '../proxy/index.js';
import type { SandboxMount } from '../sandbox/index.js';

/** Inside the sandbox: the bridge listens here and is everyone's HTTP(S)_PROXY. */
export const PROXY_PORT = 3128;
const IN = '/run/airlock';

export interface EgressWiringOptions {
  sessionId: string;
  runDir: string;
  policy: Policy;
  /** Host path of the static bridge helper (dist/native/airlock-bridge). */
  bridgePath: string;
  /** Host path of dist/cli/relay-host.js, which starts the native tunnel relays (beside the bridge). */
  relayHostPath: string;
  env: Readonly<Record<string, string | undefined>>;
  sink: AuditSink;
  clock: Clock;
  lookup?: Lookup;
  /** Makes the reader of inspected request bodies (DLP, the code-egress map) once the routes' secrets are read. */
  bodyInspector?: (setup: EgressSetup) => Promise<BodyInspector>;
}

/** What the sandbox plan gains from the proxy: mounts, variables and the argv prefix. */
export interface EgressWiring {
  proxy: ProxyHandle;
  mounts: SandboxMount[];
  env: Record<string, string>;
  argvPrefix: string[];
}

function proxyEnv(): Record<string, string> {
  const url = `http://127.0.0.1:${PROXY_PORT}`;
  const env: Record<string, string> = { AIRLOCK_ROUTES_URL: `${url}/_airlock/routes` };
  for (const name of ['HTTP_PROXY', 'HTTPS_PROXY', 'ALL_PROXY']) {
    env[name] = url;
    env[name.toLowerCase()] = url;
  }
  env.NO_PROXY = 'localhost,127.0.0.1';
  env.no_proxy = env.NO_PROXY;
  return env;
}

function caEnv(): Record<string, string> {
  const bundle = `${IN}/ca-bundle.pem`;
  return { NODE_EXTRA_CA_CERTS: `${IN}/ca.pem`, SSL_CERT_FILE: bundle, GIT_SSL_CAINFO: bundle, REQUESTS_CA_BUNDLE: bundle, CURL_CA_BUNDLE: bundle };
}

/**
 * Starts the session's proxy on a Unix socket in the private run dir; only the
 * socket (and the bridge, and the CA certificate without its key) go inside.
 */
export async function startEgress(options: EgressWiringOptions): Promise<EgressWiring> {
  if (!existsSync(options.bridgePath)) {
    throw new AirlockError('INTERNAL', `the sandbox bridge ${options.bridgePath} is missing, so no session can reach the proxy: run npm run build`);
  }
  const setup = await prepareEgress({ policy: options.policy, sessionId: options.sessionId, env: options.env, clock: options.clock });
  const socketPath = join(options.runDir, 'proxy.sock');
  const bodyInspector = await options.bodyInspector?.(setup);
  // The relay and the socket addon are built beside the bridge (scripts/build-native.mjs).
  const nativeDir = dirname(options.bridgePath);
  const proxy = await openProxy({
    sessionId: options.sessionId, socketPath, policy: options.policy, setup, sink: options.sink, clock: options.clock,
    ...(options.lookup === undefined ? {} : { lookup: options.lookup }),
    ...(bodyInspector === undefined ? {} : { bodyInspector }),
    relay: { relayPath: join(nativeDir, 'airlock-relay'), hostPath: options.relayHostPath },
    widenSendBuffer: loadSendBufferWidener(join(nativeDir, 'airlock-sockets.node')),
  });
  const mounts: SandboxMount[] = [
    { source: socketPath, target: `${IN}/proxy.sock`, readOnly: true },
    { source: options.bridgePath, target: `${IN}/bridge`, readOnly: true },
  ];
  let env = { ...proxyEnv(), ...placeholderEnv(setup.placeholders) };
  if (setup.caFiles !== undefined) {
    await writeFile(join(options.runDir, 'ca.pem'), setup.caFiles.caPem, { mode: 0o644 });
    await writeFile(join(options.runDir, 'ca-bundle.pem'), setup.caFiles.bundlePem, { mode: 0o644 });
    mounts.push({ source: join(options.runDir, 'ca.pem'), target: `${IN}/ca.pem`, readOnly: true });
    mounts.push({ source: join(options.runDir, 'ca-bundle.pem'), target: `${IN}/ca-bundle.pem`, readOnly: true });
    env = { ...env, ...caEnv() };
  }
  return { proxy, mounts, env, argvPrefix: [`${IN}/bridge`, String(PROXY_PORT), `${IN}/proxy.sock`] };
}
