import type { Detector, Lead, RawMatch } from './types.js';

/**
 * The single pass over the text: a bit-parallel (shift-and) filter on each position's
 * first three characters. Every distinct lead of every detector owns a bit (leads past
 * 32 share bits, which only lets more positions through); three 256-entry tables say,
 * per character, which leads allow it at offset 0, 1 and 2. A position whose three
 * characters leave a bit set runs the detectors of that bit, which confirm or not.
 * The loop reads the bytes (a typed array load is cheaper than charCodeAt); the
 * detectors read `text`, their latin1 string (one character per byte), made flat.
 */
export interface Prefilter {
  /** Runs the detectors at every candidate anchor in [from, to) of `bytes`, whose latin1 string is `text`. */
  run(bytes: Buffer, text: string, from: number, to: number, out: RawMatch[]): void;
}

const BITS = 32;

function leadKey(lead: Lead): string {
  return lead.map((set) => [...new Set(set)].sort().join('')).join('\u0000');
}

interface Tables {
  t0: Uint32Array;
  t1: Uint32Array;
  t2: Uint32Array;
  byBit: Detector[][];
}

function buildTables(detectors: readonly Detector[]): Tables {
  const tables = [new Uint32Array(256), new Uint32Array(256), new Uint32Array(256)] as const;
  const bitOf = new Map<string, number>();
  const byBit: Detector[][] = Array.from({ length: BITS }, () => []);
  for (const d of detectors) {
    for (const lead of d.leads) {
      const key = leadKey(lead);
      const bit = bitOf.get(key) ?? bitOf.size % BITS;
      bitOf.set(key, bit);
      lead.forEach((set, i) => {
        const table = tables[i] ?? tables[0];
        for (let c = 0; c < set.length; c++) table[set.charCodeAt(c) & 255] = (table[set.charCodeAt(c) & 255] ?? 0) | (1 << bit);
      });
      if (!byBit[bit]?.includes(d)) byBit[bit]?.push(d);
    }
  }
  return { t0: tables[0], t1: tables[1], t2: tables[2], byBit };
}

/** Runs the detectors of the leads set in `hits` at `at`, each once. */
function dispatch(byBit: readonly Detector[][], hits: number, text: string, at: number, out: RawMatch[]): void {
  if ((hits & (hits - 1)) === 0) {
    for (const d of byBit[31 - Math.clz32(hits)] ?? []) d.detect(text, at, out);
    return;
  }
  const run = new Set<Detector>();
  for (let h = hits; h !== 0; h &= h - 1) for (const d of byBit[31 - Math.clz32(h & -h)] ?? []) run.add(d);
  for (const d of run) d.detect(text, at, out);
}

/** Where the candidates of one run go: grown to the longest range seen, kept for the next run. */
interface Candidates {
  at: Int32Array;
  hits: Int32Array;
}

/**
 * The hot loop, a module-level function with everything it reads as arguments, and no
 * call inside (V8 compiles such a loop best): it records the candidates, which are
 * dispatched after it.
 */
function findCandidates(tables: Tables, bytes: Buffer, from: number, end: number, into: Candidates): number {
  const { t0, t1, t2 } = tables;
  const { at, hits: found } = into;
  let s1 = 0;
  let s2 = 0;
  let count = 0;
  for (let i = from; i < end; i++) {
    const c = bytes[i]!;
    const hits = s2 & t2[c]!;
    s2 = s1 & t1[c]!;
    s1 = t0[c]!;
    if (hits !== 0) {
      at[count] = i - 2;
      found[count++] = hits;
    }
  }
  return count;
}

export function createPrefilter(detectors: readonly Detector[]): Prefilter {
  const tables = buildTables(detectors);
  let into: Candidates = { at: new Int32Array(0), hits: new Int32Array(0) };
  return {
    run(bytes, text, from, to, out) {
      const end = Math.min(bytes.length, to + 2);
      if (into.at.length < end - from) into = { at: new Int32Array(end - from), hits: new Int32Array(end - from) };
      const count = findCandidates(tables, bytes, from, end, into);
      for (let k = 0; k < count; k++) dispatch(tables.byBit, into.hits[k]!, text, into.at[k]!, out);
    },
  };
}
