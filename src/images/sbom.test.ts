import { describe, expect, it } from 'vitest';
import { cyclonedxSbom } from './cyclonedx.js';
import type { PackageLock } from './lockfile.js';
import { integrityHashes, npmPurl, resolveDependency, uuidV5 } from './sbom.js';

const SHA512 = 'sha512-41Cifkg6e8TylSpdtTpeLVMqvSBEVzTttHvERD741+pnZ8ANv0004MRL43QKPDlK9cGvNp6NZWZUBlbGXYxxng==';
const SHA512_HEX = 'e350a27e483a7bc4f2952a5db53a5e2d532abd20445734edb47bc4443ef8d7ea6767c00dbf4d34e0c44be3740a3c394af5c1af369e8d6566540656c65d8c719e';
const reg = (n: string) => `https://registry.npmjs.org/${n}.tgz`;

/** @s/cli depends on a@1 (hoisted) and b, whose own a is 2.0.0 (nested); an optional darwin binary is not installed. */
const LOCK: PackageLock = {
  name: 'airlock-tool-demo',
  lockfileVersion: 3,
  packages: {
    '': { dependencies: { '@s/cli': '1.2.3' } },
    'node_modules/@s/cli': { version: '1.2.3', resolved: reg('cli'), integrity: SHA512, license: 'Apache-2.0', dependencies: { a: '^1.0.0', b: '1.0.0' }, optionalDependencies: { 'cli-darwin': '1.2.3' } },
    'node_modules/a': { version: '1.0.0', resolved: reg('a1'), integrity: SHA512, license: 'MIT OR Apache-2.0' },
    'node_modules/b': { version: '1.0.0', resolved: reg('b'), integrity: SHA512, license: 'SEE LICENSE IN LICENSE.md', dependencies: { a: '2.0.0' } },
    'node_modules/b/node_modules/a': { version: '2.0.0', resolved: reg('a2'), integrity: `${SHA512} sha1-Kj0UXfONJ89dnfOLPBYuhmoOYlo=` },
    'node_modules/cli-darwin': { version: '1.2.3', resolved: reg('cd'), integrity: SHA512, os: ['darwin'], optional: true },
  },
};
const INSTALLED = new Set(['node_modules/@s/cli', 'node_modules/a', 'node_modules/b', 'node_modules/b/node_modules/a']);
const SUBJECT = { tool: 'demo', name: '@s/cli', version: '1.2.3', lockfileSha256: 'f'.repeat(64) };

interface Bom {
  bomFormat: string;
  specVersion: string;
  serialNumber: string;
  components: { 'bom-ref': string; group?: string; name: string; version: string; purl: string; hashes: { alg: string; content: string }[]; licenses?: unknown[] }[];
  dependencies: { ref: string; dependsOn: string[] }[];
}

describe('cyclonedxSbom', () => {
  const bom = cyclonedxSbom(LOCK, INSTALLED, SUBJECT) as unknown as Bom;

  it('is CycloneDX 1.6 with a serial number that depends only on its inputs', () => {
    expect(bom.bomFormat).toBe('CycloneDX');
    expect(bom.specVersion).toBe('1.6');
    expect(bom.serialNumber).toMatch(/^urn:uuid:[0-9a-f]{8}-[0-9a-f]{4}-5[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/);
    expect(JSON.stringify(cyclonedxSbom(LOCK, INSTALLED, SUBJECT))).toBe(JSON.stringify(bom));
    expect((cyclonedxSbom(LOCK, INSTALLED, { ...SUBJECT, lockfileSha256: 'e'.repeat(64) }) as unknown as Bom).serialNumber).not.toBe(bom.serialNumber);
  });

  it('lists every installed package once, with purl, SHA-512 hex and licence, and not what was not installed', () => {
    expect(bom.components.map((c) => c.purl)).toEqual(['pkg:npm/%40s/cli@1.2.3', 'pkg:npm/a@1.0.0', 'pkg:npm/b@1.0.0', 'pkg:npm/a@2.0.0']);
    const cli = bom.components[0];
    expect(cli).toMatchObject({ group: '@s', name: 'cli', version: '1.2.3', 'bom-ref': 'pkg:npm/%40s/cli@1.2.3', licenses: [{ expression: 'Apache-2.0' }] });
    expect(cli?.hashes).toEqual([{ alg: 'SHA-512', content: SHA512_HEX }]);
    expect(bom.components[1]?.licenses).toEqual([{ expression: 'MIT OR Apache-2.0' }]);
    expect(bom.components[2]?.licenses).toEqual([{ license: { name: 'SEE LICENSE IN LICENSE.md' } }]);
    expect(bom.components[3]?.hashes.map((h) => h.alg)).toEqual(['SHA-512', 'SHA-1']);
  });

  it('records who depends on whom the way Node resolves it (nested first, then hoisted)', () => {
    const deps = Object.fromEntries(bom.dependencies.map((d) => [d.ref, d.dependsOn]));
    expect(deps['airlock-tool:demo@1.2.3']).toEqual(['pkg:npm/%40s/cli@1.2.3']);
    expect(deps['pkg:npm/%40s/cli@1.2.3']).toEqual(['pkg:npm/a@1.0.0', 'pkg:npm/b@1.0.0']);
    expect(deps['pkg:npm/b@1.0.0']).toEqual(['pkg:npm/a@2.0.0']);
    expect(deps['pkg:npm/a@2.0.0']).toEqual([]);
  });
});

describe('sbom helpers', () => {
  it('turns SRI into hex hashes and ignores what is not SRI', () => {
    expect(integrityHashes(SHA512)).toEqual([{ alg: 'SHA-512', content: SHA512_HEX }]);
    expect(integrityHashes('md5-abc nonsense')).toEqual([]);
    expect(integrityHashes(undefined)).toEqual([]);
  });

  it('writes purls as purl-spec says (scope @ percent-encoded)', () => {
    expect(npmPurl('@google/gemini-cli', '0.61.0')).toBe('pkg:npm/%40google/gemini-cli@0.61.0');
    expect(npmPurl('is-number', '7.0.0')).toBe('pkg:npm/is-number@7.0.0');
  });

  it('resolves a dependency from the nearest node_modules up', () => {
    expect(resolveDependency(LOCK, 'node_modules/b', 'a', INSTALLED)).toBe('node_modules/b/node_modules/a');
    expect(resolveDependency(LOCK, 'node_modules/@s/cli', 'a', INSTALLED)).toBe('node_modules/a');
    expect(resolveDependency(LOCK, 'node_modules/@s/cli', 'cli-darwin', INSTALLED)).toBeUndefined();
  });

  it('makes RFC 4122 version 5 UUIDs in the URL namespace (as Python uuid.uuid5 does)', () => {
    expect(uuidV5('http://www.example.com/')).toBe('fcde3c85-2270-590f-9e7c-ee003d65e0e2');
  });
});
