import { mkdtemp, readFile, rm, stat, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { chainRecord, hashRecord } from '../chain/index.js';
import type { ChainedRecord } from '../chain/index.js';
import { openJsonlTarget } from './jsonl.js';
import { testEvent } from './test-kit.js';

const dirs: string[] = [];
afterEach(async () => {
  for (const dir of dirs.splice(0)) await rm(dir, { recursive: true, force: true });
});

async function tempDir(): Promise<string> {
  const dir = await mkdtemp(join(tmpdir(), 'airlock-jsonl-'));
  dirs.push(dir);
  return dir;
}

function chain(n: number): ChainedRecord[] {
  const records: ChainedRecord[] = [];
  for (let i = 0; i < n; i++) records.push(chainRecord(records.at(-1), testEvent(i)));
  return records;
}

async function linesOf(path: string): Promise<ChainedRecord[]> {
  const text = await readFile(path, 'utf8');
  expect(text.endsWith('\n')).toBe(true);
  return text.trimEnd().split('\n').map((line) => JSON.parse(line) as ChainedRecord);
}

const mode = async (path: string) => (await stat(path)).mode & 0o777;

describe('JSONL sink', () => {
  it('rotates before a file would pass maxBytes, keeps `keep` files, drops the oldest, and the files verify as a chain', async () => {
    const path = join(await tempDir(), 'logs', 'audit.jsonl');
    const sink = openJsonlTarget({ name: 'file', path, maxBytes: 4096, keep: 2 });
    const records = chain(40);
    for (let i = 0; i < records.length; i += 5) await sink.deliver(records.slice(i, i + 5));
    await sink.close();

    await expect(stat(`${path}.3`)).rejects.toMatchObject({ code: 'ENOENT' });
    const files = [`${path}.2`, `${path}.1`, path];
    for (const file of files) {
      expect((await stat(file)).size).toBeLessThanOrEqual(4096);
      expect(await mode(file)).toBe(0o600);
    }
    expect(await mode(join(path, '..'))).toBe(0o700);
    const kept = (await Promise.all(files.map(linesOf))).flat();
    // Oldest first across the files, contiguous, ending with the last record: older ones were dropped.
    expect(kept.map((r) => r.seq)).toEqual(records.slice(records.length - kept.length).map((r) => r.seq));
    expect(kept.length).toBeLessThan(records.length);
    for (const [i, r] of kept.entries()) {
      expect(Object.keys(r)).toEqual(['seq', 'prevHash', 'hash', 'event']);
      expect(r.hash).toBe(hashRecord(r.seq, r.prevHash, r.event));
      if (i > 0) expect(r.prevHash).toBe(kept[i - 1]?.hash);
    }
  });

  it('appends to an existing file and narrows its mode to 0600', async () => {
    const path = join(await tempDir(), 'audit.jsonl');
    await writeFile(path, '', { mode: 0o644 });
    const records = chain(3);
    const first = openJsonlTarget({ name: 'file', path, maxBytes: 1 << 20, keep: 5 });
    await first.deliver(records.slice(0, 2));
    await first.close();
    const second = openJsonlTarget({ name: 'file', path, maxBytes: 1 << 20, keep: 5 });
    await second.deliver(records.slice(2));
    await second.close();
    expect((await linesOf(path)).map((r) => r.seq)).toEqual([1, 2, 3]);
    expect(await mode(path)).toBe(0o600);
  });

  it('keeps no rotated file with keep 0, and gives a line longer than maxBytes a file of its own', async () => {
    const path = join(await tempDir(), 'audit.jsonl');
    const sink = openJsonlTarget({ name: 'file', path, maxBytes: 100, keep: 0 });
    await sink.deliver(chain(3));
    await sink.close();
    await expect(stat(`${path}.1`)).rejects.toMatchObject({ code: 'ENOENT' });
    expect((await linesOf(path)).map((r) => r.seq)).toEqual([3]);
  });

  it('rejects with AUDIT_UNAVAILABLE when the file cannot be written, and works once it can', async () => {
    const dir = await tempDir();
    await writeFile(join(dir, 'blocker'), 'x');
    const path = join(dir, 'blocker', 'audit.jsonl');
    const sink = openJsonlTarget({ name: 'file', path, maxBytes: 1 << 20, keep: 1 });
    await expect(sink.deliver(chain(1))).rejects.toMatchObject({ code: 'AUDIT_UNAVAILABLE', message: expect.stringContaining(path) });
    await rm(join(dir, 'blocker'));
    await sink.deliver(chain(1));
    await sink.close();
    expect((await linesOf(path)).map((r) => r.seq)).toEqual([1]);
  });
});
