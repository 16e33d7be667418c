// npm run bench: the audit store. Sustained append rate with chaining and group commit
// (many appends in flight, as many proxy connections produce them), p99 append latency
// (from the append call to its durable acknowledgement), and the verify rate (read back,
// re-hash, re-check the Merkle checkpoints). SQLite always; PostgreSQL when Debian's
// binaries are installed (a private cluster on loopback). Baseline in the same run:
// plain INSERTs of the same rows into the same kind of table, in one transaction per
// batch, without chaining (what chaining and checkpoints cost on top).
// Targets (issue 4): >= 20,000 events/s on SQLite with p99 <= 10 ms; verify >= 100,000/s.
// BENCH_AUDIT_EVENTS lowers the event count for a quick look; BENCH_AUDIT_PROXY_ROUNDS sets
// the rounds of the proxy section (0 skips it).
import { generateKeyPairSync } from 'node:crypto';
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import Sqlite from 'better-sqlite3';
import { createCheckpointSigner, openSqliteStore, verifyLog, verifyLogPaged } from '../src/audit/index.js';
import { sampleEvent } from '../src/audit/chain/test-events.js';

const EVENTS = Number(process.env.BENCH_AUDIT_EVENTS ?? 100_000);
const PROXY_ROUNDS = Number(process.env.BENCH_AUDIT_PROXY_ROUNDS ?? 5);
if (!Number.isInteger(PROXY_ROUNDS) || PROXY_ROUNDS < 0) throw new Error(`BENCH_AUDIT_PROXY_ROUNDS must be a whole number, not ${process.env.BENCH_AUDIT_PROXY_ROUNDS}`);
const IN_FLIGHT = 256;
const signer = createCheckpointSigner(generateKeyPairSync('ed25519').privateKey);
const fmt = (n) => Math.round(n).toLocaleString('en');

function percentile(sorted, p) {
  return sorted[Math.min(sorted.length - 1, Math.floor((sorted.length * p) / 100))];
}

async function appendBurst(store) {
  const latencies = new Float64Array(EVENTS);
  let next = 0;
  const started = performance.now();
  async function worker() {
    while (next < EVENTS) {
      const i = next++;
      const t0 = performance.now();
      await store.append([{ ...sampleEvent(i), id: `evt-${i}` }]);
      latencies[i] = performance.now() - t0;
    }
  }
  await Promise.all(Array.from({ length: IN_FLIGHT }, worker));
  const seconds = (performance.now() - started) / 1000;
  const sorted = Array.from(latencies).sort((a, b) => a - b);
  return { rate: EVENTS / seconds, p50: percentile(sorted, 50), p99: percentile(sorted, 99) };
}

/**
 * Latency at a given load: appends are due at a fixed rate (an open loop, as events arrive
 * from many proxy connections), each timed from when it was due to its durable ack.
 */
async function openLoop(store, ratePerS, count) {
  const latencies = new Float64Array(count);
  // Count completions instead of holding a promise per append: 100,000 live promises
  // would cost this thread garbage collection that delays its own sends.
  let done = 0;
  let finished;
  const all = new Promise((resolve) => (finished = resolve));
  const start = performance.now();
  let sent = 0;
  while (sent < count) {
    const now = performance.now();
    while (sent < count && start + (sent * 1000) / ratePerS <= now) {
      const i = sent++;
      const due = start + (i * 1000) / ratePerS;
      store.append([{ ...sampleEvent(i), id: `open-${i}` }]).then(() => {
        latencies[i] = performance.now() - due;
        if (++done === count) finished();
      });
    }
    // Sleep to the next due time (timers fire at 1 ms granularity, so appends go in bursts
    // of up to 1 ms's worth, timed from when each was due). Spinning on setImmediate here
    // would burn a core the store's thread needs.
    await new Promise((resolve) => setTimeout(resolve, Math.max(0, start + (sent * 1000) / ratePerS - performance.now())));
  }
  await all;
  const sorted = Array.from(latencies).sort((a, b) => a - b);
  return { rate: ratePerS, p50: percentile(sorted, 50), p99: percentile(sorted, 99), max: sorted[sorted.length - 1] };
}

async function verifyRate(store) {
  // As airlock audit verify does it: pages of 1,000 records read from disk and verified
  // (small pages die young: holding the whole log costs more in garbage collection).
  const started = performance.now();
  const checkpoints = await store.checkpoints();
  const report = await verifyLogPaged((after, limit) => store.read(after, limit), checkpoints, signer.publicKeyPem, 1000);
  const ended = performance.now();
  if (!report.ok) throw new Error(`verify failed: ${JSON.stringify(report.firstBad)}`);
  // Verifying alone, on records already in memory.
  const records = await store.read(0, EVENTS * 4);
  const verified = performance.now();
  verifyLog(records, checkpoints, signer.publicKeyPem);
  const inMemoryRate = records.length / ((performance.now() - verified) / 1000);
  return { rate: report.records / ((ended - started) / 1000), inMemoryRate, records: report.records, checkpoints: report.checkpoints };
}

