import { realpathSync } from 'node:fs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createGitRunner, gitEnvironment } from './runner.js';
import { createTestRepos } from './test-repo.js';
import type { TestRepos } from './test-repo.js';

let repos: TestRepos;
beforeAll(() => {
  repos = createTestRepos(process.env);
});
afterAll(() => repos.cleanup());

describe('createGitRunner', () => {
  it('keeps maxBuffer bytes of stdout and counts the rest', async () => {
    const dir = repos.init('big');
    repos.write(dir, { 'big.txt': 'x'.repeat(100_000) });
    repos.git(dir, ['add', 'big.txt']);
    const run = createGitRunner({ env: process.env });
    const full = await run(['cat-file', '-p', ':big.txt'], { cwd: dir });
    const cut = await run(['cat-file', '-p', ':big.txt'], { cwd: dir, maxBuffer: 1000 });
    expect(full).toMatchObject({ code: 0, stdoutBytes: 100_000 });
    expect(full.stdout.length).toBe(100_000);
    expect(cut).toMatchObject({ code: 0, stdoutBytes: 100_000 });
    expect(cut.stdout.length).toBe(1000);
  });

  it('passes on no GIT_* variable of the caller (an inherited GIT_DIR would redirect git)', async () => {
    const dir = repos.init('env');
    const run = createGitRunner({ env: { PATH: process.env.PATH, GIT_DIR: '/nonexistent', GIT_WORK_TREE: '/', SUDO_UID: '1000' } });
    const result = await run(['-c', 'safe.directory=*', 'rev-parse', '--show-toplevel'], { cwd: dir });
    expect(result.code).toBe(0);
    expect(result.stdout.toString().trim()).toBe(realpathSync(dir));
    const env = gitEnvironment({ PATH: '/bin', GIT_DIR: '/x', GIT_EXTERNAL_DIFF: 'evil', SUDO_UID: '1000', SECRET_TOKEN: 's' });
    expect(Object.keys(env).filter((k) => k === 'GIT_DIR' || k === 'GIT_EXTERNAL_DIFF' || k === 'SUDO_UID' || k === 'SECRET_TOKEN')).toEqual([]);
    expect(env).toMatchObject({ PATH: '/bin', GIT_OPTIONAL_LOCKS: '0', GIT_TERMINAL_PROMPT: '0', LC_ALL: 'C' });
  });

  it('resolves with git’s exit code and the start of stderr', async () => {
    const result = await createGitRunner({ env: process.env })(['rev-parse', '--verify', 'no-such-ref'], { cwd: repos.dir('not-a-repo') });
    expect(result.code).toBe(128);
    expect(result.stderr).toMatch(/not a git repository/);
  });
});
