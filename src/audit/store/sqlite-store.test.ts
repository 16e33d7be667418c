import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { generateKeyPairSync } from 'node:crypto';
import Sqlite from 'better-sqlite3';
import { describe, expect, it } from 'vitest';
import { createCheckpointSigner } from '../chain/index.js';
import { openSqliteStore } from './sqlite-store.js';
import { describeAuditStoreContract } from './store.contract.js';

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
});
