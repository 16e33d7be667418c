// Runs the real governance proxy (test/proxy-harness.ts, same code as a session) in its
// own process for bench/proxy.mjs. Every name resolves through egress.resolve to
// 127.0.0.1; any other look-up fails, so nothing leaves the machine.
import { readFileSync } from 'node:fs';
import { monitorEventLoopDelay } from 'node:perf_hooks';
import v8 from 'node:v8';
import { setProxyHeapGrowth } from '../../src/proxy/index.ts';
import { openTestProxy } from '../../test/proxy-harness.ts';
import { serveParent } from './workers.mjs';

const noDns = async (host) => {
  throw Object.assign(new Error(`the benchmark resolves nothing (${host})`), { code: 'ENOTFOUND' });
};

/**
 * With options.auditDb, events go where a session's go: stamped, chained and committed to
 * a SQLite audit store by the session's writer (bench/audit.mjs compares the two).
 */
async function auditSink(path) {
  const { createAuditWriter, openSqliteStoreInWorker } = await import('../../src/audit/index.ts');
  const { silentLogger } = await import('../../src/core/index.ts');
  // As a session opens it: in its own thread, from the built worker.
  const worker = new URL('../../dist/cli/audit-store-worker.js', import.meta.url).pathname;
  const store = await openSqliteStoreInWorker({ path, keyPath: `${path}.key.pem` }, worker);
  let n = 0;
  const context = {
    sessionId: 'bench', actor: { user: 'bench', uid: 1000, verified: false, host: 'bench' }, policyHash: 'f'.repeat(64),
    tool: { name: 'bench', version: null, image: 'airlock/base:bookworm', digest: null }, repo: '/bench', driver: 'bench',
  };
  return createAuditWriter({ store, context, failMode: 'closed', newId: () => `bench-${n++}`, logger: silentLogger, onUnavailable: (e) => console.error(`audit: ${e.message}`) });
}

/**
 * For the hand-over section: memory the proxy has written since it opened (a session's
 * proxy grows as it works), rewritten on request (time and page faults), and the longest
 * stall of this process's event loop between 'watch' and 'stall'.
 */
function memoryProbe() {
  let held = [];
  const faults = () => Number(readFileSync('/proc/self/stat', 'utf8').split(') ')[1].split(' ')[7]);
  const loop = monitorEventLoopDelay({ resolution: 1 });
  return {
    grow: (mib) => {
      held = Array.from({ length: mib }, () => Buffer.alloc(2 ** 20, 1));
      return held.length;
    },
    rewrite: () => {
      const f0 = faults();
      const t0 = performance.now();
      for (const b of held) for (let i = 0; i < b.length; i += 4096) b[i]++;
      return { ms: performance.now() - t0, faults: faults() - f0 };
    },
    watch: () => {
      loop.reset();
      loop.enable();
    },
    stall: () => {
      loop.disable();
      return loop.max / 1e6;
    },
  };
}

process.once('message', async ({ auditDb, ...options }) => {
  // As airlock run and exec set it (src/cli/session-command.ts).
  setProxyHeapGrowth((flags) => v8.setFlagsFromString(flags));
  const sink = auditDb === undefined ? undefined : await auditSink(auditDb);
  const proxy = await openTestProxy({ ...options, lookup: noDns, ...(sink ? { sink } : {}) });
  let seen = 0;
  const probe = memoryProbe();
  serveParent({
    grow: () => probe.grow(100),
    rewrite: probe.rewrite,
    watch: probe.watch,
    stall: probe.stall,
    // The harness keeps audit events in memory; count them by type, then drop them
    // so that a growing array does not slow the proxy's GC from one phase to the next.
    events: () => {
      const counts = {};
      for (const e of proxy.events) counts[e.type] = (counts[e.type] ?? 0) + 1;
      seen += proxy.events.length;
      proxy.events.length = 0;
      return { counts, seen };
    },
  });
  process.once('SIGTERM', () => void proxy.close().then(() => process.exit(0)));
  process.send({ socketPath: proxy.socketPath, caPem: proxy.caPem });
});
