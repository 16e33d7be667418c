// Starts what the proxy benchmark measures: the upstream, the proxy (policy below),
// the bridge and squid, and names the endpoints that reach the upstream through each.
import { existsSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { ensureSquid, openBridge, openSquid } from './processes.mjs';
import { startWorker } from './workers.mjs';
import { connectSocket, connectThrough, endpoint, startTls } from './wire.mjs';

const BRIDGE = fileURLToPath(new URL('../../dist/native/airlock-bridge', import.meta.url));
const LOOPBACK = '127.0.0.1';
const SECRET = 'bench-real-secret-0123456789abcdef0123';

/** The session policy: one host per way of reaching the upstream, all resolved to loopback. */
function policy(h, p, upstreamCaFile) {
  const rule = (host, ports, inspect) => ({ host, ports, inspect, allowPrivate: true });
  const hosts = ['tunnel.bench.test', 'intercept.bench.test', 'plain.bench.test', 'cred.bench.test'];
  return {
    egress: {
      allow: [rule('tunnel.bench.test', [h, p], false), rule('intercept.bench.test', [h], true), rule('plain.bench.test', [p], false)],
      resolve: Object.fromEntries(hosts.map((host) => [host, LOOPBACK])),
    },
    credentials: [{ name: 'bench', hosts: ['cred.bench.test'], ports: [h], inject: { header: 'x-api-key', prefix: '' }, source: { env: 'BENCH_API_KEY' }, placeholderEnv: [], placeholderPrefix: 'airlock-' }],
    env: { BENCH_API_KEY: SECRET },
    tls: { upstreamCaFile },
  };
}

function endpoints(u, proxy, bridge, squid) {
  const { httpsPort: h, httpPort: p } = u;
  const unix = { path: proxy.socketPath };
  const tls = (name, via, authority, servername, ca) =>
    endpoint({ name, host: `${servername}:${h}`, open: async () => startTls({ socket: await connectThrough(via, authority), servername, ca }) });
  const eps = {
    directHttps: endpoint({ name: 'direct (TLS)', host: `direct.bench.test:${h}`, open: () => startTls({ port: h, servername: 'direct.bench.test', ca: u.caPem }) }),
    tunnel: tls('proxy: CONNECT tunnel', unix, `tunnel.bench.test:${h}`, 'tunnel.bench.test', u.caPem),
    intercept: tls('proxy: intercepted (inspect rule)', unix, `intercept.bench.test:${h}`, 'intercept.bench.test', proxy.caPem),
    credential: tls('proxy: intercepted (credential route)', unix, `cred.bench.test:${h}`, 'cred.bench.test', proxy.caPem),
    directHttp: endpoint({ name: 'direct (plain HTTP)', host: `${LOOPBACK}:${p}`, open: () => connectSocket({ port: p }) }),
    forward: endpoint({ name: 'proxy: absolute-form HTTP', host: `plain.bench.test:${p}`, absolute: true, open: () => connectSocket(unix) }),
    tunnelHttp: endpoint({ name: 'proxy: CONNECT tunnel, HTTP inside', host: `tunnel.bench.test:${p}`, open: () => connectThrough(unix, `tunnel.bench.test:${p}`) }),
  };
  if (bridge) {
    const tcp = { port: bridge.port };
    eps.bridgeTunnel = tls('bridge + proxy: CONNECT tunnel', tcp, `tunnel.bench.test:${h}`, 'tunnel.bench.test', u.caPem);
    eps.bridgeIntercept = tls('bridge + proxy: intercepted', tcp, `intercept.bench.test:${h}`, 'intercept.bench.test', proxy.caPem);
    eps.bridgeForward = endpoint({ name: 'bridge + proxy: absolute-form HTTP', host: `plain.bench.test:${p}`, absolute: true, open: () => connectSocket(tcp) });
  }
  if (squid) eps.squidTunnel = tls(`squid: CONNECT tunnel`, { port: squid.port }, `${LOOPBACK}:${h}`, 'squid.bench.test', u.caPem);
  return eps;
}

async function tryOpen(what, open) {
  try {
    return { handle: await open() };
  } catch (error) {
    console.log(`  ${what}: not measured: ${error.message}`);
    return { note: error.message };
  }
}

/** Everything up; `close()` takes it all down again (also after a failure). */
export async function openBench(proxyExtra = {}) {
  const closers = [];
  const close = async () => {
    for (const c of closers.reverse()) await c().catch((e) => console.error(`cleanup: ${e.message}`));
  };
  try {
    const upstream = await startWorker('upstream-worker.mjs', {});
    closers.push(upstream.stop);
    const dir = mkdtempSync(join(tmpdir(), 'airlock-bench-proxy-'));
    closers.push(async () => rmSync(dir, { recursive: true, force: true }));
    const caFile = join(dir, 'upstream-ca.pem');
    writeFileSync(caFile, upstream.ready.caPem);
    const proxy = await startWorker('proxy-worker.mjs', { ...policy(upstream.ready.httpsPort, upstream.ready.httpPort, caFile), ...proxyExtra });
    closers.push(proxy.stop);
    const bridge = existsSync(BRIDGE)
      ? await tryOpen('airlock-bridge', () => openBridge(BRIDGE, proxy.ready.socketPath))
      : (console.log(`  airlock-bridge: not measured: ${BRIDGE} is missing (run npm run build)`), { note: 'dist/native/airlock-bridge missing' });
    if (bridge.handle) closers.push(bridge.handle.close);
    const squid = await tryOpen('squid', async () => {
      const installed = ensureSquid();
      return { ...(await openSquid()), installed };
    });
    if (squid.handle) closers.push(squid.handle.close);
    const eps = endpoints(upstream.ready, proxy.ready, bridge.handle, squid.handle);
    return { eps, upstream, proxy, bridge, squid, close };
  } catch (error) {
    await close();
    throw error;
  }
}
