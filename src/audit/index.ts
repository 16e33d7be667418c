/**
 * audit: where every session and decision is recorded, durably and tamper-evidently.
 *
 * - envelope: the versioned event shape (airlock.audit/1): id, time, session, actor,
 *   policy hash, tool and image digest, repository, OCSF class, then the event's fields.
 * - chain/: RFC 8785 canonical JSON, a SHA-256 hash chain, RFC 6962 Merkle trees,
 *   Ed25519-signed checkpoints and a verifier that names the first bad record.
 * - store/: the AuditStore contract and its SQLite store (WAL, group commit).
 * - writer: a session's AuditSink over a store, in order, failing closed or open.
 *
 * Failure codes: AUDIT_UNAVAILABLE (the store cannot be used), INTERNAL (an event that is
 * not JSON data), CONFIG_INVALID (a key that cannot be used).
 * Invariants: write() never throws into the caller; events never hold secrets; an
 * append that resolved is on disk.
 */
export type { AuditEvent, AuditSink } from './event.js';
export { createMemorySink } from './memory-sink.js';
export * from './chain/index.js';
export { AUDIT_EVENT_SCHEMA, ocsfClassOf, stampEvent } from './envelope.js';
export type { AuditActor, AuditTool, EventContext, OcsfClass } from './envelope.js';
export { openSqliteStore } from './store/sqlite-store.js';
export { openSqliteStoreInWorker } from './store/worker-host.js';
export type { AwaitSpec, PrestartedThread } from './store/worker-protocol.js';
export type { WorkerStoreSpec } from './store/worker-protocol.js';
export type { AuditQuery, AuditStore, StoreOptions } from './store/types.js';
export { createAuditWriter } from './writer.js';
export type { AuditWriter, AuditWriterOptions } from './writer.js';
export { OCSF_VERSION, toOcsf } from './ocsf.js';
export { openPostgresStore } from './store/postgres-store.js';
export type { PostgresStoreOptions } from './store/postgres-store.js';
/**
 * Sinks: the log delivered from the store at least once, in seq order; cursors
 * "sink:<name>". Loaded on demand: their schemas bring zod, which a session with no
 * sinks should not pay for at start-up.
 */
export function loadSinks(): Promise<typeof import('./sinks/index.js')> {
  return import('./sinks/index.js');
}
export type { AuditSinkTarget, Forwarder, ForwarderOptions, ReadSecret, SinkConfig, SinkDependencies, SinkStatus } from './sinks/index.js';
