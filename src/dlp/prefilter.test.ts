import { describe, expect, it } from 'vitest';
import { createPrefilter } from './prefilter.js';
import type { Detector, RawMatch } from './types.js';

/** A detector that records where the prefilter ran it. */
function probe(leads: Detector['leads'], seen: number[]): Detector {
  return { leads, detect: (_text: string, at: number, _out: RawMatch[]) => void seen.push(at) };
}

describe('prefilter', () => {
  it('runs a detector exactly where one of its leads starts', () => {
    const seen: number[] = [];
    const p = createPrefilter([probe([['a', 'b', 'c'], ['x', 'yY', 'z']], seen)]);
    p.run(Buffer.from('abc xyz xYz abx ab'), 'abc xyz xYz abx ab', 0, 18, []);
    expect(seen).toEqual([0, 4, 8]);
  });

  it('keeps to the anchor range [from, to)', () => {
    const seen: number[] = [];
    const p = createPrefilter([probe([['a', 'b', 'c']], seen)]);
    p.run(Buffer.from('abcabcabc'), 'abcabcabc', 3, 6, []);
    expect(seen).toEqual([3]);
  });

  it('runs every detector whose lead matches, once, even past 32 leads sharing bits', () => {
    const seen: number[] = [];
    const other: number[] = [];
    const many = Array.from({ length: 40 }, (_, i) => [String.fromCharCode(65 + (i % 26)), 'q', String(i % 10)] as const);
    const p = createPrefilter([probe(many, seen), probe([['A', 'q', '0']], other)]);
    p.run(Buffer.from('Aq0 Bq1 Zq9'), 'Aq0 Bq1 Zq9', 0, 11, []);
    expect(seen).toEqual([0, 4]);
    expect(other).toEqual([0]);
  });
});
