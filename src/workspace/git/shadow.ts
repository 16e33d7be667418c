import { copyFile, mkdir, mkdtemp, readdir, rm, stat, utimes, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { AirlockError } from '../../core/index.js';
import { git, outputLine, parseConfigZ } from './git-call.js';
import type { GitRunner } from './runner.js';

/** The person's repository as git found it at session start. */
export interface RepoPaths {
  /** The top of the working tree. */
  root: string;
  /** This worktree's git directory (holds HEAD and index). */
  gitDir: string;
  /** Where objects and shared config live; the same as gitDir except in linked worktrees. */
  commonDir: string;
  /** 'sha1' or 'sha256'. */
  objectFormat: string;
}

/**
 * Settings of the person's repository that describe the filesystem rather than ask git to
 * do something; without them a scan would see every file's mode or line endings change.
 * Copied once, at session start, so the agent cannot change how its own work is scanned.
 */
const FS_SETTINGS = /^core\.(filemode|symlinks|ignorecase|precomposeunicode|autocrlf|eol)$/;
const FS_SETTING_VALUE = /^[A-Za-z0-9]{1,16}$/;

/**
 * Creates the shadow: a private git directory in tmpDir that scans the person's working tree.
 *
 * Why not `git add -A` with GIT_INDEX_FILE in the repository itself: that reads the
 * repository's config and .gitattributes, so a clean filter the agent configured would run
 * on the host (as root) at session end; it writes blobs into .git/objects, which as root
 * leaves root-owned directories the person's git can no longer write; and it trusts an
 * index the agent could have written. The shadow's config is Airlock's own, its index is
 * Airlock's own, new objects go to its own object directory, and the repository's objects
 * are only read, through objects/info/alternates. The person's .git is never written.
 */
export async function createShadow(run: GitRunner, repo: RepoPaths, options: { tmpDir: string; head: string | undefined }): Promise<string> {
  const dir = await mkdtemp(join(options.tmpDir, 'airlock-git-'));
  try {
    const settings = await readFsSettings(run, repo);
    await mkdir(join(dir, 'objects', 'info'), { recursive: true });
    await mkdir(join(dir, 'refs'), { recursive: true });
    await mkdir(join(dir, 'info'), { recursive: true });
    await writeFile(join(dir, 'objects', 'info', 'alternates'), `${join(repo.commonDir, 'objects')}\n`);
    await writeFile(join(dir, 'config'), shadowConfig(repo.objectFormat, settings));
    // A detached HEAD at the person's commit, so status compares against what they have.
    await writeFile(join(dir, 'HEAD'), options.head === undefined ? 'ref: refs/heads/unborn\n' : `${options.head}\n`);
    await copyFile(join(repo.commonDir, 'info', 'exclude'), join(dir, 'info', 'exclude')).catch(() => undefined);
    return dir;
  } catch (error) {
    await rm(dir, { recursive: true, force: true });
    throw error;
  }
}

async function readFsSettings(run: GitRunner, repo: RepoPaths): Promise<[string, string][]> {
  const result = await git(run, ['config', '-z', '--get-regexp', FS_SETTINGS.source], { cwd: repo.root, gitDir: repo.gitDir, okCodes: [0, 1] });
  return parseConfigZ(result.stdout)
    .map(({ key, value }): [string, string] => [key.slice('core.'.length), value ?? 'true'])
    // Values go into a config file: anything but a plain word is left out, not escaped.
    .filter(([, value]) => FS_SETTING_VALUE.test(value));
}

function shadowConfig(objectFormat: string, settings: readonly [string, string][]): string {
  const sha256 = objectFormat === 'sha256';
  const lines = [
    '[core]',
    `\trepositoryformatversion = ${sha256 ? 1 : 0}`,
    '\tbare = false',
    '\tfsmonitor = false',
    '\thooksPath = /dev/null',
    '\tuntrackedCache = false',
    '\tsplitIndex = false',
    // Root's personal ignore and attributes files are no business of the person's repository.
    '\texcludesFile = /dev/null',
    '\tattributesFile = /dev/null',
    ...settings.map(([key, value]) => `\t${key} = ${value}`),
    '[advice]',
    '\taddEmbeddedRepo = false',
    '[gc]',
    '\tauto = 0',
    ...(sha256 ? ['[extensions]', '\tobjectFormat = sha256'] : []),
  ];
  return `${lines.join('\n')}\n`;
}

/**
 * At session start: whether the working tree is dirty (staged, unstaged or untracked, as
 * `git status --porcelain` sees it with the person's index), and the tree object of the
 * working tree exactly as it is, which the session's changes are later measured from.
 */
export async function scanStart(run: GitRunner, shadowDir: string, repo: RepoPaths, head: string | undefined): Promise<{ dirty: boolean; tree: string }> {
  const call = { cwd: repo.root, gitDir: shadowDir, workTree: repo.root };
  const hasIndex = await copyIndex(repo.gitDir, shadowDir);
  const status = await git(run, ['status', '--porcelain=v1', '-z', '--untracked-files=normal', '--ignore-submodules=dirty'], call);
  // What the person tracks: their index as a tree (fails while a merge is unresolved; then HEAD).
  const indexTree = hasIndex ? await git(run, ['write-tree'], { ...call, okCodes: [0, 128] }) : undefined;
  const tracked = indexTree?.code === 0 ? outputLine(indexTree) : head;
  // The tree itself is built from a fresh index: the person's may mark entries
  // assume-unchanged or skip-worktree, which would hide those files from the scan.
  await rm(join(shadowDir, 'index'), { force: true });
  if (tracked !== undefined) await git(run, ['read-tree', tracked], call);
  return { dirty: status.stdout.length > 0, tree: await scanTree(run, shadowDir, repo.root) };
}

/**
 * The working tree as a tree object: every file not ignored, tracked or not. Reuses the
 * shadow's index, so files whose stat data has not changed since the last scan are not
 * read again; writing a file always moves its ctime, which no one can set back short of changing the clock.
 */
export async function scanTree(run: GitRunner, shadowDir: string, root: string): Promise<string> {
  const call = { cwd: root, gitDir: shadowDir, workTree: root };
  // --ignore-errors: one unreadable path (an embedded repository without commits, say)
  // must not lose the record of every other change; git then exits 1.
  await git(run, ['add', '--all', '--ignore-errors'], { ...call, okCodes: [0, 1] });
  const tree = outputLine(await git(run, ['write-tree'], call));
  if (tree === undefined) throw new AirlockError('INTERNAL', `git write-tree printed no tree for ${root}`);
  return tree;
}

/** Copies the person's index (and any split-index parts) into the shadow; false when there is none. */
async function copyIndex(gitDir: string, shadowDir: string): Promise<boolean> {
  const source = join(gitDir, 'index');
  const st = await stat(source).catch(() => undefined);
  if (st === undefined || !st.isFile()) return false;
  const shared = (await readdir(gitDir)).filter((name) => name.startsWith('sharedindex.'));
  for (const name of shared) await copyFile(join(gitDir, name), join(shadowDir, name));
  await copyFile(source, join(shadowDir, 'index'));
  // Keep the index's own mtime (rounded down): git re-reads entries as new as the index
  // (racy git), and a newer copy would let a same-second edit pass as clean.
  await utimes(join(shadowDir, 'index'), st.atime, st.mtime);
  return true;
}
