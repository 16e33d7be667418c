import { describe, expect, it } from 'vitest';
import { crc32Base62, hasValidCrc32Suffix, toBase62 } from './checksum.js';
import { charClasses, shannonEntropy } from './entropy.js';
import { isPlaceholder } from './placeholder.js';

describe('CRC32 in base 62', () => {
  it('encodes as GitHub does (a published 30-character example and its checksum)', () => {
    expect(crc32Base62('fIkRGaBu5PeKsznMzXQOg3kETH1Sgx')).toBe('2oIfSC');
  });

  it.each([
    [0, '000000'],
    [61, '00000z'],
    [62, '000010'],
    [0xffffffff, '4gfFC3'],
  ])('pads %i to six characters', (n, s) => expect(toBase62(n, 6)).toBe(s));

  it('accepts a body whose last six characters are its checksum, and nothing else', () => {
    expect(hasValidCrc32Suffix('fIkRGaBu5PeKsznMzXQOg3kETH1Sgx2oIfSC')).toBe(true);
    expect(hasValidCrc32Suffix('fIkRGaBu5PeKsznMzXQOg3kETH1Sgx2oIfSD')).toBe(false);
    expect(hasValidCrc32Suffix('2oIfSC')).toBe(false);
  });
});

describe('entropy and character classes', () => {
  it.each([
    ['', 0],
    ['aaaa', 0],
    ['abab', 1],
    ['abcd', 2],
  ])('entropy of %j is %d bits', (s, bits) => expect(shannonEntropy(s)).toBeCloseTo(bits, 6));

  it('counts lower, upper, digit and other', () => {
    expect(charClasses('abc')).toBe(1);
    expect(charClasses('aB3_')).toBe(4);
  });
});

describe('placeholders', () => {
  it.each(['xxxxxxxxxxxxxxxx', 'your_api_key_here', '${API_KEY}', '<token>', '{{ secret }}', 'changeme', 'EXAMPLEKEY12', 'aaaaaaaaaaaa', 'abcdefghijklmnop', '1234567890abcdef', '****', 'process.env.TOKEN', 'ababababababab'])('%j is a placeholder', (v) => {
    expect(isPlaceholder(v)).toBe(true);
  });

  it.each(['Zx8kQ2mN7vB4cR9tY1uW3eA5', 'Tr0ub4dor&3xQ', 'wJalrXUtnFEMI/K7MDENG/bPxRfiCYzQ9Kk3Lm2P'])('%j is not', (v) => {
    expect(isPlaceholder(v)).toBe(false);
  });
});
