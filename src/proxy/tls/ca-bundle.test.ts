import { X509Certificate } from 'node:crypto';
import { mkdtemp, rm, writeFile, mkdir } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { AirlockError } from '../../core/index.js';
import { mergeCaBundle, readSystemRoots } from './ca-bundle.js';
import { createSessionCa } from './session-ca.js';

const PEM_BLOCK = /-----BEGIN CERTIFICATE-----[\s\S]+?-----END CERTIFICATE-----/g;

describe('mergeCaBundle', () => {
  const ca = createSessionCa({ nowMs: Date.now(), sessionId: 'bundle-session-0001' });
  const other = createSessionCa({ nowMs: Date.now(), sessionId: 'bundle-session-0002' });

  it('puts the system roots first and the session CA last, each parsing as a certificate', () => {
    const merged = mergeCaBundle(other.certPem, ca.certPem);
    const blocks = merged.match(PEM_BLOCK) ?? [];
    expect(blocks).toHaveLength(2);
    const certs = blocks.map((pem) => new X509Certificate(pem));
    expect(certs[0]?.raw.equals(new X509Certificate(other.certPem).raw)).toBe(true);
    expect(certs[1]?.raw.equals(new X509Certificate(ca.certPem).raw)).toBe(true);
    expect(merged.startsWith(other.certPem)).toBe(true);
    expect(merged.endsWith('\n')).toBe(true);
  });

  it('inserts a newline when the system bundle lacks a final one', () => {
    const system = other.certPem.trimEnd();
    const merged = mergeCaBundle(system, ca.certPem.trimEnd());
    expect(merged).toBe(`${system}\n${ca.certPem.trimEnd()}\n`);
    expect(merged).not.toContain('----------');
    expect((merged.match(PEM_BLOCK) ?? []).map((pem) => new X509Certificate(pem).subject)).toHaveLength(2);
  });

  it('returns only the session CA for an empty system bundle', () => {
    expect(mergeCaBundle('', ca.certPem)).toBe(ca.certPem);
  });

  it('merges with the real system roots into many parseable certificates', async () => {
    const system = await readSystemRoots();
    const blocks = mergeCaBundle(system, ca.certPem).match(PEM_BLOCK) ?? [];
    expect(blocks.length).toBeGreaterThan(10);
    for (const pem of blocks) expect(() => new X509Certificate(pem)).not.toThrow();
    expect(new X509Certificate(blocks.at(-1) ?? '').subject).toContain('Airlock session CA bundle-sessi');
  });
});

describe('readSystemRoots', () => {
  let dir = '';
  beforeAll(async () => {
    dir = await mkdtemp(join(tmpdir(), 'airlock-roots-'));
  });
  afterAll(async () => {
    await rm(dir, { recursive: true, force: true });
  });

  it('returns the first readable bundle that holds a certificate', async () => {
    const ca = createSessionCa({ nowMs: Date.now(), sessionId: 'roots' });
    await writeFile(join(dir, 'empty.crt'), '');
    await writeFile(join(dir, 'good.crt'), ca.certPem);
    await writeFile(join(dir, 'later.crt'), 'not this one');
    await mkdir(join(dir, 'a-dir'));
    const paths = ['missing.crt', 'a-dir', 'empty.crt', 'good.crt', 'later.crt'].map((n) => join(dir, n));
    await expect(readSystemRoots(paths)).resolves.toBe(ca.certPem);
  });

  it('fails with CONFIG_INVALID naming every path tried', async () => {
    const paths = [join(dir, 'nope-1.crt'), join(dir, 'nope-2.crt')];
    const error: unknown = await readSystemRoots(paths).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(AirlockError);
    const airlockError = error as AirlockError;
    expect(airlockError.code).toBe('CONFIG_INVALID');
    expect(airlockError.exitCode).toBe(78);
    for (const path of paths) expect(airlockError.message).toContain(path);
    expect(airlockError.message).toMatch(/ca-certificates/);
    expect(airlockError.details).toEqual(paths.map((p) => `${p}: does not exist`));
  });

  it('tries the standard Linux locations by default', async () => {
    await expect(readSystemRoots()).resolves.toContain('-----BEGIN CERTIFICATE-----');
  });
});
