import { hash } from 'node:crypto';
import type { Pool, PoolClient, PoolConfig } from 'pg';
import { AirlockError } from '../../core/index.js';
import type { ChainedRecord, Checkpoint } from '../chain/index.js';
import { appendEvents, chainBatch, parseHead } from './batch.js';
import type { ChainedBatch, PreparedEvent, StoredHead, StoredRow } from './batch.js';
import { createGroupCommit } from './group-commit.js';
import { LOCK_CLASS, POSTGRES_SCHEMA, POSTGRES_SCHEMA_VERSION, SCHEMA_LOCK, WRITE_LOCK } from './postgres-schema.js';
import { whereClause } from './query-sql.js';
import { parseCheckpointRow, recordOf } from './rows.js';
import type { AuditQuery, AuditStore, StoreOptions } from './types.js';

export interface PostgresStoreOptions extends StoreOptions {
  /** The password, asked for on every new connection (a credential source may rotate it). */
  password?: () => Promise<string>;
}

/** Appends are serialized by the write lock, so more connections only serve readers. */
const POOL_MAX = 4;
const CONNECT_TIMEOUT_MS = 10_000;
/** As SQLite's busy_timeout: how long a commit waits for another writer's lock. */
const LOCK_TIMEOUT_MS = 15_000;
/** A writer frozen inside a transaction (stopped, debugged) loses it, and the lock, after this. */
const IDLE_IN_TRANSACTION_MS = 30_000;
/** libpq URL parameters understood here; any other is refused rather than ignored. */
const URL_PARAMS = new Set(['host', 'port', 'sslmode', 'application_name']);
/** pg verifies the server certificate for every mode that encrypts, stricter than libpq's require. */
const SSL_MODES: Record<string, boolean> = { disable: false, require: true, 'verify-ca': true, 'verify-full': true };

type Verb = 'open' | 'read' | 'write';
const HINTS: Record<Verb, string> = {
  open: 'check that PostgreSQL is running and accepts connections at that address, and the user, database (audit.store.url) and password (audit.store.password)',
  read: 'check that PostgreSQL is running and the role may read the audit tables',
  write: 'check that PostgreSQL is running and the role may write the audit tables',
};

const RECORD_COLUMNS = 'seq, prev_hash, hash, id, time, type, session_id, user_name, repo, tool, decision, event';
/** Every write of one commit in one statement: records and checkpoints as arrays (unnest), then the head. */
const WRITE_SQL = `WITH new_records AS (
  INSERT INTO records (${RECORD_COLUMNS})
  SELECT * FROM unnest($1::bigint[], $2::text[], $3::text[], $4::text[], $5::text[], $6::text[], $7::text[], $8::text[], $9::text[], $10::text[], $11::text[], $12::text[])
), new_checkpoints AS (
  INSERT INTO checkpoints (to_seq, body) SELECT * FROM unnest($13::bigint[], $14::text[])
  ON CONFLICT (to_seq) DO UPDATE SET body = excluded.body
)
INSERT INTO head (one, seq, hash, frontier, checkpoint_seq, checkpoint_ms) VALUES (1, $15, $16, $17, $18, $19)
ON CONFLICT (one) DO UPDATE SET seq = excluded.seq, hash = excluded.hash, frontier = excluded.frontier,
  checkpoint_seq = excluded.checkpoint_seq, checkpoint_ms = excluded.checkpoint_ms`;

/** GREATEST: a cursor never moves back, so a stale writer cannot rewind it. */
const SET_CURSOR_SQL =
  'INSERT INTO cursors (name, seq, updated_ms) VALUES ($1, $2, $3) ON CONFLICT (name) DO UPDATE SET seq = GREATEST(cursors.seq, excluded.seq), updated_ms = excluded.updated_ms';

interface RecordRow {
  seq: string;
  prev_hash: string;
  hash: string;
  event: string;
}

/**
 * The central audit store: tables in one PostgreSQL database, shared by every Airlock
 * that points at it. Each commit is one transaction that takes the store's write lock
 * (a transaction-scoped advisory lock) before it reads the head, so writers on many
 * machines extend one chain; the records' primary key on seq is the backstop that refuses
 * a fork should the lock ever be bypassed. An append resolves after COMMIT, which with
 * synchronous_commit on (forced here if the server turned it off) means the WAL is flushed.
 *
 * `location` is the URL without its password. Every failure to connect, read or write is
 * AirlockError 'AUDIT_UNAVAILABLE' naming the location. An event that is not JSON data
 * rejects its own append (AirlockError 'INTERNAL') before it joins a commit.
 */
