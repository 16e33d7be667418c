import { createPublicKey, hash, verify } from 'node:crypto';
import type { KeyObject } from 'node:crypto';
import { AirlockError } from '../../core/index.js';
import { FIRST_SEQ, GENESIS_HASH } from './chain.js';
import type { ChainedRecord } from './chain.js';
import { canonicalize } from '../../core/index.js';
import { isHexHash, merkleRoot } from './merkle.js';

/**
 * A signed statement that the log's first `treeSize` records, seq fromSeq..toSeq, have
 * the RFC 6962 Merkle root `root` and that the last of them has hash `lastHash`.
 */
export interface Checkpoint {
  version: 1;
  /** The first seq under the tree: always FIRST_SEQ, the tree covers the whole log. */
  fromSeq: number;
  toSeq: number;
  /** toSeq - fromSeq + 1. */
  treeSize: number;
  root: string;
  lastHash: string;
  /** ISO 8601 UTC. */
  time: string;
  /** First 16 hex characters of SHA-256 over the signing public key's SPKI DER. */
  keyId: string;
  /** Base64 Ed25519 signature over canonicalize() of every other field. */
  signature: string;
}

export type CheckpointBody = Omit<Checkpoint, 'signature'>;

/** Signs checkpoints; the private key stays inside and never appears in its fields. */
export interface CheckpointSigner {
  readonly keyId: string;
  readonly publicKeyPem: string;
  sign(data: Buffer): Buffer;
}

export type CheckpointStatus = 'ok' | 'malformed' | 'wrong-key' | 'bad-signature';

const BODY_KEYS = ['version', 'fromSeq', 'toSeq', 'treeSize', 'root', 'lastHash', 'time', 'keyId'] as const;
const CHECKPOINT_KEYS = [...BODY_KEYS, 'signature'].sort().join(',');
const KEY_ID = /^[0-9a-f]{16}$/;
const ISO_UTC = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(\.\d{1,9})?Z$/;
const BASE64_ED25519_SIGNATURE = /^[A-Za-z0-9+/]{86}==$/;

/**
 * Signs a checkpoint over `records`, the whole log from FIRST_SEQ up to the record it
 * covers. At the end of a session pass every record, so the session's tail is covered.
 * Throws AirlockError 'INTERNAL' if the records are not one linked run from FIRST_SEQ.
 */
export function createCheckpoint(records: readonly ChainedRecord[], signer: CheckpointSigner, time: string): Checkpoint {
  assertLinked(records);
  const last = records[records.length - 1] as ChainedRecord;
  const body: CheckpointBody = {
    version: 1,
    fromSeq: FIRST_SEQ,
    toSeq: last.seq,
    treeSize: records.length,
    root: merkleRoot(records.map((r) => r.hash)),
    lastHash: last.hash,
    time,
    keyId: signer.keyId,
  };
  return signCheckpoint(body, signer);
}

/**
 * Signs a body a store has computed itself (for example with a MerkleAccumulator, so it
 * never reads the log back). Throws AirlockError 'INTERNAL' for a malformed body.
 */
export function signCheckpoint(body: CheckpointBody, signer: CheckpointSigner): Checkpoint {
  const unsigned = pickBody(body);
  if (!isWellFormedBody(unsigned) || unsigned.keyId !== signer.keyId) {
    throw new AirlockError('INTERNAL', 'refusing to sign a malformed checkpoint (check seqs, hashes, time in ISO 8601 UTC and the signer key id)');
  }
  const signature = signer.sign(signingInput(unsigned)).toString('base64');
  return { ...unsigned, signature };
}

/**
 * True only if `cp` is well formed, names the key `publicKeyPem` and carries that key's
 * valid Ed25519 signature. Does not look at the records: verifyLog does that.
 * Throws AirlockError 'CONFIG_INVALID' if publicKeyPem is not an Ed25519 public key.
 */
export function verifyCheckpoint(cp: Checkpoint, publicKeyPem: string): boolean {
  const key = parsePublicKeyPem(publicKeyPem);
  return checkpointStatus(cp, key, keyIdOf(key)) === 'ok';
}

/** Why a checkpoint does or does not verify against `key` (whose id is `keyId`). */
export function checkpointStatus(cp: unknown, key: KeyObject, keyId: string): CheckpointStatus {
  if (!isCheckpoint(cp)) return 'malformed';
  if (cp.keyId !== keyId) return 'wrong-key';
  const signature = Buffer.from(cp.signature, 'base64');
  return verify(null, signingInput(pickBody(cp)), key, signature) ? 'ok' : 'bad-signature';
}

