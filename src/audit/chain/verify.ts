import type { KeyObject } from 'node:crypto';
import { FIRST_SEQ, GENESIS_HASH } from './chain.js';
import type { ChainedRecord } from './chain.js';
import { checkpointStatus, keyIdOf, parsePublicKeyPem } from './checkpoint.js';
import type { Checkpoint, CheckpointStatus } from './checkpoint.js';
import { createMerkleAccumulator } from './merkle.js';
import { classifyRecord, isIntact } from './record-problems.js';
import { restoreMovedSeqs } from './relocate.js';
import type { VerifyFinding } from './record-problems.js';

export type { VerifyFinding, VerifyProblem } from './record-problems.js';

export interface VerifyReport {
  ok: boolean;
  /** How many records and checkpoints were given. */
  records: number;
  checkpoints: number;
  /** The first thing wrong, in log order. Absent when ok. */
  firstBad?: VerifyFinding;
  /**
   * Records after the last checkpoint (or the whole log without one). They chain
   * correctly, but nothing signed vouches for them: see verifyLog.
   */
  unanchored?: { fromSeq: number; toSeq: number };
}

/**
 * Checks an audit log: every record's hash, every link, the seq order, and every
 * checkpoint's Ed25519 signature, Merkle root and last hash. Reports the first thing
 * wrong, in log order, by seq: an edited, deleted, inserted or reordered record; a log
 * that ends before a signed checkpoint (truncated), or whose final checkpoint does not
 * match its last records (the tail was cut and rewritten); a checkpoint whose signature
 * fails or that names another key; a checkpoint whose root does not match the records
 * (they were rewritten with recomputed hashes).
 *
 * What it cannot see, honestly: records after the last checkpoint are vouched for by
 * nothing signed, so cutting them off (or appending forged ones) leaves a log that
 * verifies. The report names that range in `unanchored`. The end-of-session checkpoint
 * covers a session's last record, so a finished session's tail is covered; the tail of
 * the whole log, and the deletion of checkpoints themselves, can only be caught against
 * something kept outside the store (an external anchor: a copied checkpoint, a transparency
 * log, a syslog server that received the checkpoints).
 *
 * Throws AirlockError 'CONFIG_INVALID' if publicKeyPem is not an Ed25519 public key.
 */
export function verifyLog(records: readonly ChainedRecord[], checkpoints: readonly Checkpoint[], publicKeyPem: string): VerifyReport {
  const key = parsePublicKeyPem(publicKeyPem);
  const pending = rankCheckpoints(checkpoints, key);
  const wanted = new Set(pending.map((p) => p.toSeq));
  let walk = walkRecords(records, wanted);
  if (walk.finding !== undefined) {
    // Moved records are a reorder or insertion; a seq edited in place stays an edit.
    const restored = walkRecords(restoreMovedSeqs(records), wanted);
    if (restored.finding !== undefined) walk = restored;
  }
  return reportOf(pending, walk, records.length, checkpoints.length, key);
}

/** Reads the records with seq > afterSeq, in seq order, at most `limit` (a store's read). */
export type ReadRecords = (afterSeq: number, limit: number) => Promise<readonly ChainedRecord[]>;

/**
 * verifyLog over a log read in pages: an intact log is checked holding one page at a
 * time (memory bounded by the page, not the log, and no old-generation garbage), and
 * gives the same report. At the first record that is not intact it reads the whole log
 * and hands it to verifyLog, which needs every record to tell an edit from a move.
 */
export async function verifyLogPaged(read: ReadRecords, checkpoints: readonly Checkpoint[], publicKeyPem: string, pageSize = 1000): Promise<VerifyReport> {
  const key = parsePublicKeyPem(publicKeyPem);
  const pending = rankCheckpoints(checkpoints, key);
  const walker = createWalker(new Set(pending.map((p) => p.toSeq)));
  for (let after = 0; ; ) {
    const page = await read(after, pageSize);
    for (const r of page) if (!walker.step(r)) return verifyLog(await readWhole(read, pageSize), checkpoints, publicKeyPem);
    if (page.length < pageSize) break;
    after = (page[page.length - 1] as ChainedRecord).seq;
  }
  return reportOf(pending, walker.walk(), walker.count(), checkpoints.length, key);
}

async function readWhole(read: ReadRecords, pageSize: number): Promise<ChainedRecord[]> {
  const records: ChainedRecord[] = [];
  for (;;) {
    const page = await read(records.length === 0 ? 0 : (records[records.length - 1] as ChainedRecord).seq, pageSize);
    for (const r of page) records.push(r);
    if (page.length < pageSize) return records;
  }
}

function reportOf(pending: readonly PendingCheckpoint[], walk: RecordWalk, records: number, checkpoints: number, key: KeyObject): VerifyReport {
  const fromCheckpoints = checkCheckpoints(pending, walk, keyIdOf(key));
  const firstBad = fromCheckpoints.finding ?? walk.finding;
  const report: VerifyReport = { ok: firstBad === undefined, records, checkpoints };
  if (firstBad !== undefined) return { ...report, firstBad };
  const lastSeq = FIRST_SEQ + records - 1;
  if (fromCheckpoints.coveredTo < lastSeq) report.unanchored = { fromSeq: fromCheckpoints.coveredTo + 1, toSeq: lastSeq };
  return report;
}

interface PendingCheckpoint {
  cp: Checkpoint;
  status: CheckpointStatus;
  /** cp.toSeq, or FIRST_SEQ when a malformed checkpoint has no usable one. */
  toSeq: number;
}

