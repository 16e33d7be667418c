// Runs the real governance proxy (test/proxy-harness.ts, same code as a session) in its
// own process for bench/proxy.mjs. Every name resolves through egress.resolve to
// 127.0.0.1; any other look-up fails, so nothing leaves the machine.
import { openTestProxy } from '../../test/proxy-harness.ts';
import { serveParent } from './workers.mjs';

const noDns = async (host) => {
  throw Object.assign(new Error(`the benchmark resolves nothing (${host})`), { code: 'ENOTFOUND' });
};

process.once('message', async (options) => {
  const proxy = await openTestProxy({ ...options, lookup: noDns });
  let seen = 0;
  serveParent({
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
