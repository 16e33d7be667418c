import { spawn } from 'node:child_process';
import { readFile, stat } from 'node:fs/promises';
import { join } from 'node:path';
import { compilePathPattern, matchFileOrDirectory } from '../paths/path-glob.js';
import { bodyText, fingerprints } from './fingerprint.js';

/** Files larger than this are not indexed (generated or data files, not code someone pastes). */
export const MAX_INDEXED_FILE_BYTES = 1024 * 1024;

export interface CodeIndex {
  readonly files: readonly { path: string; fingerprints: number }[];
  /** fingerprint -> indexes into files */
  readonly byFingerprint: ReadonlyMap<number, readonly number[]>;
}

export interface CodeMatch {
  path: string;
  /** Fingerprints of the file found in the body / all of the file's. */
  matched: number;
  total: number;
  fraction: number;
}

/** The repository's files as git lists them (tracked and untracked, .gitignore respected). */
function listFiles(repoDir: string): Promise<string[]> {
  return new Promise((resolve) => {
    const child = spawn('git', ['-c', `safe.directory=${repoDir}`, '-C', repoDir, 'ls-files', '-z', '-co', '--exclude-standard'], { stdio: ['ignore', 'pipe', 'ignore'] });
    const out: Buffer[] = [];
    child.stdout.on('data', (b: Buffer) => out.push(b));
    child.on('error', () => resolve([]));
    child.on('close', (code) => resolve(code === 0 ? Buffer.concat(out).toString('utf8').split('\0').filter((p) => p !== '') : []));
  });
}

/**
 * Indexes the repository's text files (git's view: .gitignore respected; masked paths
 * excluded, so what the sandbox cannot see is never matched) by winnowed fingerprints.
 * Not a git repository: an empty index.
 */
export async function buildCodeIndex(repoDir: string, exclude: readonly string[]): Promise<CodeIndex> {
  const excluded = exclude.map(compilePathPattern);
  const files: { path: string; fingerprints: number }[] = [];
  const byFingerprint = new Map<number, number[]>();
  for (const path of await listFiles(repoDir)) {
    if (matchFileOrDirectory(excluded, path) !== undefined) continue;
    const text = await readText(join(repoDir, path));
    if (text === undefined) continue;
    const prints = fingerprints(text);
    if (prints.size === 0) continue;
    const id = files.push({ path, fingerprints: prints.size }) - 1;
    for (const f of prints) {
      const list = byFingerprint.get(f);
      if (list === undefined) byFingerprint.set(f, [id]);
      else list.push(id);
    }
  }
  return { files, byFingerprint };
}

async function readText(file: string): Promise<string | undefined> {
  try {
    const s = await stat(file);
    if (!s.isFile() || s.size > MAX_INDEXED_FILE_BYTES) return undefined;
    const bytes = await readFile(file);
    return bytes.includes(0) ? undefined : bytes.toString('utf8');
  } catch {
    return undefined;
  }
}

/** Which files of the index a body carries, and what fraction of each (at least `minMatched` fingerprints). */
export function matchBody(index: CodeIndex, body: Buffer, minMatched = 2): CodeMatch[] {
  const counts = new Map<number, number>();
  for (const f of fingerprints(bodyText(body))) {
    for (const id of index.byFingerprint.get(f) ?? []) counts.set(id, (counts.get(id) ?? 0) + 1);
  }
  const out: CodeMatch[] = [];
  for (const [id, matched] of counts) {
    const file = index.files[id] as { path: string; fingerprints: number };
    if (matched >= Math.min(minMatched, file.fingerprints)) out.push({ path: file.path, matched, total: file.fingerprints, fraction: Math.round((matched / file.fingerprints) * 1000) / 1000 });
  }
  return out.sort((a, b) => a.path.localeCompare(b.path));
}
