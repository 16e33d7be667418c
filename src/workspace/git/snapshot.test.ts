import { execFileSync } from 'node:child_process';
import { chownSync, existsSync, readFileSync, realpathSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { AirlockError } from '../../core/index.js';
import { createGitRunner } from './runner.js';
import { disposeSnapshot, gitSnapshot } from './snapshot.js';
import type { RepoSnapshot } from './snapshot.js';
import { createTestRepos, ownedBy, treeState } from './test-repo.js';
import type { TestRepos } from './test-repo.js';

const run = createGitRunner({ env: process.env });
let repos: TestRepos;
const taken: RepoSnapshot[] = [];

async function snapshot(dir: string): Promise<RepoSnapshot> {
  const s = await gitSnapshot(dir, run);
  taken.push(s);
  return s;
}

function committed(name: string): string {
  const dir = repos.init(name);
  repos.write(dir, { 'a.txt': 'a\n', 'b.txt': 'b\n', '.gitignore': 'ignored/\n*.log\n' });
  repos.git(dir, ['add', '-A']);
  repos.git(dir, ['commit', '-q', '-m', 'first']);
  return dir;
}

beforeAll(() => {
  repos = createTestRepos(process.env);
});
afterAll(async () => {
  for (const s of taken) await disposeSnapshot(s);
  repos.cleanup();
});

describe('gitSnapshot', () => {
  it('gives isGit false for a directory outside any repository, not an error', async () => {
    expect(await snapshot(repos.dir('plain'))).toEqual({ isGit: false, dirty: false });
  });

  it('records root, branch, full head and a clean tree', async () => {
    const dir = committed('basic');
    repos.write(dir, { 'sub/c.txt': 'c\n' });
    repos.git(dir, ['add', '-A']);
    repos.git(dir, ['commit', '-q', '-m', 'second']);
    const s = await snapshot(join(dir, 'sub'));
    expect(s).toMatchObject({ isGit: true, root: realpathSync(dir), branch: 'main', head: repos.git(dir, ['rev-parse', 'HEAD']).trim(), dirty: false });
    expect(s.head).toMatch(/^[0-9a-f]{40}$/);
    expect(s.startTree).toBe(repos.git(dir, ['rev-parse', 'HEAD^{tree}']).trim());
    expect(s.remoteUrl).toBeUndefined();
  });

  it('leaves branch undefined on a detached HEAD', async () => {
    const dir = committed('detached');
    const head = repos.git(dir, ['rev-parse', 'HEAD']).trim();
    repos.git(dir, ['checkout', '-q', '--detach']);
    const s = await snapshot(dir);
    expect(s.branch).toBeUndefined();
    expect(s.head).toBe(head);
  });

  it('handles a repository without commits', async () => {
    const dir = repos.init('empty');
    expect(await snapshot(dir)).toMatchObject({ isGit: true, branch: 'main', head: undefined, dirty: false, startTree: '4b825dc642cb6eb9a060e54bf8d69288fbee4904' });
    repos.write(dir, { 'new.txt': 'n\n' });
    expect(await snapshot(dir)).toMatchObject({ isGit: true, head: undefined, dirty: true });
  });

  it('takes the origin URL, else the first remote, without credentials', async () => {
    const dir = committed('remotes');
    repos.git(dir, ['remote', 'add', 'upstream', 'https://bob:UPSTREAM_SECRET@example.com/up.git']);
    repos.git(dir, ['remote', 'add', 'fork', 'git@example.com:me/fork.git']);
    expect((await snapshot(dir)).remoteUrl).toBe('https://example.com/up.git');
    repos.git(dir, ['remote', 'add', 'origin', 'https://ORIGIN_TOKEN@example.com/org/repo.git']);
    const s = await snapshot(dir);
    expect(s.remoteUrl).toBe('https://example.com/org/repo.git');
    expect(JSON.stringify(s)).not.toMatch(/SECRET|TOKEN/);
  });

  // [case, change to a clean repository, dirty?]
  const dirtyCases: [string, Record<string, string | null>, 'stage' | 'none', boolean][] = [
    ['clean', {}, 'none', false],
    ['unstaged edit', { 'a.txt': 'changed\n' }, 'none', true],
    ['staged edit', { 'a.txt': 'changed\n' }, 'stage', true],
    ['staged deletion', { 'b.txt': null }, 'stage', true],
    ['unstaged deletion', { 'b.txt': null }, 'none', true],
    ['untracked file', { 'new.txt': 'n\n' }, 'none', true],
    ['only ignored files', { 'ignored/x.bin': 'x', 'debug.log': 'l\n' }, 'none', false],
  ];
  it.each(dirtyCases)('dirty: %s', async (name, files, stage, dirty) => {
    const dir = committed(`dirty-${name.replace(/ /g, '-')}`);
    repos.write(dir, files);
    if (stage === 'stage') repos.git(dir, ['add', '-A']);
    expect((await snapshot(dir)).dirty).toBe(dirty);
  });

  it('sees a staged change whose working copy was reverted as dirty, as git status does', async () => {
    const dir = committed('staged-reverted');
    repos.write(dir, { 'a.txt': 'staged\n' });
    repos.git(dir, ['add', 'a.txt']);
    repos.write(dir, { 'a.txt': 'a\n' });
    expect((await snapshot(dir)).dirty).toBe(true);
  });

  it('works on a repository owned by another uid and leaves its .git untouched', async () => {
    const dir = committed('owned');
    repos.write(dir, { 'a.txt': 'edited\n', 'untracked.txt': 'u\n' });
    execFileSync('chown', ['-R', '1000:1000', dir]);
    // The situation is real: plain git as root refuses this repository.
    expect(() => execFileSync('git', ['status'], { cwd: dir, stdio: 'pipe', env: { PATH: process.env.PATH ?? '', GIT_CONFIG_GLOBAL: '/dev/null' } })).toThrow(/dubious ownership/);
    const gitBefore = treeState(join(dir, '.git'));
    const index = readFileSync(join(dir, '.git', 'index'));
    const s = await snapshot(dir);
    expect(s).toMatchObject({ isGit: true, branch: 'main', dirty: true });
    expect(s.head).toMatch(/^[0-9a-f]{40}$/);
    expect(treeState(join(dir, '.git'))).toEqual(gitBefore);
    expect(readFileSync(join(dir, '.git', 'index')).equals(index)).toBe(true);
    expect(ownedBy(dir, 0)).toEqual([]);
  });

  it('does not open a repository above the directory that belongs to someone else', async () => {
    const parent = committed('planted');
    const child = repos.dir('planted/work');
    chownSync(child, 1000, 1000);
    const s = await snapshot(child);
    expect(s.isGit).toBe(false);
    expect(s.note).toMatch(/belongs to uid 0, not uid 1000/);
    expect(s.shadow).toBeUndefined();
    expect(parent).toBeTruthy();
  });

  it('keeps its temporary git directory until disposed', async () => {
    const s = await gitSnapshot(committed('dispose'), run);
    expect(s.shadow && existsSync(s.shadow.dir)).toBe(true);
    await disposeSnapshot(s);
    expect(existsSync(s.shadow?.dir ?? '')).toBe(false);
  });

  it('fails DRIVER_UNAVAILABLE when git cannot be run', async () => {
    const missing = createGitRunner({ env: process.env, gitPath: '/nonexistent/bin/git' });
    const error = await gitSnapshot(repos.dir('no-git'), missing).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(AirlockError);
    expect((error as AirlockError).code).toBe('DRIVER_UNAVAILABLE');
    expect((error as AirlockError).message).toMatch(/install git/);
  });
});
