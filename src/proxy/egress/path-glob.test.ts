import { describe, expect, it } from 'vitest';
import { matchPathGlob, normalizeRequestPath, validatePathGlob } from './path-glob.js';

describe('normalizeRequestPath', () => {
  it.each([
    ['/', '/'],
    ['/a/b', '/a/b'],
    ['/a/b/', '/a/b/'],
    ['/a/b?x=1', '/a/b'],
    ['/a/b?x=/../../c', '/a/b'],
    ['/a/b?', '/a/b'],
    ['/?q', '/'],
    ['/a/./b', '/a/b'],
    ['/a/../b', '/b'],
    ['/a/b/..', '/a/'],
    ['/a/b/.', '/a/b/'],
    ['/a/b/../../c', '/c'],
    ['/..', '/'],
    ['/.', '/'],
    ['/../../etc/passwd', '/etc/passwd'],
    ['/a/b/c/./../../g', '/a/g'], // RFC 3986 §5.2.4 example
    ['/mid/content=5/../6', '/mid/6'], // RFC 3986 §5.2.4 example
    ['/a/.../b', '/a/.../b'],
    ['/a/..b/c', '/a/..b/c'],
    ['/a/b..', '/a/b..'],
    ['/.well-known/x', '/.well-known/x'],
    ['/a%20b', '/a%20b'],
    ['/a%3f', '/a%3F'],
    ['/%7euser', '/~user'],
    ['/%41%42c', '/ABc'],
    ['/a;b=c/d', '/a;b=c/d'],
    ['/a*b', '/a*b'],
  ])('%j -> %j', (path, expected) => {
    expect(normalizeRequestPath(path)).toBe(expected);
  });

  it.each([
    [''],
    ['a/b'],
    ['*'],
    ['http://example.com/a'],
    ['?/a'],
    ['/a/%2e%2e/b'],
    ['/a/%2E%2E/b'],
    ['/a/.%2e/b'],
    ['/a/%2e/b'],
    ['/a%2fb'],
    ['/a%2Fb'],
    ['/a\\b'],
    ['/a/..\\b'],
    ['/a%5cb'],
    ['/a%5Cb'],
    ['/a%00b'],
    ['/a%'],
    ['/a%2'],
    ['/a%zz'],
    ['/a%%32e'],
    ['/a//b'],
    ['//a'],
    ['/a/..//b'],
    ['/a/..;/b'],
    ['/a/.;x/b'],
    ['/a/..;'],
    ['/a#frag'],
    ['/a b'],
    ['/a\tb'],
    ['/a\nb'],
    ['/a\u0000b'],
    ['/a\u007fb'],
    ['/caf\u00e9'],
    ['/a/\u2025/b'],
  ])('refuses %j', (path) => {
    expect(normalizeRequestPath(path)).toBeUndefined();
  });

  it('is idempotent', () => {
    for (const path of ['/a/../b/./c/', '/%7e/%3f', '/x?y', '/a/b/..']) {
      const once = normalizeRequestPath(path);
      expect(once && normalizeRequestPath(once)).toBe(once);
    }
  });
});

describe('validatePathGlob', () => {
  it.each(['/', '/**', '/v1/**', '/repos/*/issues', '/a/*.json', '/a/b*c*d', '/v1/**/items', '/a/', '/%7euser', '/a;b', '/a%20b'])(
    'accepts %j',
    (glob) => {
      expect(validatePathGlob(glob)).toBeUndefined();
    },
  );

  it.each([
    ['', /empty/],
    ['v1/**', /start with "\/"/],
    ['**', /start with "\/"/],
    ['/a b', /whitespace/],
    ['/café', /non-ASCII/],
    ['/a?x=1', /query/],
    ['/a#b', /query/],
    ['/a\\b', /backslash/],
    ['/a%2fb', /percent-encoding/],
    ['/a%2e', /percent-encoding/],
    ['/a%', /percent-encoding/],
    ['/a%g0', /percent-encoding/],
    ['/a//b', /empty segment/],
    ['//', /empty segment/],
    ['/a/./b', /"\." or "\.\."/],
    ['/a/../b', /"\." or "\.\."/],
    ['/a/..', /"\." or "\.\."/],
    ['/a/..;x/b', /"\." or "\.\."/],
    ['/a**', /whole segment/],
    ['/**a', /whole segment/],
    ['/***', /whole segment/],
    ['/a/**.json', /whole segment/],
  ])('refuses %j', (glob, message) => {
    expect(validatePathGlob(glob)).toMatch(message);
  });
});

