import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { generateKeyPairSync } from 'node:crypto';
import { AirlockError } from '../../core/index.js';
import type { AuditEvent } from '../event.js';
import { createCheckpointSigner, verifyLog, verifyLogPaged } from '../chain/index.js';
import type { CheckpointCadence } from '../chain/index.js';
import type { AuditStore, StoreOptions } from './types.js';

/** What the contract needs from a store under test: one location, reopened at will. */
export interface StoreHarness {
  /** Opens (another handle on) the same store. */
  open(options: StoreOptions): Promise<AuditStore>;
  /** Raw SQL against the store's tables, parameters written $1, $2, ... (for tampering). */
  exec(sql: string, params?: readonly unknown[]): Promise<void>;
  cleanup(): Promise<void>;
}

/** A full event as sessions write it, distinct per i. */
export function contractEvent(i: number, over: Partial<Record<string, unknown>> = {}): AuditEvent {
  return {
    schema: 'airlock.audit/1',
    id: `evt-${String(i).padStart(6, '0')}`,
    type: i % 5 === 0 ? 'net.request.denied' : 'net.request.completed',
    time: new Date(Date.UTC(2026, 10, 1, 12, 0, 0) + i * 1000).toISOString(),
    sessionId: `ses-${i % 3}`,
    actor: { user: i % 2 === 0 ? 'alice' : 'bob', uid: 1000 + (i % 2), verified: false, host: 'vm' },
    repo: i % 4 === 0 ? '/src/payments' : '/src/web',
    tool: { name: i % 3 === 0 ? 'claude' : 'shell', image: 'airlock/base:bookworm', digest: 'sha256:abc' },
    policyHash: 'f'.repeat(64),
    decision: i % 5 === 0 ? 'denied' : 'allowed',
    host: `host-${i}.example.com`,
    ...over,
  };
}

/**
 * The AuditStore contract: every store runs exactly these tests.
 * `makeHarness` gives a fresh, empty store location for each test.
 */
