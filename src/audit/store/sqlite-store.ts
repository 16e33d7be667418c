import { hash } from 'node:crypto';
import type BetterSqlite3 from 'better-sqlite3';
import { AirlockError } from '../../core/index.js';
import type { ChainLink, ChainedRecord, Checkpoint } from '../chain/index.js';
import { appendEvents, chainBatch, parseHead } from './batch.js';
import type { ChainedBatch, PreparedEvent, StoredRow } from './batch.js';
import { createGroupCommit } from './group-commit.js';
import { parseCheckpointRow, recordOf } from './rows.js';
import { openDatabase } from './sqlite-open.js';
import { createSqliteQuery } from './sqlite-query.js';
import type { AuditStore, StoreOptions } from './types.js';

type Database = BetterSqlite3.Database;

/**
 * The embedded audit store: one SQLite file in WAL mode with synchronous=FULL, so a commit
 * is on disk when append() resolves, and concurrent appends share one commit (group
 * commit). Several airlock processes may write one file: each commit takes SQLite's write
 * lock (BEGIN IMMEDIATE) and chains after the head it reads there.
 *
 * Throws AirlockError 'AUDIT_UNAVAILABLE' when the file cannot be opened or is not an
 * audit store this version understands.
 */
export async function openSqliteStore(path: string, options: StoreOptions): Promise<SqliteAuditStore> {
  const db = await openDatabase(path);
  const s = statements(db);
  const query = createSqliteQuery(db);
  // One transaction function, made once: better-sqlite3 wraps it in BEGIN IMMEDIATE/COMMIT.
  const commitTx = db.transaction((events: readonly PreparedEvent[], force: boolean): ChainedBatch => {
      const batch = chainBatch(parseHead(s.head.get() as Parameters<typeof parseHead>[0]), events, options, force);
      insertRows(s, batch.rows);
      const first = batch.rows[0];
      if (first !== undefined) {
        s.putSpan.run(first.link.seq);
        s.putSessions.run(first.link.seq);
      }
      const h = batch.head;
      s.putHead.run(h.seq, h.hash, JSON.stringify(h.frontier), h.checkpointSeq, h.checkpointMs);
      for (const cp of batch.checkpoints) s.putCheckpoint.run(cp.toSeq, JSON.stringify(cp));
      return batch;
    });
  const commitBatch = (events: readonly PreparedEvent[], force: boolean): ChainedBatch => commitTx.immediate(events, force);
  const group = createGroupCommit((events: readonly PreparedEvent[]) => unavailable(path, () => commitBatch(events, false).rows.map((r) => r.link)));
  let closed = false;
  const isClosed = () => new AirlockError('AUDIT_UNAVAILABLE', `the audit store ${path} is closed`);
  const open = <T>(fn: () => T): Promise<T> => {
    if (closed) return Promise.reject(isClosed());
    return new Promise((resolve, reject) => {
      try {
        resolve(unavailable(path, fn));
      } catch (error) {
        reject(error as Error);
      }
    });
  };
  return {
    kind: 'sqlite',
    location: path,
    append: (events) => (closed ? Promise.reject(isClosed()) : appendEvents(group.append, events)),
    appendPrepared: (events) => (closed ? Promise.reject(isClosed()) : group.append(events)),
    read: (afterSeq, limit) => open(() => (s.read.all(afterSeq, limit) as RawRecordRow[]).map(recordOfRaw)),
    query: (filter) => open(() => query(filter)),
    head: () => open(() => {
      const h = parseHead(s.head.get() as Parameters<typeof parseHead>[0]);
      return h.seq < 1 ? undefined : { seq: h.seq, hash: h.hash };
    }),
    checkpoint: async () => {
      await group.flush();
      return open(() => commitBatch([], true).checkpoints[0]);
    },
    checkpoints: () => open(() => (s.checkpoints.all() as { body: string }[]).map((r) => parseCheckpointRow(r.body) as Checkpoint)),
    putBlob: (bytes) => open(() => {
      const digest = `sha256:${hash('sha256', bytes, 'hex')}`;
      s.putBlob.run(digest, bytes.length, bytes);
      return digest;
    }),
    getBlob: (digest) => open(() => (s.getBlob.get(digest) as { bytes: Buffer } | undefined)?.bytes),
    getCursor: (name) => open(() => (s.getCursor.get(name) as { seq: number } | undefined)?.seq ?? 0),
    setCursor: (name, seq) => open(() => void s.setCursor.run(name, seq, options.nowMs())),
    async close() {
      if (closed) return;
      await group.flush();
      closed = true;
      db.close();
    },
  };
}

