/** The SQLite audit store's tables. Version 1; `meta.schema` says which. */
export const SQLITE_SCHEMA = `
CREATE TABLE IF NOT EXISTS meta (key TEXT PRIMARY KEY, value TEXT NOT NULL);
CREATE TABLE IF NOT EXISTS records (
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
CREATE INDEX IF NOT EXISTS records_session ON records (session_id, seq);
CREATE INDEX IF NOT EXISTS records_time ON records (time);
CREATE INDEX IF NOT EXISTS records_type ON records (type, seq);
CREATE TABLE IF NOT EXISTS head (
  one INTEGER PRIMARY KEY CHECK (one = 1),
  seq INTEGER NOT NULL,
  hash TEXT NOT NULL,
  frontier TEXT NOT NULL,
  checkpoint_seq INTEGER NOT NULL,
  checkpoint_ms INTEGER NOT NULL
);
CREATE TABLE IF NOT EXISTS checkpoints (to_seq INTEGER PRIMARY KEY, body TEXT NOT NULL);
CREATE TABLE IF NOT EXISTS blobs (digest TEXT PRIMARY KEY, size INTEGER NOT NULL, bytes BLOB NOT NULL);
CREATE TABLE IF NOT EXISTS cursors (name TEXT PRIMARY KEY, seq INTEGER NOT NULL, updated_ms INTEGER NOT NULL);
INSERT OR IGNORE INTO meta (key, value) VALUES ('schema', '1');
`;

