import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { ROOT } from '../../test/helpers.js';
import { openSqliteStoreInWorker } from '../audit/index.js';
import type { AuditEvent } from '../audit/index.js';
import { prestartStoreThread } from './prestart.js';

/** The built worker (global setup makes sure dist/ exists). */
const WORKER = join(ROOT, 'dist', 'cli', 'audit-store-worker.js');

const event = (i: number): AuditEvent => ({ type: 'net.request.allowed', time: new Date(Date.UTC(2026, 0, 1) + i).toISOString(), sessionId: 's1', host: `h${i}.test` });

describe('prestartStoreThread', () => {
  let dir: string;
  beforeEach(async () => {
    dir = await mkdtemp(join(tmpdir(), 'airlock-prestart-'));
  });
  afterEach(async () => {
    await rm(dir, { recursive: true, force: true });
  });

  it('starts a store thread that opens the store it is handed later, and the store works through it', async () => {
    const early = prestartStoreThread(WORKER);
    await new Promise((resolve) => setTimeout(resolve, 200)); // the thread is up and waiting
    const store = openSqliteStoreInWorker({ path: join(dir, 'audit.db'), keyPath: join(dir, 'key.pem') }, WORKER, early);
    try {
      await store.ready;
      expect(store.location).toBe(join(dir, 'audit.db'));
      const records = await store.append([event(1), event(2)]);
      expect(records.map((r) => r.seq)).toEqual([1, 2]);
      expect((await store.read(0, 10)).map((r) => r.event)).toEqual([event(1), event(2)]);
      expect(await store.head()).toEqual({ seq: 2, hash: records[1]?.hash });
    } finally {
      await store.close();
    }
    expect(early.alive()).toBe(false);
  });

  it('is replaced by a new thread when it has died before the store was known', async () => {
    const early = prestartStoreThread(WORKER);
    await early.worker.terminate();
    expect(early.alive()).toBe(false);
    const store = openSqliteStoreInWorker({ path: join(dir, 'audit.db'), keyPath: join(dir, 'key.pem') }, WORKER, early);
    try {
      expect((await store.append([event(1)]))[0]?.seq).toBe(1);
    } finally {
      await store.close();
    }
  });
});
