import { posix } from 'node:path';
import { z } from 'zod';
import { AirlockError, canonicalize, sha256Hex } from '../core/index.js';
import type { LockEntry } from './lockfile.js';
import type { TreeEntry } from './tree.js';

const Sha256Schema = z.string().regex(/^[0-9a-f]{64}$/);

export const ManifestEntrySchema = z.strictObject({
  path: z.string().min(1),
  type: z.enum(['dir', 'file', 'symlink']),
  /** Octal permission bits, e.g. "0755"; everything is owned by root. */
  mode: z.string().regex(/^0[0-7]{3}$/),
  size: z.int().min(0),
  sha256: Sha256Schema.optional(),
  target: z.string().optional(),
});
export type ManifestEntry = z.infer<typeof ManifestEntrySchema>;

/** What a build put into its image, file by file, sorted by path. */
export const ManifestSchema = z.strictObject({
  schemaVersion: z.literal(1),
  entries: z.array(ManifestEntrySchema),
});
export type Manifest = z.infer<typeof ManifestSchema>;

export function manifestOf(entries: readonly TreeEntry[]): Manifest {
  return {
    schemaVersion: 1,
    entries: entries.map((e) => ({
      path: e.path, type: e.type, mode: `0${e.mode.toString(8).padStart(3, '0')}`, size: e.size,
      ...(e.sha256 === undefined ? {} : { sha256: e.sha256 }),
      ...(e.target === undefined ? {} : { target: e.target }),
    })),
  };
}

/** sha256 of the manifest's RFC 8785 canonical JSON: equal trees hash equal. */
export function manifestSha256(manifest: Manifest): string {
  return sha256Hex(canonicalize(manifest));
}

const BIN_NAME = /^(?!\.\.?$)[A-Za-z0-9._-]+$/;

/**
 * Links in `binDir` for the package's own `bin` entries (not its dependencies'), each
 * pointing at a file of the installed tree.
 */
export function binLinks(entry: LockEntry, packageDir: string, binDir: string, tree: readonly TreeEntry[]): TreeEntry[] {
  const files = new Set(tree.filter((e) => e.type === 'file').map((e) => e.path));
  return Object.entries(entry.bin ?? {})
    .map(([name, file]) => {
      const inPackage = posix.normalize(file);
      const target = posix.join(packageDir, inPackage);
      if (!BIN_NAME.test(name) || posix.isAbsolute(inPackage) || inPackage.startsWith('..') || !files.has(target)) {
        throw new AirlockError('IMAGE_BUILD_FAILED', `the package's bin entry "${name}": "${file}" is not a file of the package`);
      }
      return { path: `${binDir}/${name}`, type: 'symlink' as const, mode: 0o777, size: 0, target: `/${target}` };
    })
    .sort((a, b) => (a.path < b.path ? -1 : 1));
}