export async function openPostgresStore(url: string, options: PostgresStoreOptions): Promise<AuditStore> {
  const parsed = parseUrl(url);
  const location = locationOf(parsed);
  const { Pool: PgPool } = await import('pg');
  const pool = new PgPool(poolConfig(parsed, location, options.password));
  // An idle connection's socket error is emitted on the pool; unheard, it would crash the
  // process. The next query on the pool reports the problem instead.
  pool.on('error', () => undefined);
  let forceSync: boolean;
  try {
    forceSync = await withTransaction(pool, location, 'open', (client) => ensureSchema(client, location));
  } catch (error) {
    await pool.end().catch(() => undefined);
    throw error;
  }
  const begin = `BEGIN; SELECT pg_advisory_xact_lock(${LOCK_CLASS}, ${WRITE_LOCK});${forceSync ? ' SET LOCAL synchronous_commit = on;' : ''}`;
  const commitBatch = (events: readonly PreparedEvent[], force: boolean): Promise<ChainedBatch> =>
    withTransaction(pool, location, 'write', async (client) => {
      const batch = chainBatch(await readHead(client), events, options, force);
      if (batch.rows.length > 0 || batch.checkpoints.length > 0) await client.query(WRITE_SQL, writeParams(batch));
      return batch;
    }, begin);
  const group = createGroupCommit(async (events: readonly PreparedEvent[]) => (await commitBatch(events, false)).rows.map((r) => r.link));
  let closed = false;
  const isClosed = () => new AirlockError('AUDIT_UNAVAILABLE', `the audit store ${location} is closed`);
  const read = <T>(fn: (client: PoolClient) => Promise<T>): Promise<T> => (closed ? Promise.reject(isClosed()) : withClient(pool, location, 'read', fn));
  const write = <T>(fn: (client: PoolClient) => Promise<T>): Promise<T> => (closed ? Promise.reject(isClosed()) : withClient(pool, location, 'write', fn));
  return {
    kind: 'postgres',
    location,
    append: (events) => (closed ? Promise.reject(isClosed()) : appendEvents(group.append, events)),
    read: (afterSeq, limit) =>
      read(async (c) => (await c.query<RecordRow>('SELECT seq, prev_hash, hash, event FROM records WHERE seq > $1 ORDER BY seq LIMIT $2', [afterSeq, limit])).rows.map(recordOf)),
    query: (filter) => read((c) => runQuery(c, filter)),
    head: () =>
      read(async (c) => {
        const h = await readHead(c);
        return h.seq < 1 ? undefined : { seq: h.seq, hash: h.hash };
      }),
    checkpoint: async () => {
      await group.flush();
      if (closed) throw isClosed();
      return (await commitBatch([], true)).checkpoints[0];
    },
    checkpoints: () => read(async (c) => (await c.query<{ body: string }>('SELECT body FROM checkpoints ORDER BY to_seq')).rows.map((r) => parseCheckpointRow(r.body) as Checkpoint)),
    putBlob: (bytes) => {
      const digest = `sha256:${hash('sha256', bytes, 'hex')}`;
      return write(async (c) => void (await c.query('INSERT INTO blobs (digest, size, bytes) VALUES ($1, $2, $3) ON CONFLICT (digest) DO NOTHING', [digest, bytes.length, bytes]))).then(() => digest);
    },
    getBlob: (digest) => read(async (c) => (await c.query<{ bytes: Buffer }>('SELECT bytes FROM blobs WHERE digest = $1', [digest])).rows[0]?.bytes),
    getCursor: (name) => read(async (c) => Number((await c.query<{ seq: string }>('SELECT seq FROM cursors WHERE name = $1', [name])).rows[0]?.seq ?? 0)),
    setCursor: (name, seq) => write(async (c) => void (await c.query(SET_CURSOR_SQL, [name, seq, options.nowMs()]))),
    async close() {
      if (closed) return;
      await group.flush();
      closed = true;
      await pool.end();
    },
  };
}

