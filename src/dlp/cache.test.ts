import { describe, expect, it } from 'vitest';
import { AirlockError } from '../core/index.js';
import { createScanCache } from './cache.js';
import type { Finding } from './types.js';

const finding: Finding = { rule: 'github-token', confidence: 'high', offset: 0, length: 40, hmac: 'a'.repeat(64), preview: 'ghp_****...ab12' };

describe('scan cache', () => {
  it('returns what was set, counting hits and misses', () => {
    const cache = createScanCache();
    expect(cache.get('k')).toBeUndefined();
    cache.set('k', [finding]);
    expect(cache.get('k')).toEqual([finding]);
    expect(cache.stats).toMatchObject({ entries: 1, hits: 1, misses: 1 });
  });

  it('evicts the least recently used past maxEntries', () => {
    const cache = createScanCache({ maxEntries: 2 });
    cache.set('a', []);
    cache.set('b', []);
    cache.get('a');
    cache.set('c', []);
    expect(cache.get('b')).toBeUndefined();
    expect(cache.get('a')).toEqual([]);
    expect(cache.get('c')).toEqual([]);
    expect(cache.stats.entries).toBe(2);
  });

  it('keeps its estimated size under maxBytes', () => {
    const cache = createScanCache({ maxBytes: 4096 });
    for (let i = 0; i < 100; i++) cache.set(`key-${i}`, [finding, finding]);
    expect(cache.stats.bytes).toBeLessThanOrEqual(4096);
    expect(cache.stats.entries).toBeGreaterThan(0);
    expect(cache.get('key-99')).toHaveLength(2);
    expect(cache.get('key-0')).toBeUndefined();
  });

  it('replaces an entry set twice without counting it twice', () => {
    const cache = createScanCache();
    cache.set('k', [finding]);
    const once = cache.stats.bytes;
    cache.set('k', [finding]);
    expect(cache.stats).toMatchObject({ entries: 1, bytes: once });
  });

  it.each([{ maxEntries: 0 }, { maxBytes: -1 }, { maxEntries: 1.5 }, { other: 1 }])('refuses %j with CONFIG_INVALID', (options) => {
    expect(() => createScanCache(options as never)).toThrow(AirlockError);
  });
});
