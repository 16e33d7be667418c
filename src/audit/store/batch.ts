import { AirlockError } from '../../core/index.js';
import type { AuditEvent } from '../event.js';
import { DEFAULT_CHECKPOINT_CADENCE, FIRST_SEQ, canonicalize, createLinker, createMerkleAccumulator, isCheckpointDue, signCheckpoint } from '../chain/index.js';
import { isHexHash } from '../chain/merkle.js';
import type { ChainLink, ChainedRecord, Checkpoint, MerkleFrontier } from '../chain/index.js';
import type { StoreOptions } from './types.js';

/**
 * The head of a stored log: what a writer needs to chain the next record and to sign a
 * checkpoint without reading the log back. Stores keep it in one row, updated in the same
 * commit as the records.
 */
export interface StoredHead {
  seq: number;
  hash: string;
  frontier: MerkleFrontier;
  /** toSeq of the last checkpoint (FIRST_SEQ - 1 for none) and when it was signed. */
  checkpointSeq: number;
  checkpointMs: number;
}

/** The columns a store indexes for queries, taken from the event. */
export interface IndexColumns {
  id: string;
  time: string;
  type: string;
  sessionId: string;
  user: string | null;
  repo: string | null;
  tool: string | null;
  decision: string | null;
}

/**
 * An event as a store takes it: its RFC 8785 text (what is hashed and stored) and its
 * query columns. Made in the caller's thread (prepareEvent), so the store's own thread
 * handles strings, never the event's object graph.
 */
export interface PreparedEvent {
  text: string;
  columns: IndexColumns;
}

/** Prepares an event for a store. Throws AirlockError 'INTERNAL' if it is not JSON data. */
export function prepareEvent(event: AuditEvent): PreparedEvent {
  return { text: canonicalize(event), columns: indexColumns(event) };
}

/**
 * AuditStore.append over `appendPrepared` (a group commit, or the store's thread). An
 * event that is not JSON data rejects its own call (AirlockError 'INTERNAL') before it
 * joins a commit. The records hold the caller's own event objects.
 */
export async function appendEvents(appendPrepared: (events: readonly PreparedEvent[]) => Promise<ChainLink[]>, events: readonly AuditEvent[]): Promise<ChainedRecord[]> {
  const links = await appendPrepared(events.map(prepareEvent));
  return links.map((l, i) => ({ seq: l.seq, prevHash: l.prevHash, hash: l.hash, event: events[i] as AuditEvent }));
}

export interface StoredRow {
  link: ChainLink;
  /** The event's RFC 8785 text, as stored. */
  eventText: string;
  columns: IndexColumns;
}

export interface ChainedBatch {
  rows: StoredRow[];
  head: StoredHead;
  /** Checkpoints signed in this batch, in seq order (every N events, or one at the end). */
  checkpoints: Checkpoint[];
}

export const EMPTY_HEAD: StoredHead = { seq: FIRST_SEQ - 1, hash: '', frontier: { size: 0, nodes: [] }, checkpointSeq: FIRST_SEQ - 1, checkpointMs: 0 };

/**
 * Chains `events` after `head` and signs a checkpoint when one is due (`force`: whenever
 * any record is uncovered). Pure: the store writes the result in one commit.
 */
export function chainBatch(head: StoredHead, events: readonly PreparedEvent[], options: StoreOptions, force = false): ChainedBatch {
  const tree = createMerkleAccumulator(head.frontier);
  if (tree.size !== head.seq - FIRST_SEQ + 1) {
    throw new AirlockError('AUDIT_UNAVAILABLE', `the audit store's head is inconsistent (seq ${head.seq}, tree of ${tree.size}): run \`airlock audit verify\``);
  }
  const rows: StoredRow[] = [];
  const checkpoints: Checkpoint[] = [];
  const cadence = options.cadence ?? DEFAULT_CHECKPOINT_CADENCE;
  const nowMs = options.nowMs();
  let { checkpointSeq, checkpointMs } = head;
  let last: { seq: number; hash: string } | undefined = head.seq < FIRST_SEQ ? undefined : head;
  const sign = (): void => {
    const at = last as { seq: number; hash: string };
    const body = { version: 1, fromSeq: FIRST_SEQ, toSeq: at.seq, treeSize: tree.size, root: tree.root(), lastHash: at.hash, time: new Date(nowMs).toISOString(), keyId: options.signer.keyId } as const;
    checkpoints.push(signCheckpoint(body, options.signer));
    checkpointSeq = at.seq;
    checkpointMs = nowMs;
  };
  const next = createLinker(last);
  for (const event of events) {
    const link = next(event.text);
    tree.append(link.hash);
    rows.push({ link, eventText: event.text, columns: event.columns });
    last = link;
    if (link.seq - checkpointSeq >= cadence.everyEvents) sign();
  }
  const seq = last?.seq ?? head.seq;
  // Before the first checkpoint the clock has nothing to count from: only N events count.
  const seconds = checkpointMs === 0 ? 0 : (nowMs - checkpointMs) / 1000;
  const uncovered = seq - checkpointSeq;
  if (force ? uncovered > 0 : isCheckpointDue({ uncheckpointedEvents: uncovered, secondsSinceCheckpoint: seconds, sessionEnded: false }, cadence)) sign();
  return { rows, head: { seq, hash: last?.hash ?? head.hash, frontier: tree.frontier(), checkpointSeq, checkpointMs }, checkpoints };
}

/** The query columns of an event; absent fields are null. */
export function indexColumns(event: AuditEvent): IndexColumns {
  const e = event as Record<string, unknown>;
  const actor = e.actor as { user?: unknown } | undefined;
  const tool = e.tool as { name?: unknown } | undefined;
  return {
    id: typeof e.id === 'string' ? e.id : '',
    time: event.time,
    type: event.type,
    sessionId: event.sessionId,
    user: stringOrNull(actor?.user),
    repo: stringOrNull(e.repo),
    tool: stringOrNull(tool?.name),
    decision: stringOrNull(e.decision),
  };
}

function stringOrNull(value: unknown): string | null {
  return typeof value === 'string' ? value : null;
}

/** A head row read back: checked, so a damaged row is a clear error, not a broken chain. */
export function parseHead(row: { seq: number | string; hash: string; frontier: string; checkpoint_seq: number | string; checkpoint_ms: number | string } | undefined): StoredHead {
  if (row === undefined) return EMPTY_HEAD;
  const damaged = (cause?: unknown) => new AirlockError('AUDIT_UNAVAILABLE', 'the audit store\'s head row is damaged: run `airlock audit verify`', { cause });
  let frontier: MerkleFrontier;
  try {
    frontier = JSON.parse(row.frontier) as MerkleFrontier;
  } catch (error) {
    throw damaged(error);
  }
  const head = { seq: Number(row.seq), hash: row.hash, frontier, checkpointSeq: Number(row.checkpoint_seq), checkpointMs: Number(row.checkpoint_ms) };
  const wellFormed =
    Number.isSafeInteger(head.seq) && Number.isSafeInteger(head.checkpointSeq) && Number.isSafeInteger(head.checkpointMs) &&
    (head.seq < FIRST_SEQ || isHexHash(head.hash)) && typeof frontier === 'object' && frontier !== null && Array.isArray(frontier.nodes) && frontier.size === head.seq;
  if (!wellFormed) throw damaged();
  return head;
}
