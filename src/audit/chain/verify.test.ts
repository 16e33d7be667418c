import { generateKeyPairSync } from 'node:crypto';
import { beforeAll, describe, expect, it } from 'vitest';
import type { AuditEvent } from '../event.js';
import { chainRecord, hashRecord } from './chain.js';
import type { ChainedRecord } from './chain.js';
import { createCheckpoint, signCheckpoint } from './checkpoint.js';
import type { Checkpoint, CheckpointSigner } from './checkpoint.js';
import { createMerkleAccumulator } from './merkle.js';
import { createCheckpointSigner } from './signing-key.js';
import { measureRate, sampleChain, sampleEvent } from './test-events.js';
import { verifyLog } from './verify.js';
import type { VerifyProblem } from './verify.js';

const signer = createCheckpointSigner(generateKeyPairSync('ed25519').privateKey);
const attacker = createCheckpointSigner(generateKeyPairSync('ed25519').privateKey);
const KEY = signer.publicKeyPem;

/** Checkpoints every `every` records and one at the end, the way a store makes them. */
function checkpointsEvery(records: readonly ChainedRecord[], every: number, by: CheckpointSigner = signer): Checkpoint[] {
  const tree = createMerkleAccumulator();
  const out: Checkpoint[] = [];
  records.forEach((r, i) => {
    tree.append(r.hash);
    if ((i + 1) % every !== 0 && i !== records.length - 1) return;
    const time = new Date(Date.UTC(2024, 4, 1) + i * 1000).toISOString();
    out.push(signCheckpoint({ version: 1, fromSeq: 1, toSeq: r.seq, treeSize: i + 1, root: tree.root(), lastHash: r.hash, time, keyId: by.keyId }, by));
  });
  return out;
}

/** Re-links records[from..] after records[from - 1] with fresh hashes: a rewrite by someone without the key. */
function rechain(records: readonly ChainedRecord[], from: number, events: readonly AuditEvent[]): ChainedRecord[] {
  const out = records.slice(0, from);
  for (const event of events) out.push(chainRecord(out[out.length - 1], event));
  return out;
}

const forged: AuditEvent = { ...sampleEvent(0), type: 'net.request.allowed', rule: 'allow-all', note: 'nothing to see' };
const at = (records: readonly ChainedRecord[], seq: number) => records[seq - 1] as ChainedRecord;

