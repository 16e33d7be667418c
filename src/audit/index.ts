/**
 * audit: where every session and decision is recorded. Today: the AuditSink interface
 * and a JSONL file sink per session (AIRLOCK_HOME/sessions/<id>/events.jsonl).
 * The tamper-evidence core (chain/): RFC 8785 canonical JSON, a SHA-256 hash chain,
 * RFC 6962 Merkle trees, Ed25519-signed checkpoints and a verifier that names the
 * first bad record. Stores that use it come with the audit trail.
 * Invariant: write() never throws into the caller; events never hold secrets.
 */
export type { AuditEvent, AuditSink } from './event.js';
export { openJsonlSink, createMemorySink } from './jsonl-sink.js';
export * from './chain/index.js';
