// npm run bench: the audit store. Sustained append rate with chaining and group commit
// (many appends in flight, as many proxy connections produce them), p99 append latency
// (from the append call to its durable acknowledgement), and the verify rate (read back,
// re-hash, re-check the Merkle checkpoints). SQLite always; PostgreSQL when Debian's
// binaries are installed (a private cluster on loopback). Baseline in the same run:
// plain INSERTs of the same rows into the same kind of table, in one transaction per
// batch, without chaining (what chaining and checkpoints cost on top).
// Targets (issue 4): >= 20,000 events/s on SQLite with p99 <= 10 ms; verify >= 100,000/s.
// BENCH_AUDIT_EVENTS lowers the event count for a quick look.
import { generateKeyPairSync } from 'node:crypto';
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import Sqlite from 'better-sqlite3';
import { createCheckpointSigner, openSqliteStore, verifyLog } from '../src/audit/index.js';
import { sampleEvent } from '../src/audit/chain/test-events.js';

const EVENTS = Number(process.env.BENCH_AUDIT_EVENTS ?? 100_000);
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

async function verifyRate(store) {
  const started = performance.now();
  const records = await store.read(0, EVENTS * 2);
  const report = verifyLog(records, await store.checkpoints(), signer.publicKeyPem);
  const seconds = (performance.now() - started) / 1000;
  if (!report.ok) throw new Error(`verify failed: ${JSON.stringify(report.firstBad)}`);
  return { rate: records.length / seconds, records: records.length, checkpoints: report.checkpoints };
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

function report(name, append, verify, baseline) {
  console.log(`\n${name}: ${fmt(EVENTS)} events, ${IN_FLIGHT} appends in flight`);
  console.log(`  append (chained, group commit, durable): ${fmt(append.rate)} events/s, latency p50 ${append.p50.toFixed(2)} ms, p99 ${append.p99.toFixed(2)} ms`);
  if (baseline !== undefined) console.log(`  baseline (plain INSERT, same batches, no chain): ${fmt(baseline)} events/s; chained store is x${(append.rate / baseline).toFixed(2)} of it`);
  console.log(`  verify (read back + re-hash + ${verify.checkpoints} checkpoints): ${fmt(verify.rate)} events/s over ${fmt(verify.records)} records`);
}

const dir = mkdtempSync(join(tmpdir(), 'airlock-bench-audit-'));
try {
  const baseline = sqliteBaseline(dir);
  const store = await openSqliteStore(join(dir, 'audit.db'), { signer, nowMs: Date.now });
  const append = await appendBurst(store);
  await store.checkpoint();
  const verify = await verifyRate(store);
  await store.close();
  report('SQLite (WAL, synchronous=FULL)', append, verify, baseline);
  console.log(`  targets: append >= 20,000/s ${append.rate >= 20_000 ? 'met' : 'NOT met'}; p99 <= 10 ms ${append.p99 <= 10 ? 'met' : 'NOT met'}; verify >= 100,000/s ${verify.rate >= 100_000 ? 'met' : 'NOT met'}`);

  if (existsSync('/usr/lib/postgresql/15/bin/postgres')) {
    const { startPostgres } = await import('../test/postgres-harness.ts');
    const { openPostgresStore } = await import('../src/audit/index.js');
    const pg = await startPostgres();
    try {
      await pg.createDatabase('bench');
      const pgStore = await openPostgresStore(pg.url('bench'), { signer, nowMs: Date.now });
      const pgAppend = await appendBurst(pgStore);
      await pgStore.checkpoint();
      const pgVerify = await verifyRate(pgStore);
      await pgStore.close();
      report('PostgreSQL 15 (synchronous_commit on, fsync on)', pgAppend, pgVerify, undefined);
    } finally {
      await pg.stop();
    }
  } else console.log('\nPostgreSQL: not installed (scripts/setup-host.sh installs it); skipped');
} finally {
  rmSync(dir, { recursive: true, force: true });
}