/** The key id of a public key: first 16 hex characters of SHA-256 over its SPKI DER. */
export function keyIdOf(publicKey: KeyObject): string {
  return hash('sha256', publicKey.export({ type: 'spki', format: 'der' }), 'hex').slice(0, 16);
}

/** Reads the audit public key. Throws AirlockError 'CONFIG_INVALID' with the fix. */
export function parsePublicKeyPem(publicKeyPem: string): KeyObject {
  if (typeof publicKeyPem !== 'string' || publicKeyPem.includes('PRIVATE KEY')) {
    throw new AirlockError('CONFIG_INVALID', 'the audit verification key is not a public key (never hand out the private signing key): export the public key with `airlock audit export-key` and use that');
  }
  let key: KeyObject;
  try {
    key = createPublicKey({ key: publicKeyPem, format: 'pem' });
  } catch (error) {
    throw new AirlockError('CONFIG_INVALID', 'the audit verification key is not a PEM public key: export it with `airlock audit export-key` and pass that file', { cause: error });
  }
  if (key.asymmetricKeyType !== 'ed25519') {
    throw new AirlockError('CONFIG_INVALID', `the audit verification key is ${String(key.asymmetricKeyType)}, not Ed25519: use the key from \`airlock audit export-key\``);
  }
  return key;
}

/** A parse of a checkpoint read back from a store: exact fields, exact types. */
export function isCheckpoint(value: unknown): value is Checkpoint {
  if (typeof value !== 'object' || value === null || Array.isArray(value)) return false;
  if (Object.keys(value).sort().join(',') !== CHECKPOINT_KEYS) return false;
  const cp = value as Record<string, unknown>;
  return isWellFormedBody(cp) && typeof cp.signature === 'string' && BASE64_ED25519_SIGNATURE.test(cp.signature);
}

function isWellFormedBody(body: Record<string, unknown>): boolean {
  const { version, fromSeq, toSeq, treeSize, root, lastHash, time, keyId } = body;
  return (
    version === 1 &&
    fromSeq === FIRST_SEQ &&
    isSeq(toSeq) &&
    treeSize === toSeq - FIRST_SEQ + 1 &&
    isHexHash(root) &&
    isHexHash(lastHash) &&
    typeof time === 'string' &&
    ISO_UTC.test(time) &&
    typeof keyId === 'string' &&
    KEY_ID.test(keyId)
  );
}

function isSeq(value: unknown): value is number {
  return typeof value === 'number' && Number.isSafeInteger(value) && value >= FIRST_SEQ;
}

/** Exactly the signed fields, so an extra property can never ride along unsigned. */
function pickBody(cp: CheckpointBody): CheckpointBody {
  const { version, fromSeq, toSeq, treeSize, root, lastHash, time, keyId } = cp;
  return { version, fromSeq, toSeq, treeSize, root, lastHash, time, keyId };
}

function signingInput(body: CheckpointBody): Buffer {
  return Buffer.from(canonicalize(body), 'utf8');
}

function assertLinked(records: readonly ChainedRecord[]): void {
  if (records.length === 0) throw new AirlockError('INTERNAL', 'a checkpoint needs at least one record');
  let prevHash = GENESIS_HASH;
  for (let i = 0; i < records.length; i++) {
    const r = records[i] as ChainedRecord;
    const linked = r.seq === FIRST_SEQ + i && r.prevHash === prevHash && isHexHash(r.hash);
    if (!linked) {
      throw new AirlockError('INTERNAL', `refusing to checkpoint a broken log: record ${String(r.seq)} is not linked at position ${i}; run \`airlock audit verify\``);
    }
    prevHash = r.hash;
  }
}

/** When a log should be checkpointed: every N events or T seconds, and at session end. */
export interface CheckpointCadence {
  everyEvents: number;
  everySeconds: number;
}

export const DEFAULT_CHECKPOINT_CADENCE: CheckpointCadence = { everyEvents: 1000, everySeconds: 60 };

export interface CheckpointState {
  /** Records appended since the last checkpoint. */
  uncheckpointedEvents: number;
  secondsSinceCheckpoint: number;
  sessionEnded: boolean;
}

/** True when a checkpoint is due; never for zero new records (nothing to sign). */
export function isCheckpointDue(state: CheckpointState, cadence: CheckpointCadence = DEFAULT_CHECKPOINT_CADENCE): boolean {
  if (state.uncheckpointedEvents <= 0) return false;
  return state.sessionEnded || state.uncheckpointedEvents >= cadence.everyEvents || state.secondsSinceCheckpoint >= cadence.everySeconds;
}
