/**
 * audit: where every session and decision is recorded. Today: the AuditSink interface
 * and a JSONL file sink per session (AIRLOCK_HOME/sessions/<id>/events.jsonl).
 * Invariant: write() never throws into the caller; events never hold secrets.
 */
export type { AuditEvent, AuditSink } from './event.js';
export { openJsonlSink, createMemorySink } from './jsonl-sink.js';
