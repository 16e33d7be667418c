import { generateKeyPairSync } from 'node:crypto';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { AirlockError, silentLogger } from '../core/index.js';
import { createCheckpointSigner, verifyLog } from './chain/index.js';
import type { EventContext } from './envelope.js';
import { openSqliteStore } from './store/sqlite-store.js';
import type { AuditStore } from './store/types.js';
import { createAuditWriter } from './writer.js';
import type { AuditWriterOptions } from './writer.js';

const context: EventContext = {
  sessionId: 'ses-1',
  actor: { user: 'alice', uid: 1000, verified: false, host: 'vm' },
  policyHash: 'a'.repeat(64),
  tool: { name: 'shell', version: null, image: 'airlock/base:bookworm', digest: 'sha256:' + 'b'.repeat(64) },
  repo: '/src/app',
  driver: 'docker',
};

/** A real store that can be switched off, like a disk that fills up or a server that goes away. */
function flaky(store: AuditStore): AuditStore & { down: boolean } {
  const wrapper = Object.create(store) as AuditStore & { down: boolean };
  wrapper.down = false;
  wrapper.append = (events) => (wrapper.down ? Promise.reject(new AirlockError('AUDIT_UNAVAILABLE', 'disk full')) : store.append(events));
  return wrapper;
}

describe('audit writer', () => {
  const signer = createCheckpointSigner(generateKeyPairSync('ed25519').privateKey);
  let dir: string;
  let store: AuditStore & { down: boolean };
  let ids = 0;
  const unavailable: AirlockError[] = [];
  const writer = (over: Partial<AuditWriterOptions> = {}) =>
    createAuditWriter({ store, context, failMode: 'closed', newId: () => `evt-${ids++}`, logger: silentLogger, onUnavailable: (e) => unavailable.push(e), retry: { initialMs: 5, maxMs: 40 }, ...over });
  const event = (i: number) => ({ type: 'net.request.completed', time: new Date(1_700_000_000_000 + i).toISOString(), sessionId: 'spoofed', method: 'GET', host: `h${i}.example.com`, n: i });

  beforeEach(async () => {
    dir = await mkdtemp(join(tmpdir(), 'airlock-writer-'));
    store = flaky(await openSqliteStore(join(dir, 'audit.db'), { signer, nowMs: Date.now }));
    unavailable.length = 0;
  });
  afterEach(async () => {
    await store.close();
    await rm(dir, { recursive: true, force: true });
  });

  it('stamps every event with the session context, which event fields cannot overwrite', async () => {
    const w = writer();
    const record = await w.record({ ...event(1), actor: { user: 'mallory' }, repo: '/elsewhere', decision: 'allow', skipped: undefined });
    expect(record.event).toMatchObject({ schema: 'airlock.audit/1', id: 'evt-0', sessionId: 'ses-1', actor: context.actor, repo: '/src/app', tool: context.tool, policyHash: context.policyHash, classUid: 4002, activityId: 3, decision: 'allow', n: 1 });
    expect('skipped' in record.event).toBe(false);
    await w.close();
  });

  it('fail closed: the first failure stops accepting and is reported once; order survives the outage', async () => {
    const w = writer();
    await w.record(event(0));
    store.down = true;
    for (let i = 1; i <= 10; i++) w.write(event(i));
    await expect.poll(() => unavailable.length).toBe(1);
    expect(w.accepting).toBe(false);
    expect(unavailable[0]?.code).toBe('AUDIT_UNAVAILABLE');
    store.down = false;
    await w.flush();
    const records = await store.read(0, 100);
    expect(records.map((r) => r.event.n)).toEqual([0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10]);
    expect(verifyLog(records, await store.checkpoints(), signer.publicKeyPem).ok).toBe(true);
    expect(unavailable).toHaveLength(1);
    await w.close();
  });

  it('fail open: keeps accepting while the store is down and writes everything when it is back', async () => {
    const w = writer({ failMode: 'open' });
    store.down = true;
    for (let i = 0; i < 50; i++) w.write(event(i));
    await expect.poll(() => unavailable.length).toBe(1);
    expect(w.accepting).toBe(true);
    store.down = false;
    await w.flush();
    expect((await store.read(0, 100)).map((r) => r.event.n)).toEqual(Array.from({ length: 50 }, (_, i) => i));
    await w.close();
    expect(w.unwritten).toBe(0);
  });

  it('fail open: stops accepting when more events wait than it may hold', async () => {
    const w = writer({ failMode: 'open', maxSpooled: 20 });
    store.down = true;
    for (let i = 0; i < 25; i++) w.write(event(i));
    expect(w.accepting).toBe(false);
    expect(unavailable[0]?.message).toMatch(/more than the 20 fail-open holds/);
    await w.close();
    expect(w.unwritten).toBe(25);
  });

  it('close gives up on a store that stays down, counting what was not written', async () => {
    const w = writer();
    store.down = true;
    const pending = w.record(event(1));
    w.write(event(2));
    await w.close();
    await expect(pending).rejects.toMatchObject({ code: 'AUDIT_UNAVAILABLE' });
    expect(w.unwritten).toBe(2);
  });

  it('drops only an event that is not JSON data, keeping the rest in order', async () => {
    const w = writer();
    w.write(event(1));
    const bad = w.record({ ...event(2), size: 10n });
    w.write(event(3));
    await expect(bad).rejects.toMatchObject({ code: 'INTERNAL' });
    await w.flush();
    expect((await store.read(0, 10)).map((r) => r.event.n)).toEqual([1, 3]);
    await w.close();
  });

  it('writes share a commit within the interval; record(), flush() and close() do not wait it out', async () => {
    const commits: number[] = [];
    const counting = Object.create(store) as AuditStore;
    counting.append = (events) => {
      commits.push(events.length);
      return store.append(events);
    };
    // An interval no test could wait out: only the rules above end a pause early.
    const w = writer({ store: counting, commitIntervalMs: 600_000 });
    // Each step waits a moment first, so the writer is already pausing when it comes.
    const moment = () => new Promise((resolve) => setTimeout(resolve, 20));
    await w.record(event(0));
    w.write(event(1));
    await moment();
    w.write(event(2));
    await moment();
    await w.record(event(3));
    w.write(event(4));
    await moment();
    await w.flush();
    w.write(event(5));
    await moment();
    await w.close();
    expect(commits).toEqual([1, 3, 1, 1]);
    expect((await store.read(0, 10)).map((r) => r.event.n)).toEqual([0, 1, 2, 3, 4, 5]);
  });
});
