import { rm, stat } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { firstLine, git, outputLine, parseConfigZ } from './git-call.js';
import { stripUrlCredentials } from './remote-url.js';
import type { GitRunner } from './runner.js';
import { createShadow, scanStart } from './shadow.js';
import type { RepoPaths } from './shadow.js';

/** The repository facts recorded when a session starts. */
export interface RepoSnapshot {
  /** Whether the directory is in a git working tree (that Airlock agreed to open). */
  isGit: boolean;
  /** The top of the working tree, which may be above the session's directory. */
  root?: string;
  /** origin's URL, else the first remote's, without credentials. */
  remoteUrl?: string;
  /** The checked-out branch; undefined when HEAD is detached. */
  branch?: string;
  /** HEAD's full commit id; undefined in a repository without commits. */
  head?: string;
  /** Any staged, unstaged or untracked (not ignored) change, as `git status --porcelain` has it. */
  dirty: boolean;
  /**
   * The working tree at start, untracked files included, as a tree object: what the session
   * started from. Changes are measured from it, so edits already there are not the agent's.
   */
  startTree?: string;
  /** Why isGit is false although git found a repository, or what could not be read. */
  note?: string;
  /**
   * Airlock's private state for gitChanges, not part of the audit record: the paths found at
   * start and a temporary git directory holding the start tree's objects. gitChanges removes
   * it; call disposeSnapshot when gitChanges will not run.
   */
  shadow?: RepoPaths & { dir: string };
}

export interface GitSnapshotOptions {
  /** Where the shadow git directory is made; the OS temp directory by default. */
  tmpDir?: string;
}

/**
 * Records the repository at repoDir. A directory outside any git working tree gives
 * `{ isGit: false, dirty: false }`, not an error. Fails DRIVER_UNAVAILABLE when git cannot
 * run and INTERNAL when git fails on a repository. Never writes to the repository.
 */
export async function gitSnapshot(repoDir: string, run: GitRunner, options: GitSnapshotOptions = {}): Promise<RepoSnapshot> {
  const found = await discoverRepo(run, repoDir);
  if ('note' in found) return { isGit: false, dirty: false, ...(found.note === undefined ? {} : { note: found.note }) };
  const refusal = await ownershipRefusal(repoDir, found);
  if (refusal !== undefined) return { isGit: false, dirty: false, note: refusal };
  const [head, branch, remoteUrl] = await Promise.all([readHead(run, found), readBranch(run, found), readRemoteUrl(run, found)]);
  const dir = await createShadow(run, found, { tmpDir: options.tmpDir ?? tmpdir(), head });
  try {
    const { dirty, tree } = await scanStart(run, dir, found, head);
    return { isGit: true, root: found.root, remoteUrl, branch, head, dirty, startTree: tree, shadow: { ...found, dir } };
  } catch (error) {
    await rm(dir, { recursive: true, force: true });
    throw error;
  }
}

/** Removes the snapshot's temporary git directory. Safe to call twice. */
export async function disposeSnapshot(snapshot: RepoSnapshot): Promise<void> {
  if (snapshot.shadow !== undefined) await rm(snapshot.shadow.dir, { recursive: true, force: true });
}

/**
 * Finds the working tree that contains repoDir. Airlock runs as root on repositories owned
 * by the person, which git refuses ("dubious ownership") unless told otherwise; it is told
 * so for this one read-only command, which runs nothing from the repository's config, and
 * ownershipRefusal then applies the rule git would apply for the person. Every later
 * command names the repository with --git-dir, so git does not search again.
 */
async function discoverRepo(run: GitRunner, repoDir: string): Promise<RepoPaths | { note: string | undefined }> {
  const args = ['rev-parse', '--path-format=absolute', '--show-toplevel', '--git-dir', '--git-common-dir', '--show-object-format'];
  const result = await git(run, args, { cwd: repoDir, config: ['safe.directory=*'], okCodes: [0, 128] });
  if (result.code !== 0) {
    const why = firstLine(result.stderr) ?? `git rev-parse exited ${result.code}`;
    return { note: /not a git repository/.test(why) ? undefined : `${repoDir} is not in a git working tree: ${why}` };
  }
  const [root, gitDir, commonDir, objectFormat] = result.stdout.toString('utf8').split('\n');
  if (!root || !gitDir || !commonDir || !objectFormat) return { note: `git rev-parse gave no working tree for ${repoDir}` };
  return { root, gitDir, commonDir, objectFormat };
}

/**
 * git's own rule, for the person rather than for root: a repository is opened only when its
 * working tree and git directories belong to whoever owns the session's directory. A
 * `.git` that another user planted above it (say in /tmp) is not read as the person's.
 */
async function ownershipRefusal(repoDir: string, repo: RepoPaths): Promise<string | undefined> {
  const owner = (await stat(repoDir)).uid;
  for (const path of [repo.root, repo.gitDir, repo.commonDir]) {
    const uid = (await stat(path)).uid;
    if (uid !== owner) {
      return `${repoDir} is inside the git repository ${repo.root}, but ${path} belongs to uid ${uid}, not uid ${owner} who owns ${repoDir}; Airlock does not read a repository another user could have put there, so the session is recorded without git facts. Run it on a repository of your own.`;
    }
  }
  return undefined;
}

export async function readHead(run: GitRunner, repo: RepoPaths): Promise<string | undefined> {
  const result = await git(run, ['rev-parse', '--verify', '--quiet', 'HEAD^{commit}'], { cwd: repo.root, gitDir: repo.gitDir, okCodes: [0, 1] });
  return result.code === 0 ? outputLine(result) : undefined;
}

async function readBranch(run: GitRunner, repo: RepoPaths): Promise<string | undefined> {
  const result = await git(run, ['symbolic-ref', '--quiet', 'HEAD'], { cwd: repo.root, gitDir: repo.gitDir, okCodes: [0, 1] });
  const ref = result.code === 0 ? outputLine(result) : undefined;
  return ref?.startsWith('refs/heads/') ? ref.slice('refs/heads/'.length) : ref;
}

async function readRemoteUrl(run: GitRunner, repo: RepoPaths): Promise<string | undefined> {
  const result = await git(run, ['config', '-z', '--get-regexp', '^remote\\..*\\.url$'], { cwd: repo.root, gitDir: repo.gitDir, okCodes: [0, 1] });
  const remotes = parseConfigZ(result.stdout).map(({ key, value }) => ({ name: key.slice('remote.'.length, -'.url'.length), url: value }));
  const chosen = remotes.find((r) => r.name === 'origin') ?? remotes[0];
  return chosen?.url === undefined ? undefined : stripUrlCredentials(chosen.url);
}
