// The three measurements of the proxy benchmark. Each returns raw figures; the
// caller prints them and checks the targets.
import { performance } from 'node:perf_hooks';
import { openPool, runClosed, runOpen } from './latency.mjs';
import { processCpuMs } from './machine.mjs';
import { sseOnce } from './sse.mjs';
import { median, summarize } from './stats.mjs';
import { download } from './transfer.mjs';

/** A closed- or open-loop phase is cut to about this long when the path is slow. */
const MAX_PHASE_S = 6;
const WARM_UP_REQUESTS = 2_000;
const WARM_UP_S = 2;

const cpuMs = (u) => (u.user + u.system) / 1000;

/** CPU time (ms) the benchmark's own processes have used so far. */
export async function ownCpuMs(bench) {
  const workers = await Promise.all([bench.proxy.call('usage'), bench.upstream.call('usage')]);
  return cpuMs(process.cpuUsage()) + cpuMs(workers[0].cpu) + cpuMs(workers[1].cpu) + processCpuMs(bench.bridge.handle?.pid) + processCpuMs(bench.squid.handle?.pid);
}

/** CPU milliseconds spent by each process of the benchmark while `fn` runs. */
export async function withCpu(bench, fn) {
  const others = () => ({ bridge: processCpuMs(bench.bridge.handle?.pid), squid: processCpuMs(bench.squid.handle?.pid) });
  const before = [await bench.proxy.call('usage'), await bench.upstream.call('usage'), others()];
  const client = process.cpuUsage();
  const value = await fn();
  const clientMs = cpuMs(process.cpuUsage(client));
  // A tunnel's native relay is a child of the proxy's relay host: its CPU counts once the
  // relay has ended (the connection closed) and been reaped.
  await new Promise((resolve) => setTimeout(resolve, 200));
  const after = [await bench.proxy.call('usage'), await bench.upstream.call('usage'), others()];
  return {
    value,
    cpu: {
      proxyMs: cpuMs(after[0].cpu) - cpuMs(before[0].cpu), upstreamMs: cpuMs(after[1].cpu) - cpuMs(before[1].cpu), clientMs,
      bridgeMs: after[2].bridge - before[2].bridge, squidMs: after[2].squid - before[2].squid,
    },
  };
}

/** Which process does the relaying on each path, for "relay CPU per GiB". */
const relayMs = (key, cpu) => (key === 'squidTunnel' ? cpu.squidMs : key.startsWith('bridge') ? cpu.proxyMs + cpu.bridgeMs : key.startsWith('direct') ? 0 : cpu.proxyMs);

/** Downloads of `bytes`, `repeats` rounds over the endpoints in turn (drift hits all alike). */
export async function measureThroughput(bench, keys, bytes, repeats) {
  for (const k of keys) await download(bench.eps[k], 16 * 2 ** 20); // warm-up: certificates, JIT, pools
  const runs = Object.fromEntries(keys.map((k) => [k, { mbPerS: [], relayMs: [], bridgeMs: [], clientMs: [], upstreamMs: [] }]));
  for (let r = 0; r < repeats; r++) {
    for (const k of keys) {
      const { value, cpu } = await withCpu(bench, () => download(bench.eps[k], bytes));
      runs[k].mbPerS.push(value.mbPerS);
      runs[k].relayMs.push(relayMs(k, cpu));
      runs[k].bridgeMs.push(cpu.bridgeMs);
      runs[k].clientMs.push(cpu.clientMs);
      runs[k].upstreamMs.push(cpu.upstreamMs);
    }
  }
  const perGiB = (ms) => ms / 1000 / (bytes / 2 ** 30);
  return Object.fromEntries(keys.map((k) => [k, {
    name: bench.eps[k].name, mbPerS: median(runs[k].mbPerS), runsMbPerS: runs[k].mbPerS,
    relayCpuSPerGiB: k.startsWith('direct') ? undefined : perGiB(median(runs[k].relayMs)),
    bridgeCpuSPerGiB: k.startsWith('bridge') ? perGiB(median(runs[k].bridgeMs)) : undefined,
    // Node's own TLS, each way: what receiving (client) and sending (upstream) cost per GiB.
    receiveCpuSPerGiB: perGiB(median(runs[k].clientMs)), sendCpuSPerGiB: perGiB(median(runs[k].upstreamMs)),
  }]));
}

async function timed(fn) {
  const started = performance.now();
  await fn();
  return (performance.now() - started) / 1000;
}

/**
 * On `connections` connections: one first request each (the proxy opens its upstream
 * connections), a warm-up, a closed loop (capacity) and an open loop at
 * `ratePerS` (latency). Slow paths get fewer requests so a phase lasts about MAX_PHASE_S.
 */
