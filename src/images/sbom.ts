import { createHash } from 'node:crypto';
import type { LockEntry, PackageLock } from './lockfile.js';

const HASH_ALGS: Record<string, string> = { sha1: 'SHA-1', sha256: 'SHA-256', sha384: 'SHA-384', sha512: 'SHA-512' };

export interface CdxHash { alg: string; content: string }

/** The hashes of a Subresource Integrity string, as CycloneDX writes them (hex). */
export function integrityHashes(integrity: string | undefined): CdxHash[] {
  return (integrity ?? '').split(/\s+/).flatMap((sri) => {
    const match = /^(sha1|sha256|sha384|sha512)-([A-Za-z0-9+/]+={0,2})$/.exec(sri);
    if (match === null) return [];
    return [{ alg: HASH_ALGS[match[1] as string] as string, content: Buffer.from(match[2] as string, 'base64').toString('hex') }];
  });
}

/** The package name a lockfile path installs: node_modules/a/node_modules/@s/b -> @s/b. */
export function nameAt(path: string, entry: LockEntry): string {
  if (entry.name !== undefined) return entry.name;
  const i = path.lastIndexOf('node_modules/');
  return path.slice(i + 'node_modules/'.length);
}

/** purl of an npm package (purl-spec: the scope's "@" is percent-encoded). */
export function npmPurl(name: string, version: string): string {
  return `pkg:npm/${name.startsWith('@') ? `%40${name.slice(1)}` : name}@${version}`;
}

/** Where Node finds `dep` from the package at `from`: its own node_modules, then each parent's. */
export function resolveDependency(lock: PackageLock, from: string, dep: string, installed: ReadonlySet<string>): string | undefined {
  let base = from;
  for (;;) {
    const candidate = base === '' ? `node_modules/${dep}` : `${base}/node_modules/${dep}`;
    if (installed.has(candidate) && lock.packages[candidate] !== undefined) return candidate;
    if (base === '') return undefined;
    const i = base.lastIndexOf('/node_modules/');
    base = i === -1 ? '' : base.slice(0, i);
  }
}

/** A name-based (version 5) UUID, so that the same lockfile always gives the same serial number. */
export function uuidV5(name: string): string {
  const urlNamespace = Buffer.from('6ba7b8119dad11d180b400c04fd430c8', 'hex');
  const h = createHash('sha1').update(urlNamespace).update(name).digest().subarray(0, 16);
  h[6] = ((h[6] as number) & 0x0f) | 0x50;
  h[8] = ((h[8] as number) & 0x3f) | 0x80;
  const hex = h.toString('hex');
  return `${hex.slice(0, 8)}-${hex.slice(8, 12)}-${hex.slice(12, 16)}-${hex.slice(16, 20)}-${hex.slice(20)}`;
}
