/** Bounds of content-defined chunks: a cut where a rolling hash says so, between min and max. */
export interface ChunkOptions {
  minBytes: number;
  /** A power of two: the average distance between cuts past minBytes. */
  averageBytes: number;
  maxBytes: number;
}

export const DEFAULT_CHUNKS: ChunkOptions = { minBytes: 8 * 1024, averageBytes: 16 * 1024, maxBytes: 64 * 1024 };

/**
 * The Gear table of FastCDC (Xia et al., USENIX ATC 2016): 256 fixed pseudo-random
 * words, from xorshift32 (Marsaglia 2003) with a fixed seed, so cuts never change.
 */
function gearTable(): Uint32Array {
  const table = new Uint32Array(256);
  let x = 0x9e3779b9;
  for (let i = 0; i < 256; i++) {
    x ^= x << 13;
    x ^= x >>> 17;
    x ^= x << 5;
    table[i] = x >>> 0;
  }
  return table;
}

/**
 * Cut points of content-defined chunking with a Gear rolling hash: a cut falls where the
 * hash of the last 32 bytes has its top bits zero, so inserting bytes early in a body moves
 * only the cuts near the insertion, and the chunks after it hash as before.
 * Returns the end offsets of the chunks (the last is body.length).
 */
export function chunkEnds(body: Buffer, options: ChunkOptions = DEFAULT_CHUNKS): number[] {
  const gear = gearTable();
  // The top bits of a Gear hash depend on the last 32 bytes; the low ones on very few.
  const shift = 32 - Math.round(Math.log2(options.averageBytes));
  const ends: number[] = [];
  let start = 0;
  let hash = 0;
  for (let i = 0; i < body.length; i++) {
    hash = ((hash << 1) + (gear[body[i] ?? 0] ?? 0)) | 0;
    const size = i + 1 - start;
    if ((size >= options.minBytes && hash >>> shift === 0) || size >= options.maxBytes) {
      ends.push(i + 1);
      start = i + 1;
      hash = 0;
    }
  }
  if (start < body.length || body.length === 0) ends.push(body.length);
  return ends;
}
