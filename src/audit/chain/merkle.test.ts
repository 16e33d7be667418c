import { createHash } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { AirlockError } from '../../core/index.js';
import { EMPTY_TREE_ROOT, createMerkleAccumulator, inclusionProof, merkleRoot, merkleRootOfLeafData, verifyInclusion } from './merkle.js';

const sha = (...parts: Buffer[]) => createHash('sha256').update(Buffer.concat(parts)).digest();

/** RFC 6962 §2.1 written out literally, as the reference the fast code must agree with. */
function referenceRoot(leaves: readonly Buffer[]): Buffer {
  if (leaves.length === 0) return sha();
  if (leaves.length === 1) return sha(Buffer.from([0]), leaves[0] as Buffer);
  let k = 1;
  while (k * 2 < leaves.length) k *= 2;
  return sha(Buffer.from([1]), referenceRoot(leaves.slice(0, k)), referenceRoot(leaves.slice(k)));
}

/** Record hashes 0..n-1: sha256 of "record i". */
const hashes = (n: number) => Array.from({ length: n }, (_, i) => createHash('sha256').update(`record ${i}`).digest('hex'));

describe('merkle (RFC 6962)', () => {
  // The Certificate Transparency reference leaves and tree heads for sizes 1..8.
  const CT_LEAVES = ['', '00', '10', '2021', '3031', '40414243', '5051525354555657', '606162636465666768696a6b6c6d6e6f'];
  const CT_ROOTS = [
    '6e340b9cffb37a989ca544e6bb780a2c78901d3fb33738768511a30617afa01d',
    'fac54203e7cc696cf0dfcb42c92a1d9dbaf70ad9e621f4bd8d98662f00e3c125',
    'aeb6bcfe274b70a14fb067a5e5578264db0fa9b51af5e0ba159158f329e06e77',
    'd37ee418976dd95753c1c73862b9398fa2a2cf9b4ff0fdfe8b30cd95209614b7',
    '4e3bbb1f7b478dcfe71fb631631519a3bca12c9aefca1612bfce4c13a86264d4',
    '76e67dadbcdf1e10e1b74ddc608abd2f98dfb16fbce75277b5232a127f2087ef',
    'ddb89be403809e325750d3d263cd78929c2942b7942a34b77e122c9594a74c8c',
    '5dc9da79a70659a9ad559cb701ded9a2ab9d823aad2f4960cfe370eff4604328',
  ];

  it.each(CT_ROOTS.map((root, i) => [i + 1, root] as const))('matches the reference tree head of size %i', (size, root) => {
    expect(merkleRootOfLeafData(CT_LEAVES.slice(0, size).map((h) => Buffer.from(h, 'hex')))).toBe(root);
  });

  it('hashes the empty tree as SHA-256 of nothing', () => {
    expect(EMPTY_TREE_ROOT).toBe('e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855');
    expect(merkleRoot([])).toBe(EMPTY_TREE_ROOT);
  });

  it('hashes a single leaf as SHA-256(0x00 || leaf), not the bare leaf (near miss)', () => {
    const [h] = hashes(1) as [string];
    expect(merkleRoot([h])).toBe(sha(Buffer.from([0]), Buffer.from(h, 'hex')).toString('hex'));
    expect(merkleRoot([h])).not.toBe(h);
  });

  it.each([1, 2, 3, 4, 5, 7, 8, 9, 16, 17, 31, 32, 33, 100, 1000])('agrees with the literal RFC definition for %i leaves', (n) => {
    const hs = hashes(n);
    expect(merkleRoot(hs)).toBe(referenceRoot(hs.map((h) => Buffer.from(h, 'hex'))).toString('hex'));
  });

  it('splits at the largest power of two, not the midpoint (near miss for 3 and 5 leaves)', () => {
    const hs = hashes(5).map((h) => Buffer.from(h, 'hex'));
    const leaf = (b: Buffer) => sha(Buffer.from([0]), b);
    const node = (l: Buffer, r: Buffer) => sha(Buffer.from([1]), l, r);
    const [a, b, c, d, e] = hs.map(leaf) as [Buffer, Buffer, Buffer, Buffer, Buffer];
    const rfc = node(node(node(a, b), node(c, d)), e);
    const midpoint = node(node(node(a, b), c), node(d, e));
    expect(merkleRoot(hashes(5))).toBe(rfc.toString('hex'));
    expect(merkleRoot(hashes(5))).not.toBe(midpoint.toString('hex'));
  });

  it('gives the same root incrementally as at once, at every size', () => {
    const hs = hashes(70);
    const tree = createMerkleAccumulator();
    hs.forEach((h, i) => {
      tree.append(h);
      expect(tree.size).toBe(i + 1);
      expect(tree.root()).toBe(merkleRoot(hs.slice(0, i + 1)));
    });
  });

  it('proves and verifies every index of every size 1..17, and rejects every near miss', () => {
    for (let size = 1; size <= 17; size++) {
      const hs = hashes(size);
      const root = merkleRoot(hs);
      const otherRoot = merkleRoot(hashes(size + 1));
      for (let index = 0; index < size; index++) {
        const leaf = hs[index] as string;
        const proof = inclusionProof(hs, index);
        expect(verifyInclusion(leaf, index, size, proof, root), `size ${size} index ${index}`).toBe(true);
        // Near misses: another leaf, index, size, root, or a proof one hash short or long.
        expect(verifyInclusion(hs[(index + 1) % size] as string, index, size, proof, root)).toBe(size === 1 ? true : false);
        if (size > 1) expect(verifyInclusion(leaf, (index + 1) % size, size, proof, root)).toBe(false);
        // (A bigger size with the same path shape can verify: RFC 6962 binds the size
        // through the signed root, which is why checkpoints sign treeSize with it.)
        expect(verifyInclusion(leaf, index, index, proof, root)).toBe(false);
        if (size > 1) expect(verifyInclusion(leaf, index, 2 * size, proof, root)).toBe(false);
        expect(verifyInclusion(leaf, index, size, proof, otherRoot)).toBe(false);
        if (proof.length > 0) expect(verifyInclusion(leaf, index, size, proof.slice(1), root)).toBe(false);
        expect(verifyInclusion(leaf, index, size, [...proof, root], root)).toBe(false);
      }
    }
  });

  it('gives the RFC 6962 path: a proof is at most ceil(log2(n)) hashes and empty for one leaf', () => {
    expect(inclusionProof(hashes(1), 0)).toEqual([]);
    expect(inclusionProof(hashes(8), 3)).toHaveLength(3);
    expect(inclusionProof(hashes(17), 16)).toHaveLength(1);
    expect(inclusionProof(hashes(17), 0)).toHaveLength(5);
  });

  it('answers false, never throws, for malformed proof input', () => {
    const hs = hashes(4);
    const root = merkleRoot(hs);
    const proof = inclusionProof(hs, 1);
    expect(verifyInclusion('xyz', 1, 4, proof, root)).toBe(false);
    expect(verifyInclusion(hs[1] as string, 1, 4, ['nothex'], root)).toBe(false);
    expect(verifyInclusion(hs[1] as string, -1, 4, proof, root)).toBe(false);
    expect(verifyInclusion(hs[1] as string, 4, 4, proof, root)).toBe(false);
    expect(verifyInclusion(hs[1] as string, 1.5, 4, proof, root)).toBe(false);
    expect(verifyInclusion(hs[1] as string, 1, 4, proof, root.toUpperCase())).toBe(false);
  });

  it('refuses a leaf that is not a hex SHA-256 and an index outside the tree', () => {
    expect(() => merkleRoot(['abc'])).toThrow(AirlockError);
    expect(() => merkleRoot([(hashes(1)[0] as string).toUpperCase()])).toThrow(/lowercase hex/);
    expect(() => inclusionProof(hashes(3), 3)).toThrow(/no leaf 3/);
  });
});

