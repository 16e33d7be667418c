import type { AuditEvent } from '../event.js';
import type { ChainedRecord, Checkpoint, CheckpointCadence, CheckpointSigner } from '../chain/index.js';

/**
 * Where the audit log lives: one hash chain over every event of every session, with the
 * signed checkpoints over it, content-addressed blobs (session patches) and the delivery
 * cursors of the sinks. SQLite (embedded, the default) and PostgreSQL (central) both
 * implement it, and one contract suite (store.contract.ts) runs against both.
 *
 * Many writers may share one store (every `airlock run` on a machine, or every machine
 * against one PostgreSQL): the chain stays one linked run because each commit reads
 * the head and appends under the store's write lock.
 */
export interface AuditStore {
  readonly kind: 'sqlite' | 'postgres';
  /** Where it is, for messages: a file path or a URL without its password. */
  readonly location: string;
  /**
   * Chains and commits `events` in order, after everything committed before. Resolves with
   * their records once they are durable (on disk, or acknowledged by PostgreSQL); calls
   * that arrive while a commit is in flight are committed together (group commit).
   * A checkpoint is signed in the same commit when the cadence makes one due.
   * Rejects with AirlockError 'AUDIT_UNAVAILABLE' when the store cannot be written. For
   * SQLite the events are then not in the log; for a networked store a connection lost
   * after COMMIT was sent leaves it unknown, so a retry may store an event twice (same
   * id: readers and sinks de-duplicate by event id).
   */
  append(events: readonly AuditEvent[]): Promise<ChainedRecord[]>;
  /** Records with seq > afterSeq, in seq order, at most `limit`. */
  read(afterSeq: number, limit: number): Promise<ChainedRecord[]>;
  /** Records matching every given filter, in seq order. */
  query(filter: AuditQuery): Promise<ChainedRecord[]>;
  /** The last record's seq and hash; undefined for an empty log. */
  head(): Promise<{ seq: number; hash: string } | undefined>;
  /**
   * Signs a checkpoint over the whole log now, if any record is not yet covered by one
   * (the end of a session). Resolves with it, or undefined when nothing was new.
   */
  checkpoint(): Promise<Checkpoint | undefined>;
  /** Every checkpoint, in toSeq order. */
  checkpoints(): Promise<Checkpoint[]>;
  /** Stores bytes under their SHA-256 ("sha256:<hex>"), once; resolves with the digest. */
  putBlob(bytes: Buffer): Promise<string>;
  getBlob(digest: string): Promise<Buffer | undefined>;
  /** A sink's delivery position: the seq of the last record it delivered (0 for none). */
  getCursor(name: string): Promise<number>;
  /** Moves a cursor; never backwards (a stale writer cannot rewind it). */
  setCursor(name: string, seq: number): Promise<void>;
  /** Commits what is pending, then releases the store. */
  close(): Promise<void>;
}

/** Filters for AuditStore.query; absent means any. */
export interface AuditQuery {
  /** ISO 8601 UTC, inclusive. */
  since?: string;
  /** ISO 8601 UTC, exclusive. */
  until?: string;
  sessionId?: string;
  /** event.actor.user */
  user?: string;
  /** event.repo (the repository's absolute path) */
  repo?: string;
  /** event.tool.name */
  tool?: string;
  /** event.decision: 'allow' | 'deny' (as the proxy writes it) */
  decision?: string;
  /** event.type, any of these */
  types?: readonly string[];
  afterSeq?: number;
  /** At most this many, the first in seq order; default everything. */
  limit?: number;
  /** The last `limit` matches instead of the first (still returned in seq order). */
  newest?: boolean;
}

/** What every store needs besides its own location. */
export interface StoreOptions {
  /** Signs checkpoints; the private key stays in the signer. */
  signer: CheckpointSigner;
  cadence?: CheckpointCadence;
  /** Milliseconds since the epoch (tests pin it). */
  nowMs: () => number;
}