/** Creates the tables once (under SCHEMA_LOCK); resolves with whether commits must force synchronous_commit on. */
async function ensureSchema(client: PoolClient, location: string): Promise<boolean> {
  await client.query(`SELECT pg_advisory_xact_lock(${LOCK_CLASS}, ${SCHEMA_LOCK})`);
  // Skip the DDL when the tables exist: CREATE INDEX IF NOT EXISTS still takes a SHARE
  // lock on records, which would make every open wait for, and stall, in-flight appends.
  const present = await client.query<{ present: boolean }>("SELECT to_regclass('meta') IS NOT NULL AS present");
  if (present.rows[0]?.present !== true) await client.query(POSTGRES_SCHEMA);
  const version = (await client.query<{ value: string }>("SELECT value FROM meta WHERE key = 'schema'")).rows[0]?.value;
  if (version !== POSTGRES_SCHEMA_VERSION) {
    throw new AirlockError('AUDIT_UNAVAILABLE', `the audit store ${location} has schema version ${version ?? '(none)'}; this Airlock reads version ${POSTGRES_SCHEMA_VERSION}: upgrade Airlock`);
  }
  const sync = await client.query<{ setting: string }>("SELECT current_setting('synchronous_commit') AS setting");
  return sync.rows[0]?.setting === 'off';
}

/** The head row, BIGINTs (strings from pg) as numbers; EMPTY_HEAD when there is none yet. */
async function readHead(client: PoolClient): Promise<StoredHead> {
  const row = (await client.query<Record<'seq' | 'hash' | 'frontier' | 'checkpoint_seq' | 'checkpoint_ms', string>>('SELECT seq, hash, frontier, checkpoint_seq, checkpoint_ms FROM head WHERE one = 1')).rows[0];
  return parseHead(row && { ...row, seq: Number(row.seq), checkpoint_seq: Number(row.checkpoint_seq), checkpoint_ms: Number(row.checkpoint_ms) });
}

function writeParams(batch: ChainedBatch): unknown[] {
  const h = batch.head;
  const cp = batch.checkpoints;
  return [...recordArrays(batch.rows), cp.map((c) => c.toSeq), cp.map((c) => JSON.stringify(c)), h.seq, h.hash, JSON.stringify(h.frontier), h.checkpointSeq, h.checkpointMs];
}

/** The rows column by column, for unnest: one statement whatever the batch size, and no 65535-parameter limit. */
function recordArrays(rows: readonly StoredRow[]): unknown[][] {
  const columns: unknown[][] = Array.from({ length: 12 }, () => []);
  for (const { link, eventText, columns: c } of rows) {
    const values = [link.seq, link.prevHash, link.hash, c.id, c.time, c.type, c.sessionId, c.user, c.repo, c.tool, c.decision, eventText];
    values.forEach((value, i) => columns[i]?.push(typeof value === 'string' ? withoutNul(value) : value));
  }
  return columns;
}

/**
 * PostgreSQL text cannot hold U+0000, which an event's strings may. The canonical event
 * text escapes it (\u0000) and hashes never contain it, so only the query columns change:
 * an event SQLite stores must not be refused here.
 */
function withoutNul(text: string): string {
  return text.includes('\u0000') ? text.replaceAll('\u0000', '\uFFFD') : text;
}

async function runQuery(client: PoolClient, filter: AuditQuery): Promise<ChainedRecord[]> {
  const where = whereClause(filter, (i) => `$${i}`);
  const order = filter.newest === true ? 'DESC' : 'ASC';
  const params = [...where.params];
  if (filter.limit !== undefined) params.push(Math.max(0, Math.floor(filter.limit)));
  const limit = filter.limit === undefined ? '' : ` LIMIT $${params.length}`;
  const rows = (await client.query<RecordRow>(`SELECT seq, prev_hash, hash, event FROM records ${where.sql} ORDER BY seq ${order}${limit}`, params)).rows;
  const records = rows.map(recordOf);
  return filter.newest === true ? records.reverse() : records;
}

/** Runs fn on a pooled connection; a connection that saw any error is discarded, not reused. */
async function withClient<T>(pool: Pool, location: string, verb: Verb, fn: (client: PoolClient) => Promise<T>): Promise<T> {
  let client: PoolClient;
  try {
    client = await pool.connect();
  } catch (error) {
    throw unavailable(location, verb, error);
  }
  // A checked-out client has no pool listener: without this, a socket error between two
  // statements would be an unhandled 'error' event. The next query fails and reports it.
  const ignore = (): void => undefined;
  client.on('error', ignore);
  let failed = false;
  try {
    return await fn(client);
  } catch (error) {
    failed = true;
    throw unavailable(location, verb, error);
  } finally {
    client.off('error', ignore);
    client.release(failed);
  }
}

