import { createHash } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { AirlockError } from '../../core/index.js';
import type { AuditEvent } from '../event.js';
import { FIRST_SEQ, GENESIS_HASH, chainRecord, createLinker, hashRecord, linkAfter } from './chain.js';
import { canonicalize } from '../../core/index.js';
import { measureRate, sampleChain, sampleEvent } from './test-events.js';

const sha256hex = (text: string) => createHash('sha256').update(text, 'utf8').digest('hex');

describe('hash chain', () => {
  it('starts at FIRST_SEQ after 64 zeros and hashes canonicalize({ seq, prevHash, event })', () => {
    const event = sampleEvent(0);
    const first = chainRecord(undefined, event);
    expect(first.seq).toBe(FIRST_SEQ);
    expect(first.prevHash).toBe('0'.repeat(64));
    expect(first.prevHash).toBe(GENESIS_HASH);
    expect(first.hash).toBe(sha256hex(canonicalize({ seq: first.seq, prevHash: GENESIS_HASH, event })));
  });

  it('links each record to the one before with seq + 1', () => {
    const [a, b, c] = sampleChain(3) as [ReturnType<typeof chainRecord>, ReturnType<typeof chainRecord>, ReturnType<typeof chainRecord>];
    expect([a.seq, b.seq, c.seq]).toEqual([1, 2, 3]);
    expect(b.prevHash).toBe(a.hash);
    expect(c.prevHash).toBe(b.hash);
    expect(c.hash).toBe(sha256hex(canonicalize({ seq: 3, prevHash: b.hash, event: c.event })));
  });

  it('links a batch with createLinker exactly as record by record, after a checked link only', () => {
    const records = sampleChain(6);
    const texts = records.map((r) => canonicalize(r.event));
    const fromStart = createLinker(undefined);
    expect(texts.map((t) => fromStart(t))).toEqual(records.map((r) => ({ seq: r.seq, prevHash: r.prevHash, hash: r.hash })));
    const fromThird = createLinker(records[2]);
    expect(texts.slice(3).map((t) => fromThird(t))).toEqual(records.slice(3).map((r) => ({ seq: r.seq, prevHash: r.prevHash, hash: r.hash })));
    expect(linkAfter(records[4], texts[5] as string)).toEqual({ seq: 6, prevHash: records[4]?.hash, hash: records[5]?.hash });
    for (const bad of [{ seq: 0, hash: GENESIS_HASH }, { seq: 1.5, hash: GENESIS_HASH }, { seq: 2, hash: 'A'.repeat(64) }, { seq: 2, hash: 'abc' }]) {
      expect(() => createLinker(bad)).toThrow(expect.objectContaining({ code: 'INTERNAL' }));
    }
  });

  it('hashes with the fast path exactly as the generic canonical form, for awkward events too', () => {
    const events: AuditEvent[] = [
      sampleEvent(5),
      { type: 'x.y', time: '2024-01-01T00:00:00Z', sessionId: 's', 'é': 'ü', '\u0001': [1e21, -0, 0.1], nested: { z: null, a: [{}] } },
    ];
    for (const event of events) {
      const record = chainRecord({ seq: 41, hash: 'ab'.repeat(32) }, event);
      expect(record.hash).toBe(sha256hex(canonicalize({ seq: 42, prevHash: 'ab'.repeat(32), event })));
      expect(hashRecord(42, 'ab'.repeat(32), event)).toBe(record.hash);
    }
  });

  it('takes the generic path for a tampered seq or prevHash and still gives canonical bytes', () => {
    const event = sampleEvent(1);
    expect(hashRecord(2.5, 'not-hex"', event)).toBe(sha256hex(canonicalize({ seq: 2.5, prevHash: 'not-hex"', event })));
  });

  it('changes the hash when any field changes (near misses of one character)', () => {
    const event = sampleEvent(9);
    const base = hashRecord(10, GENESIS_HASH, event);
    expect(hashRecord(11, GENESIS_HASH, event)).not.toBe(base);
    expect(hashRecord(10, `1${GENESIS_HASH.slice(1)}`, event)).not.toBe(base);
    expect(hashRecord(10, GENESIS_HASH, { ...event, rule: 'allow-npn' })).not.toBe(base);
    // Member order is not content: the same event built in another order hashes the same.
    const reordered = Object.fromEntries(Object.entries(event).reverse()) as AuditEvent;
    expect(hashRecord(10, GENESIS_HASH, reordered)).toBe(base);
  });

  it('keeps its own canonical copy, so a caller changing its event later cannot break the record', () => {
    const event = sampleEvent(3);
    const record = chainRecord(undefined, event);
    event.rule = 'changed';
    (event.http as { status: number }).status = 500;
    expect(record.event.rule).toBe('allow-npm');
    expect(hashRecord(record.seq, record.prevHash, record.event)).toBe(record.hash);
  });

  it.each([
    ['an event that is not JSON data', undefined, { ...sampleEvent(0), when: new Date() }, /\$\.when/],
    ['a previous record without a hex hash', { seq: 1, hash: 'zz' }, sampleEvent(0), /SHA-256 hex hash/],
    ['a previous record with seq 0', { seq: 0, hash: GENESIS_HASH }, sampleEvent(0), /integer seq/],
  ])('refuses %s with AirlockError INTERNAL', (_name, prev, event, message) => {
    expect(() => chainRecord(prev, event as AuditEvent)).toThrow(AirlockError);
    expect(() => chainRecord(prev, event as AuditEvent)).toThrow(message);
  });

  it('appends fast (rate printed; targets live in bench/)', () => {
    const n = 50_000;
    const events = Array.from({ length: n }, (_, i) => sampleEvent(i));
    for (let i = 0; i < 2000; i++) chainRecord(undefined, events[i] as AuditEvent); // warm up
    let prev: { seq: number; hash: string } | undefined;
    const rate = measureRate(n, () => {
      for (const event of events) prev = chainRecord(prev, event);
    });
    console.log(`chainRecord: ${rate}`);
    expect(prev?.seq).toBe(n);
  });
});