export function describeAuditStoreContract(name: string, makeHarness: () => Promise<StoreHarness>): void {
  describe(`AuditStore contract: ${name}`, () => {
    const signer = createCheckpointSigner(generateKeyPairSync('ed25519').privateKey);
    let harness: StoreHarness;
    let now: number;
    const opened: AuditStore[] = [];
    const open = async (cadence: CheckpointCadence = { everyEvents: 1000, everySeconds: 3600 }): Promise<AuditStore> => {
      const store = await harness.open({ signer, cadence, nowMs: () => now });
      opened.push(store);
      return store;
    };
    /** verifyLog over the whole log; verifyLogPaged (pages of 7 records) must give the same report. */
    const verifyAll = async (store: AuditStore) => {
      const checkpoints = await store.checkpoints();
      const whole = verifyLog(await store.read(0, 1e9), checkpoints, signer.publicKeyPem);
      expect(await verifyLogPaged((after, limit) => store.read(after, limit), checkpoints, signer.publicKeyPem, 7)).toEqual(whole);
      return whole;
    };
    const fill = async (store: AuditStore, n: number, from = 0) => store.append(Array.from({ length: n }, (_, i) => contractEvent(from + i)));

    beforeEach(async () => {
      now = Date.UTC(2026, 10, 1, 12, 0, 0);
      harness = await makeHarness();
    });
    afterEach(async () => {
      for (const s of opened.splice(0)) await s.close();
      await harness.cleanup();
    });

    it('starts empty', async () => {
      const store = await open();
      expect(await store.head()).toBeUndefined();
      expect(await store.read(0, 10)).toEqual([]);
      expect(await store.checkpoints()).toEqual([]);
      expect(await store.checkpoint()).toBeUndefined();
      expect(await store.getCursor('any')).toBe(0);
    });

    it('chains appended events from seq 1 and reads them back exactly', async () => {
      const store = await open();
      const records = await fill(store, 20);
      expect(records.map((r) => r.seq)).toEqual(Array.from({ length: 20 }, (_, i) => i + 1));
      expect(records[1]?.prevHash).toBe(records[0]?.hash);
      expect(await store.read(0, 100)).toEqual(records);
      expect(await store.read(5, 3)).toEqual(records.slice(5, 8));
      expect(await store.head()).toEqual({ seq: 20, hash: records[19]?.hash });
      expect(records[3]?.event).toEqual(contractEvent(3));
      expect((await verifyAll(store)).ok).toBe(true);
    });

    it('commits concurrent appends as one chain, each caller getting its own records in order', async () => {
      const store = await open();
      const calls = await Promise.all(Array.from({ length: 200 }, (_, i) => store.append([contractEvent(i)])));
      expect(calls.map((c) => c[0]?.event.id)).toEqual(Array.from({ length: 200 }, (_, i) => contractEvent(i).id));
      expect(calls.map((c) => c[0]?.seq)).toEqual(Array.from({ length: 200 }, (_, i) => i + 1));
      expect((await verifyAll(store)).ok).toBe(true);
    });

    it('rejects only the caller whose event is not JSON data', async () => {
      const store = await open();
      const bad = contractEvent(1, { size: 10n });
      const results = await Promise.allSettled([store.append([contractEvent(0)]), store.append([bad]), store.append([contractEvent(2)])]);
      expect(results.map((r) => r.status)).toEqual(['fulfilled', 'rejected', 'fulfilled']);
      expect((results[1] as PromiseRejectedResult).reason).toBeInstanceOf(AirlockError);
      expect((await store.read(0, 10)).map((r) => r.event.id)).toEqual(['evt-000000', 'evt-000002']);
    });

    it('signs a checkpoint every N events and at an explicit checkpoint, never over nothing new', async () => {
      const store = await open({ everyEvents: 10, everySeconds: 3600 });
      await fill(store, 25);
      expect((await store.checkpoints()).map((c) => c.toSeq)).toEqual([10, 20]);
      const last = await store.checkpoint();
      expect(last?.toSeq).toBe(25);
      expect(await store.checkpoint()).toBeUndefined();
      const report = await verifyAll(store);
      expect(report).toMatchObject({ ok: true, records: 25, checkpoints: 3 });
      expect(report.unanchored).toBeUndefined();
    });

    it('signs a checkpoint when T seconds have passed since the last one', async () => {
      const store = await open({ everyEvents: 1000, everySeconds: 60 });
      await fill(store, 3);
      await store.checkpoint();
      await fill(store, 2, 3);
      expect((await store.checkpoints()).map((c) => c.toSeq)).toEqual([3]);
      now += 61_000;
      await fill(store, 1, 5);
      expect((await store.checkpoints()).map((c) => c.toSeq)).toEqual([3, 6]);
    });

    it('carries the chain on after a reopen, and two handles share one chain', async () => {
      const first = await open({ everyEvents: 7, everySeconds: 3600 });
      await fill(first, 10);
      await first.close();
      const a = await open({ everyEvents: 7, everySeconds: 3600 });
      const b = await open({ everyEvents: 7, everySeconds: 3600 });
      await Promise.all([...Array.from({ length: 30 }, (_, i) => a.append([contractEvent(100 + i)])), ...Array.from({ length: 30 }, (_, i) => b.append([contractEvent(200 + i)]))]);
      await a.checkpoint();
      const records = await b.read(0, 1000);
      expect(records.map((r) => r.seq)).toEqual(Array.from({ length: 70 }, (_, i) => i + 1));
      expect(await verifyAll(b)).toMatchObject({ ok: true, records: 70 });
    });

    it('answers queries by time, session, user, repo, tool, decision and type', async () => {
      const store = await open();
      await fill(store, 40);
      const ids = async (q: Parameters<AuditStore['query']>[0]) => (await store.query(q)).map((r) => Number(r.event.id?.toString().slice(4)));
      const t = (i: number) => contractEvent(i).time;
      expect(await ids({ since: t(10), until: t(13) })).toEqual([10, 11, 12]);
      expect(await ids({ sessionId: 'ses-1', limit: 3 })).toEqual([1, 4, 7]);
      expect(await ids({ user: 'alice', repo: '/src/payments', limit: 4 })).toEqual([0, 4, 8, 12]);
      expect(await ids({ tool: 'claude', decision: 'denied' })).toEqual([0, 15, 30]);
      expect(await ids({ types: ['net.request.denied'], newest: true, limit: 2 })).toEqual([30, 35]);
      expect(await ids({ types: [] })).toEqual([]);
      expect(await ids({ afterSeq: 38 })).toEqual([38, 39]);
      expect(await ids({ user: "alice' OR '1'='1" })).toEqual([]);
    });

    it('answers queries the same as a full scan across many commits, two writers and late-timed events', async () => {
      const a = await open();
      const b = await open();
      // Interleaved sessions in separate commits from two handles; some events carry a
      // time older than events committed before them (a slow writer's clock).
      const late = (i: number) => contractEvent(i, { time: contractEvent(i - 30).time, sessionId: 'ses-late', type: i % 2 === 0 ? 'session.started' : 'credential.used' });
      for (let round = 0; round < 6; round++) {
        const from = round * 10;
        await Promise.all([a.append(Array.from({ length: 5 }, (_, i) => contractEvent(from + i))), b.append(Array.from({ length: 5 }, (_, i) => contractEvent(from + 5 + i)))]);
        if (round >= 3) await a.append([late(from + 9)]);
      }
      const all = await a.read(0, 1000);
      const scan = (keep: (e: Record<string, unknown>) => boolean) => all.filter((r) => keep(r.event as Record<string, unknown>)).map((r) => r.seq);
      const seqs = async (q: Parameters<AuditStore['query']>[0]) => (await b.query(q)).map((r) => r.seq);
      const t = (i: number) => contractEvent(i).time;
      expect(await seqs({ since: t(5), until: t(12) })).toEqual(scan((e) => (e.time as string) >= t(5) && (e.time as string) < t(12)));
      expect((await seqs({ since: t(5), until: t(12) })).length).toBeGreaterThan(7);
      expect(await seqs({ since: t(55) })).toEqual(scan((e) => (e.time as string) >= t(55)));
      expect(await seqs({ until: t(3) })).toEqual(scan((e) => (e.time as string) < t(3)));
      expect(await seqs({ sessionId: 'ses-late' })).toEqual(scan((e) => e.sessionId === 'ses-late'));
      expect(await seqs({ sessionId: 'ses-2', since: t(20) })).toEqual(scan((e) => e.sessionId === 'ses-2' && (e.time as string) >= t(20)));
      expect(await seqs({ types: ['session.started'], newest: true, limit: 1 })).toEqual(scan((e) => e.type === 'session.started').slice(-1));
      expect(await seqs({ types: ['credential.used', 'session.started'] })).toEqual(scan((e) => e.type === 'credential.used' || e.type === 'session.started'));
      expect(await seqs({ sessionId: 'no-such-session' })).toEqual([]);
      expect(await seqs({ since: '2099-01-01T00:00:00.000Z' })).toEqual([]);
      expect(await seqs({ until: '2000-01-01T00:00:00.000Z' })).toEqual([]);
    });

    it('keeps blobs by their SHA-256, once', async () => {
      const store = await open();
      const bytes = Buffer.from('diff --git a/x b/x\n+hello\n');
      const digest = await store.putBlob(bytes);
      expect(digest).toMatch(/^sha256:[0-9a-f]{64}$/);
      expect(await store.putBlob(Buffer.from(bytes))).toBe(digest);
      expect((await store.getBlob(digest))?.equals(bytes)).toBe(true);
      expect(await store.getBlob(`sha256:${'0'.repeat(64)}`)).toBeUndefined();
    });

    it('keeps sink cursors, per name, never moving back, across reopen', async () => {
      const store = await open();
      await store.setCursor('syslog', 5);
      await store.setCursor('syslog', 3);
      await store.setCursor('otlp', 9);
      await store.close();
      const again = await open();
      expect(await again.getCursor('syslog')).toBe(5);
      expect(await again.getCursor('otlp')).toBe(9);
    });

    it('refuses appends once closed, with AUDIT_UNAVAILABLE', async () => {
      const store = await open();
      await fill(store, 2);
      await store.close();
      await expect(store.append([contractEvent(9)])).rejects.toMatchObject({ code: 'AUDIT_UNAVAILABLE' });
    });

    describe('tamper evidence: verify names the first bad record', () => {
      const tampered = async (...statements: [string, unknown[]][]) => {
        const store = await open({ everyEvents: 10, everySeconds: 3600 });
        await fill(store, 30);
        await store.checkpoint();
        for (const [sql, params] of statements) await harness.exec(sql, params);
        return (await verifyAll(store)).firstBad;
      };

      it('finds an edited record', async () => {
        const edited = JSON.stringify({ ...contractEvent(11), host: 'evil.example.com' });
        expect(await tampered(['UPDATE records SET event = $1 WHERE seq = $2', [edited, 12]])).toMatchObject({ seq: 12, problem: 'edited' });
      });

      it('finds a deleted record', async () => {
        expect(await tampered(['DELETE FROM records WHERE seq = $1', [7]])).toMatchObject({ seq: 7, problem: 'deleted' });
      });

      it('finds an inserted record', async () => {
        const forged = JSON.stringify(contractEvent(99));
        const insert = "INSERT INTO records (seq, prev_hash, hash, id, time, type, session_id, event) SELECT 15, hash, hash, 'x', 't', 'x', 's', $1 FROM records WHERE seq = $2";
        const finding = await tampered(['UPDATE records SET seq = seq + 1000 WHERE seq >= $1', [15]], ['UPDATE records SET seq = seq - 999 WHERE seq >= $1', [1000]], [insert, [forged, 14]]);
        expect(finding).toMatchObject({ seq: 15, problem: 'inserted' });
      });

      it('finds reordered records', async () => {
        const finding = await tampered(
          ['UPDATE records SET seq = $1 WHERE seq = $2', [-1, 21]],
          ['UPDATE records SET seq = $1 WHERE seq = $2', [21, 22]],
          ['UPDATE records SET seq = $1 WHERE seq = $2', [22, -1]],
        );
        expect(finding).toMatchObject({ seq: 21, problem: 'reordered' });
      });

      it('finds a truncated tail', async () => {
        expect(await tampered(['DELETE FROM records WHERE seq > $1', [26]])).toMatchObject({ seq: 27, problem: 'truncated' });
      });

      it('finds a forged checkpoint', async () => {
        const finding = await tampered(["UPDATE checkpoints SET body = replace(body, '\"toSeq\":10', '\"toSeq\":11') WHERE to_seq = $1", [10]]);
        expect(finding?.problem).toMatch(/checkpoint/);
      });
    });
  });
}
