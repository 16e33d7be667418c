import { chmod, mkdir } from 'node:fs/promises';
import { dirname } from 'node:path';
import type BetterSqlite3 from 'better-sqlite3';
import { AirlockError } from '../../core/index.js';
import { SQLITE_MIGRATE_V1, SQLITE_SCHEMA, SQLITE_SCHEMA_VERSION } from './sqlite-schema.js';

type Database = BetterSqlite3.Database;

/**
 * Opens (creating it, mode 0600, when absent) the SQLite file of an audit store: WAL
 * mode, synchronous=FULL, and the schema this Airlock writes. A version 1 file is
 * migrated in place, once, under SQLite's write lock (so several processes opening it
 * at once migrate it once); a file already at this version is opened without it.
 * Throws AirlockError 'AUDIT_UNAVAILABLE' when the file cannot be opened or holds a
 * schema this Airlock does not know (a newer Airlock's).
 */
export async function openDatabase(path: string): Promise<Database> {
  const { default: Sqlite } = await import('better-sqlite3');
  let db: Database | undefined;
  try {
    await mkdir(dirname(path), { recursive: true, mode: 0o700 });
    db = new Sqlite(path);
    db.pragma('journal_mode = WAL');
    db.pragma('synchronous = FULL');
    db.pragma('busy_timeout = 15000');
    const ready = db;
    // A file already at this version needs no write lock (a busy session holds it often):
    // only creating or migrating takes it, and checks again under it.
    if (schemaVersion(db) !== SQLITE_SCHEMA_VERSION) db.transaction(() => ensureSchema(ready, path)).immediate();
    await chmod(path, 0o600);
    return db;
  } catch (error) {
    db?.close();
    if (error instanceof AirlockError) throw error;
    throw new AirlockError('AUDIT_UNAVAILABLE', `cannot open the audit store ${path}: ${(error as Error).message}; check the path and its permissions (audit.store.path)`, { cause: error });
  }
}

/** The schema version the file holds; undefined for a file without one (a new file). */
function schemaVersion(db: Database): string | undefined {
  const hasMeta = db.prepare("SELECT 1 FROM sqlite_schema WHERE type = 'table' AND name = 'meta'").get() !== undefined;
  return hasMeta ? (db.prepare("SELECT value FROM meta WHERE key = 'schema'").get() as { value: string } | undefined)?.value : undefined;
}

function ensureSchema(db: Database, path: string): void {
  const version = schemaVersion(db);
  if (version === SQLITE_SCHEMA_VERSION) return;
  if (version === undefined) db.exec(SQLITE_SCHEMA);
  else if (version === '1') db.exec(SQLITE_MIGRATE_V1);
  else throw new AirlockError('AUDIT_UNAVAILABLE', `the audit store ${path} has schema version ${version}; this Airlock reads versions 1 and ${SQLITE_SCHEMA_VERSION}: upgrade Airlock`);
}

/**
 * Another connection to a file openDatabase has already opened (its store's WAL
 * checkpointer): no schema check, no write lock, no chmod.
 */
export async function openSecondConnection(path: string): Promise<Database> {
  const { default: Sqlite } = await import('better-sqlite3');
  return new Sqlite(path, { fileMustExist: true });
}
