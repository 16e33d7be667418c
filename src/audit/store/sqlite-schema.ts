/** The schema version this Airlock reads and writes; `meta.schema` says which a file holds. */
export const SQLITE_SCHEMA_VERSION = '2';

/** Event types written for every request: the families (by prefix) and single types. */
const PER_REQUEST = { prefixes: ['net.'], types: ['credential.used'] } as const;

/**
 * The same, as SQL: the partial type index leaves these out, so the bulk of the log costs
 * that index nothing. A query that asks only for other types adds this same term, which
 * lets SQLite use the index (it must appear word for word, as the index was created:
 * "type NOT GLOB 'net.*' AND type <> 'credential.used'").
 */
export const RARE_TYPES = [...PER_REQUEST.prefixes.map((p) => `type NOT GLOB '${p}*'`), ...PER_REQUEST.types.map((t) => `type <> '${t}'`)].join(' AND ');

/** Whether a type is one the partial index holds (RARE_TYPES, in JavaScript). */
export function isRareType(type: string): boolean {
  return !PER_REQUEST.prefixes.some((p) => type.startsWith(p)) && !(PER_REQUEST.types as readonly string[]).includes(type);
}

/**
 * Version 2's query structures, beside the records table. Indexes on every row cost
 * the write path most of its time (v1 had three: each commit wrote a page of each, and
 * the session index one page per session in the commit). Version 2 keeps:
 * - spans: one row per commit, the seq range it wrote and its events' earliest and
 *   latest times; since/until queries narrow to a seq range from it;
 * - sessions: each session's first and last seq; session queries narrow to that range;
 * - records_rare_type: types other than per-request ones, for session listings.
 * The head table is chain_head (v1: head), so a v1 Airlock still holding a migrated file
 * open fails its next commit instead of writing records these tables do not know.
 */
const V2_STRUCTURES = `
CREATE INDEX records_rare_type ON records (type, seq) WHERE ${RARE_TYPES};
CREATE TABLE spans (first_seq INTEGER PRIMARY KEY, last_seq INTEGER NOT NULL, min_time TEXT NOT NULL, max_time TEXT NOT NULL);
CREATE TABLE sessions (session_id TEXT PRIMARY KEY, first_seq INTEGER NOT NULL, last_seq INTEGER NOT NULL) WITHOUT ROWID;
CREATE TABLE chain_head (
  one INTEGER PRIMARY KEY CHECK (one = 1),
  seq INTEGER NOT NULL,
  hash TEXT NOT NULL,
  frontier TEXT NOT NULL,
  checkpoint_seq INTEGER NOT NULL,
  checkpoint_ms INTEGER NOT NULL
);
`;

/** The tables of a new store. Run in a transaction, on a file without a schema version. */
export const SQLITE_SCHEMA = `
CREATE TABLE IF NOT EXISTS meta (key TEXT PRIMARY KEY, value TEXT NOT NULL);
CREATE TABLE records (
  seq INTEGER PRIMARY KEY,
  prev_hash TEXT NOT NULL,
  hash TEXT NOT NULL,
  id TEXT NOT NULL,
  time TEXT NOT NULL,
  type TEXT NOT NULL,
  session_id TEXT NOT NULL,
  user_name TEXT,
  repo TEXT,
  tool TEXT,
  decision TEXT,
  event TEXT NOT NULL
);
${V2_STRUCTURES}
CREATE TABLE checkpoints (to_seq INTEGER PRIMARY KEY, body TEXT NOT NULL);
CREATE TABLE blobs (digest TEXT PRIMARY KEY, size INTEGER NOT NULL, bytes BLOB NOT NULL);
CREATE TABLE cursors (name TEXT PRIMARY KEY, seq INTEGER NOT NULL, updated_ms INTEGER NOT NULL);
INSERT INTO meta (key, value) VALUES ('schema', '${SQLITE_SCHEMA_VERSION}');
`;

/** Rows per backfilled span when a v1 file is migrated. */
const MIGRATED_SPAN_ROWS = 1024;

/**
 * Version 1 to 2, in place, in one transaction: the spans and sessions are backfilled
 * from the records, v1's three indexes dropped, and the head row moved. The records,
 * checkpoints, blobs and cursors are untouched, so the chain verifies as before.
 */
export const SQLITE_MIGRATE_V1 = `
${V2_STRUCTURES}
INSERT INTO chain_head SELECT one, seq, hash, frontier, checkpoint_seq, checkpoint_ms FROM head;
DROP TABLE head;
INSERT INTO spans SELECT min(seq), max(seq), min(time), max(time) FROM records GROUP BY (seq - 1) / ${MIGRATED_SPAN_ROWS};
INSERT INTO sessions SELECT session_id, min(seq), max(seq) FROM records GROUP BY session_id;
DROP INDEX IF EXISTS records_session;
DROP INDEX IF EXISTS records_time;
DROP INDEX IF EXISTS records_type;
UPDATE meta SET value = '${SQLITE_SCHEMA_VERSION}' WHERE key = 'schema';
`;
