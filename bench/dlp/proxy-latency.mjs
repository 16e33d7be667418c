// The latency DLP adds to an LLM request through the real proxy (in-process, on its Unix
// socket, plain HTTP to a loopback upstream so that only the body inspection differs):
// the same ~200 KB Anthropic request, p50 over sequential requests, without DLP and with
// it, in the same run. "Uncached" gives the scanner a cache of one entry, so every message
// is scanned every time (a new conversation); "cached" is a conversation re-sent.
import { Secret } from '../../src/core/index.js';
import { createScanCache, createScanner } from '../../src/dlp/index.js';
import { createDlpInspector } from '../../src/session/dlp-inspector.js';
import { openTestProxy } from '../../test/proxy-harness.js';
import { viaProxy } from '../../test/hardening/raw-client.js';
import { startHttpUpstream } from '../../test/upstreams.js';

const REQUESTS = Number(process.env.BENCH_DLP_PROXY_REQUESTS ?? 300);

const median = (xs) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];

async function p50(upstream, bodyInspector, body) {
  const proxy = await openTestProxy({
    egress: { allow: [{ host: 'model.test', ports: [upstream.port], inspect: false, allowPrivate: false }], resolve: { 'model.test': '127.0.0.1' } },
    ...(bodyInspector === undefined ? {} : { bodyInspector: () => bodyInspector }),
  });
  try {
    const send = () => viaProxy(proxy.socketPath, `http://model.test:${upstream.port}/v1/messages`, { method: 'POST', body, headers: { 'content-type': 'application/json' }, timeoutMs: 10_000 });
    for (let i = 0; i < 30; i++) await send();
    const ms = [];
    for (let i = 0; i < REQUESTS; i++) {
      const t = performance.now();
      const res = await send();
      ms.push(performance.now() - t);
      if (res.status !== 200) throw new Error(`the benchmark request was answered ${res.status}: ${res.body.toString()}`);
    }
    return median(ms);
  } finally {
    await proxy.close();
  }
}

function dlp(cache) {
  // As a session builds it: a known secret (a route's key) beside the built-in detectors.
  const scanner = createScanner({ knownSecrets: [{ name: 'credential route anthropic', value: new Secret(`sk-ant-bench-${'x7Q'.repeat(20)}`) }] });
  return createDlpInspector({ scanner, cache, policy: { onHigh: 'block' }, routes: [], placeholders: [] });
}

export async function proxyLatencyBench(anthropicBody) {
  let turns = 1;
  while (anthropicBody(turns).length < 200_000) turns++;
  const body = anthropicBody(turns);
  const upstream = await startHttpUpstream();
  try {
    const none = await p50(upstream, undefined, body);
    const uncached = await p50(upstream, dlp(createScanCache({ maxEntries: 1 })), body);
    const cached = await p50(upstream, dlp(createScanCache()), body);
    const added = uncached - none;
    console.log(`through the proxy, ${(body.length / 1000).toFixed(1)} KB request, p50 of ${REQUESTS}: no DLP ${none.toFixed(2)} ms, DLP uncached ${uncached.toFixed(2)} ms (x${(uncached / none).toFixed(2)}, +${added.toFixed(2)} ms), DLP cached ${cached.toFixed(2)} ms (x${(cached / none).toFixed(2)}, +${(cached - none).toFixed(2)} ms); target +5 ms at p50: ${added <= 5 ? 'met' : 'NOT met'}`);
  } finally {
    await upstream.close();
  }
}