describe('merkle frontier', () => {
  const leaf = (i: number) => createHash('sha256').update(`leaf ${i}`).digest('hex');

  it('carries on from a saved frontier to the same root as one long accumulator', () => {
    for (const cut of [0, 1, 2, 3, 7, 8, 13, 64]) {
      const whole = createMerkleAccumulator();
      for (let i = 0; i < 100; i++) whole.append(leaf(i));
      const first = createMerkleAccumulator();
      for (let i = 0; i < cut; i++) first.append(leaf(i));
      const saved = JSON.parse(JSON.stringify(first.frontier())) as ReturnType<typeof first.frontier>;
      expect(saved.nodes).toHaveLength([...cut.toString(2)].filter((b) => b === '1').length);
      const resumed = createMerkleAccumulator(saved);
      for (let i = cut; i < 100; i++) resumed.append(leaf(i));
      expect(resumed.size).toBe(100);
      expect(resumed.root()).toBe(whole.root());
    }
  });

  it('refuses a frontier whose nodes do not fit its size', () => {
    expect(() => createMerkleAccumulator({ size: 3, nodes: [leaf(0)] })).toThrow(AirlockError);
    expect(() => createMerkleAccumulator({ size: 1, nodes: ['zz'] })).toThrow(/frontier/);
    expect(() => createMerkleAccumulator({ size: -1, nodes: [] })).toThrow(/frontier/);
  });
});
