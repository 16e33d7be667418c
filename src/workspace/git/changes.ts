import { rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { emptyTree, git, outputLine } from './git-call.js';
import type { GitRunner } from './runner.js';
import { createShadow, scanStart, scanTree } from './shadow.js';
import type { RepoPaths } from './shadow.js';
import { readHead } from './snapshot.js';
import type { RepoSnapshot } from './snapshot.js';

export interface FileChange {
  path: string;
  status: 'added' | 'modified' | 'deleted' | 'renamed';
  /** The path before a rename. */
  oldPath?: string;
}

/** What a session did to the repository, recorded when it ends. */
export interface RepoChanges {
  /** HEAD's commit id at the end; undefined when there is none. */
  headAfter?: string;
  /**
   * Commits reachable from headAfter and not from the start's HEAD. When headAfter descends
   * from it, these are the commits the session made.
   */
  commitsMade: number;
  /** HEAD at the end does not descend from HEAD at the start (reset, rebase, amend, branch switch). */
  historyRewritten: boolean;
  /** Every path whose content differs between the start working tree and the end one. */
  filesChanged: FileChange[];
  /** `git diff --binary` from the start working tree to the end one: `git apply` replays it. */
  patch: Buffer;
  /** The full patch's size; more than patch.length when it was cut. */
  patchBytes: number;
  /** The patch was cut at maxPatchBytes. */
  patchTruncated: boolean;
  /** The end working tree as a tree object (lives only as long as the shadow). */
  endTree?: string;
  /** Why the changes are missing or measured from somewhere other than the start working tree. */
  note?: string;
}

export interface GitChangesOptions {
  /** The patch is kept up to this many bytes; its full size is still reported. */
  maxPatchBytes: number;
  tmpDir?: string;
}

/**
 * Measures what changed since `before` was taken: commits, files and a patch, from the start
 * working tree (dirty edits and untracked files that were already there are not the
 * session's) to the working tree now (including what was committed and untracked files).
 * Reads the repository, never writes it; removes the snapshot's shadow. A directory that was
 * not a git repository gives no changes and a note. Fails INTERNAL when git fails.
 */
export async function gitChanges(repoDir: string, before: RepoSnapshot, run: GitRunner, options: GitChangesOptions): Promise<RepoChanges> {
  const repo = before.shadow;
  if (!before.isGit || repo === undefined) {
    const why = before.isGit ? 'the start snapshot holds no repository paths' : `${repoDir} was not a git working tree when the session started`;
    return { commitsMade: 0, historyRewritten: false, filesChanged: [], patch: Buffer.alloc(0), patchBytes: 0, patchTruncated: false, note: `${why}: no changes were recorded` };
  }
  try {
    const headAfter = await readHead(run, repo).catch(() => undefined);
    const history = await readHistory(run, repo, before.head, headAfter);
    const { base, end, dir, note } = await endTrees(run, repo, before, headAfter, options);
    try {
      const call = { cwd: repo.root, gitDir: dir };
      const filesChanged = await listChanges(run, call, base, end);
      const patch = await diffPatch(run, call, base, end, options.maxPatchBytes);
      return { headAfter, ...history, filesChanged, ...patch, endTree: end, ...(note === undefined ? {} : { note }) };
    } finally {
      if (dir !== repo.dir) await rm(dir, { recursive: true, force: true });
    }
  } finally {
    await rm(repo.dir, { recursive: true, force: true });
  }
}

/**
 * The two trees to compare. Normally the start tree and a scan with the start's shadow
 * (its index and config, which the agent never saw). When the shadow is gone (another
 * process took the snapshot, say), a fresh scan measured from the start's HEAD.
 */
async function endTrees(run: GitRunner, repo: RepoPaths & { dir: string }, before: RepoSnapshot, headAfter: string | undefined, options: GitChangesOptions): Promise<{ base: string; end: string; dir: string; note?: string }> {
  if (before.startTree !== undefined && (await shadowExists(run, repo, before.startTree))) {
    return { base: before.startTree, end: await scanTree(run, repo.dir, repo.root), dir: repo.dir };
  }
  const dir = await createShadow(run, repo, { tmpDir: options.tmpDir ?? tmpdir(), head: headAfter });
  try {
    const { tree } = await scanStart(run, dir, repo, headAfter);
    const base = before.head ?? emptyTree(repo.objectFormat);
    return { base, end: tree, dir, note: 'the start working tree was not available: changes are measured from the start commit, so edits already uncommitted at start count as the session\'s' };
  } catch (error) {
    await rm(dir, { recursive: true, force: true });
    throw error;
  }
}

async function shadowExists(run: GitRunner, repo: RepoPaths & { dir: string }, tree: string): Promise<boolean> {
  const result = await git(run, ['cat-file', '-e', `${tree}^{tree}`], { cwd: repo.root, gitDir: repo.dir, okCodes: [0, 1, 128] }).catch(() => undefined);
  return result?.code === 0;
}

async function readHistory(run: GitRunner, repo: RepoPaths, head: string | undefined, headAfter: string | undefined): Promise<{ commitsMade: number; historyRewritten: boolean }> {
  if (headAfter === undefined) return { commitsMade: 0, historyRewritten: head !== undefined };
  if (head === headAfter) return { commitsMade: 0, historyRewritten: false };
  const call = { cwd: repo.root, gitDir: repo.gitDir };
  // Exit 1: not an ancestor. Anything else (the start commit is gone, say) counts as rewritten too.
  const descends = head === undefined || (await git(run, ['merge-base', '--is-ancestor', head, headAfter], { ...call, okCodes: [0, 1, 128] })).code === 0;
  const range = head === undefined ? [headAfter] : [headAfter, `^${head}`];
  const counted = await git(run, ['rev-list', '--count', ...range, '--'], { ...call, okCodes: [0, 128] });
  const commitsMade = counted.code === 0 ? Number(outputLine(counted) ?? '0') : 0;
  return { commitsMade, historyRewritten: !descends };
}

/** Options that keep a diff the same whatever config is around: plain, replayable, no programs. */
const DIFF_OPTIONS = ['-r', '--find-renames', '--no-color', '--no-ext-diff', '--no-textconv'];

async function listChanges(run: GitRunner, call: { cwd: string; gitDir: string }, base: string, end: string): Promise<FileChange[]> {
  const result = await git(run, ['diff-tree', ...DIFF_OPTIONS, '-z', '--name-status', base, end, '--'], call);
  return parseNameStatus(result.stdout.toString('utf8'));
}

/** `--name-status -z`: a status letter (R with a score), then one path, or two for a rename. */
export function parseNameStatus(text: string): FileChange[] {
  const tokens = text.split('\0');
  const changes: FileChange[] = [];
  for (let i = 0; i < tokens.length - 1; ) {
    const letter = (tokens[i] ?? '').charAt(0);
    if (letter === 'R' || letter === 'C') {
      const oldPath = tokens[i + 1] ?? '';
      const path = tokens[i + 2] ?? '';
      changes.push(letter === 'R' ? { path, status: 'renamed', oldPath } : { path, status: 'added' });
      i += 3;
    } else {
      const path = tokens[i + 1] ?? '';
      changes.push({ path, status: letter === 'A' ? 'added' : letter === 'D' ? 'deleted' : 'modified' });
      i += 2;
    }
  }
  return changes;
}

async function diffPatch(run: GitRunner, call: { cwd: string; gitDir: string }, base: string, end: string, maxPatchBytes: number): Promise<Pick<RepoChanges, 'patch' | 'patchBytes' | 'patchTruncated'>> {
  const args = ['diff-tree', ...DIFF_OPTIONS, '--patch', '--binary', '--src-prefix=a/', '--dst-prefix=b/', base, end, '--'];
  const result = await git(run, args, { ...call, maxBuffer: maxPatchBytes });
  const patchBytes = result.stdoutBytes ?? result.stdout.length;
  const patch = result.stdout.length > maxPatchBytes ? result.stdout.subarray(0, maxPatchBytes) : result.stdout;
  return { patch, patchBytes, patchTruncated: patchBytes > patch.length };
}
