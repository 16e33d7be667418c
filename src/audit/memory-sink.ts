import type { AuditEvent, AuditSink } from './event.js';

/** Keeps events in memory: for tests and for callers that want to look at them. */
export function createMemorySink(): AuditSink & { events: AuditEvent[] } {
  const events: AuditEvent[] = [];
  return { events, write: (e) => void events.push(e), close: async () => {} };
}