export async function measureLatency(bench, key, { connections, closedRequests, openRequests, ratePerS }) {
  let samples = [];
  const upstream0 = await bench.upstream.call('connections');
  let clients;
  const openS = await timed(async () => (clients = await openPool(bench.eps[key], connections, (ms) => samples.push(ms))));
  try {
    const firstRoundS = await timed(() => runClosed(clients.pool, 1));
    const upstream1 = await bench.upstream.call('connections');
    // Warm-up (JIT) until WARM_UP_REQUESTS or WARM_UP_S; its last round estimates capacity.
    let roundS = 0;
    const warmUpStarted = performance.now();
    for (let n = 0; n < WARM_UP_REQUESTS && performance.now() - warmUpStarted < WARM_UP_S * 1000; n += connections) {
      roundS = await timed(() => runClosed(clients.pool, 1));
    }
    const perConnection = Math.max(2, Math.min(Math.ceil(closedRequests / connections), Math.floor(MAX_PHASE_S / roundS)));
    samples = [];
    const closed = await withCpu(bench, () => runClosed(clients.pool, perConnection));
    const closedStats = { ...summarize(samples), reqPerS: samples.length / (closed.value / 1000), proxyCpuUsPerReq: (closed.cpu.proxyMs * 1000) / samples.length };
    const overloaded = closedStats.reqPerS < ratePerS * 1.1;
    const openTotal = overloaded ? Math.max(connections, Math.floor(closedStats.reqPerS * MAX_PHASE_S)) : openRequests;
    samples = [];
    const open = await withCpu(bench, () => runOpen(clients.pool, openTotal, ratePerS));
    const openStats = { ...summarize(samples), overloaded, waited: open.value.waited, proxyCpuShare: open.cpu.proxyMs / open.value.ms };
    if (clients.errors.length > 0) throw new Error(`${bench.eps[key].name}: ${clients.errors.length} connection errors, first: ${clients.errors[0].message}`);
    const upstream2 = await bench.upstream.call('connections');
    return {
      name: bench.eps[key].name, openS, firstRoundS, closed: closedStats, open: openStats,
      // A pooling proxy opens its upstream connections in the first round and none after.
      upstreamConnections: { firstRound: upstream1 - upstream0, after: upstream2 - upstream1 },
    };
  } finally {
    clients?.close();
  }
}

/** SSE first-event times, `runs` per endpoint, endpoints interleaved; medians. */
export async function measureSse(bench, keys, runs) {
  for (const k of keys) for (let i = 0; i < 3; i++) await sseOnce(bench.eps[k]); // warm-up
  const got = Object.fromEntries(keys.map((k) => [k, { cold: [], warm: [] }]));
  for (let r = 0; r < runs; r++) {
    for (const k of keys) {
      const { coldMs, warmMs } = await sseOnce(bench.eps[k]);
      got[k].cold.push(coldMs);
      got[k].warm.push(warmMs);
    }
  }
  return Object.fromEntries(keys.map((k) => [k, { name: bench.eps[k].name, warmMs: median(got[k].warm), warmP90Ms: summarize(got[k].warm).p90, coldMs: median(got[k].cold) }]));
}

/**
 * What handing a tunnel to the native relay costs the proxy's own process once it has
 * grown (100 MiB written since it opened, as a session's proxy grows): the longest stall
 * of its event loop during a 4 MiB tunnelled download (handed over after 1 MiB), and
 * the time and page faults to write its memory again afterwards. Baseline, same run: a
 * 512 KiB download that stays in Node. Medians of `rounds`. Run it last: the proxy keeps
 * the memory.
 */
export async function measureHandOver(bench, rounds) {
  await bench.proxy.call('grow');
  const kinds = { kept: 512 * 1024, handedOver: 4 * 2 ** 20 };
  const runs = { kept: [], handedOver: [] };
  for (let r = 0; r < rounds; r++) {
    for (const [kind, bytes] of Object.entries(kinds)) {
      await bench.proxy.call('rewrite'); // every run starts from memory just written
      await bench.proxy.call('watch');
      await download(bench.eps.tunnel, bytes);
      await new Promise((resolve) => setTimeout(resolve, 100)); // the relay ends with the connection
      const stallMs = await bench.proxy.call('stall');
      const rewrite = await bench.proxy.call('rewrite');
      runs[kind].push({ stallMs, rewriteMs: rewrite.ms, faults: rewrite.faults });
    }
  }
  const pick = (xs, f) => median(xs.map(f));
  return Object.fromEntries(Object.entries(runs).map(([k, xs]) => [k, { bytes: kinds[k], stallMs: pick(xs, (x) => x.stallMs), rewriteMs: pick(xs, (x) => x.rewriteMs), faults: pick(xs, (x) => x.faults) }]));
}
