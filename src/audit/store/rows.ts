import type { AuditEvent } from '../event.js';
import { withStoredText } from '../chain/index.js';
import type { ChainedRecord } from '../chain/index.js';

/**
 * A stored record read back. The event is parsed when first used, and the exact stored
 * text rides along (not enumerable, as `storedText`) so verify hashes the bytes as stored
 * without parsing them. Text that is not JSON (a damaged or edited row) parses to the raw
 * string, so verify reports the record as edited instead of failing to read it.
 */
export function recordOf(row: { seq: number | string; prev_hash: string; hash: string; event: string | object }): ChainedRecord {
  const text = row.event;
  let parsed: AuditEvent | undefined;
  const record = {
    seq: Number(row.seq),
    prevHash: row.prev_hash,
    hash: row.hash,
    get event(): AuditEvent {
      parsed ??= parseEvent(text);
      return parsed;
    },
  };
  return withStoredText(record, typeof text === 'string' ? text : undefined);
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
