import { describe, expect, it } from 'vitest';
import { matchHostPattern, normalizeHost, validateHostPattern } from './host-pattern.js';

describe('normalizeHost', () => {
  it.each([
    ['Example.COM', 'example.com'],
    ['example.com.', 'example.com'],
    ['example.com..', 'example.com.'],
    ['[::1]', '::1'],
    ['[FE80::1]', 'fe80::1'],
    ['[::1', '[::1'],
    ['127.0.0.1', '127.0.0.1'],
    ['', ''],
  ])('%j -> %j', (host, expected) => {
    expect(normalizeHost(host)).toBe(expected);
  });
});

describe('validateHostPattern', () => {
  it.each([
    'api.example.com',
    'API.Example.COM',
    'example.com.',
    'localhost',
    'x',
    '*.example.com',
    '**.example.com',
    '*.com',
    '_dmarc.example.com',
    'xn--bcher-kva.example',
    'a-b.example.com',
    '127.0.0.1',
    '10.0.0.5',
    '[::1]',
    '::1',
    'fd00:ec2::254',
    `${'a'.repeat(63)}.example.com`,
  ])('accepts %j', (pattern) => {
    expect(validateHostPattern(pattern)).toBeUndefined();
  });

  it.each([
    ['', /empty/],
    [' ', /whitespace/],
    ['api.example.com ', /whitespace/],
    ['api .example.com', /whitespace/],
    ['*', /every host.*explicitly/],
    ['**', /every host.*explicitly/],
    ['*.', /every host.*explicitly/],
    ['**.', /every host.*explicitly/],
    ['a*.b.com', /whole first label/],
    ['*a.b.com', /whole first label/],
    ['***.x', /whole first label/],
    ['a.*.com', /whole first label/],
    ['example.*', /whole first label/],
    ['*.*.example.com', /whole first label/],
    ['*.**.example.com', /whole first label/],
    ['a..example.com', /empty label/],
    ['.example.com', /empty label/],
    ['*..example.com', /empty label/],
    ['example.com:443', /invalid label/],
    ['https://example.com', /invalid label/],
    ['example.com/path', /invalid label/],
    ['-a.example.com', /invalid label/],
    ['a-.example.com', /invalid label/],
    ['exa$mple.com', /invalid label/],
    ['bücher.example', /xn--/],
    ['１２７．０．０．１', /not ASCII/],
    ['127.0.0.1\u0000', /control/],
    ['example.com\u0000', /control/],
    ['example\u00a0.com', /whitespace/],
    [`${'a'.repeat(64)}.example.com`, /longer than 63/],
    [`${'a.'.repeat(127)}com`, /longer than 253/],
    ['[example.com]', /brackets/],
    ['[127.0.0.1]', /brackets/],
    ['[::1', /brackets|invalid label/],
    ['*.0.0.1', /wildcard in front of an IP/],
    ['**.10.0.0.1', /wildcard in front of an IP/],
    ['*.[::1]', /brackets|invalid label/],
  ])('refuses %j', (pattern, message) => {
    expect(validateHostPattern(pattern)).toMatch(message);
  });
});

describe('matchHostPattern', () => {
  it.each([
    ['api.example.com', 'api.example.com'],
    ['api.example.com', 'API.Example.Com'],
    ['API.EXAMPLE.COM', 'api.example.com'],
    ['api.example.com', 'api.example.com.'],
    ['api.example.com.', 'api.example.com'],
    ['*.example.com', 'a.example.com'],
    ['*.example.com', 'A.EXAMPLE.COM.'],
    ['*.example.com', 'under_score.example.com'],
    ['**.example.com', 'a.example.com'],
    ['**.example.com', 'a.b.example.com'],
    ['**.example.com', 'a.b.c.d.example.com'],
    ['*.com', 'example.com'],
    ['127.0.0.1', '127.0.0.1'],
    ['127.0.0.1', '0x7f.1'],
    ['127.0.0.1', '[::ffff:127.0.0.1]'],
    ['[::1]', '::1'],
    ['::1', '[0:0:0:0:0:0:0:1]'],
    ['fe80::1', 'fe80::1%eth0'],
    ['127.0.0.1', '１２７．０．０．１'], // a WHATWG client connects to 127.0.0.1
  ])('%j matches %j', (pattern, host) => {
    expect(matchHostPattern(pattern, host)).toBe(true);
  });

  it.each([
    // Exact patterns.
    ['api.example.com', 'example.com'],
    ['api.example.com', 'xapi.example.com'],
    ['api.example.com', 'api.example.com.evil.com'],
    ['api.example.com', 'api.example.co'],
    ['api.example.com', 'api-example.com'],
    ['api.example.com', 'a.api.example.com'],
    ['api.example.com', 'api.example.com..'],
    ['example.com', 'example.com:443'],
    ['example.com', ' example.com'],
    ['example.com', 'example.com\u0000'],
    ['example.com', '[example.com]'],
    // One-label wildcard.
    ['*.example.com', 'example.com'],
    ['*.example.com', 'a.b.example.com'],
    ['*.example.com', 'evil-example.com'],
    ['*.example.com', 'xexample.com'],
    ['*.example.com', 'example.com.evil.com'],
    ['*.example.com', 'a.example.com.evil.com'],
    ['*.example.com', 'a.example.co'],
    ['*.example.com', '.example.com'],
    ['*.example.com', '..example.com'],
    ['*.example.com', 'a b.example.com'],
    ['*.example.com', 'a/b.example.com'],
    ['*.example.com', 'a%2e.example.com'],
    ['*.example.com', 'a:b.example.com'],
    ['*.example.com', '*.example.com'],
    // Any-depth wildcard.
    ['**.example.com', 'example.com'],
    ['**.example.com', 'evil-example.com'],
    ['**.example.com', 'xexample.com'],
    ['**.example.com', 'example.com.evil.com'],
    ['**.example.com', 'a.b.example.com.evil.com'],
    ['**.example.com', 'a..example.com'],
    // IP literals only match the same address, never a name pattern.
    ['127.0.0.1', '127.0.0.2'],
    ['127.0.0.1', '::1'],
    ['127.0.0.1', '127.0.0.1 x'],
    ['127.0.0.1', '127.0.0.1\u0000'],
    ['127.0.0.1', '\t127.0.0.1'],
    ['::1', '127.0.0.1'],
    ['*.0.1', '127.0.1'],
    ['**.1', '1.1.1.1'],
    ['*.example.com', '127.0.0.1'],
    ['localhost', '127.0.0.1'],
    // Invalid patterns match nothing.
    ['*', 'example.com'],
    ['**', 'a.example.com'],
    ['', ''],
    ['a*.example.com', 'ab.example.com'],
    ['a.*.com', 'a.b.com'],
    ['[example.com]', 'example.com'],
    // Unescaped regex metacharacters must stay literal.
    ['a.example.com', 'abexample.com'],
    ['a.example.com', 'a-example.com'],
  ])('%j does not match %j', (pattern, host) => {
    expect(matchHostPattern(pattern, host)).toBe(false);
  });
});
