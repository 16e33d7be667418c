import { describe, expect, it } from 'vitest';
import { AirlockError, Secret } from '../../core/index.js';
import { createScanner } from '../scanner.js';
import { scanText } from '../scan.js';
import { found } from '../test-helpers.js';
import { checksummedToken, createRng, randomBytes } from '../test-tokens.js';
import { base64Core } from './known-secrets.js';

const rng = createRng(81);
const secret = 'r3al-Upstream+Key/With=Odd&Chars"\\Q9';
const known = [{ name: 'upstream', value: new Secret(secret) }];
const bytes = Buffer.from(secret);

/** The secret inside a longer blob, `align` bytes past a 3-byte group, base64-encoded. */
function inBlob(align: number, urlSafe: boolean): string {
  const blob = Buffer.concat([randomBytes(rng, 30 + align), bytes, randomBytes(rng, 17)]);
  return blob.toString(urlSafe ? 'base64url' : 'base64');
}

function rulesIn(text: string): string[] {
  return scanText(createScanner({ knownSecrets: known }), text).map((f) => `${f.rule}/${f.confidence}/${f.label ?? ''}`);
}

describe('known secrets', () => {
  const cases: [string, string][] = [
    ['raw', `sent ${secret} upstream\n`],
    ['URL-encoded', `?key=${encodeURIComponent(secret)}&a=1`],
    ['URL-encoded with lower-case hex', `?key=${encodeURIComponent(secret).replace(/%[0-9A-F]{2}/g, (m) => m.toLowerCase())}`],
    ['JSON-escaped', JSON.stringify({ header: secret })],
    ['base64 on its own', bytes.toString('base64')],
    ...[0, 1, 2].flatMap((align): [string, string][] => [
      [`inside a base64 blob, alignment ${align}`, inBlob(align, false)],
      [`inside a base64url blob, alignment ${align}`, inBlob(align, true)],
    ]),
  ];
  it.each(cases)('matches the secret %s, high, with its name', (_name, text) => {
    expect(rulesIn(text)).toEqual(['known-secret/high/upstream']);
  });

  it.each([
    ['near miss: one character changed', secret.replace('Q9', 'Q8')],
    ['near miss: a prefix', secret.slice(0, 20)],
    ['near miss: base64 of a changed secret', Buffer.from(secret.replace('r3al', 'r3aL')).toString('base64')],
  ])('%s is no match', (_name, text) => {
    expect(rulesIn(text)).toEqual([]);
  });

  it('cuts base64 where only the secret decides the characters', () => {
    expect(base64Core(Buffer.from('abcdef'), 0)).toBe('YWJjZGVm');
    expect(base64Core(Buffer.from('abcdef'), 1)).toBe('FiY2RlZ');
    expect(Buffer.from(`x${'abcdef'}y`).toString('base64')).toContain(base64Core(Buffer.from('abcdef'), 1));
  });

  it('outranks a format detector on the same bytes', () => {
    const token = checksummedToken(rng, 'ghp_');
    const findings = scanText(createScanner({ knownSecrets: [{ name: 'gh', value: new Secret(token) }] }), `t=${token}`);
    expect(findings.map((f) => `${f.rule}/${f.label ?? ''}`)).toEqual(['known-secret/gh']);
  });

  it('takes secrets as bytes', () => {
    const raw = randomBytes(rng, 24);
    const scanner = createScanner({ knownSecrets: [{ name: 'bin', value: new Secret(raw) }] });
    expect(scanText(scanner, `blob ${raw.toString('base64')} end`).map((f) => f.rule)).toEqual(['known-secret']);
  });

  it.each([
    ['a secret under 8 bytes', [{ name: 'short', value: new Secret('abc1234') }]],
    ['a plain string instead of a Secret', [{ name: 'plain', value: 'a-long-enough-secret' }]],
    ['an empty name', [{ name: '', value: new Secret('a-long-enough-secret') }]],
  ])('refuses %s with CONFIG_INVALID', (_name, knownSecrets) => {
    expect(() => createScanner({ knownSecrets: knownSecrets as never })).toThrow(AirlockError);
    try {
      createScanner({ knownSecrets: knownSecrets as never });
    } catch (error) {
      expect((error as AirlockError).code).toBe('CONFIG_INVALID');
      expect(JSON.stringify((error as AirlockError).toJSON())).not.toContain('a-long-enough-secret');
    }
  });

  it('finds nothing of a secret it was not given', () => {
    expect(found(`sent ${secret} upstream\n`)).toEqual([]);
  });
});
