import { describe, expect, it } from 'vitest';
import { AirlockError } from '../core/index.js';
import { PackageLockSchema, checkLockfile, hostPlatform, installablePaths, missingOptionals, parseLockfile } from './lockfile.js';
import type { PackageLock } from './lockfile.js';

const INTEGRITY = 'sha512-41Cifkg6e8TylSpdtTpeLVMqvSBEVzTttHvERD741+pnZ8ANv0004MRL43QKPDlK9cGvNp6NZWZUBlbGXYxxng==';
const OTHER = 'sha512-dbQ9A0qBtFJNi6XBkHvfZ6Azpn6PNgH/P8h2MZ67RLlX8hSAVjup39CRWqdRxZv7YXIuhrFaytr8y0jKnkoxnQ==';
const PIN = { name: 'is-number', version: '7.0.0', integrity: INTEGRITY };

function lock(extra: PackageLock['packages'] = {}, top: Record<string, unknown> = {}): PackageLock {
  return {
    name: 'airlock-tool-t',
    lockfileVersion: 3,
    packages: {
      '': { dependencies: { 'is-number': '7.0.0' } },
      'node_modules/is-number': { version: '7.0.0', resolved: 'https://registry.npmjs.org/is-number/-/is-number-7.0.0.tgz', integrity: INTEGRITY, ...top },
      ...extra,
    },
  };
}

function problem(l: PackageLock): AirlockError {
  try {
    checkLockfile('package-lock.json', l, PIN);
  } catch (error) {
    if (error instanceof AirlockError) return error;
    throw error;
  }
  throw new Error('the lockfile was accepted');
}

const dep = (fields: Record<string, unknown>) => ({ 'node_modules/dep': { version: '1.0.0', resolved: 'https://registry.npmjs.org/dep/-/dep-1.0.0.tgz', integrity: OTHER, ...fields } });

describe('checkLockfile', () => {
  it('accepts the pinned package with the policy integrity and verified dependencies', () => {
    expect(() => checkLockfile('f', lock(dep({})), PIN)).not.toThrow();
    expect(() => checkLockfile('f', lock({ 'node_modules/dep/node_modules/b': { version: '1.0.0', inBundle: true } }), PIN)).not.toThrow();
  });

  it('refuses a registry answer whose integrity is not the policy one, showing both', () => {
    const e = problem(lock({}, { integrity: OTHER }));
    expect(e.code).toBe('IMAGE_BUILD_FAILED');
    expect(e.message).toContain('the registry served something else');
    expect(e.details).toEqual([`policy:   ${INTEGRITY}`, `registry: ${OTHER}`, 'lockfile: package-lock.json']);
  });

  it.each([
    ['another version', lock({}, { version: '7.0.1' }), 'resolves is-number to 7.0.1'],
    ['a root with more dependencies', { ...lock(), packages: { ...lock().packages, '': { dependencies: { 'is-number': '7.0.0', x: '1.0.0' } } } }, 'does not depend on exactly is-number@7.0.0'],
    ['a range instead of the exact version', { ...lock(), packages: { ...lock().packages, '': { dependencies: { 'is-number': '^7.0.0' } } } }, 'does not depend on exactly'],
    ['a dependency without integrity', lock(dep({ integrity: undefined })), 'node_modules/dep: integrity (none) is not sha256'],
    ['a dependency with only sha1', lock(dep({ integrity: 'sha1-Kj0UXfONJ89dnfOLPBYuhmoOYlo=' })), 'is not sha256, sha384 or sha512'],
    ['a link to a local directory', lock({ 'node_modules/dep': { link: true, resolved: '../dep' } }), 'node_modules/dep: a link to a local directory'],
    ['a git dependency', lock(dep({ resolved: 'git+ssh://git@github.com/a/b.git#abc' })), 'not a registry URL'],
    ['credentials in a URL', lock(dep({ resolved: 'https://user:tok@registry.example/dep.tgz' })), 'its URL holds credentials'],
  ])('refuses %s', (_name, l, text) => {
    const e = problem(l as PackageLock);
    expect(e.code).toBe('IMAGE_BUILD_FAILED');
    expect([e.message, ...e.details].join('\n')).toContain(text);
  });
});

describe('parseLockfile', () => {
  it('reads a lockfile v3 and keeps npm fields it does not know', () => {
    const l = parseLockfile('f', JSON.stringify({ ...lock(), requires: true }));
    expect(l.packages['node_modules/is-number']?.integrity).toBe(INTEGRITY);
  });

  it.each([
    ['not JSON', '{', 'is not JSON'],
    ['lockfile v1', JSON.stringify({ name: 'x', lockfileVersion: 1, dependencies: {} }), 'is not an npm lockfile'],
  ])('refuses %s', (_n, text, message) => {
    expect(() => parseLockfile('f', text)).toThrow(message);
  });
});

describe('installablePaths', () => {
  const l = lock({
    'node_modules/linux-x64': { version: '1.0.0', os: ['linux'], cpu: ['x64'], optional: true },
    'node_modules/darwin': { version: '1.0.0', os: ['darwin'], optional: true },
    'node_modules/not-win': { version: '1.0.0', os: ['!win32'] },
    'node_modules/linux-x64-musl': { version: '1.0.0', os: ['linux'], cpu: ['x64'], libc: ['musl'], optional: true },
  });
  it('keeps what fits the platform, as npm does with os, cpu and libc', () => {
    expect(installablePaths(l, { platform: 'linux', arch: 'x64', libc: 'glibc' }).sort()).toEqual(['node_modules/is-number', 'node_modules/linux-x64', 'node_modules/not-win']);
    expect(installablePaths(l, { platform: 'linux', arch: 'x64', libc: 'musl' })).toContain('node_modules/linux-x64-musl');
    expect(installablePaths(l, { platform: 'win32', arch: 'arm64', libc: undefined }).sort()).toEqual(['node_modules/is-number']);
  });

  it('finds this machine glibc, as npm does', () => {
    expect(hostPlatform()).toEqual({ platform: 'linux', arch: process.arch, libc: 'glibc' });
  });
});

describe('optional dependencies the registry could not resolve', () => {
  const lock = (packages: Record<string, unknown>) => PackageLockSchema.parse({ name: 'x', lockfileVersion: 3, packages });

  it('names the optional dependencies with no entry, top level or nested', () => {
    const l = lock({
      '': { dependencies: { agent: '1.0.0' } },
      'node_modules/agent': { version: '1.0.0', optionalDependencies: { 'agent-linux-x64': '1.0.0', 'agent-darwin-arm64': '1.0.0' } },
      'node_modules/agent-linux-x64': { version: '1.0.0', optional: true },
      'node_modules/agent/node_modules/inner': { version: '1.0.0', optionalDependencies: { 'inner-win32': '1.0.0' } },
    });
    expect(missingOptionals(l)).toEqual(['agent-darwin-arm64', 'inner-win32']);
  });

  it('finds nothing missing in a complete lockfile (npm ci then)', () => {
    expect(missingOptionals(lock({ '': {}, 'node_modules/a': { version: '1.0.0', optionalDependencies: { b: '1' } }, 'node_modules/b': { version: '1' } }))).toEqual([]);
  });
});
