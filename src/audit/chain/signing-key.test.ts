import { createPrivateKey, createPublicKey, generateKeyPairSync, verify } from 'node:crypto';
import { chmodSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { inspect } from 'node:util';
import { afterAll, describe, expect, it } from 'vitest';
import { AirlockError } from '../../core/index.js';
import { exportPublicKey, openSigningKey } from './signing-key.js';

const root = mkdtempSync(join(tmpdir(), 'airlock-test-signing-key-'));
afterAll(() => rmSync(root, { recursive: true, force: true }));
let counter = 0;
const freshPath = () => join(root, `home-${++counter}`, 'keys', 'audit-signing.pem');

async function refusal(path: string): Promise<AirlockError> {
  const error: unknown = await openSigningKey(path).then(
    () => undefined,
    (e: unknown) => e,
  );
  expect(error).toBeInstanceOf(AirlockError);
  return error as AirlockError;
}

describe('openSigningKey', () => {
  it('creates an Ed25519 PKCS#8 key on first use: file 0600, new directory 0700, no temp file left', async () => {
    const path = freshPath();
    const signer = await openSigningKey(path);
    expect(statSync(path).mode & 0o777).toBe(0o600);
    expect(statSync(join(path, '..')).mode & 0o777).toBe(0o700);
    const pem = readFileSync(path, 'utf8');
    expect(pem).toMatch(/^-----BEGIN PRIVATE KEY-----\n/);
    expect(createPrivateKey(pem).asymmetricKeyType).toBe('ed25519');
    expect(readdirSync(join(path, '..'))).toEqual(['audit-signing.pem']);
    expect(signer.keyId).toMatch(/^[0-9a-f]{16}$/);
  });

  it('loads the same key on later use', async () => {
    const path = freshPath();
    const first = await openSigningKey(path);
    const again = await openSigningKey(path);
    expect(again.keyId).toBe(first.keyId);
    expect(again.publicKeyPem).toBe(first.publicKeyPem);
  });

  it('gives every concurrent first user the one key that ended up on disk', async () => {
    const path = freshPath();
    const signers = await Promise.all(Array.from({ length: 8 }, () => openSigningKey(path)));
    const onDisk = createPublicKey(createPrivateKey(readFileSync(path))).export({ type: 'spki', format: 'pem' }).toString();
    for (const s of signers) expect(s.publicKeyPem).toBe(onDisk);
    expect(readdirSync(join(path, '..'))).toEqual(['audit-signing.pem']);
  });

  it('signs so that the exported public key verifies', async () => {
    const signer = await openSigningKey(freshPath());
    const data = Buffer.from('checkpoint bytes');
    const pem = exportPublicKey(signer);
    expect(pem).toMatch(/^-----BEGIN PUBLIC KEY-----\n/);
    expect(verify(null, data, createPublicKey(pem), signer.sign(data))).toBe(true);
  });

  it('holds the private key only in a closure: JSON and inspect show no key material', async () => {
    const path = freshPath();
    const signer = await openSigningKey(path);
    const pem = readFileSync(path, 'utf8');
    const der = createPrivateKey(pem).export({ type: 'pkcs8', format: 'der' });
    const seed = der.subarray(der.length - 32); // RFC 8410: the 32-byte private key ends the DER
    const forbidden = [pem, pem.split('\n')[1] as string, seed.toString('hex'), seed.toString('base64'), der.toString('base64')];
    const shown = [JSON.stringify(signer), inspect(signer, { showHidden: true, depth: Infinity, getters: true }), String(signer)];
    for (const text of shown) for (const secret of forbidden) expect(text).not.toContain(secret);
    expect(Object.keys(signer).sort()).toEqual(['keyId', 'publicKeyPem', 'sign']);
    expect(JSON.parse(JSON.stringify(signer))).toEqual({ keyId: signer.keyId, publicKeyPem: signer.publicKeyPem });
    expect(Object.isFrozen(signer)).toBe(true);
  });

  it.each([0o640, 0o604, 0o660, 0o620, 0o644])('refuses a key file with mode %o (CONFIG_INVALID, says how to fix)', async (mode) => {
    const path = freshPath();
    await openSigningKey(path);
    chmodSync(path, mode);
    const error = await refusal(path);
    expect(error.code).toBe('CONFIG_INVALID');
    expect(error.message).toContain(`mode 0${mode.toString(8)}`);
    expect(error.message).toContain(`chmod 600 ${path}`);
  });

  it('accepts a key file made read-only for its owner (0400, near miss)', async () => {
    const path = freshPath();
    const first = await openSigningKey(path);
    chmodSync(path, 0o400);
    expect((await openSigningKey(path)).keyId).toBe(first.keyId);
  });

  const writeKeyFile = (text: string) => {
    const path = freshPath();
    mkdirSync(join(path, '..'), { recursive: true, mode: 0o700 });
    writeFileSync(path, text, { mode: 0o600 });
    return path;
  };

  it.each([
    ['an EC P-256 key', () => generateKeyPairSync('ec', { namedCurve: 'P-256' }).privateKey.export({ type: 'pkcs8', format: 'pem' }).toString(), /is ec, not Ed25519/],
    ['a public key', () => generateKeyPairSync('ed25519').publicKey.export({ type: 'spki', format: 'pem' }).toString(), /not a PEM private key/],
    ['garbage', () => 'not a key\n', /not a PEM private key/],
    ['an empty file', () => '', /not a PEM private key/],
  ])('refuses a key file holding %s (CONFIG_INVALID)', async (_name, text, message) => {
    const error = await refusal(writeKeyFile(text()));
    expect(error.code).toBe('CONFIG_INVALID');
    expect(error.message).toMatch(message);
  });

  it('refuses a directory where the key file should be', async () => {
    const path = freshPath();
    mkdirSync(path, { recursive: true, mode: 0o700 });
    const error = await refusal(path);
    expect(error.code).toBe('CONFIG_INVALID');
    expect(error.message).toMatch(/not a regular file/);
  });

  it('says what failed when the key cannot be created', async () => {
    const parent = join(root, `blocked-${++counter}`);
    writeFileSync(parent, 'a file, not a directory');
    const error = await refusal(join(parent, 'audit-signing.pem'));
    expect(error.code).toBe('CONFIG_INVALID');
    expect(error.message).toMatch(/cannot (create|read) the audit signing key/);
  });
});
