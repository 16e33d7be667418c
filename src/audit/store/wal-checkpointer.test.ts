import { mkdtemp, rm, stat } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import Sqlite from 'better-sqlite3';
import { describe, expect, it } from 'vitest';
import { startWalCheckpointer } from './wal-checkpointer.js';

describe('startWalCheckpointer', () => {
  it('copies committed WAL frames into the database file from its own connection, and stops', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'airlock-walckpt-'));
    const path = join(dir, 'db');
    const writer = new Sqlite(path);
    writer.pragma('journal_mode = WAL');
    // The writer never checkpoints: only the checkpointer can grow the database file.
    writer.pragma('wal_autocheckpoint = 0');
    writer.exec('CREATE TABLE t (n INTEGER PRIMARY KEY, pad TEXT NOT NULL)');
    const insert = writer.prepare('INSERT INTO t (pad) VALUES (?)');
    for (let i = 0; i < 200; i++) insert.run('x'.repeat(1000));
    const before = (await stat(path)).size;
    const reader = new Sqlite(path);
    const running = startWalCheckpointer(reader, { everyMs: 5, idleMs: 20 });
    try {
      const deadline = Date.now() + 5000;
      while ((await stat(path)).size < before + 150 * 1000 && Date.now() < deadline) await new Promise((resolve) => setTimeout(resolve, 10));
      expect((await stat(path)).size).toBeGreaterThan(before + 150 * 1000);
      // Every frame is in the database file now: a checkpoint finds nothing left to copy.
      const [state] = writer.pragma('wal_checkpoint(PASSIVE)') as { log: number; checkpointed: number }[];
      expect(state?.checkpointed).toBe(state?.log);
    } finally {
      running.stop();
      reader.close();
      writer.close();
      await rm(dir, { recursive: true, force: true });
    }
  });
});
