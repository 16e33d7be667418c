import { afterEach, describe, expect, it } from 'vitest';
import { AirlockError, silentLogger } from '../../core/index.js';
import type { Logger } from '../../core/index.js';
import type { ChainedRecord } from '../chain/index.js';
import type { AuditStore } from '../store/types.js';
import { createForwarder } from './forwarder.js';
import type { SetTimer } from './forwarder.js';
import { appendEvents, deliveryProblems, openTestStore, TEST_RETRY, waitFor } from './test-kit.js';
import type { AuditSinkTarget } from './types.js';

/** A receiver in memory that takes everything. */
function memorySink(name: string): AuditSinkTarget & { batches: number[][] } {
  const batches: number[][] = [];
  return { name, batches, deliver: async (r) => void batches.push(r.map((x) => x.seq)), close: async () => {} };
}

/** A receiver that fails while `down` is set, with the given code. */
function flakySink(name: string, code: 'AUDIT_UNAVAILABLE' | 'CONFIG_INVALID' = 'AUDIT_UNAVAILABLE') {
  const sink = { name, down: true, attempts: 0, got: [] as ChainedRecord[], closed: false,
    async deliver(records: readonly ChainedRecord[]) {
      sink.attempts += 1;
      if (sink.down) throw new AirlockError(code, `${name} is down`);
      sink.got.push(...records);
    },
    async close() {
      sink.closed = true;
    },
  };
  return sink;
}

/** A receiver that accepts the connection and never answers. */
function stuckSink(name: string): AuditSinkTarget {
  return { name, deliver: () => new Promise(() => {}), close: async () => {} };
}

const stores: { store: AuditStore; remove: () => Promise<void> }[] = [];
afterEach(async () => {
  for (const s of stores.splice(0)) {
    await s.store.close();
    await s.remove();
  }
});

async function store(): Promise<AuditStore> {
  const opened = await openTestStore();
  stores.push(opened);
  return opened.store;
}

describe('forwarder', () => {
  it('delivers in seq order in batches and moves each cursor after the delivery', async () => {
    const s = await store();
    const records = await appendEvents(s, 12);
    const sink = memorySink('a');
    const forwarder = createForwarder({ store: s, sinks: [sink], logger: silentLogger, retry: TEST_RETRY, batchSize: 5 });
    await forwarder.pump();
    expect(sink.batches).toEqual([[1, 2, 3, 4, 5], [6, 7, 8, 9, 10], [11, 12]]);
    expect(await s.getCursor('sink:a')).toBe(12);
    expect(await forwarder.status()).toEqual([{ name: 'a', cursor: 12, pending: 0 }]);
    expect(records).toHaveLength(12);
  });

  it.each([
    ['failing', () => flakySink('down')],
    ['never answering', () => stuckSink('down')],
  ])('does not let a %s sink hold back another', async (_label, makeDown) => {
    const s = await store();
    const good = memorySink('good');
    const forwarder = createForwarder({ store: s, sinks: [makeDown(), good], logger: silentLogger, retry: TEST_RETRY, stopGraceMs: 50 });
    forwarder.start();
    const notify = () => forwarder.notify();
    const records = await appendEvents(s, 9, notify);
    await waitFor('the good sink to get all 9', () => good.batches.flat().length >= 9);
    expect(deliveryProblems(records, good.batches.flat().map((seq) => String(records[seq - 1]?.event.id)))).toEqual([]);
    const drained = await forwarder.drain(100);
    expect(drained).toEqual([expect.objectContaining({ name: 'down', cursor: 0, pending: 9 }), { name: 'good', cursor: 9, pending: 0 }]);
    await forwarder.stop();
  });

  it('backs off doubling to maxMs while a sink fails, straight to maxMs when it will not pass by itself, and recovers', async () => {
    const s = await store();
    await appendEvents(s, 2);
    const timers: { fn: () => void; ms: number }[] = [];
    const setTimer: SetTimer = (fn, ms) => (timers.push({ fn, ms }), () => {});
    const lines: string[] = [];
    const logger: Logger = { info: (m) => lines.push(`info ${m}`), warn: (m) => lines.push(`warn ${m}`), debug: () => {} };
    const sink = flakySink('x');
    const forwarder = createForwarder({ store: s, sinks: [sink], logger, retry: { initialMs: 10, maxMs: 40 }, setTimer });
    forwarder.start();
    for (let i = 0; i < 4; i++) {
      await waitFor(`attempt ${String(i + 1)}`, () => timers.length === i + 1);
      timers[i]?.fn();
    }
    expect(timers.map((t) => t.ms)).toEqual([10, 20, 40, 40]);
    expect(lines).toEqual(['warn audit sink x: x is down']);
    sink.down = false;
    await waitFor('the delivery', () => sink.got.length === 2);
    await waitFor('the cursor', async () => (await s.getCursor('sink:x')) === 2);
    expect(lines[1]).toMatch(/^info audit sink x is delivering again/);
    expect((await forwarder.status())[0]?.lastError).toBeUndefined();

    const stubborn = flakySink('y', 'CONFIG_INVALID');
    const other = createForwarder({ store: s, sinks: [stubborn], logger: silentLogger, retry: { initialMs: 10, maxMs: 40 }, setTimer });
    other.start();
    await waitFor('a retry timer', () => timers.length === 5);
    expect(timers[4]?.ms).toBe(40);
    await Promise.all([forwarder.stop(), other.stop()]);
    expect(stubborn.closed).toBe(true);
  });

  it('delivers what was committed while a delivery was in flight', async () => {
    const s = await store();
    let release: () => void = () => {};
    const got: number[] = [];
    const slow: AuditSinkTarget = {
      name: 'slow',
      deliver: async (records) => {
        if (got.length === 0) await new Promise<void>((resolve) => (release = resolve));
        got.push(...records.map((r) => r.seq));
      },
      close: async () => {},
    };
    const forwarder = createForwarder({ store: s, sinks: [slow], logger: silentLogger, retry: TEST_RETRY });
    forwarder.start();
    await appendEvents(s, 2, () => forwarder.notify(), 2);
    await appendEvents(s, 2, () => forwarder.notify(), 2);
    release();
    await waitFor('all 4', () => got.length === 4);
    expect(got).toEqual([1, 2, 3, 4]);
    await forwarder.stop();
  });

  it('drains within its deadline and never throws, even when the store is gone', async () => {
    const s = await store();
    await appendEvents(s, 3);
    const forwarder = createForwarder({ store: s, sinks: [stuckSink('stuck')], logger: silentLogger, retry: TEST_RETRY });
    const started = Date.now();
    expect(await forwarder.drain(150)).toEqual([{ name: 'stuck', cursor: 0, pending: 3 }]);
    expect(Date.now() - started).toBeLessThan(1000);
    await s.close();
    const [status] = await forwarder.drain(50);
    expect(status).toMatchObject({ name: 'stuck', lastError: { code: 'AUDIT_UNAVAILABLE' } });
  });

  it('refuses two sinks with one name: they would share a cursor and skip records', async () => {
    const s = await store();
    expect(() => createForwarder({ store: s, sinks: [memorySink('a'), memorySink('a')], logger: silentLogger, retry: TEST_RETRY })).toThrow(
      expect.objectContaining({ code: 'CONFIG_INVALID', message: expect.stringContaining('"a"') }),
    );
  });
});
