import { generateKeyPairSync } from 'node:crypto';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { builtInPolicy } from '../../policy/index.js';
import { decideApproval, needsApproval } from './approval.js';
import { approvalSigningKey, loadTrustedCatalog, readCatalog, writeCatalog } from './catalog-file.js';
import { signCatalog, verifyCatalog } from './catalog-sign.js';
import type { CatalogEntry } from './catalog-schema.js';

const entry = (tool: string, digit: string): CatalogEntry => ({
  tool, version: '1.0.0', image: `airlock/tool-${tool}:1.0.0`, digest: `sha256:${digit.repeat(64)}`, sbomSha256: 'c'.repeat(64), approvedAt: '2026-11-24T10:00:00.000Z', approvedBy: 'alice',
});

describe('the signed image catalog', () => {
  const { privateKey, publicKey } = generateKeyPairSync('ed25519');
  const other = generateKeyPairSync('ed25519');
  const dir = mkdtempSync(join(tmpdir(), 'catalog-'));
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  it('verifies what was signed, in one sorted form', () => {
    const signed = signCatalog([entry('b', 'b'), entry('a', 'a')], privateKey);
    expect(signed.entries.map((e) => e.tool)).toEqual(['a', 'b']);
    expect(verifyCatalog(signed, publicKey)).toEqual({ ok: true, entries: signed.entries });
  });

  it.each([
    ['an edited digest', (c: ReturnType<typeof signCatalog>) => { c.entries[0]!.digest = `sha256:${'f'.repeat(64)}`; }],
    ['an added entry', (c: ReturnType<typeof signCatalog>) => { c.entries.push(entry('z', 'e')); }],
    ['a removed entry', (c: ReturnType<typeof signCatalog>) => { c.entries.pop(); }],
  ])('finds %s', (_name, tamper) => {
    const signed = signCatalog([entry('a', 'a'), entry('b', 'b')], privateKey);
    tamper(signed);
    expect(verifyCatalog(signed, publicKey)).toEqual({ ok: false, reason: expect.stringContaining('changed after it was signed') });
  });

  it('refuses a catalog signed by another key, naming both keys', () => {
    const signed = signCatalog([entry('a', 'a')], other.privateKey);
    expect(verifyCatalog(signed, publicKey)).toMatchObject({ ok: false, reason: expect.stringMatching(/signed by key [0-9a-f]{16}, not by the trusted key/) });
  });

  it('round-trips through its file and refuses a malformed one with the path', async () => {
    const file = join(dir, 'catalog.json');
    const signed = signCatalog([entry('a', 'a')], privateKey);
    await writeCatalog(file, signed);
    expect(await readCatalog(file)).toEqual(signed);
    writeFileSync(file, JSON.stringify({ ...signed, entries: [{ ...signed.entries[0], digest: 'latest' }] }));
    await expect(readCatalog(file)).rejects.toMatchObject({ code: 'CONFIG_INVALID', message: expect.stringContaining('entries.0.digest') });
    expect(await readCatalog(join(dir, 'absent.json'))).toBeUndefined();
  });

  it('trusts this machine\'s approval key, made on first approval, unless the policy names the organisation\'s', async () => {
    const home = join(dir, 'home');
    const images = { requireApproval: 'packaged' as const };
    expect(await loadTrustedCatalog(home, images)).toMatchObject({ ok: false, reason: expect.stringContaining('no catalog') });
    const key = await approvalSigningKey(home, images, undefined);
    await writeCatalog(join(home, 'images', 'catalog.json'), signCatalog([entry('a', 'a')], key));
    expect(await loadTrustedCatalog(home, images)).toMatchObject({ ok: true });
    const orgPub = join(dir, 'org.pub.pem');
    writeFileSync(orgPub, publicKey.export({ type: 'spki', format: 'pem' }));
    const withOrg = { ...images, publicKeyFile: orgPub };
    expect(await loadTrustedCatalog(home, withOrg)).toMatchObject({ ok: false, reason: expect.stringContaining('not by the trusted key') });
    await expect(approvalSigningKey(home, withOrg, undefined)).rejects.toMatchObject({ code: 'USAGE', message: expect.stringContaining('--key') });
    expect(readFileSync(join(home, 'images', 'approval-key.pem'), 'utf8')).toContain('PRIVATE KEY');
  });
});

describe('approval decisions', () => {
  const policy = builtInPolicy();
  const trusted = { ok: true as const, entries: [entry('claude', 'a')], file: '/c.json', keySource: '/k.pem' };

  it('requires approval for packaged tools by default, for every tool under "all", never for exec', () => {
    expect(needsApproval(policy.images, policy.tools.claude)).toBe(true);
    expect(needsApproval(policy.images, policy.tools.shell)).toBe(false);
    expect(needsApproval({ requireApproval: 'all' }, policy.tools.shell)).toBe(true);
    expect(needsApproval({ requireApproval: 'all' }, undefined)).toBe(false);
  });

  it('allows the approved digest for that tool only', () => {
    expect(decideApproval(trusted, 'claude', 'img', `sha256:${'a'.repeat(64)}`)).toMatchObject({ allow: true });
    expect(decideApproval(trusted, 'codex', 'img', `sha256:${'a'.repeat(64)}`)).toMatchObject({ allow: false, message: expect.stringContaining('no image of it is approved') });
  });

  it('denies another digest, naming the tool, what is approved and how to approve', () => {
    const d = decideApproval(trusted, 'claude', 'airlock/tool-claude:2', `sha256:${'b'.repeat(64)}`);
    expect(d).toMatchObject({ allow: false, code: 'IMAGE_NOT_APPROVED' });
    expect(!d.allow && d.message).toMatch(/tool "claude" image airlock\/tool-claude:2 \(sha256:bbbbbbbbbbbb\) is not in the approved catalog .*approved: 1\.0\.0 sha256:aaaa.*airlock images approve claude/);
  });

  it('denies everything when the catalog cannot be trusted', () => {
    const d = decideApproval({ ok: false, reason: 'its signature does not match', file: '/c.json', keySource: null }, 'claude', 'img', `sha256:${'a'.repeat(64)}`);
    expect(!d.allow && d.message).toContain('the catalog cannot be trusted: its signature does not match');
  });
});
