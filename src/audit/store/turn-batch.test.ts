import { describe, expect, it } from 'vitest';
import { createTurnBatch } from './turn-batch.js';

describe('createTurnBatch', () => {
  it('sends the calls of one turn as one batch and gives each caller its own slice', async () => {
    const sent: number[][] = [];
    const batch = createTurnBatch(async (items: number[]) => {
      sent.push([...items]);
      return items.map((n) => n * 10);
    });
    const results = await Promise.all([batch([1, 2]), batch([]), batch([3]), batch([4, 5, 6])]);
    expect(sent).toEqual([[1, 2, 3, 4, 5, 6]]);
    expect(results).toEqual([[10, 20], [], [30], [40, 50, 60]]);
  });

  it('sends each later turn on its own, without waiting for the batch before it', async () => {
    const sent: number[][] = [];
    let release!: () => void;
    const held = new Promise<void>((resolve) => (release = resolve));
    const batch = createTurnBatch(async (items: number[]) => {
      sent.push([...items]);
      if (items[0] === 1) await held;
      return items;
    });
    const first = batch([1]);
    await new Promise((resolve) => setImmediate(resolve));
    const second = batch([2]);
    expect(await second).toEqual([2]);
    expect(sent).toEqual([[1], [2]]);
    release();
    expect(await first).toEqual([1]);
  });

  it('rejects every caller of a batch whose send fails, and only them', async () => {
    const batch = createTurnBatch(async (items: string[]) => {
      if (items.includes('bad')) throw new Error('store down');
      return items;
    });
    const failed = await Promise.allSettled([batch(['a']), batch(['bad'])]);
    expect(failed.map((r) => r.status)).toEqual(['rejected', 'rejected']);
    expect(await batch(['c'])).toEqual(['c']);
  });
});