function sqliteBaseline(dir) {
  const db = new Sqlite(join(dir, 'baseline.db'));
  db.pragma('journal_mode = WAL');
  db.pragma('synchronous = FULL');
  db.exec('CREATE TABLE r (seq INTEGER PRIMARY KEY, event TEXT NOT NULL)');
  const insert = db.prepare('INSERT INTO r (seq, event) VALUES (?, ?)');
  // Same batch sizes as the store's group commit reaches with IN_FLIGHT appends in flight.
  const batch = db.transaction((from, to) => {
    for (let i = from; i < to; i++) insert.run(i + 1, JSON.stringify({ ...sampleEvent(i), id: `evt-${i}` }));
  });
  const started = performance.now();
  for (let i = 0; i < EVENTS; i += IN_FLIGHT) batch(i, Math.min(EVENTS, i + IN_FLIGHT));
  const rate = EVENTS / ((performance.now() - started) / 1000);
  db.close();
  return rate;
}

function report(name, append, open, verify, baseline) {
  console.log(`\n${name}: ${fmt(EVENTS)} events`);
  console.log(`  capacity (chained, group commit, durable; ${IN_FLIGHT} appends in flight): ${fmt(append.rate)} events/s (latency there is queueing: p50 ${append.p50.toFixed(1)} ms, p99 ${append.p99.toFixed(1)} ms)`);
  console.log(`  latency at ${fmt(open.rate)} events/s offered (open loop): p50 ${open.p50.toFixed(2)} ms, p99 ${open.p99.toFixed(2)} ms, max ${open.max.toFixed(1)} ms`);
  if (baseline !== undefined) console.log(`  baseline (plain INSERT, same batches, no chain): ${fmt(baseline)} events/s; chained store is x${(append.rate / baseline).toFixed(2)} of it`);
  console.log(`  verify (read back from disk + re-hash + ${verify.checkpoints} checkpoints): ${fmt(verify.rate)} events/s over ${fmt(verify.records)} records; of which verifying alone ${fmt(verify.inMemoryRate)}/s`);
}

/**
 * The proxy with its events kept in memory (as bench/proxy.mjs runs it) against the same
 * proxy writing every event through a session's audit writer to SQLite (in its own
 * thread, as sessions run it; run npm run build first): small requests
 * over keep-alive connections, capacity (closed loop) and latency at 1000/s (open loop).
 * This machine drifts by a quarter between runs, so memory and SQLite runs alternate
 * (m s m s ... m, five rounds) and each SQLite run is compared with the memory runs either side of
 * it; the figure is the median of those ratios.
 */
async function proxyWithAudit(dir) {
  const { openBench } = await import('./proxy/setup.mjs');
  const { measureLatency } = await import('./proxy/sections.mjs');
  const load = { connections: 50, closedRequests: 20_000, openRequests: 10_000, ratePerS: 1000 };
  if (PROXY_ROUNDS === 0) {
    console.log('\nProxy with the audit store: skipped (BENCH_AUDIT_PROXY_ROUNDS=0)');
    return;
  }
  const runs = [];
  for (let i = 0; i < 2 * PROXY_ROUNDS + 1; i++) {
    const mode = i % 2 === 0 ? 'memory' : 'sqlite';
    const bench = await openBench(mode === 'sqlite' ? { auditDb: join(dir, `proxy-audit-${i}.db`) } : {});
    try {
      runs.push({ mode, ...(await measureLatency(bench, 'forward', load)) });
    } finally {
      await bench.close();
    }
  }
  console.log(`\nProxy, absolute-form HTTP, ${load.connections} keep-alive connections: events in memory vs written to a SQLite audit store (runs alternate)`);
  for (const r of runs) {
    console.log(`  ${r.mode.padEnd(7)} capacity ${fmt(r.closed.reqPerS)} req/s (proxy process CPU ${fmt(r.closed.proxyCpuUsPerReq)} us/req); at ${load.ratePerS}/s p50 ${r.open.p50.toFixed(2)} ms, p99 ${r.open.p99.toFixed(2)} ms`);
  }
  const median = (xs) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];
  const against = (pick, combine) => runs.flatMap((r, i) => (r.mode === 'sqlite' ? [combine(pick(r), (pick(runs[i - 1]) + pick(runs[i + 1])) / 2)] : []));
  const capacity = against((r) => r.closed.reqPerS, (a, m) => a / m);
  const cpu = against((r) => r.closed.proxyCpuUsPerReq, (a, m) => a / m);
  const p50 = median(against((r) => r.open.p50, (a, m) => a - m));
  const p99 = median(against((r) => r.open.p99, (a, m) => a - m));
  const ratio = median(capacity);
  console.log(`  with the audit store: capacity x${ratio.toFixed(2)} (rounds: ${capacity.map((x) => `x${x.toFixed(2)}`).join(', ')}), proxy CPU per request x${median(cpu).toFixed(2)}, p50 ${signedMs(p50)}, p99 ${signedMs(p99)}; target: figures lowered by at most 10%: capacity ${ratio >= 0.9 ? 'met' : 'NOT met'}`);
}

