/** The version of the tables below; `meta.schema` says which a database holds. */
export const POSTGRES_SCHEMA_VERSION = '1';

/**
 * Advisory lock keys (the two-int4 form, so they cannot collide with a single-bigint key
 * another application might use in the same database). Both are transaction-scoped: a
 * writer that dies or is cut off releases them with its connection, and they work
 * behind a pooler in transaction mode. The class spells "ARLK".
 */
export const LOCK_CLASS = 0x41524c4b;
/** Held while the tables are created, so stores opening at once do not race on the catalog. */
export const SCHEMA_LOCK = 1;
/** The store's write lock: held by each append commit from before it reads the head until it commits. */
export const WRITE_LOCK = 2;

/**
 * The PostgreSQL audit store's tables: the same tables and column names as SQLite
 * (sqlite-schema.ts), so the contract's raw-SQL tamper tests run unchanged on both.
 *
 * `event` and checkpoint `body` are TEXT, not jsonb: they must come back as the exact
 * canonical bytes that were hashed and signed; jsonb would reorder keys and normalize
 * numbers. `time` is compared in byte order (COLLATE "C"), as SQLite does, rather than in
 * the database's locale, which ignores punctuation and could order other ISO forms wrongly.
 * Run inside a transaction holding SCHEMA_LOCK.
 */
export const POSTGRES_SCHEMA = `
CREATE TABLE IF NOT EXISTS meta (key TEXT PRIMARY KEY, value TEXT NOT NULL);
CREATE TABLE IF NOT EXISTS records (
  seq BIGINT PRIMARY KEY,
  prev_hash TEXT NOT NULL,
  hash TEXT NOT NULL,
  id TEXT NOT NULL,
  time TEXT COLLATE "C" NOT NULL,
  type TEXT NOT NULL,
  session_id TEXT NOT NULL,
  user_name TEXT,
  repo TEXT,
  tool TEXT,
  decision TEXT,
  event TEXT NOT NULL
);
CREATE INDEX IF NOT EXISTS records_session ON records (session_id, seq);
CREATE INDEX IF NOT EXISTS records_time ON records (time);
CREATE INDEX IF NOT EXISTS records_type ON records (type, seq);
CREATE TABLE IF NOT EXISTS head (
  one INTEGER PRIMARY KEY CHECK (one = 1),
  seq BIGINT NOT NULL,
  hash TEXT NOT NULL,
  frontier TEXT NOT NULL,
  checkpoint_seq BIGINT NOT NULL,
  checkpoint_ms BIGINT NOT NULL
);
CREATE TABLE IF NOT EXISTS checkpoints (to_seq BIGINT PRIMARY KEY, body TEXT NOT NULL);
CREATE TABLE IF NOT EXISTS blobs (digest TEXT PRIMARY KEY, size BIGINT NOT NULL, bytes BYTEA NOT NULL);
CREATE TABLE IF NOT EXISTS cursors (name TEXT PRIMARY KEY, seq BIGINT NOT NULL, updated_ms BIGINT NOT NULL);
INSERT INTO meta (key, value) VALUES ('schema', '${POSTGRES_SCHEMA_VERSION}') ON CONFLICT (key) DO NOTHING;
`;
