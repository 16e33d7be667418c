import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { ImageRecordSchema, readImageRecord, writeFileAtomic } from './record.js';

const dir = mkdtempSync(join(tmpdir(), 'airlock-record-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

const ID = `sha256:${'a'.repeat(64)}`;
const RECORD = {
  schemaVersion: 1,
  tool: 'gemini',
  package: { name: '@google/gemini-cli', version: '0.61.0', integrity: `sha512-${'A'.repeat(86)}==`, installScripts: false },
  image: { reference: 'airlock/tool-gemini:0.61.0', id: ID, user: '1000:1000', installDir: '/opt/airlock/tools/gemini', bins: ['gemini'] },
  base: { reference: 'airlock/base:bookworm', digest: `sha256:${'b'.repeat(64)}` },
  lockfileSha256: 'c'.repeat(64),
  sbomSha256: 'd'.repeat(64),
  filesSha256: 'e'.repeat(64),
  packages: 7,
  builtAt: '2026-11-24T07:20:55.216Z',
};

describe('ImageRecordSchema', () => {
  it('accepts a record', () => {
    expect(ImageRecordSchema.parse(RECORD)).toEqual(RECORD);
  });

  it.each([
    ['an unknown key', { ...RECORD, extra: 1 }],
    ['a root user', { ...RECORD, image: { ...RECORD.image, user: '0:0' } }],
    ['an image id that is not sha256', { ...RECORD, image: { ...RECORD.image, id: 'abc' } }],
    ['a short hash', { ...RECORD, sbomSha256: 'd'.repeat(63) }],
    ['a build time that is not ISO 8601', { ...RECORD, builtAt: 'yesterday' }],
    ['a package integrity that is not sha512', { ...RECORD, package: { ...RECORD.package, integrity: 'sha1-abc' } }],
  ])('refuses %s', (_n, value) => {
    expect(ImageRecordSchema.safeParse(value).success).toBe(false);
  });
});

describe('readImageRecord', () => {
  it('reads back what was written, undefined when absent, an error when damaged', async () => {
    const file = join(dir, 'image.json');
    expect(await readImageRecord(file)).toBeUndefined();
    await writeFileAtomic(file, JSON.stringify(RECORD));
    expect(await readImageRecord(file)).toEqual(RECORD);
    writeFileSync(file, '{"schemaVersion":1}');
    await expect(readImageRecord(file)).rejects.toMatchObject({ code: 'IMAGE_BUILD_FAILED', message: expect.stringContaining('is not an image record') });
    writeFileSync(file, '{');
    await expect(readImageRecord(file)).rejects.toMatchObject({ message: expect.stringContaining('is not JSON') });
  });
});
