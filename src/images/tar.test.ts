import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, readlinkSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { buffer } from 'node:stream/consumers';
import { afterAll, describe, expect, it } from 'vitest';
import type { TarMember } from './tar.js';
import { paxRecord, tarStream } from './tar.js';

const dir = mkdtempSync(join(tmpdir(), 'airlock-tar-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

const longDir = `tool/node_modules/${'@scope/'}${'a-very-long-package-name-'.repeat(4)}`;
const source = join(dir, 'source.js');
writeFileSync(source, 'x'.repeat(1000));

const MEMBERS: TarMember[] = [
  { name: 'Dockerfile', type: 'file', mode: 0o644, size: 5, content: Buffer.from('FROM\n') },
  { name: 'tool', type: 'dir', mode: 0o755, size: 0 },
  { name: 'tool/node_modules', type: 'dir', mode: 0o755, size: 0 },
  { name: 'tool/node_modules/@scope', type: 'dir', mode: 0o755, size: 0 },
  { name: longDir, type: 'dir', mode: 0o755, size: 0 },
  { name: `${longDir}/index.js`, type: 'file', mode: 0o755, size: 1000, source },
  { name: `${longDir}/copy.js`, type: 'hardlink', mode: 0o755, size: 0, target: `${longDir}/index.js` },
  { name: 'bin', type: 'dir', mode: 0o755, size: 0 },
  { name: 'bin/long', type: 'symlink', mode: 0o777, size: 0, target: `/opt/airlock/tools/t/${longDir}/index.js` },
];

describe('tarStream', () => {
  it('writes an archive GNU tar reads back: long names, long link targets, modes, owner root', async () => {
    const archive = await buffer(tarStream(MEMBERS));
    writeFileSync(join(dir, 'a.tar'), archive);
    const out = join(dir, 'out');
    execFileSync('mkdir', [out]);
    execFileSync('tar', ['-xf', join(dir, 'a.tar'), '-C', out]);
    expect(readFileSync(join(out, 'Dockerfile'), 'utf8')).toBe('FROM\n');
    expect(readFileSync(join(out, longDir, 'index.js'), 'utf8')).toBe('x'.repeat(1000));
    expect(statSync(join(out, longDir, 'index.js')).mode & 0o777).toBe(0o755);
    expect(statSync(join(out, longDir, 'copy.js')).ino).toBe(statSync(join(out, longDir, 'index.js')).ino);
    expect(readlinkSync(join(out, 'bin/long'))).toBe(`/opt/airlock/tools/t/${longDir}/index.js`);
    const listing = execFileSync('tar', ['-tvf', join(dir, 'a.tar'), '--numeric-owner']).toString();
    expect(listing.split('\n').filter((l) => l !== '').every((l) => l.includes(' 0/0 '))).toBe(true);
  });

  it('is byte-for-byte the same for the same members', async () => {
    const [a, b] = await Promise.all([buffer(tarStream(MEMBERS)), buffer(tarStream(MEMBERS))]);
    expect(a.equals(b)).toBe(true);
    expect(a.length % 512).toBe(0);
  });

  it('refuses a file that changed size while it was archived', async () => {
    const member: TarMember = { name: 'f', type: 'file', mode: 0o644, size: 10, source };
    await expect(buffer(tarStream([member]))).rejects.toMatchObject({ code: 'IMAGE_BUILD_FAILED' });
  });
});

describe('paxRecord', () => {
  it.each([['path', 'a'], ['path', 'x'.repeat(90)], ['linkpath', 'é'.repeat(200)]])('counts its own length (%s)', (key, value) => {
    const record = paxRecord(key, value);
    expect(Number(record.split(' ')[0])).toBe(Buffer.byteLength(record));
    expect(record.endsWith(`${key}=${value}\n`)).toBe(true);
  });
});
