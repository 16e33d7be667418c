import { hash } from 'node:crypto';
import { AirlockError } from '../../core/index.js';

/**
 * Merkle Tree Hash over record hashes, as RFC 6962 §2.1 defines it: a leaf is
 * SHA-256(0x00 || leaf bytes), an interior node SHA-256(0x01 || left || right), and a tree
 * of n > 1 leaves splits at k, the largest power of two smaller than n. Unbalanced trees
 * are never padded. The leaf bytes here are the 32 bytes of a record's hex hash.
 */

const HEX_HASH = /^[0-9a-f]{64}$/;

/** RFC 6962 §2.1: the hash of an empty tree is SHA-256 of the empty string. */
export const EMPTY_TREE_ROOT = hash('sha256', '', 'hex');

// Nodes are held as 32-character latin1 strings, one character per byte (hash() calls that
// encoding 'binary'): hashing to and writing from those is about twice as fast as a Buffer
// per node, and verify hashes a node or two for every record.
type Node = string;

interface Hasher {
  leaf(data: Uint8Array): Node;
  /** leaf() of a record hash given in hex, checked to be one. */
  leafOfHex(hexHash: string): Node;
  node(left: Node, right: Node): Node;
}

/** RFC 6962 hashing with its own scratch inputs, reused for every hash (hash() copies them). */
function createHasher(): Hasher {
  const leafInput = Buffer.alloc(33); // 0x00 || 32 bytes
  const nodeInput = Buffer.alloc(65); // 0x01 || left || right
  nodeInput[0] = 0x01;
  return {
    leaf: (data) => hash('sha256', Buffer.concat([Buffer.of(0x00), data]), 'binary'),
    leafOfHex(hexHash) {
      if (!isHexHash(hexHash)) throw new AirlockError('INTERNAL', 'a Merkle leaf must be a SHA-256 hash in lowercase hex (64 characters)');
      leafInput.write(hexHash, 1, 32, 'hex');
      return hash('sha256', leafInput, 'binary');
    },
    node(left, right) {
      nodeInput.write(left, 1, 32, 'latin1');
      nodeInput.write(right, 33, 32, 'latin1');
      return hash('sha256', nodeInput, 'binary');
    },
  };
}

const toHex = (node: Node): string => Buffer.from(node, 'latin1').toString('hex');
const fromHex = (hexHash: string): Node => Buffer.from(hexHash, 'hex').toString('latin1');

export function isHexHash(value: unknown): value is string {
  return typeof value === 'string' && HEX_HASH.test(value);
}

/**
 * A Merkle tree grown one leaf at a time that keeps only its perfect subtrees (at most
 * log2(n) hashes), so a store can checkpoint a long log without reading it back.
 */
export interface MerkleAccumulator {
  readonly size: number;
  /** Appends a record hash (lowercase hex). */
  append(hexHash: string): void;
  /** Appends raw leaf bytes, for data that is not a record hash. */
  appendLeafData(data: Uint8Array): void;
  /** The RFC 6962 root of the leaves appended so far. */
  root(): string;
  /** What a store keeps to carry on later without reading the log back. */
  frontier(): MerkleFrontier;
}

/**
 * An accumulator's state: the leaf count and the roots of its perfect subtrees, largest
 * (leftmost) first, in hex. One subtree per set bit of `size`.
 */
export interface MerkleFrontier {
  size: number;
  nodes: string[];
}

/**
 * A new accumulator, or one that carries on from `from` (a frontier() it gave earlier).
 * Throws AirlockError 'INTERNAL' for a frontier whose nodes do not fit its size.
 */
export function createMerkleAccumulator(from?: MerkleFrontier): MerkleAccumulator {
  const h = createHasher();
  // Perfect subtrees, largest (leftmost) first; heights strictly decrease.
  const hashes: Node[] = [];
  const heights: number[] = [];
  let size = 0;
  if (from !== undefined) {
    const wanted = subtreeHeights(from.size);
    if (wanted === undefined || from.nodes.length !== wanted.length || !from.nodes.every(isHexHash)) {
      throw new AirlockError('INTERNAL', `a Merkle frontier of size ${String(from.size)} must hold one SHA-256 hex node per set bit of its size`);
    }
    for (const n of from.nodes) hashes.push(fromHex(n));
    heights.push(...wanted);
    size = from.size;
  }
  const push = (node: Node): void => {
    let current = node;
    let height = 0;
    while (heights.length > 0 && heights[heights.length - 1] === height) {
      heights.pop();
      current = h.node(hashes.pop() as Node, current);
      height++;
    }
    hashes.push(current);
    heights.push(height);
    size++;
  };
  return {
    get size() {
      return size;
    },
    append: (hexHash) => push(h.leafOfHex(hexHash)),
    appendLeafData: (data) => push(h.leaf(data)),
    root() {
      if (hashes.length === 0) return EMPTY_TREE_ROOT;
      // The tree of n leaves is its perfect subtrees (the binary digits of n, largest
      // first) folded from the right: MTH = H(P1, H(P2, ... H(Pm-1, Pm))).
      let acc = hashes[hashes.length - 1] as Node;
      for (let i = hashes.length - 2; i >= 0; i--) acc = h.node(hashes[i] as Node, acc);
      return toHex(acc);
    },
    frontier: () => ({ size, nodes: hashes.map(toHex) }),
  };
}

