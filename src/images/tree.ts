import { createHash } from 'node:crypto';
import { createReadStream } from 'node:fs';
import { lstat, readdir, readlink } from 'node:fs/promises';
import { join, posix } from 'node:path';
import { pipeline } from 'node:stream/promises';
import { AirlockError } from '../core/index.js';

/** One thing in an installed tree, as it will be in the image (owned by root). */
export interface TreeEntry {
  /** Path inside the image, without the leading "/". */
  path: string;
  type: 'dir' | 'file' | 'symlink';
  /** Permission bits as installed: no write bit but the owner's (root). */
  mode: number;
  size: number;
  sha256?: string;
  target?: string;
  /** Where the file's bytes are on the host (files only). */
  source?: string;
}

/** A file nobody may read a credential from: npm never packs one, so any is a leak. */
const FORBIDDEN_NAMES = new Set(['.npmrc']);

/**
 * Walks `root` (on the host) into entries placed under `prefix` (in the image), sorted
 * by path. Refuses special files, symlinks that leave the tree and any .npmrc.
 */
export async function walkTree(root: string, prefix: string): Promise<TreeEntry[]> {
  const entries: TreeEntry[] = [{ path: prefix, type: 'dir', mode: 0o755, size: 0 }];
  await walkInto(root, '', prefix, entries);
  return entries.sort((a, b) => (a.path < b.path ? -1 : a.path > b.path ? 1 : 0));
}

async function walkInto(root: string, rel: string, prefix: string, out: TreeEntry[]): Promise<void> {
  for (const name of await readdir(join(root, rel))) {
    const relPath = rel === '' ? name : `${rel}/${name}`;
    if (FORBIDDEN_NAMES.has(name)) refuse(relPath, 'is an npm config file (it could hold a registry credential)');
    const entry = await entryOf(join(root, relPath), relPath, prefix);
    out.push(entry);
    if (entry.type === 'dir') await walkInto(root, relPath, prefix, out);
  }
}

async function entryOf(hostPath: string, relPath: string, prefix: string): Promise<TreeEntry> {
  const path = `${prefix}/${relPath}`;
  const st = await lstat(hostPath);
  if (st.isDirectory()) return { path, type: 'dir', mode: 0o755, size: 0 };
  if (st.isSymbolicLink()) {
    const target = await readlink(hostPath);
    const landing = posix.normalize(posix.join(posix.dirname(relPath), target));
    if (posix.isAbsolute(target) || landing === '..' || landing.startsWith('../')) refuse(relPath, `is a symlink out of the tree (${target})`);
    return { path, type: 'symlink', mode: 0o777, size: 0, target };
  }
  if (!st.isFile()) refuse(relPath, 'is not a file, directory or symlink');
  const mode = (st.mode & 0o111) !== 0 ? 0o755 : 0o644;
  return { path, type: 'file', mode, size: st.size, sha256: await hashFile(hostPath), source: hostPath };
}

export async function hashFile(file: string): Promise<string> {
  const hash = createHash('sha256');
  await pipeline(createReadStream(file), hash);
  return hash.digest('hex');
}

function refuse(relPath: string, why: string): never {
  throw new AirlockError('IMAGE_BUILD_FAILED', `refusing to put ${relPath} in the image: it ${why}`);
}