describe('matchPathGlob', () => {
  it.each([
    ['/', '/'],
    ['/a/b', '/a/b'],
    ['/a/b', '/a/b?x=1'],
    ['/a/b', '/a/./b'],
    ['/a/b', '/a/x/../b'],
    ['/a/b', '/../a/b'],
    ['/repos/*/issues', '/repos/airlock/issues'],
    ['/repos/*/issues', '/repos/a.b-c/issues?state=open'],
    ['/a/*.json', '/a/x.json'],
    ['/a/*.json', '/a/.json'],
    ['/a/b*c*d', '/a/bcd'],
    ['/a/b*c*d', '/a/bxxcyycd'],
    ['/a/*', '/a/b'],
    ['/**', '/'],
    ['/**', '/a/b/c'],
    ['/v1/**', '/v1'],
    ['/v1/**', '/v1/'],
    ['/v1/**', '/v1/a/b/c'],
    ['/v1/**/items', '/v1/items'],
    ['/v1/**/items', '/v1/a/items'],
    ['/v1/**/items', '/v1/a/b/items'],
    ['/**/x.json', '/x.json'],
    ['/**/x.json', '/a/b/x.json'],
    ['/a/', '/a/'],
    ['/~user', '/%7Euser'],
    ['/%7euser', '/~user'],
    ['/a%3f', '/a%3F'],
    ['/a/*', '/a/%20'],
  ])('%j matches %j', (glob, path) => {
    expect(matchPathGlob(glob, path)).toBe(true);
  });

  it.each([
    // Literal segments.
    ['/a/b', '/a/b/'],
    ['/a/b', '/a/bc'],
    ['/a/b', '/A/B'],
    ['/a/b', '/a'],
    ['/a/b', '/x/a/b'],
    ['/a/', '/a'],
    ['/', '/a'],
    ['/a/b', '/a%2fb'],
    ['/a.b', '/axb'],
    // `*` stays within one segment and a lone `*` needs one character.
    ['/repos/*/issues', '/repos/a/b/issues'],
    ['/repos/*/issues', '/repos//issues'],
    ['/repos/*/issues', '/repos/issues'],
    ['/a/*', '/a/'],
    ['/a/*', '/a'],
    ['/a/*', '/a/b/c'],
    ['/a/*.json', '/a/x.jsonx'],
    ['/a/*.json', '/a/b/x.json'],
    ['/a/b*c*d', '/a/bcdx'],
    ['/a/b*c*d', '/a/bd'],
    ['/a/b*c*d', '/a/b/c/d'],
    // `**` covers whole segments only.
    ['/v1/**', '/v1x'],
    ['/v1/**', '/v1-x/a'],
    ['/v1/**', '/v2/a'],
    ['/v1/**', '/'],
    ['/v1/**/items', '/v1/itemsx'],
    ['/v1/**/items', '/v1/a/items/x'],
    ['/**/x.json', '/a/yx.json'],
    // Dot segments are resolved before matching: no escaping a prefix.
    ['/public/**', '/public/../admin'],
    ['/public/**', '/public/./../admin/x'],
    ['/public/*', '/public/..'],
    // Refused paths match nothing.
    ['/public/**', '/public/%2e%2e/admin'],
    ['/public/**', '/public/%2E%2E/admin'],
    ['/public/**', '/public/..%2fadmin'],
    ['/public/**', '/public/..\\admin'],
    ['/public/**', '/public//../admin'],
    ['/public/**', '/public/..;/admin'],
    ['/public/**', 'public/a'],
    ['/**', ''],
    ['/**', 'http://example.com/'],
    // Invalid globs match nothing.
    ['', '/'],
    ['**', '/a'],
    ['/a**', '/abc'],
    ['/a/../b', '/b'],
    ['/a?x', '/a?x'],
  ])('%j does not match %j', (glob, path) => {
    expect(matchPathGlob(glob, path)).toBe(false);
  });

  it('treats regex metacharacters in globs literally', () => {
    expect(matchPathGlob('/a+b/(c)/[d]/$e^', '/a+b/(c)/[d]/$e^')).toBe(true);
    expect(matchPathGlob('/a+b', '/aab')).toBe(false);
    expect(matchPathGlob('/(c)', '/c')).toBe(false);
  });

  it('stays fast on many `**` segments against a long path', () => {
    const glob = `/${Array.from({ length: 30 }, () => '**/a').join('/')}/b`;
    const path = `/${Array.from({ length: 2000 }, () => 'a').join('/')}`;
    const started = performance.now();
    expect(matchPathGlob(glob, path)).toBe(false);
    expect(performance.now() - started).toBeLessThan(1000);
  });
});
