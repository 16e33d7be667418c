import { createHash, createPublicKey, generateKeyPairSync, verify } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { AirlockError } from '../../core/index.js';
import { createCheckpoint, isCheckpointDue, keyIdOf, signCheckpoint, verifyCheckpoint } from './checkpoint.js';
import type { Checkpoint } from './checkpoint.js';
import { canonicalize } from '../../core/index.js';
import { createMerkleAccumulator, merkleRoot } from './merkle.js';
import { createCheckpointSigner } from './signing-key.js';
import { sampleChain } from './test-events.js';

const TIME = '2024-05-01T12:00:00.000Z';
const signer = createCheckpointSigner(generateKeyPairSync('ed25519').privateKey);
const other = createCheckpointSigner(generateKeyPairSync('ed25519').privateKey);
const records = sampleChain(10);

describe('checkpoints', () => {
  const cp = createCheckpoint(records, signer, TIME);

  it('cover the whole log up to the last record given', () => {
    const { signature, ...body } = cp;
    expect(body).toEqual({
      version: 1,
      fromSeq: 1,
      toSeq: 10,
      treeSize: 10,
      root: merkleRoot(records.map((r) => r.hash)),
      lastHash: records[9]?.hash,
      time: TIME,
      keyId: signer.keyId,
    });
    expect(Buffer.from(signature, 'base64')).toHaveLength(64);
  });

  it('sign canonicalize(every field but signature) with Ed25519, checkable without this code', () => {
    const { signature, ...body } = cp;
    const publicKey = createPublicKey(signer.publicKeyPem);
    expect(verify(null, Buffer.from(canonicalize(body)), publicKey, Buffer.from(signature, 'base64'))).toBe(true);
    expect(verifyCheckpoint(cp, signer.publicKeyPem)).toBe(true);
  });

  it('name the key by the first 16 hex of SHA-256 over its SPKI DER', () => {
    const der = createPublicKey(signer.publicKeyPem).export({ type: 'spki', format: 'der' });
    const expected = createHash('sha256').update(der).digest('hex').slice(0, 16);
    expect(signer.keyId).toBe(expected);
    expect(keyIdOf(createPublicKey(signer.publicKeyPem))).toBe(expected);
    expect(cp.keyId).toBe(expected);
  });

  it('come out the same from a MerkleAccumulator and signCheckpoint (the path a store takes)', () => {
    const tree = createMerkleAccumulator();
    for (const r of records) tree.append(r.hash);
    const last = records[9] as (typeof records)[number];
    const body = { version: 1 as const, fromSeq: 1, toSeq: 10, treeSize: 10, root: tree.root(), lastHash: last.hash, time: TIME, keyId: signer.keyId };
    // Ed25519 is deterministic (RFC 8032), so even the signature is identical.
    expect(signCheckpoint(body, signer)).toEqual(cp);
  });

  const flipped = (b64: string) => {
    const bytes = Buffer.from(b64, 'base64');
    bytes[10] = (bytes[10] as number) ^ 0x01;
    return bytes.toString('base64');
  };
  it.each<[string, (c: Checkpoint) => unknown]>([
    ['toSeq and treeSize moved together', (c) => ({ ...c, toSeq: 9, treeSize: 9 })],
    ['treeSize alone', (c) => ({ ...c, treeSize: 9 })],
    ['one character of the root', (c) => ({ ...c, root: `${c.root.slice(0, -1)}${c.root.endsWith('0') ? '1' : '0'}` })],
    ['the lastHash', (c) => ({ ...c, lastHash: records[8]?.hash })],
    ['the time, by a millisecond', (c) => ({ ...c, time: '2024-05-01T12:00:00.001Z' })],
    ['the keyId', (c) => ({ ...c, keyId: other.keyId })],
    ['one bit of the signature', (c) => ({ ...c, signature: flipped(c.signature) })],
    ['an extra field riding along', (c) => ({ ...c, note: 'trust me' })],
    ['the version', (c) => ({ ...c, version: 2 })],
    ['a missing field', ({ time: _t, ...c }) => c],
  ])('fail to verify after changing %s', (_name, tamper) => {
    expect(verifyCheckpoint(tamper(cp) as Checkpoint, signer.publicKeyPem)).toBe(false);
  });

  it('fail to verify with another key, and a checkpoint re-signed by that key fails with the real one', () => {
    expect(verifyCheckpoint(cp, other.publicKeyPem)).toBe(false);
    const forged = createCheckpoint(records, other, TIME);
    expect(verifyCheckpoint(forged, other.publicKeyPem)).toBe(true);
    expect(verifyCheckpoint(forged, signer.publicKeyPem)).toBe(false);
    expect(verifyCheckpoint({ ...forged, keyId: signer.keyId }, signer.publicKeyPem)).toBe(false);
  });

  it.each([
    ['a private key', generateKeyPairSync('ed25519').privateKey.export({ type: 'pkcs8', format: 'pem' }).toString(), /not a public key/],
    ['an RSA public key', generateKeyPairSync('rsa', { modulusLength: 1024 }).publicKey.export({ type: 'spki', format: 'pem' }).toString(), /rsa, not Ed25519/],
    ['garbage', '-----BEGIN PUBLIC KEY-----\nAAAA\n-----END PUBLIC KEY-----\n', /not a PEM public key/],
  ])('refuse %s as the verification key with CONFIG_INVALID', (_name, pem, message) => {
    expect(() => verifyCheckpoint(cp, pem)).toThrow(message);
    try {
      verifyCheckpoint(cp, pem);
    } catch (error) {
      expect((error as AirlockError).code).toBe('CONFIG_INVALID');
    }
  });

  it.each([
    ['no records', [], TIME, /at least one record/],
    ['records not starting at seq 1', records.slice(1), TIME, /record 2 is not linked at position 0/],
    ['records out of order', [records[0], records[2], records[1]], TIME, /record 3 is not linked/],
    ['a time that is not ISO 8601 UTC', records, '2024-05-01 12:00', /malformed checkpoint/],
  ])('refuse to sign over %s (INTERNAL)', (_name, given, time, message) => {
    expect(() => createCheckpoint(given as typeof records, signer, time)).toThrow(AirlockError);
    expect(() => createCheckpoint(given as typeof records, signer, time)).toThrow(message);
  });

  it.each([
    [{ uncheckpointedEvents: 0, secondsSinceCheckpoint: 9999, sessionEnded: true }, false],
    [{ uncheckpointedEvents: 1, secondsSinceCheckpoint: 0, sessionEnded: true }, true],
    [{ uncheckpointedEvents: 999, secondsSinceCheckpoint: 59, sessionEnded: false }, false],
    [{ uncheckpointedEvents: 1000, secondsSinceCheckpoint: 0, sessionEnded: false }, true],
    [{ uncheckpointedEvents: 1, secondsSinceCheckpoint: 60, sessionEnded: false }, true],
  ])('are due for %o: %s (every 1000 events or 60 s, and at session end)', (state, due) => {
    expect(isCheckpointDue(state)).toBe(due);
  });
});
