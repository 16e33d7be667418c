import { FIRST_SEQ, GENESIS_HASH, hashOfRecord } from './chain.js';
import type { ChainedRecord } from './chain.js';

export type VerifyProblem =
  | 'edited'
  | 'deleted'
  | 'inserted'
  | 'reordered'
  | 'truncated'
  | 'bad-checkpoint-signature'
  | 'checkpoint-mismatch';

export interface VerifyFinding {
  /** The first record that is wrong; for a missing record, the seq it had. */
  seq: number;
  problem: VerifyProblem;
  /** One line: what is wrong and what it means. */
  detail: string;
}

/** True if records[i] is exactly the record that must follow `prevHash` at this place. */
export function isIntact(r: ChainedRecord, seq: number, prevHash: string): boolean {
  return isRecordLike(r) && r.seq === seq && r.prevHash === prevHash && hashMatches(r);
}

/**
 * Says what is wrong with records[i], the first record that is not intact; all records
 * before it are intact. `prev` is records[i - 1].
 */
export function classifyRecord(records: readonly ChainedRecord[], i: number, prev: ChainedRecord | undefined): VerifyFinding {
  const r = records[i];
  const e = FIRST_SEQ + i;
  if (!isRecordLike(r) || !Number.isSafeInteger(r.seq)) {
    return { seq: e, problem: 'edited', detail: `record ${e} is not a well-formed record (seq, prevHash, hash, event): it was changed after it was written` };
  }
  const linked = r.prevHash === (prev?.hash ?? GENESIS_HASH);
  // A record that is not in the chain: the next one is intact here and links past it.
  const next = records[i + 1];
  if (!hashMatches(r) && isRecordLike(next) && next.seq === e && next.prevHash === (prev?.hash ?? GENESIS_HASH) && hashMatches(next)) {
    return { seq: e, problem: 'inserted', detail: `a record claiming seq ${e} is not in the chain: the record after it links straight to ${prev === undefined ? 'the start of the log' : `record ${prev.seq}`}; it was inserted` };
  }
  // A record in its place (by seq or by link) whose content does not match its hash.
  if (!hashMatches(r) && (r.seq === e || linked)) return edited(e, r);
  if (r.seq === e) return brokenLink(records, i);
  if (r.seq > e) return hasSeqAfter(records, i + 1, e) ? reordered(e, r.seq) : deleted(e, r.seq);
  return extra(records, i, prev, r);
}

function edited(e: number, r: ChainedRecord): VerifyFinding {
  const claim = r.seq === e ? '' : ` (it now claims seq ${String(r.seq)})`;
  return {
    seq: e,
    problem: 'edited',
    detail: `record ${e} does not match its hash${claim}: it was changed after it was written; treat its event as untrusted`,
  };
}

function deleted(e: number, found: number): VerifyFinding {
  const count = found - e;
  const what = count === 1 ? 'it was deleted' : `records ${e}..${found - 1} were deleted`;
  const after = e === FIRST_SEQ ? 'the log starts at' : `record ${e - 1} is followed by`;
  return { seq: e, problem: 'deleted', detail: `record ${e} is missing: ${after} record ${found}; ${what}` };
}

function reordered(e: number, found: number): VerifyFinding {
  return {
    seq: e,
    problem: 'reordered',
    detail: `record ${e} is out of order: record ${found} stands in its place and record ${e} comes later; records were moved`,
  };
}

/** records[i] has the right seq and matches its hash, but does not link to its predecessor. */
function brokenLink(records: readonly ChainedRecord[], i: number): VerifyFinding {
  const r = records[i] as ChainedRecord;
  const target = indexOfHash(records, i - 2, r.prevHash);
  if (target !== undefined) {
    // r links back past records[target + 1 .. i - 1]: those are not part of the chain.
    const first = records[target + 1] as ChainedRecord;
    const skipped = i - 1 - target;
    const what = skipped === 1 ? 'it' : `it and ${skipped - 1} more`;
    const to = target < 0 ? 'the start of the log' : `record ${String((records[target] as ChainedRecord).seq)}`;
    return {
      seq: first.seq,
      problem: 'inserted',
      detail: `record ${first.seq} is not in the chain: record ${r.seq} links back to ${to}, skipping ${what}; it was inserted`,
    };
  }
  if (i === 0) {
    return { seq: r.seq, problem: 'deleted', detail: `record ${r.seq} does not start the chain (its prevHash is not the genesis hash): the records before it were deleted` };
  }
  return {
    seq: r.seq,
    problem: 'deleted',
    detail: `record ${r.seq} does not link to record ${r.seq - 1} (its prevHash matches no record in the log): a record before it was deleted and the rest renumbered, or record ${r.seq - 1} was rewritten with a recomputed hash`,
  };
}

/** records[i] claims a seq the log has already passed. */
function extra(records: readonly ChainedRecord[], i: number, prev: ChainedRecord | undefined, r: ChainedRecord): VerifyFinding {
  if (prev !== undefined && r.seq === prev.seq && r.prevHash === prev.prevHash) {
    const next = records[i + 1];
    const kept = next?.prevHash === r.hash ? r : next?.prevHash === prev.hash ? prev : undefined;
    const detail =
      kept === undefined
        ? `two records claim seq ${r.seq} and both link to the record before: one of them was inserted`
        : `two records claim seq ${r.seq}: the chain continues from the one with hash ${short(kept.hash)}, so the one with hash ${short(kept === r ? prev.hash : r.hash)} was inserted`;
    return { seq: r.seq, problem: 'inserted', detail };
  }
  return {
    seq: r.seq,
    problem: 'inserted',
    detail: `record ${r.seq} appears again after record ${FIRST_SEQ + i - 1}: an extra record was inserted`,
  };
}

/** The index at or below `from` of the record whose hash is `hash`; -1 for genesis. */
function indexOfHash(records: readonly ChainedRecord[], from: number, hash: string): number | undefined {
  for (let j = from; j >= 0; j--) if (records[j]?.hash === hash) return j;
  return hash === GENESIS_HASH && from >= -1 ? -1 : undefined;
}

function hasSeqAfter(records: readonly ChainedRecord[], from: number, seq: number): boolean {
  for (let j = from; j < records.length; j++) if (records[j]?.seq === seq) return true;
  return false;
}

function hashMatches(r: ChainedRecord): boolean {
  try {
    return typeof r.hash === 'string' && hashOfRecord(r) === r.hash;
  } catch {
    // An event that cannot be canonicalized cannot be the one that was hashed.
    return false;
  }
}

function isRecordLike(r: ChainedRecord | undefined): r is ChainedRecord {
  return typeof r === 'object' && r !== null;
}

function short(hash: string): string {
  return `${hash.slice(0, 12)}…`;
}
