import { FIRST_SEQ, GENESIS_HASH, hashOfRecord, storedTextOf, withStoredText } from './chain.js';
import type { ChainedRecord } from './chain.js';

/**
 * A database keeps a record's seq in a column of its own, so moving a record (to reorder
 * the log, or to make room for an inserted one) rewrites that column and leaves the
 * record's content and hash as they were. This gives such records back the seq they
 * were hashed with, found by following the stored links from the genesis hash, so that
 * verify reports the move as a reorder or insertion rather than as an edit. A record
 * whose content does not hash at that seq keeps what it claims.
 * Only called on a log that already failed verification.
 */
export function restoreMovedSeqs(records: readonly ChainedRecord[]): ChainedRecord[] {
  const byPrev = new Map<string, ChainedRecord[]>();
  for (const r of records) {
    if (typeof r !== 'object' || r === null || typeof r.prevHash !== 'string') continue;
    const list = byPrev.get(r.prevHash);
    if (list === undefined) byPrev.set(r.prevHash, [r]);
    else list.push(r);
  }
  const trueSeq = new Map<ChainedRecord, number>();
  let prevHash = GENESIS_HASH;
  for (let seq = FIRST_SEQ; seq < FIRST_SEQ + records.length; seq++) {
    const next = byPrev.get(prevHash)?.find((r) => !trueSeq.has(r) && hashesAt(r, seq));
    if (next === undefined) break;
    trueSeq.set(next, seq);
    prevHash = next.hash;
  }
  return records.map((r) => {
    const seq = trueSeq.get(r);
    return seq === undefined || seq === r.seq ? r : withSeq(r, seq);
  });
}

function hashesAt(r: ChainedRecord, seq: number): boolean {
  try {
    return hashOfRecord(r, seq) === r.hash;
  } catch {
    return false;
  }
}

/** A copy of r with another seq, keeping its stored text. */
function withSeq(r: ChainedRecord, seq: number): ChainedRecord {
  return withStoredText({ ...r, seq }, storedTextOf(r));
}
