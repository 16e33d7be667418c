import { describe, expect, it } from 'vitest';
import { linkAfter } from '../chain/index.js';
import type { ChainLink } from '../chain/index.js';
import { prepareEvent } from './batch.js';
import { contractEvent } from './store.contract.js';
import { packEvents, packLinks, unpackEvents, unpackLinks } from './worker-packing.js';

function links(n: number): ChainLink[] {
  const out: ChainLink[] = [];
  for (let i = 0; i < n; i++) out.push(linkAfter(out[i - 1], `{"n":${i}}`));
  return out;
}

describe('packing appends between the caller and the store thread', () => {
  it('gives back the prepared events it packed, absent columns as null', () => {
    const events = Array.from({ length: 20 }, (_, i) => prepareEvent(contractEvent(i)));
    const bare = prepareEvent({ type: 'session.started', time: '2026-11-25T00:00:00.000Z', sessionId: 's-1' } as Parameters<typeof prepareEvent>[0]);
    const all = [...events, bare];
    const packed = packEvents(all);
    expect(packed.every((v) => v === null || typeof v === 'string')).toBe(true);
    expect(unpackEvents(structuredClone(packed))).toEqual(all);
    expect(unpackEvents(packEvents([]))).toEqual([]);
    expect(bare.columns).toMatchObject({ user: null, repo: null, tool: null, decision: null });
  });

  it('refuses what packEvents did not make', () => {
    const packed = packEvents([prepareEvent(contractEvent(1))]);
    for (const bad of [undefined, {}, packed.slice(1), [...packed.slice(0, 4), null, ...packed.slice(5)], [...packed.slice(0, 8), 7]]) {
      expect(() => unpackEvents(bad)).toThrow(expect.objectContaining({ code: 'INTERNAL' }));
    }
  });

  it('gives back consecutive links from the first seq, the first prevHash and the hashes', () => {
    const chain = links(5);
    const packed = packLinks(chain.slice(2));
    expect(packed).toEqual({ firstSeq: 3, prevHash: chain[1]?.hash, hashes: chain.slice(2).map((l) => l.hash) });
    expect(unpackLinks(structuredClone(packed))).toEqual(chain.slice(2));
    expect(unpackLinks(packLinks([]))).toEqual([]);
  });

  it('refuses links that are not consecutive, and values packLinks did not make', () => {
    const chain = links(4);
    expect(() => packLinks([chain[0], chain[2]] as ChainLink[])).toThrow(expect.objectContaining({ code: 'INTERNAL' }));
    expect(() => packLinks([chain[1], { ...(chain[2] as ChainLink), prevHash: 'f'.repeat(64) }] as ChainLink[])).toThrow(expect.objectContaining({ code: 'INTERNAL' }));
    for (const bad of [null, [], { firstSeq: 1.5, prevHash: '', hashes: [] }, { firstSeq: 1, prevHash: 2, hashes: [] }, { firstSeq: 1, prevHash: '', hashes: [3] }]) {
      expect(() => unpackLinks(bad)).toThrow(expect.objectContaining({ code: 'INTERNAL' }));
    }
  });
});