/** The heights of the perfect subtrees of a tree of `size` leaves, largest first. */
function subtreeHeights(size: number): number[] | undefined {
  if (!Number.isSafeInteger(size) || size < 0) return undefined;
  const heights: number[] = [];
  for (let bit = 52; bit >= 0; bit--) if (Math.floor(size / 2 ** bit) % 2 === 1) heights.push(bit);
  return heights;
}

/** The RFC 6962 Merkle Tree Hash of record hashes (hex), in order. */
export function merkleRoot(hashes: readonly string[]): string {
  const tree = createMerkleAccumulator();
  for (const h of hashes) tree.append(h);
  return tree.root();
}

/** The RFC 6962 Merkle Tree Hash of arbitrary leaf data (for the RFC's test vectors). */
export function merkleRootOfLeafData(leaves: readonly Uint8Array[]): string {
  const tree = createMerkleAccumulator();
  for (const leaf of leaves) tree.appendLeafData(leaf);
  return tree.root();
}

function largestPowerOfTwoBelow(n: number): number {
  let k = 1;
  while (k * 2 < n) k *= 2;
  return k;
}

function subtreeRoot(h: Hasher, leaves: readonly Node[], from: number, to: number): Node {
  if (to - from === 1) return leaves[from] as Node;
  const k = largestPowerOfTwoBelow(to - from);
  return h.node(subtreeRoot(h, leaves, from, from + k), subtreeRoot(h, leaves, from + k, to));
}

/** RFC 6962 §2.1.1 PATH(m, D[from:to]) over leaf nodes, innermost sibling first. */
function path(h: Hasher, leaves: readonly Node[], m: number, from: number, to: number): Node[] {
  if (to - from <= 1) return [];
  const k = largestPowerOfTwoBelow(to - from);
  if (m < k) return [...path(h, leaves, m, from, from + k), subtreeRoot(h, leaves, from + k, to)];
  return [...path(h, leaves, m - k, from + k, to), subtreeRoot(h, leaves, from, from + k)];
}

/**
 * The RFC 6962 §2.1.1 audit path that proves hashes[index] is in the tree of all
 * `hashes`. Throws AirlockError 'INTERNAL' for an index outside the tree.
 */
export function inclusionProof(hashes: readonly string[], index: number): string[] {
  if (!Number.isSafeInteger(index) || index < 0 || index >= hashes.length) {
    throw new AirlockError('INTERNAL', `no leaf ${index} in a Merkle tree of ${hashes.length} leaves`);
  }
  const h = createHasher();
  const leaves = hashes.map((x) => h.leafOfHex(x));
  return path(h, leaves, index, 0, leaves.length).map(toHex);
}

/**
 * Checks an audit path (RFC 9162 §2.1.3.2, the algorithm for RFC 6962 trees): true only
 * when `leafHash` is leaf `index` of the tree of `size` leaves whose root is `root`.
 * Malformed input is false, never a throw.
 */
export function verifyInclusion(leafHash: string, index: number, size: number, proof: readonly string[], root: string): boolean {
  if (!isHexHash(leafHash) || !isHexHash(root) || !proof.every(isHexHash)) return false;
  if (!Number.isSafeInteger(index) || !Number.isSafeInteger(size) || index < 0 || index >= size) return false;
  let fn = index;
  let sn = size - 1;
  const h = createHasher();
  let r = h.leafOfHex(leafHash);
  for (const hex of proof) {
    if (sn === 0) return false;
    const p = fromHex(hex);
    if (fn % 2 === 1 || fn === sn) {
      r = h.node(p, r);
      // Climb past the levels where this subtree is a lone right edge with no sibling.
      while (fn % 2 === 0 && fn !== 0) {
        fn = Math.floor(fn / 2);
        sn = Math.floor(sn / 2);
      }
    } else {
      r = h.node(r, p);
    }
    fn = Math.floor(fn / 2);
    sn = Math.floor(sn / 2);
  }
  return sn === 0 && toHex(r) === root;
}