/** The SQLite store, with the entry its own thread uses (worker-main.ts). */
export interface SqliteAuditStore extends AuditStore {
  /** append() for events already prepared (prepareEvent), resolving with their links. */
  appendPrepared(events: readonly PreparedEvent[]): Promise<ChainLink[]>;
}

type RawRecordRow = [number, string, string, string];

function recordOfRaw(row: RawRecordRow): ChainedRecord {
  return recordOf({ seq: row[0], prev_hash: row[1], hash: row[2], event: row[3] });
}

/** Rows per INSERT statement: one statement per row costs more than the row itself. */
const ROWS_PER_INSERT = 64;
const INSERT_COLUMNS = 'INSERT INTO records (seq, prev_hash, hash, id, time, type, session_id, user_name, repo, tool, decision, event) VALUES ';

function insertRows(s: ReturnType<typeof statements>, rows: readonly StoredRow[]): void {
  let at = 0;
  for (; at + ROWS_PER_INSERT <= rows.length; at += ROWS_PER_INSERT) s.insertMany.run(rowParams(rows, at, ROWS_PER_INSERT));
  for (; at < rows.length; at++) s.insert.run(rowParams(rows, at, 1));
}

function rowParams(rows: readonly StoredRow[], from: number, count: number): unknown[] {
  const params: unknown[] = [];
  for (let i = from; i < from + count; i++) {
    const { link: r, eventText, columns: c } = rows[i] as StoredRow;
    params.push(r.seq, r.prevHash, r.hash, c.id, c.time, c.type, c.sessionId, c.user, c.repo, c.tool, c.decision, eventText);
  }
  return params;
}

function statements(db: Database) {
  const values = (n: number) => Array.from({ length: n }, () => '(?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)').join(', ');
  return {
    insertMany: db.prepare(INSERT_COLUMNS + values(ROWS_PER_INSERT)),
    head: db.prepare('SELECT seq, hash, frontier, checkpoint_seq, checkpoint_ms FROM chain_head WHERE one = 1'),
    putHead: db.prepare('INSERT OR REPLACE INTO chain_head (one, seq, hash, frontier, checkpoint_seq, checkpoint_ms) VALUES (1, ?, ?, ?, ?, ?)'),
    // The commit's rows are the records from its first seq on (see sqlite-schema.ts).
    putSpan: db.prepare('INSERT INTO spans (first_seq, last_seq, min_time, max_time) SELECT min(seq), max(seq), min(time), max(time) FROM records WHERE seq >= ?'),
    putSessions: db.prepare(
      'INSERT INTO sessions (session_id, first_seq, last_seq) SELECT session_id, min(seq), max(seq) FROM records WHERE seq >= ? GROUP BY session_id ' +
        'ON CONFLICT (session_id) DO UPDATE SET first_seq = min(first_seq, excluded.first_seq), last_seq = max(last_seq, excluded.last_seq)',
    ),
    insert: db.prepare(INSERT_COLUMNS + values(1)),
    putCheckpoint: db.prepare('INSERT OR REPLACE INTO checkpoints (to_seq, body) VALUES (?, ?)'),
    checkpoints: db.prepare('SELECT body FROM checkpoints ORDER BY to_seq'),
    // Rows as arrays: reading back the whole log (verify, export) is mostly object creation.
    read: db.prepare('SELECT seq, prev_hash, hash, event FROM records WHERE seq > ? ORDER BY seq LIMIT ?').raw(true),
    putBlob: db.prepare('INSERT OR IGNORE INTO blobs (digest, size, bytes) VALUES (?, ?, ?)'),
    getBlob: db.prepare('SELECT bytes FROM blobs WHERE digest = ?'),
    getCursor: db.prepare('SELECT seq FROM cursors WHERE name = ?'),
    setCursor: db.prepare(
      'INSERT INTO cursors (name, seq, updated_ms) VALUES (?, ?, ?) ON CONFLICT (name) DO UPDATE SET seq = max(cursors.seq, excluded.seq), updated_ms = excluded.updated_ms',
    ),
  };
}

/** Runs fn; any failure that is not already an AirlockError means the log cannot be used. */
function unavailable<T>(path: string, fn: () => T): T {
  try {
    return fn();
  } catch (error) {
    if (error instanceof AirlockError) throw error;
    throw new AirlockError('AUDIT_UNAVAILABLE', `cannot write the audit store ${path}: ${(error as Error).message}`, { cause: error });
  }
}
