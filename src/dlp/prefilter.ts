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

/**
 * The hot loop, a module-level function with the tables as arguments: V8 optimizes it
 * best so (a closure's method reading its tables from the closure runs at about half
 * the speed).
 */
function scanCandidates(tables: Tables, bytes: Buffer, text: string, from: number, to: number, out: RawMatch[]): void {
  const { t0, t1, t2, byBit } = tables;
  const end = to + 2 < bytes.length ? to + 2 : bytes.length;
  let s1 = 0;
  let s2 = 0;
  for (let i = from; i < end; i++) {
    const c = bytes[i]!;
    const hits = s2 & t2[c]!;
    s2 = s1 & t1[c]!;
    s1 = t0[c]!;
    if (hits !== 0) dispatch(byBit, hits, text, i - 2, out);
  }
}

export function createPrefilter(detectors: readonly Detector[]): Prefilter {
  const tables = buildTables(detectors);
  return { run: (bytes, text, from, to, out) => scanCandidates(tables, bytes, text, from, to, out) };
}
