import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { generateKeyPairSync } from 'node:crypto';
import Sqlite from 'better-sqlite3';
import { describe, expect, it } from 'vitest';
import { createCheckpointSigner, verifyLog } from '../chain/index.js';
import { RARE_TYPES, isRareType } from './sqlite-schema.js';
import { openSqliteStore } from './sqlite-store.js';
import { contractEvent, describeAuditStoreContract } from './store.contract.js';

describeAuditStoreContract('sqlite', async () => {
  const dir = await mkdtemp(join(tmpdir(), 'airlock-sqlite-'));
  const path = join(dir, 'audit.db');
  return {
    open: (options) => openSqliteStore(path, options),
    async exec(sql, params = []) {
      const db = new Sqlite(path);
      try {
        db.prepare(sql.replace(/\$(\d+)/g, '@p$1')).run(Object.fromEntries(params.map((v, i) => [`p${i + 1}`, v])));
      } finally {
        db.close();
      }
    },
    cleanup: () => rm(dir, { recursive: true, force: true }),
  };
});

describe('sqlite store', () => {
  const options = { signer: createCheckpointSigner(generateKeyPairSync('ed25519').privateKey), nowMs: () => Date.now() };

  it('says clearly when the file cannot be opened', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'airlock-sqlite-'));
    await writeFile(join(dir, 'file'), 'x');
    await expect(openSqliteStore(join(dir, 'file', 'audit.db'), options)).rejects.toMatchObject({ code: 'AUDIT_UNAVAILABLE', message: expect.stringMatching(/cannot open the audit store .*audit\.db/) });
    await writeFile(join(dir, 'junk.db'), 'this is not a database, just some bytes that go on for a while'.repeat(100));
    await expect(openSqliteStore(join(dir, 'junk.db'), options)).rejects.toMatchObject({ code: 'AUDIT_UNAVAILABLE' });
    await rm(dir, { recursive: true, force: true });
  });

  it("keeps the partial type index's term word for word, so a query for other types can use it", async () => {
    const dir = await mkdtemp(join(tmpdir(), 'airlock-sqlite-'));
    const path = join(dir, 'audit.db');
    await (await openSqliteStore(path, options)).close();
    const db = new Sqlite(path, { readonly: true });
    try {
      const sql = (db.prepare("SELECT sql FROM sqlite_schema WHERE name = 'records_rare_type'").get() as { sql: string }).sql;
      expect(sql.endsWith(`WHERE ${RARE_TYPES}`)).toBe(true);
      const plan = db.prepare(`EXPLAIN QUERY PLAN SELECT seq FROM records WHERE type IN ('session.started') AND ${RARE_TYPES} ORDER BY seq`).all() as { detail: string }[];
      expect(plan.map((p) => p.detail).join('; ')).toContain('records_rare_type');
    } finally {
      db.close();
    }
    expect(['session.started', 'dlp.finding', 'net.request.completed', 'net.tunnel.closed', 'credential.used', 'credential.misuse'].map(isRareType)).toEqual([true, true, false, false, false, true]);
    await rm(dir, { recursive: true, force: true });
  });

  it('opens a file at this version without the write lock, so a busy writer does not hold it up', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'airlock-sqlite-'));
    const path = join(dir, 'audit.db');
    const first = await openSqliteStore(path, options);
    await first.append([contractEvent(1)]);
    const writer = new Sqlite(path);
    writer.pragma('busy_timeout = 0');
    writer.exec('BEGIN IMMEDIATE');
    try {
      const started = Date.now();
      const second = await openSqliteStore(path, options);
      expect(Date.now() - started).toBeLessThan(2000); // the store's busy_timeout is 15 s
      expect((await second.read(0, 10)).map((r) => r.seq)).toEqual([1]);
      await second.close();
    } finally {
      writer.exec('ROLLBACK');
      writer.close();
    }
    await first.close();
    await rm(dir, { recursive: true, force: true });
  });
});

