/**
 * audit/chain: the storage-independent tamper evidence of the audit log, for the stores
 * (SQLite, PostgreSQL) and `airlock audit verify` to share.
 *
 * - canonicalize: RFC 8785 JSON, the bytes everything here hashes and signs.
 * - chainRecord / hashRecord: a SHA-256 hash chain, hash = sha256(canonicalize({ seq,
 *   prevHash, event })), starting at FIRST_SEQ after GENESIS_HASH.
 * - merkle*: RFC 6962 Merkle trees over record hashes, with inclusion proofs.
 * - createCheckpoint / signCheckpoint / verifyCheckpoint: Ed25519-signed Merkle heads,
 *   due every N events or T seconds and at the end of every session (isCheckpointDue).
 * - openSigningKey: the signing key, made on first use with mode 0600, outside sandboxes.
 * - verifyLog: finds an edited, deleted, inserted or reordered record, a truncated tail,
 *   and a bad checkpoint, and names the first one by seq.
 *
 * Failure codes: 'INTERNAL' for data that is not JSON or a broken log handed to the
 * writer side; 'CONFIG_INVALID' for a signing or verification key that cannot be used.
 * Security invariant: the private key never leaves the CheckpointSigner's closure.
 */
export { canonicalize } from '../../core/index.js';
export { FIRST_SEQ, GENESIS_HASH, chainRecord, createLinker, hashOfRecord, hashRecord, linkAfter, storedTextOf, withStoredText } from './chain.js';
export type { ChainLink, ChainedRecord } from './chain.js';
export {
  EMPTY_TREE_ROOT,
  createMerkleAccumulator,
  inclusionProof,
  merkleRoot,
  merkleRootOfLeafData,
  verifyInclusion,
} from './merkle.js';
export type { MerkleAccumulator, MerkleFrontier } from './merkle.js';
export {
  DEFAULT_CHECKPOINT_CADENCE,
  createCheckpoint,
  isCheckpoint,
  isCheckpointDue,
  keyIdOf,
  parsePublicKeyPem,
  signCheckpoint,
  verifyCheckpoint,
} from './checkpoint.js';
export type { Checkpoint, CheckpointBody, CheckpointCadence, CheckpointSigner, CheckpointState } from './checkpoint.js';
export { createCheckpointSigner, exportPublicKey, openSigningKey } from './signing-key.js';
export { verifyLog, verifyLogPaged } from './verify.js';
export type { ReadRecords, VerifyFinding, VerifyProblem, VerifyReport } from './verify.js';
