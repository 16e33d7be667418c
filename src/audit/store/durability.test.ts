import { spawn } from 'node:child_process';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { openSigningKey, verifyLog } from '../chain/index.js';
import { openSqliteStore } from './sqlite-store.js';

/**
 * The durability promise: an event whose append resolved is on disk. A real process
 * appends a 200k-event burst and prints each acknowledged id; it is killed with SIGKILL
 * half way; every id it printed must be in the store, and the chain must verify.
 */
describe('sqlite store durability', () => {
  const dirs: string[] = [];
  afterAll(async () => {
    for (const d of dirs) await rm(d, { recursive: true, force: true });
  });

  // Far more than can be written before the kill lands, however slowly the test reads.
  const BURST = 200_000;
  it('loses nothing acknowledged when airlock is killed with SIGKILL mid-burst, and the chain verifies', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'airlock-kill9-'));
    dirs.push(dir);
    const db = join(dir, 'audit.db');
    const keyFile = join(dir, 'key.pem');
    const child = spawn(process.execPath, ['--import', 'tsx', 'test/fixtures/audit-burst.ts', db, keyFile, String(BURST), '64'], { stdio: ['ignore', 'pipe', 'inherit'] });
    const acked: string[] = [];
    let buffered = '';
    const exited = new Promise<NodeJS.Signals | null>((resolve) => child.on('exit', (_code, signal) => resolve(signal)));
    await new Promise<void>((resolve) => {
      child.stdout.on('data', (chunk: Buffer) => {
        buffered += chunk.toString();
        const lines = buffered.split('\n');
        buffered = lines.pop() ?? '';
        acked.push(...lines);
        if (acked.length >= 4000 && child.exitCode === null && !child.killed) {
          child.kill('SIGKILL');
          resolve();
        }
      });
      child.on('exit', () => resolve());
    });
    expect(await exited).toBe('SIGKILL');
    expect(acked).not.toContain('done');
    expect(acked.length).toBeGreaterThanOrEqual(4000);

    const signer = await openSigningKey(keyFile);
    const store = await openSqliteStore(db, { signer, nowMs: Date.now });
    const records = await store.read(0, 100_000);
    const ids = new Set(records.map((r) => r.event.id));
    const lost = acked.filter((id) => !ids.has(id));
    expect(lost).toEqual([]);
    expect(records.length).toBeLessThan(BURST);
    const report = verifyLog(records, await store.checkpoints(), signer.publicKeyPem);
    expect(report.ok).toBe(true);
    expect(report.checkpoints).toBeGreaterThan(0);
    // The store carries on after the crash: the chain continues from where it stopped.
    const [next] = await store.append([{ type: 'audit.recovered', time: new Date().toISOString(), sessionId: 'burst' }]);
    expect(next?.seq).toBe(records.length + 1);
    expect(verifyLog(await store.read(0, 100_000), await store.checkpoints(), signer.publicKeyPem).ok).toBe(true);
    await store.close();
  }, 60_000);
});