/** The tables and indexes a version 1 store had (Airlock before schema 2), for migration tests. */
const V1_LAYOUT = `
DROP TABLE spans; DROP TABLE sessions; DROP INDEX records_rare_type;
CREATE TABLE head (one INTEGER PRIMARY KEY CHECK (one = 1), seq INTEGER NOT NULL, hash TEXT NOT NULL, frontier TEXT NOT NULL, checkpoint_seq INTEGER NOT NULL, checkpoint_ms INTEGER NOT NULL);
INSERT INTO head SELECT * FROM chain_head; DROP TABLE chain_head;
CREATE INDEX records_session ON records (session_id, seq);
CREATE INDEX records_time ON records (time);
CREATE INDEX records_type ON records (type, seq);
UPDATE meta SET value = '1' WHERE key = 'schema';
`;

describe('sqlite store schema versions', () => {
  const signer = createCheckpointSigner(generateKeyPairSync('ed25519').privateKey);
  const options = { signer, nowMs: () => Date.now(), cadence: { everyEvents: 10, everySeconds: 3600 } };
  const layout = (path: string) => {
    const db = new Sqlite(path, { readonly: true });
    try {
      const version = (db.prepare("SELECT value FROM meta WHERE key = 'schema'").get() as { value: string }).value;
      const names = (db.prepare("SELECT name FROM sqlite_schema WHERE type IN ('table', 'index') AND name NOT LIKE 'sqlite_%' ORDER BY name").all() as { name: string }[]).map((r) => r.name);
      return { version, names };
    } finally {
      db.close();
    }
  };

  it('migrates a version 1 file in place: same chain, same answers, and appends carry on', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'airlock-sqlite-v1-'));
    const path = join(dir, 'audit.db');
    const before = await openSqliteStore(path, options);
    for (let i = 0; i < 40; i += 8) await before.append(Array.from({ length: 8 }, (_, j) => contractEvent(i + j)));
    await before.checkpoint();
    const records = await before.read(0, 100);
    await before.close();
    const v1 = new Sqlite(path);
    v1.exec(V1_LAYOUT);
    v1.close();
    expect(layout(path)).toMatchObject({ version: '1', names: expect.arrayContaining(['head', 'records_session', 'records_time', 'records_type']) });

    const store = await openSqliteStore(path, options);
    expect(layout(path)).toEqual({
      version: '2',
      names: ['blobs', 'chain_head', 'checkpoints', 'cursors', 'meta', 'records', 'records_rare_type', 'sessions', 'spans'],
    });
    expect(await store.read(0, 100)).toEqual(records);
    expect(verifyLog(await store.read(0, 100), await store.checkpoints(), signer.publicKeyPem)).toMatchObject({ ok: true, records: 40 });
    const t = (i: number) => contractEvent(i).time;
    expect((await store.query({ sessionId: 'ses-1', since: t(10), until: t(30) })).map((r) => r.event.id)).toEqual(
      records.filter((r) => r.event.sessionId === 'ses-1' && r.event.time >= t(10) && r.event.time < t(30)).map((r) => r.event.id),
    );
    const [next] = await store.append([contractEvent(40)]);
    expect(next).toMatchObject({ seq: 41, prevHash: records[39]?.hash });
    await store.close();
    // A version 1 Airlock that still held the file open cannot commit to it any more.
    const stale = new Sqlite(path);
    expect(() => stale.prepare('INSERT OR REPLACE INTO head (one, seq, hash, frontier, checkpoint_seq, checkpoint_ms) VALUES (1, 0, 0, 0, 0, 0)')).toThrow(/no such table: head/);
    stale.close();
    await rm(dir, { recursive: true, force: true });
  });

  it('refuses a file from a newer Airlock, naming the versions', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'airlock-sqlite-v3-'));
    const path = join(dir, 'audit.db');
    await (await openSqliteStore(path, options)).close();
    const db = new Sqlite(path);
    db.exec("UPDATE meta SET value = '3' WHERE key = 'schema'");
    db.close();
    await expect(openSqliteStore(path, options)).rejects.toMatchObject({ code: 'AUDIT_UNAVAILABLE', message: expect.stringMatching(/schema version 3; this Airlock reads versions 1 and 2: upgrade Airlock/) });
    await rm(dir, { recursive: true, force: true });
  });
});
