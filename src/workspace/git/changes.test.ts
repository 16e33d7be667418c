import { execFileSync } from 'node:child_process';
import { chmodSync, existsSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { gitChanges } from './changes.js';
import type { RepoChanges } from './changes.js';
import { createGitRunner } from './runner.js';
import { disposeSnapshot, gitSnapshot } from './snapshot.js';
import type { RepoSnapshot } from './snapshot.js';
import { createTestRepos, ownedBy, treeState } from './test-repo.js';
import type { TestRepos } from './test-repo.js';

const run = createGitRunner({ env: process.env });
const AS_PERSON = { uid: 1000 };
let repos: TestRepos;

beforeAll(() => {
  repos = createTestRepos(process.env);
});
afterAll(() => repos.cleanup());

function committed(name: string, files: Record<string, string | Buffer>): string {
  const dir = repos.init(name);
  repos.write(dir, files);
  repos.git(dir, ['add', '-A']);
  repos.git(dir, ['commit', '-q', '-m', 'start']);
  return dir;
}

const lines = (prefix: string) => Array.from({ length: 20 }, (_, i) => `${prefix} line ${i}`).join('\n') + '\n';
const binary = (seed: number) => Buffer.from(Array.from({ length: 600 }, (_, i) => (i * seed + (i >> 3)) % 256));

describe('gitChanges after a session (repository owned by uid 1000)', () => {
  let dir: string;
  let startCopy: string;
  let before: RepoSnapshot;
  let changes: RepoChanges;
  let gitBefore: Map<string, string>;
  let indexBefore: Buffer;

  beforeAll(async () => {
    dir = committed('session', {
      'keep.txt': 'keep\n', 'modify.txt': lines('modify'), 'delete.txt': 'delete me\n', 'rename-me.txt': lines('rename'),
      'bin.dat': binary(7), 'dirty-before.txt': 'clean\n', 'staged-before.txt': 'clean\n', 'agent-too.txt': 'base\n', '.gitignore': 'ignored/\n',
    });
    // The person's own work in progress when the session starts: none of it is the agent's.
    repos.write(dir, { 'dirty-before.txt': 'person edit\n', 'staged-before.txt': 'person staged\n', 'untracked-before.txt': 'person file\n', 'agent-too.txt': 'base\nperson line\n', 'ignored/cache.bin': 'c' });
    repos.git(dir, ['add', 'staged-before.txt']);
    execFileSync('chown', ['-R', '1000:1000', dir]);
    before = await gitSnapshot(dir, run);
    startCopy = repos.dir('session-start');
    execFileSync('cp', ['-a', `${dir}/.`, startCopy]);

    // The session: edits, a rename, a deletion, a binary change, a commit, new untracked files.
    repos.write(dir, { 'modify.txt': lines('modify').replace('line 7', 'line seven'), 'delete.txt': null, 'bin.dat': binary(13), 'agent-too.txt': 'base\nperson line\nagent line\n', 'new.txt': 'agent file\n', 'committed.txt': 'agent commit\n', 'ignored/new.bin': 'n' });
    repos.git(dir, ['mv', 'rename-me.txt', 'renamed.txt'], AS_PERSON);
    repos.git(dir, ['add', 'committed.txt'], AS_PERSON);
    repos.git(dir, ['commit', '-q', '-m', 'agent'], AS_PERSON);

    gitBefore = treeState(join(dir, '.git'));
    indexBefore = readFileSync(join(dir, '.git', 'index'));
    changes = await gitChanges(dir, before, run, { maxPatchBytes: 1_000_000 });
  });

  it('counts the commit made on top of the start', () => {
    expect(before).toMatchObject({ isGit: true, dirty: true, branch: 'main' });
    expect(changes.headAfter).toBe(repos.git(dir, ['rev-parse', 'HEAD']).trim());
    expect(changes).toMatchObject({ commitsMade: 1, historyRewritten: false });
  });

  it('lists what the session changed, committed or not, and nothing that was there before', () => {
    const files = [...changes.filesChanged].sort((a, b) => a.path.localeCompare(b.path));
    expect(files).toEqual([
      { path: 'agent-too.txt', status: 'modified' },
      { path: 'bin.dat', status: 'modified' },
      { path: 'committed.txt', status: 'added' },
      { path: 'delete.txt', status: 'deleted' },
      { path: 'modify.txt', status: 'modified' },
      { path: 'new.txt', status: 'added' },
      { path: 'renamed.txt', status: 'renamed', oldPath: 'rename-me.txt' },
    ]);
  });

  it('gives a binary patch of only the session’s part', () => {
    const text = changes.patch.toString('latin1');
    expect(text).toContain('GIT binary patch');
    expect(text).toContain('+agent line');
    expect(text).not.toContain('+person');
    expect(changes).toMatchObject({ patchTruncated: false, patchBytes: changes.patch.length });
  });

  it('leaves the person’s .git exactly as it was, with no file owned by root', async () => {
    expect(treeState(join(dir, '.git'))).toEqual(gitBefore);
    expect(readFileSync(join(dir, '.git', 'index')).equals(indexBefore)).toBe(true);
    expect(ownedBy(join(dir, '.git'), 0)).toEqual([]);
    expect(existsSync(before.shadow?.dir ?? '/nonexistent')).toBe(false);
  });

  it('replays with git apply onto a copy of the start state', () => {
    writeFileSync(join(startCopy, '..', 'session.patch'), changes.patch);
    repos.git(startCopy, ['apply', '--binary', join(startCopy, '..', 'session.patch')]);
    const content = (root: string) => {
      const state = treeState(root, (p) => p === '.git' || p === 'ignored');
      return new Map([...state].map(([path, v]) => [path, v.split(' ')[2]]));
    };
    expect(content(startCopy)).toEqual(content(dir));
  });
});

describe('gitChanges', () => {
  it('records nothing, with a note, for a directory that was not a repository', async () => {
    const plain = repos.dir('plain');
    const changes = await gitChanges(plain, await gitSnapshot(plain, run), run, { maxPatchBytes: 100 });
    expect(changes).toMatchObject({ filesChanged: [], patchBytes: 0, commitsMade: 0, historyRewritten: false });
    expect(changes.patch.length).toBe(0);
    expect(changes.note).toMatch(/not a git working tree/);
  });

  it('measures a repository without commits from the empty tree', async () => {
    const dir = repos.init('unborn');
    const before = await gitSnapshot(dir, run);
    repos.write(dir, { 'first.txt': 'first\n' });
    repos.git(dir, ['add', 'first.txt']);
    repos.git(dir, ['commit', '-q', '-m', 'first']);
    const changes = await gitChanges(dir, before, run, { maxPatchBytes: 10_000 });
    expect(changes).toMatchObject({ commitsMade: 1, historyRewritten: false, filesChanged: [{ path: 'first.txt', status: 'added' }] });
    expect(changes.patch.toString()).toContain('+first');
  });

  it('reports history rewritten when HEAD no longer descends from the start', async () => {
    const dir = committed('rewrite', { 'a.txt': 'a\n' });
    repos.write(dir, { 'a.txt': 'b\n' });
    repos.git(dir, ['commit', '-q', '-am', 'second']);
    const before = await gitSnapshot(dir, run);
    repos.git(dir, ['reset', '-q', '--hard', 'HEAD~1']);
    repos.write(dir, { 'a.txt': 'c\n' });
    repos.git(dir, ['commit', '-q', '-am', 'replacement']);
    const changes = await gitChanges(dir, before, run, { maxPatchBytes: 10_000 });
    expect(changes).toMatchObject({ historyRewritten: true, commitsMade: 1, filesChanged: [{ path: 'a.txt', status: 'modified' }] });
  });

  it('cuts the stored patch at maxPatchBytes and reports its full size', async () => {
    const dir = committed('truncate', { 'a.txt': 'a\n' });
    const before = await gitSnapshot(dir, run);
    repos.write(dir, { 'big.txt': 'x'.repeat(50_000) });
    const changes = await gitChanges(dir, before, run, { maxPatchBytes: 1000 });
    expect(changes.patch.length).toBe(1000);
    expect(changes.patch.toString()).toMatch(/^diff --git a\/big.txt b\/big.txt/);
    expect(changes.patchTruncated).toBe(true);
    expect(changes.patchBytes).toBeGreaterThan(50_000);
  });

  it('measures from the start commit, and says so, when the start tree is gone', async () => {
    const dir = committed('fallback', { 'a.txt': 'a\n' });
    repos.write(dir, { 'a.txt': 'person\n' });
    const before = await gitSnapshot(dir, run);
    await disposeSnapshot(before);
    repos.write(dir, { 'b.txt': 'agent\n' });
    const changes = await gitChanges(dir, before, run, { maxPatchBytes: 10_000 });
    expect(changes.note).toMatch(/measured from the start commit/);
    expect(changes.filesChanged.map((f) => f.path).sort()).toEqual(['a.txt', 'b.txt']);
  });

  it('works in a linked worktree and in a SHA-256 repository', async () => {
    const main = committed('linked-main', { 'a.txt': 'a\n' });
    const linked = join(main, '..', 'linked');
    repos.git(main, ['worktree', 'add', '-q', '-b', 'side', linked]);
    const sha256 = repos.dir('sha256');
    repos.git(sha256, ['init', '-q', '--object-format=sha256']);
    repos.write(sha256, { 'a.txt': 'a\n' });
    repos.git(sha256, ['add', 'a.txt']);
    repos.git(sha256, ['commit', '-q', '-m', 'start']);
    for (const dir of [linked, sha256]) {
      const before = await gitSnapshot(dir, run);
      expect(before).toMatchObject({ isGit: true, dirty: false });
      repos.write(dir, { 'a.txt': 'changed\n' });
      const changes = await gitChanges(dir, before, run, { maxPatchBytes: 10_000 });
      expect(changes.filesChanged).toEqual([{ path: 'a.txt', status: 'modified' }]);
    }
  });

  it('runs nothing the agent put in .git and is not fooled by its index tricks', async () => {
    const dir = committed('hostile', { 'a.txt': 'a\n', 'b.txt': 'b\n' });
    const before = await gitSnapshot(dir, run);
    const marker = join(dir, '..', 'hostile-ran');
    const script = join(dir, '..', 'hostile.sh');
    writeFileSync(script, `#!/bin/sh\necho "$0 $*" >> ${marker}\ncat\n`);
    chmodSync(script, 0o755);
    repos.write(dir, { '.hooks/post-index-change': `#!/bin/sh\necho hook >> ${marker}\n`, '.gitattributes': '* filter=evil diff=evil\n' });
    chmodSync(join(dir, '.hooks', 'post-index-change'), 0o755);
    // Hide an edit from `git status` the cheap way, then plant every config hook git knows.
    repos.git(dir, ['update-index', '--assume-unchanged', 'a.txt']);
    repos.write(dir, { 'a.txt': 'hidden edit\n' });
    const config = { 'core.fsmonitor': script, 'core.hooksPath': join(dir, '.hooks'), 'filter.evil.clean': script, 'filter.evil.smudge': script, 'filter.evil.required': 'true', 'diff.evil.textconv': script, 'diff.evil.command': script, 'diff.external': script, 'core.worktree': '/' };
    for (const [key, value] of Object.entries(config)) repos.git(dir, ['config', key, value]);

    const changes = await gitChanges(dir, before, run, { maxPatchBytes: 100_000 });
    expect(existsSync(marker)).toBe(false);
    expect(changes.filesChanged.map((f) => f.path).sort()).toEqual(['.gitattributes', '.hooks/post-index-change', 'a.txt']);
    expect(changes.patch.toString()).toContain('+hidden edit');
    // The trap is real: git with the repository's own config runs the agent's program.
    repos.git(dir, [`--work-tree=${dir}`, 'add', '-A']);
    expect(existsSync(marker)).toBe(true);
  });
});