describe('verifyLog', () => {
  let records: ChainedRecord[];
  let checkpoints: Checkpoint[];
  beforeAll(() => {
    records = sampleChain(10_000);
    checkpoints = checkpointsEvery(records, 1000);
  });

  it('passes an intact 10,000-record log with a checkpoint every 1,000', () => {
    expect(checkpoints).toHaveLength(10);
    expect(verifyLog(records, checkpoints, KEY)).toEqual({ ok: true, records: 10_000, checkpoints: 10 });
    // The store's incremental checkpoints are the ones createCheckpoint makes over the prefix.
    expect(checkpoints[2]).toEqual(createCheckpoint(records.slice(0, 3000), signer, checkpoints[2]?.time as string));
  });

  type Tamper = (r: ChainedRecord[], c: Checkpoint[]) => { records?: ChainedRecord[]; checkpoints?: Checkpoint[]; key?: string };
  const cases: [string, Tamper, number, VerifyProblem, RegExp][] = [
    ['one field of one event edited', (r) => ({ records: r.map((x) => (x.seq === 4321 ? { ...x, event: { ...x.event, rule: 'allow-all' } } : x)) }), 4321, 'edited', /record 4321 does not match its hash/],
    ['a record\'s seq edited', (r) => ({ records: r.map((x) => (x.seq === 4321 ? { ...x, seq: 4999 } : x)) }), 4321, 'edited', /claims seq 4999/],
    ['one record deleted', (r) => ({ records: r.filter((x) => x.seq !== 5000) }), 5000, 'deleted', /record 5000 is missing: record 4999 is followed by record 5001/],
    ['three records deleted', (r) => ({ records: r.filter((x) => x.seq < 5000 || x.seq > 5002) }), 5000, 'deleted', /records 5000\.\.5002 were deleted/],
    ['the first record deleted', (r) => ({ records: r.slice(1) }), 1, 'deleted', /the log starts at record 2/],
    ['a record deleted and the rest renumbered', (r) => ({ records: [...r.slice(0, 4999), ...r.slice(5000).map((x) => renumber(x, x.seq - 1))] }), 5000, 'deleted', /does not link to record 4999/],
    ['a forged record with a correct-looking hash inserted before 7000', (r) => ({ records: [...r.slice(0, 6999), chainRecord(at(r, 6999), forged), ...r.slice(6999)] }), 7000, 'inserted', /two records claim seq 7000/],
    ['a forged record inserted after 7000', (r) => ({ records: [...r.slice(0, 7000), chainRecord(at(r, 6999), forged), ...r.slice(7000)] }), 7000, 'inserted', /two records claim seq 7000/],
    ['a forged record inserted and the next renumbered', (r) => ({ records: [...r.slice(0, 6999), chainRecord(at(r, 6999), forged), ...r.slice(6999).map((x) => renumber(x, x.seq + 1))] }), 7000, 'inserted', /record 7000 is not in the chain: record 7001 links back to record 6999/],
    ['an old record replayed later', (r) => ({ records: [...r.slice(0, 8000), at(r, 20), ...r.slice(8000)] }), 20, 'inserted', /record 20 appears again after record 8000/],
    ['two adjacent records swapped', (r) => ({ records: swap(r, 3000, 3001) }), 3000, 'reordered', /record 3000 is out of order: record 3001 stands in its place/],
    ['two distant records swapped', (r) => ({ records: swap(r, 2500, 2600) }), 2500, 'reordered', /record 2600 stands in its place/],
    ['the tail truncated', (r) => ({ records: r.slice(0, 9500) }), 9501, 'truncated', /ends at record 9500 .* covers records up to 10000: records 9501\.\.10000 were removed/],
    ['every record removed', () => ({ records: [] }), 1, 'truncated', /the log is empty/],
    ['the tail cut and rewritten with fresh hashes', (r) => ({ records: rechain(r, 9990, Array.from({ length: 10 }, () => forged)) }), 9001, 'truncated', /records 9001\.\.10000 do not match the final checkpoint/],
    ['the middle rewritten with recomputed hashes', (r) => ({ records: rechain(r, 4500, [forged, ...r.slice(4501).map((x) => x.event)]) }), 4001, 'checkpoint-mismatch', /records 4001\.\.5000 do not match the checkpoint/],
    ['a validly signed checkpoint over other records', (r, c) => ({ checkpoints: c.map((x) => (x.toSeq === 2000 ? createCheckpoint(rechain(r, 1500, [forged, ...r.slice(1501, 2000).map((y) => y.event)]), signer, x.time) : x)) }), 1001, 'checkpoint-mismatch', /records 1001\.\.2000 do not match the checkpoint signed .* \(Merkle root differs\)/],
    ['a signature byte flipped', (_r, c) => ({ checkpoints: c.map((x) => (x.toSeq === 3000 ? { ...x, signature: flipByte(x.signature) } : x)) }), 3000, 'bad-checkpoint-signature', /checkpoint for records 1\.\.3000 .* does not verify/],
    ['the public key replaced', () => ({ key: attacker.publicKeyPem }), 1000, 'bad-checkpoint-signature', /names signing key .*, not the given key/],
    ['checkpoints re-signed by another key', (r) => ({ checkpoints: checkpointsEvery(r, 1000, attacker) }), 1000, 'bad-checkpoint-signature', /names signing key/],
    ['a checkpoint re-signed by another key under the real key id', (_r, c) => ({ checkpoints: c.map((x) => (x.toSeq === 6000 ? { ...signCheckpoint({ ...x, keyId: attacker.keyId }, attacker), keyId: signer.keyId } : x)) }), 6000, 'bad-checkpoint-signature', /does not verify/],
    ['a checkpoint with an extra unsigned field', (_r, c) => ({ checkpoints: c.map((x) => (x.toSeq === 7000 ? ({ ...x, note: 1 } as Checkpoint) : x)) }), 7000, 'bad-checkpoint-signature', /malformed/],
  ];

  it.each(cases)('finds %s and names it', (_name, tamper, seq, problem, detail) => {
    const t = tamper(records, checkpoints);
    const report = verifyLog(t.records ?? records, t.checkpoints ?? checkpoints, t.key ?? KEY);
    expect(report.ok).toBe(false);
    expect(report.firstBad).toMatchObject({ seq, problem });
    expect(report.firstBad?.detail).toMatch(detail);
    expect(report.firstBad?.detail).not.toContain('\n');
  });

  it('names the first problem in log order when there are several', () => {
    const edited = records.map((x) => (x.seq === 8000 ? { ...x, event: { ...x.event, rule: 'x' } } : x));
    const broken = checkpoints.map((x) => (x.toSeq === 9000 ? { ...x, signature: flipByte(x.signature) } : x));
    expect(verifyLog(swap(edited, 100, 101), broken, KEY).firstBad).toMatchObject({ seq: 100, problem: 'reordered' });
    expect(verifyLog(edited, broken, KEY).firstBad).toMatchObject({ seq: 8000, problem: 'edited' });
    const earlyBroken = broken.map((x) => (x.toSeq === 1000 ? { ...x, signature: flipByte(x.signature) } : x));
    expect(verifyLog(edited, earlyBroken, KEY).firstBad).toMatchObject({ seq: 1000, problem: 'bad-checkpoint-signature' });
  });

  it('cannot see a cut after the last checkpoint, and says which records nothing signed covers', () => {
    const longer = [...records];
    for (let i = 0; i < 50; i++) longer.push(chainRecord(longer[longer.length - 1], sampleEvent(20_000 + i)));
    expect(verifyLog(longer, checkpoints, KEY)).toMatchObject({ ok: true, unanchored: { fromSeq: 10_001, toSeq: 10_050 } });
    // Cutting 20 of those 50 leaves a log that verifies: only an external anchor could tell.
    expect(verifyLog(longer.slice(0, 10_030), checkpoints, KEY)).toMatchObject({ ok: true, unanchored: { fromSeq: 10_001, toSeq: 10_030 } });
    // Likewise a cut at a checkpoint boundary that also drops the checkpoints after it.
    expect(verifyLog(records.slice(0, 9000), checkpoints.slice(0, 9), KEY)).toEqual({ ok: true, records: 9000, checkpoints: 9 });
    expect(verifyLog(records.slice(0, 10), [], KEY)).toMatchObject({ ok: true, unanchored: { fromSeq: 1, toSeq: 10 } });
  });

  it('passes an empty log without checkpoints, and checks checkpoints given in any order', () => {
    expect(verifyLog([], [], KEY)).toEqual({ ok: true, records: 0, checkpoints: 0 });
    expect(verifyLog(records, [...checkpoints].reverse(), KEY).ok).toBe(true);
  });

  it('verifies fast (rate printed; targets live in bench/)', () => {
    const n = 50_000;
    const big = sampleChain(n);
    const cps = checkpointsEvery(big, 1000);
    verifyLog(big.slice(0, 2000), cps.slice(0, 2), KEY); // warm up
    let report: ReturnType<typeof verifyLog> | undefined;
    const rate = measureRate(n, () => {
      report = verifyLog(big, cps, KEY);
    });
    console.log(`verifyLog (${cps.length} checkpoints): ${rate}`);
    expect(report?.ok).toBe(true);
  });
});

function renumber(r: ChainedRecord, seq: number): ChainedRecord {
  return { ...r, seq, hash: hashRecord(seq, r.prevHash, r.event) };
}

function swap(records: readonly ChainedRecord[], a: number, b: number): ChainedRecord[] {
  const out = [...records];
  out[a - 1] = records[b - 1] as ChainedRecord;
  out[b - 1] = records[a - 1] as ChainedRecord;
  return out;
}

function flipByte(b64: string): string {
  const bytes = Buffer.from(b64, 'base64');
  bytes[0] = (bytes[0] as number) ^ 0xff;
  return bytes.toString('base64');
}