/** withClient inside BEGIN ... COMMIT; `begin` may take locks in the same round trip. */
function withTransaction<T>(pool: Pool, location: string, verb: Verb, fn: (client: PoolClient) => Promise<T>, begin = 'BEGIN'): Promise<T> {
  return withClient(pool, location, verb, async (client) => {
    await client.query(begin);
    try {
      const result = await fn(client);
      await client.query('COMMIT');
      return result;
    } catch (error) {
      // The connection is discarded anyway; rolling back just ends the transaction sooner.
      await client.query('ROLLBACK').catch(() => undefined);
      throw error;
    }
  });
}

/** AirlockErrors (a schema mismatch, a damaged head) pass through unchanged. */
function unavailable(location: string, verb: Verb, error: unknown): AirlockError {
  if (error instanceof AirlockError) return error;
  return new AirlockError('AUDIT_UNAVAILABLE', `cannot ${verb} the audit store ${location}: ${reason(error)}; ${HINTS[verb]}`, { cause: error });
}

function reason(error: unknown): string {
  // Connecting to a name with several addresses fails with an AggregateError whose own message is empty.
  if (error instanceof AggregateError && error.errors.length > 0) return error.errors.map(reason).join('; ');
  if (error instanceof Error) return error.message !== '' ? error.message : ((error as NodeJS.ErrnoException).code ?? error.name);
  return String(error);
}

function parseUrl(url: string): URL {
  const bad = (why: string) => new AirlockError('AUDIT_UNAVAILABLE', `the audit store URL ${why}: write it as postgres://user@host:port/database (audit.store.url)`);
  let parsed: URL;
  try {
    parsed = new URL(url);
  } catch {
    // Not echoed: it may hold a password.
    throw bad('is not a valid URL');
  }
  if (parsed.protocol !== 'postgres:' && parsed.protocol !== 'postgresql:') throw bad(`has the scheme ${parsed.protocol} instead of postgres:`);
  return parsed;
}

/** The URL without its password, for messages. */
function locationOf(url: URL): string {
  const copy = new URL(url);
  copy.password = '';
  if (copy.searchParams.has('password')) copy.searchParams.delete('password');
  return copy.toString();
}

/**
 * pg's own connectionString parsing would overwrite a password function with the URL's
 * (empty) password, so the URL is taken apart here.
 */
function poolConfig(url: URL, location: string, password: (() => Promise<string>) | undefined): PoolConfig {
  for (const key of url.searchParams.keys()) {
    if (!URL_PARAMS.has(key)) throw new AirlockError('AUDIT_UNAVAILABLE', `the audit store URL ${location} has the parameter "${key}", which Airlock does not support; use only ${[...URL_PARAMS].join(', ')} (audit.store.url)`);
  }
  const param = (key: string): string | undefined => url.searchParams.get(key) ?? undefined;
  const sslmode = param('sslmode');
  if (sslmode !== undefined && !(sslmode in SSL_MODES)) {
    throw new AirlockError('AUDIT_UNAVAILABLE', `the audit store URL ${location} has sslmode=${sslmode}; use one of ${Object.keys(SSL_MODES).join(', ')} (audit.store.url)`);
  }
  const port = param('port') ?? url.port;
  return {
    user: decodeURIComponent(url.username) || undefined,
    password: password ?? (url.password === '' ? undefined : decodeURIComponent(url.password)),
    host: param('host') ?? (decodeURIComponent(url.hostname.replace(/^\[(.*)\]$/, '$1')) || undefined),
    port: port === '' ? undefined : Number(port),
    database: decodeURIComponent(url.pathname.slice(1)) || undefined,
    ssl: sslmode === undefined ? undefined : SSL_MODES[sslmode],
    application_name: param('application_name') ?? 'airlock',
    max: POOL_MAX,
    connectionTimeoutMillis: CONNECT_TIMEOUT_MS,
    lock_timeout: LOCK_TIMEOUT_MS,
    idle_in_transaction_session_timeout: IDLE_IN_TRANSACTION_MS,
    keepAlive: true,
    // An idle pool does not keep a finished CLI process alive; close() still flushes.
    allowExitOnIdle: true,
  };
}