function rankCheckpoints(checkpoints: readonly Checkpoint[], key: KeyObject): PendingCheckpoint[] {
  const keyId = keyIdOf(key);
  return checkpoints
    .map((cp) => {
      const toSeq: unknown = (cp as { toSeq?: unknown } | null)?.toSeq;
      return { cp, status: checkpointStatus(cp, key, keyId), toSeq: Number.isSafeInteger(toSeq) ? Math.max(toSeq as number, FIRST_SEQ) : FIRST_SEQ };
    })
    .sort((a, b) => a.toSeq - b.toSeq);
}

interface RecordWalk {
  /** The first record problem, if any. */
  finding?: VerifyFinding;
  /** The seq of the last record of the intact prefix (FIRST_SEQ - 1 if none). */
  lastGoodSeq: number;
  /** For each wanted seq within the intact prefix: the tree root and record hash there. */
  heads: Map<number, { root: string; hash: string }>;
}

/** The intact prefix, one record at a time: the chain, and the Merkle heads checkpoints need. */
function createWalker(wanted: ReadonlySet<number>): { step(r: ChainedRecord): boolean; walk(): RecordWalk; count(): number } {
  const tree = createMerkleAccumulator();
  const heads = new Map<number, { root: string; hash: string }>();
  let prevHash = GENESIS_HASH;
  let count = 0;
  return {
    /** False, and nothing changes, when r is not the intact next record. */
    step(r) {
      const seq = FIRST_SEQ + count;
      if (!isIntact(r, seq, prevHash)) return false;
      tree.append(r.hash);
      if (wanted.has(seq)) heads.set(seq, { root: tree.root(), hash: r.hash });
      prevHash = r.hash;
      count++;
      return true;
    },
    walk: () => ({ lastGoodSeq: FIRST_SEQ + count - 1, heads }),
    count: () => count,
  };
}

/** One pass over the records: the intact prefix, and the Merkle heads checkpoints need. */
function walkRecords(records: readonly ChainedRecord[], wanted: ReadonlySet<number>): RecordWalk {
  const walker = createWalker(wanted);
  for (let i = 0; i < records.length; i++) {
    if (!walker.step(records[i] as ChainedRecord)) {
      return { ...walker.walk(), finding: classifyRecord(records, i, records[i - 1]) };
    }
  }
  return walker.walk();
}

/**
 * Checks checkpoints in seq order, up to (not including) the first bad record: a record
 * problem at seq s explains any checkpoint at s or later, so only earlier ones can come first.
 */
function checkCheckpoints(pending: readonly PendingCheckpoint[], walk: RecordWalk, keyId: string): { finding?: VerifyFinding; coveredTo: number } {
  const limit = walk.finding?.seq ?? Number.POSITIVE_INFINITY;
  const lastToSeq = pending[pending.length - 1]?.toSeq;
  let coveredTo = FIRST_SEQ - 1;
  for (const p of pending) {
    if (p.toSeq >= limit) break;
    if (p.status !== 'ok') return { finding: badSignature(p, keyId), coveredTo };
    const cp = p.cp;
    const head = walk.heads.get(cp.toSeq);
    if (head === undefined) return { finding: truncated(cp, walk.lastGoodSeq), coveredTo };
    if (head.root !== cp.root || head.hash !== cp.lastHash) {
      const isTail = cp.toSeq === lastToSeq && cp.toSeq === walk.lastGoodSeq;
      return { finding: mismatch(cp, coveredTo + 1, isTail), coveredTo };
    }
    coveredTo = Math.max(coveredTo, cp.toSeq);
  }
  return { coveredTo };
}

function badSignature(p: PendingCheckpoint, keyId: string): VerifyFinding {
  const cp = p.cp;
  const which = `checkpoint for records ${FIRST_SEQ}..${p.toSeq}`;
  const detail =
    p.status === 'malformed'
      ? `the checkpoint at record ${p.toSeq} is malformed (not a checkpoint Airlock signs): it was altered or forged`
      : p.status === 'wrong-key'
        ? `${which} (${cp.time}) names signing key ${cp.keyId}, not the given key ${keyId}: verify with the public key of this log's signing key, or treat the checkpoint as forged`
        : `${which} (${cp.time}) has a signature that does not verify with key ${keyId}: the checkpoint was altered or forged`;
  return { seq: p.toSeq, problem: 'bad-checkpoint-signature', detail };
}

function truncated(cp: Checkpoint, lastSeq: number): VerifyFinding {
  const ends = lastSeq < FIRST_SEQ ? 'the log is empty' : `the log ends at record ${lastSeq}`;
  return {
    seq: lastSeq + 1,
    problem: 'truncated',
    detail: `${ends} but the checkpoint signed ${cp.time} covers records up to ${cp.toSeq}: records ${lastSeq + 1}..${cp.toSeq} were removed`,
  };
}

function mismatch(cp: Checkpoint, from: number, isTail: boolean): VerifyFinding {
  const range = `records ${from}..${cp.toSeq}`;
  if (isTail) {
    return {
      seq: from,
      problem: 'truncated',
      detail: `${range} do not match the final checkpoint (signed ${cp.time}): the log's tail was cut and rewritten, or rewritten with recomputed hashes`,
    };
  }
  return {
    seq: from,
    problem: 'checkpoint-mismatch',
    detail: `${range} do not match the checkpoint signed ${cp.time} (Merkle root differs): at least one of them was rewritten with recomputed hashes`,
  };
}