function signedMs(x) {
  return `${x >= 0 ? '+' : ''}${x.toFixed(2)} ms`;
}

const dir = mkdtempSync(join(tmpdir(), 'airlock-bench-audit-'));
try {
  const baseline = sqliteBaseline(dir);
  const store = await openSqliteStore(join(dir, 'audit.db'), { signer, nowMs: Date.now });
  const append = await appendBurst(store);
  await store.checkpoint();
  await store.checkpoint();
  const verify = await verifyRate(store);
  await store.close();
  // Latency as sessions see it: the store in its own thread (dist/cli/audit-store-worker.js).
  const { openSqliteStoreInWorker } = await import('../src/audit/index.js');
  const worker = new URL('../dist/cli/audit-store-worker.js', import.meta.url).pathname;
  const threaded = await openSqliteStoreInWorker({ path: join(dir, 'threaded.db'), keyPath: join(dir, 'threaded-key.pem') }, worker);
  const threadedAppend = await appendBurst(threaded);
  const open = await openLoop(threaded, 20_000, EVENTS);
  const light = await openLoop(threaded, 5_000, Math.min(EVENTS, 25_000));
  await threaded.close();
  // The floor, same loop: a thread that answers every append at once and stores nothing.
  // Warmed up as the store was (its thread started, the path compiled) by a burst first.
  const floorStore = openSqliteStoreInWorker({ path: 'floor', keyPath: 'floor' }, new URL('./audit/floor-worker.mjs', import.meta.url).pathname);
  await appendBurst(floorStore);
  const floor = await openLoop(floorStore, 20_000, EVENTS);
  await floorStore.close();
  console.log(`\nSQLite in its own thread (as sessions run it): capacity ${fmt(threadedAppend.rate)} events/s; at 5,000 events/s offered p50 ${light.p50.toFixed(2)} ms, p99 ${light.p99.toFixed(2)} ms`);
  console.log(`floor of the open loop at 20,000 events/s (same loop and thread hop, a thread that stores nothing): p50 ${floor.p50.toFixed(2)} ms, p99 ${floor.p99.toFixed(2)} ms, max ${floor.max.toFixed(1)} ms; the store adds p50 ${signedMs(open.p50 - floor.p50)}, p99 ${signedMs(open.p99 - floor.p99)}`);
  report('SQLite (WAL, synchronous=FULL)', append, open, verify, baseline);
  console.log(`  targets: append >= 20,000/s ${append.rate >= 20_000 ? 'met' : 'NOT met'}; p99 <= 10 ms at 20,000/s ${open.p99 <= 10 ? 'met' : 'NOT met'}; verify >= 100,000/s ${verify.rate >= 100_000 ? 'met' : 'NOT met'} (end to end: read from disk, re-hash, Merkle; in memory ${fmt(verify.inMemoryRate)}/s)`);

  if (existsSync('/usr/lib/postgresql/15/bin/postgres')) {
    const { startPostgres } = await import('../test/postgres-harness.ts');
    const { openPostgresStore } = await import('../src/audit/index.js');
    const pg = await startPostgres();
    try {
      await pg.createDatabase('bench');
      const pgStore = await openPostgresStore(pg.url('bench'), { signer, nowMs: Date.now });
      const pgAppend = await appendBurst(pgStore);
      const pgOpen = await openLoop(pgStore, 10_000, Math.min(EVENTS, 50_000));
      await pgStore.checkpoint();
      const pgVerify = await verifyRate(pgStore);
      await pgStore.close();
      report('PostgreSQL 15 (synchronous_commit on, fsync on)', pgAppend, pgOpen, pgVerify, undefined);
    } finally {
      await pg.stop();
    }
  } else console.log('\nPostgreSQL: not installed (scripts/setup-host.sh installs it); skipped');
  await proxyWithAudit(dir);
} finally {
  rmSync(dir, { recursive: true, force: true });
}
