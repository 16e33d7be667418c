import { generateKeyPairSync } from 'node:crypto';
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { freePort, startPostgres } from '../../../test/postgres-harness.js';
import type { PostgresCluster } from '../../../test/postgres-harness.js';
import { createCheckpointSigner, verifyLog } from '../chain/index.js';
import { openPostgresStore } from './postgres-store.js';
import { contractEvent, describeAuditStoreContract } from './store.contract.js';
import type { AuditStore } from './types.js';

let cluster: PostgresCluster;
let databases = 0;
/** A fresh, empty database: each test gets its own store. */
const freshDatabase = async (): Promise<string> => {
  const name = `audit_${++databases}`;
  await cluster.createDatabase(name);
  return name;
};

beforeAll(async () => {
  cluster = await startPostgres();
});
afterAll(async () => {
  await cluster?.stop();
});

describeAuditStoreContract('postgres', async () => {
  const url = cluster.url(await freshDatabase());
  return {
    open: (options) => openPostgresStore(url, options),
    async exec(sql, params = []) {
      const client = new pg.Client({ connectionString: url });
      await client.connect();
      try {
        await client.query(sql, [...params]);
      } finally {
        await client.end();
      }
    },
    cleanup: async () => undefined,
  };
});

describe('postgres store', () => {
  const signer = createCheckpointSigner(generateKeyPairSync('ed25519').privateKey);
  const options = { signer, cadence: { everyEvents: 100, everySeconds: 3600 }, nowMs: () => Date.now() };
  const opened: AuditStore[] = [];
  const open = async (url: string, extra: { password?: () => Promise<string> } = {}): Promise<AuditStore> => {
    const store = await openPostgresStore(url, { ...options, ...extra });
    opened.push(store);
    return store;
  };
  afterAll(async () => {
    for (const store of opened) await store.close();
  });

  it('names its location without the password, and takes the password from a function', async () => {
    const name = await freshDatabase();
    const store = await open(cluster.url(name));
    expect(store.kind).toBe('postgres');
    expect(store.location).toBe(`postgres://airlock@127.0.0.1:${cluster.port}/${name}`);
    expect(store.location).not.toContain(cluster.password);
    const bare = `postgres://airlock@127.0.0.1:${cluster.port}/${name}`;
    const viaFunction = await open(bare, { password: () => Promise.resolve(cluster.password) });
    await viaFunction.append([contractEvent(1)]);
    expect(await store.head()).toMatchObject({ seq: 1 });
    const wrong = openPostgresStore(bare, { ...options, password: () => Promise.resolve('not-the-password-123') });
    await expect(wrong).rejects.toMatchObject({ code: 'AUDIT_UNAVAILABLE', message: expect.stringContaining('password authentication failed') });
    await expect(wrong).rejects.not.toMatchObject({ message: expect.stringContaining('not-the-password-123') });
  });

  it('says AUDIT_UNAVAILABLE, naming host:port and not the password, when the server is unreachable', async () => {
    const port = await freePort();
    const failure = openPostgresStore(`postgres://airlock:hunter2secret@127.0.0.1:${port}/audit`, options);
    await expect(failure).rejects.toMatchObject({ code: 'AUDIT_UNAVAILABLE', message: expect.stringContaining(`127.0.0.1:${port}`) });
    await expect(failure).rejects.not.toMatchObject({ message: expect.stringContaining('hunter2secret') });
  });

  it('rejects appends and reads with AUDIT_UNAVAILABLE once the database refuses connections', async () => {
    const name = await freshDatabase();
    const store = await open(cluster.url(name));
    await store.append([contractEvent(1)]);
    await cluster.cutOff(name);
    await expect(store.append([contractEvent(2)])).rejects.toMatchObject({ code: 'AUDIT_UNAVAILABLE', message: expect.stringContaining(`cannot write the audit store postgres://airlock@127.0.0.1:${cluster.port}/${name}`) });
    await expect(store.read(0, 10)).rejects.toMatchObject({ code: 'AUDIT_UNAVAILABLE' });
  });

  it('keeps one chain when two stores (two pools, as two processes) append 500 events each at once', async () => {
    const url = cluster.url(await freshDatabase());
    // Opened at once, as two processes starting together would: both create the schema.
    const stores = await Promise.all([open(url), open(url)]);
    // Ten writers per store, each appending one event at a time: many small commits that contend for the write lock.
    const writer = async (store: AuditStore, from: number) => {
      for (let i = 0; i < 50; i++) await store.append([contractEvent(from + i)]);
    };
    await Promise.all(stores.flatMap((store, s) => Array.from({ length: 10 }, (_, w) => writer(store, s * 1000 + w * 50))));
    const [a, b] = stores as [AuditStore, AuditStore];
    await a.checkpoint();
    const records = await b.read(0, 10_000);
    expect(records.map((r) => r.seq)).toEqual(Array.from({ length: 1000 }, (_, i) => i + 1));
    expect(new Set(records.map((r) => r.event.id)).size).toBe(1000);
    const fromA = records.map((r) => Number(String(r.event.id).slice(4)) < 1000);
    expect(fromA.filter((x, i) => i > 0 && x !== fromA[i - 1]).length, 'the two stores\' commits interleave').toBeGreaterThan(2);
    expect(verifyLog(records, await b.checkpoints(), signer.publicKeyPem)).toMatchObject({ ok: true, records: 1000 });
  });

  it('still commits when the database turned synchronous_commit off (each commit turns it back on)', async () => {
    const name = await freshDatabase();
    const admin = new pg.Client({ connectionString: cluster.url(name) });
    await admin.connect();
    await admin.query(`ALTER DATABASE ${name} SET synchronous_commit = off`);
    await admin.end();
    const store = await open(cluster.url(name));
    await store.append([contractEvent(1), contractEvent(2)]);
    expect(await store.head()).toMatchObject({ seq: 2 });
  });

  it('stores an event whose strings hold U+0000, which PostgreSQL text cannot', async () => {
    const store = await open(cluster.url(await freshDatabase()));
    await store.append([contractEvent(1, { repo: '/src/a\u0000b', host: 'x\u0000y' })]);
    const records = await store.read(0, 10);
    expect(records[0]?.event).toMatchObject({ repo: '/src/a\u0000b', host: 'x\u0000y' });
    expect(verifyLog(records, [], signer.publicKeyPem)).toMatchObject({ ok: true, records: 1 });
  });
});
