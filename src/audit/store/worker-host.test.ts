import { mkdtemp, rm, stat, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { ROOT } from '../../../test/helpers.js';
import { openSigningKey, verifyLog } from '../chain/index.js';
import { openSqliteStore } from './sqlite-store.js';
import { contractEvent } from './store.contract.js';
import type { AuditStore } from './types.js';
import { openSqliteStoreInWorker } from './worker-host.js';

/** The built worker (global setup makes sure dist/ exists). */
const WORKER = join(ROOT, 'dist', 'cli', 'audit-store-worker.js');

describe('SQLite store in its own thread', () => {
  let dir: string;
  let store: AuditStore;
  const spec = () => ({ path: join(dir, 'audit.db'), keyPath: join(dir, 'key.pem'), cadence: { everyEvents: 10, everySeconds: 3600 } });

  beforeEach(async () => {
    dir = await mkdtemp(join(tmpdir(), 'airlock-worker-store-'));
    store = openSqliteStoreInWorker(spec(), WORKER);
  });
  afterEach(async () => {
    await store.close();
    await rm(dir, { recursive: true, force: true });
  });

  it('appends with group commit in the thread and gives each caller its records, linked', async () => {
    const calls = await Promise.all(Array.from({ length: 50 }, (_, i) => store.append([contractEvent(i)])));
    expect(calls.map((c) => c[0]?.seq)).toEqual(Array.from({ length: 50 }, (_, i) => i + 1));
    expect(calls[3]?.[0]?.event).toEqual(contractEvent(3));
    expect(calls[4]?.[0]?.prevHash).toBe(calls[3]?.[0]?.hash);
    expect(await store.head()).toEqual({ seq: 50, hash: calls[49]?.[0]?.hash });
  });

  it('copies committed pages into the database file from its checkpointer thread, which starts a second after the store', async () => {
    const file = spec().path;
    await store.append(Array.from({ length: 200 }, (_, i) => contractEvent(i)));
    const before = (await stat(file)).size;
    // 200 events are far below the 1,000 WAL pages at which a commit would checkpoint itself.
    const deadline = Date.now() + 10_000;
    let after = before;
    while (after === before && Date.now() < deadline) {
      await new Promise((resolve) => setTimeout(resolve, 100));
      await store.append([contractEvent(999)]);
      after = (await stat(file)).size;
    }
    expect(after).toBeGreaterThan(before);
  });

  it('answers every other call of the interface, the same as the store in this thread', async () => {
    await store.append(Array.from({ length: 25 }, (_, i) => contractEvent(i)));
    await store.checkpoint();
    const digest = await store.putBlob(Buffer.from('patch bytes'));
    expect((await store.getBlob(digest))?.toString()).toBe('patch bytes');
    await store.setCursor('sink:x', 7);
    expect(await store.getCursor('sink:x')).toBe(7);
    expect((await store.query({ tool: 'claude', decision: 'denied' })).map((r) => r.event.id)).toEqual(['evt-000000', 'evt-000015']);
    expect((await store.checkpoints()).map((c) => c.toSeq)).toEqual([10, 20, 25]);
    await store.close();
    // The thread signed with the key file: the public key from that file verifies it.
    const signer = await openSigningKey(spec().keyPath);
    const direct = await openSqliteStore(spec().path, { signer, nowMs: Date.now });
    expect(verifyLog(await direct.read(0, 100), await direct.checkpoints(), signer.publicKeyPem)).toMatchObject({ ok: true, records: 25, checkpoints: 3 });
    await direct.close();
  });

  it('carries errors across with their codes, and refuses calls once closed', async () => {
    await expect(store.append([contractEvent(1, { n: 10n })])).rejects.toThrow();
    await store.close();
    await expect(store.append([contractEvent(2)])).rejects.toMatchObject({ code: 'AUDIT_UNAVAILABLE' });
  });

  it('says clearly when the store cannot be opened', async () => {
    await writeFile(join(dir, 'file'), 'x');
    const unopenable = openSqliteStoreInWorker({ ...spec(), path: join(dir, 'file', 'audit.db') }, WORKER);
    await expect(unopenable.ready).rejects.toMatchObject({ code: 'AUDIT_UNAVAILABLE', message: expect.stringMatching(/cannot open the audit store/) });
    // Every call says the same, and closing is still clean.
    await expect(unopenable.append([contractEvent(1)])).rejects.toMatchObject({ code: 'AUDIT_UNAVAILABLE', message: expect.stringMatching(/cannot open the audit store/) });
    await unopenable.close();
    const noThread = openSqliteStoreInWorker(spec(), join(dir, 'no-such-worker.js'));
    await expect(noThread.head()).rejects.toMatchObject({ code: 'AUDIT_UNAVAILABLE' });
    await noThread.close();
  });
});
