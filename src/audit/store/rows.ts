import type { AuditEvent } from '../event.js';
import type { ChainedRecord } from '../chain/index.js';

/**
 * A stored record read back. Text that is not JSON (a damaged or edited row) is kept as
 * the raw string, so verify reports the record as edited instead of failing to read it.
 */
export function recordOf(row: { seq: number | string; prev_hash: string; hash: string; event: string | object }): ChainedRecord {
  return { seq: Number(row.seq), prevHash: row.prev_hash, hash: row.hash, event: parseEvent(row.event) };
}

function parseEvent(text: string | object): AuditEvent {
  if (typeof text !== 'string') return text as AuditEvent;
  try {
    return JSON.parse(text) as AuditEvent;
  } catch {
    return text as unknown as AuditEvent;
  }
}

/** A stored checkpoint read back; malformed text stays as it is for verify to report. */
export function parseCheckpointRow(body: string | object): unknown {
  if (typeof body !== 'string') return body;
  try {
    return JSON.parse(body) as unknown;
  } catch {
    return body;
  }
}
