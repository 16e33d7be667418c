import { randomBytes } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { Secret } from '../core/index.js';
import { keyedHash, maskPreview } from './finding.js';
import { scanText } from './scan.js';
import { createScanner } from './scanner.js';
import { createRng, sampleTokens } from './test-tokens.js';
import { FindingSchema } from './types.js';

const tokens = sampleTokens(createRng(101));

/** Where each kind of token is written, so that its detector (or its name) finds it. */
const CONTEXT: Record<string, string> = { 'aws-secret-access-key': 'aws_secret_access_key = ', 'azure-storage-key': 'AccountKey=' };

/** What a preview may show: the public prefix of each format (and, for PEM, its END line). */
const PUBLIC = /^(?:https:\/\/hooks\.slack\.com\/services\/|https:\/\/discord\.com\/api\/webhooks\/\d+\/|-----BEGIN [A-Z ]+-----\n|postgres:\/\/app:|[a-z]+_(?:live_|pat_)?|[a-z]+-(?:ant-api03-|proj-)?|AKIA|AIza|xoxb-)|\n-----END [A-Z ]+-----$/g;

describe('findings never hold the secret', () => {
  it.each(Object.entries(tokens))('%s: the finding holds no 8 consecutive characters of it', (kind, token) => {
    const findings = scanText(createScanner(), `${CONTEXT[kind] ?? 'value = '}${token}\n`);
    expect(findings.length).toBeGreaterThan(0);
    const printed = JSON.stringify(findings);
    const secretPart = token.replace(PUBLIC, '');
    for (let i = 0; i + 8 <= secretPart.length; i++) expect(printed).not.toContain(secretPart.slice(i, i + 8));
    for (const f of findings) expect(FindingSchema.parse(f)).toEqual(f);
  });

  it.each([
    ['a token with a public prefix', 'ghp_abcdefghijklmnopqrstuvwxyz0123456789', 4, 'ghp_****...6789'],
    ['a 20-character secret', 'abcdefghij0123456789', 0, '****...89'],
    ['a short password', 'hunter2x', 0, '****'],
    ['a prefix longer than allowed', 'sk_live_abcdefgh', 8, 'sk_live_****'],
  ])('masks %s', (_name, matched, shown, preview) => {
    expect(maskPreview(matched, shown)).toBe(preview);
  });

  it('keys the hash: equal within a scanner, unequal across scanners, equal with a shared key', () => {
    const text = `token=${tokens['github-token']}`;
    const a = createScanner();
    expect(scanText(a, text)[0]?.hmac).toBe(scanText(a, text)[0]?.hmac);
    expect(scanText(a, text)[0]?.hmac).not.toBe(scanText(createScanner(), text)[0]?.hmac);
    const key = randomBytes(32);
    const b = createScanner({ hashKey: new Secret(key) });
    const c = createScanner({ hashKey: new Secret(key) });
    expect(scanText(b, text)[0]?.hmac).toBe(scanText(c, text)[0]?.hmac);
    expect(scanText(b, text)[0]?.hmac).toBe(keyedHash(key, tokens['github-token'] ?? ''));
  });

  it('refuses a hash key under 32 bytes', () => {
    expect(() => createScanner({ hashKey: new Secret(randomBytes(16)) })).toThrow(expect.objectContaining({ code: 'CONFIG_INVALID', details: [expect.stringMatching(/^hashKey: /)] }));
  });
});
