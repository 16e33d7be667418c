import type { Dirent } from 'node:fs';
import { readdir } from 'node:fs/promises';
import { join } from 'node:path';
import { AirlockError } from '../../core/index.js';
import { compilePathPattern, matchesAny } from './path-glob.js';
import type { PathPattern } from './path-glob.js';

export interface PathRules {
  /** Paths that do not exist inside the sandbox (replaced by an empty file or directory). */
  masked: readonly string[];
  /** Paths read-only inside the sandbox. */
  protected: readonly string[];
  /** Protected paths the agent may change anyway. */
  writable: readonly string[];
}

export interface FoundPath {
  /** Relative to the repository, "/"-separated. */
  path: string;
  kind: 'file' | 'dir';
  /** The policy pattern that matched. */
  pattern: string;
}

export interface ControlledPaths {
  masked: FoundPath[];
  protected: FoundPath[];
}

/** More mounts than this would make the sandbox slow to start: the patterns are too broad. */
export const MAX_CONTROLLED_PATHS = 2000;

interface Compiled { masked: PathPattern[]; protected: PathPattern[]; writable: PathPattern[] }

/**
 * Walks the repository (every file, ignored ones too: a .env is usually ignored) and
 * finds what the rules mask or protect. A masked or protected directory is not entered.
 * Inside .git only its direct entries are looked at (hooks, config), never the objects.
 * Symbolic links are left alone: they are not followed, masked or protected.
 * Failure: POLICY_INVALID when more than MAX_CONTROLLED_PATHS paths match.
 */
export async function findControlledPaths(repoDir: string, rules: PathRules): Promise<ControlledPaths> {
  const compiled: Compiled = { masked: rules.masked.map(compilePathPattern), protected: rules.protected.map(compilePathPattern), writable: rules.writable.map(compilePathPattern) };
  const found: ControlledPaths = { masked: [], protected: [] };
  const queue: string[] = [''];
  while (queue.length > 0) {
    const dir = queue.shift() as string;
    for (const entry of await entriesOf(join(repoDir, dir))) {
      if (!entry.isFile() && !entry.isDirectory()) continue;
      const path = dir === '' ? entry.name : `${dir}/${entry.name}`;
      const descend = classify(compiled, path, entry.isDirectory(), found);
      if (descend && entry.isDirectory() && !path.startsWith('.git/')) queue.push(path);
    }
    if (found.masked.length + found.protected.length > MAX_CONTROLLED_PATHS) {
      throw new AirlockError('POLICY_INVALID', `workspace: the masked and protected patterns match more than ${MAX_CONTROLLED_PATHS} paths in ${repoDir}; make them narrower`);
    }
  }
  return found;
}

/** Records a match; true when the walk should go on into the path. */
function classify(c: Compiled, path: string, isDir: boolean, found: ControlledPaths): boolean {
  const kind = isDir ? 'dir' : 'file';
  const masked = matchesAny(c.masked, path, isDir);
  if (masked !== undefined) {
    found.masked.push({ path, kind, pattern: masked.source });
    return false;
  }
  const guarded = matchesAny(c.protected, path, isDir);
  if (guarded !== undefined && matchesAny(c.writable, path, isDir) === undefined) {
    found.protected.push({ path, kind, pattern: guarded.source });
    return false;
  }
  return true;
}

async function entriesOf(dir: string): Promise<Dirent[]> {
  try {
    return (await readdir(dir, { withFileTypes: true })).sort((a, b) => a.name.localeCompare(b.name));
  } catch {
    return []; // unreadable: nothing of it can be shown inside either
  }
}
