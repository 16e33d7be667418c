import { lstat, readdir, stat } from 'node:fs/promises';
import { join, resolve } from 'node:path';
import { AirlockError } from '../../core/index.js';

/** Files over this size are skipped with a note. */
export const MAX_FILE_BYTES = 32 * 1024 * 1024;

export interface FileToScan {
  /** As printed: the argument as typed, joined with the path below it. */
  shown: string;
  path: string;
}

/** What the walk left out, for the summary and the notes on stderr. */
export interface WalkSkips {
  symlinks: number;
  tooLarge: { shown: string; bytes: number }[];
  unreadable: { shown: string; code: string }[];
}

export function emptySkips(): WalkSkips {
  return { symlinks: 0, tooLarge: [], unreadable: [] };
}

function errnoCode(error: unknown): string {
  return (error as NodeJS.ErrnoException).code ?? 'EIO';
}

/**
 * The regular files under a directory, in name order: symlinks are never followed (so
 * the walk cannot leave the tree), .git directories are skipped.
 */
async function walkDir(dir: string, shown: string, skips: WalkSkips, out: FileToScan[]): Promise<void> {
  let entries;
  try {
    entries = (await readdir(dir, { withFileTypes: true })).sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
  } catch (error) {
    skips.unreadable.push({ shown, code: errnoCode(error) });
    return;
  }
  for (const entry of entries) {
    const path = join(dir, entry.name);
    const name = join(shown, entry.name);
    if (entry.isSymbolicLink()) skips.symlinks++;
    else if (entry.isDirectory()) {
      if (entry.name !== '.git') await walkDir(path, name, skips, out);
    } else if (entry.isFile()) await addFile(path, name, skips, out);
  }
}

async function addFile(path: string, shown: string, skips: WalkSkips, out: FileToScan[]): Promise<void> {
  try {
    const { size } = await lstat(path);
    if (size > MAX_FILE_BYTES) skips.tooLarge.push({ shown, bytes: size });
    else out.push({ shown, path });
  } catch (error) {
    skips.unreadable.push({ shown, code: errnoCode(error) });
  }
}

/**
 * The files the arguments name: a file as it is, a directory walked. A path given on the
 * command line is followed even if it is a symlink (the person chose it).
 * Failure: USAGE when an argument does not exist or cannot be read.
 */
export async function filesToScan(args: readonly string[], cwd: string, skips: WalkSkips): Promise<FileToScan[]> {
  const out: FileToScan[] = [];
  for (const arg of args) {
    const path = resolve(cwd, arg);
    let info;
    try {
      info = await stat(path);
    } catch (error) {
      throw new AirlockError('USAGE', `cannot read ${arg} (${errnoCode(error)}): give files or directories that exist`, { cause: error });
    }
    if (info.isDirectory()) await walkDir(path, arg, skips, out);
    else if (info.isFile()) await addFile(path, arg, skips, out);
    else throw new AirlockError('USAGE', `${arg} is neither a file nor a directory`);
  }
  return out;
}
