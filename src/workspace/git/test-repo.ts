import { execFileSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { chmodSync, lstatSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, readlinkSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';

/**
 * Real git repositories in temp directories for the tests of workspace/git. Tests pass in
 * their environment (only PATH is used): only cli/ reads the process environment.
 */
export interface TestRepos {
  /** A fresh directory (mode 0755, so uid 1000 can reach what is inside). */
  dir(name: string): string;
  /** A repository with `main` checked out and no commits. */
  init(name: string): string;
  /** git in dir as root (or as uid when given), with a fixed identity and no host config. */
  git(dir: string, args: readonly string[], options?: { uid?: number }): string;
  /** Writes files (creating directories); a null content deletes the file. */
  write(dir: string, files: Readonly<Record<string, string | Buffer | null>>): void;
  cleanup(): void;
}

const IDENTITY = ['-c', 'user.name=Airlock Test', '-c', 'user.email=test@airlock.invalid', '-c', 'init.defaultBranch=main', '-c', 'commit.gpgSign=false', '-c', 'safe.directory=*'];

export function createTestRepos(env: Readonly<Record<string, string | undefined>>): TestRepos {
  const base = mkdtempSync(join(tmpdir(), 'airlock-git-test-'));
  chmodSync(base, 0o755);
  const gitEnv = { PATH: env.PATH ?? '/usr/bin:/bin', HOME: base, GIT_CONFIG_NOSYSTEM: '1', GIT_CONFIG_GLOBAL: '/dev/null', LC_ALL: 'C' };
  const repos: TestRepos = {
    dir(name) {
      const path = join(base, name);
      mkdirSync(path, { recursive: true, mode: 0o755 });
      return path;
    },
    init(name) {
      const path = repos.dir(name);
      repos.git(path, ['init', '--quiet']);
      return path;
    },
    git(dir, args, options = {}) {
      return execFileSync('git', [...IDENTITY, ...args], { cwd: dir, env: gitEnv, stdio: ['ignore', 'pipe', 'pipe'], ...(options.uid === undefined ? {} : { uid: options.uid, gid: options.uid }) }).toString('utf8');
    },
    write(dir, files) {
      for (const [path, content] of Object.entries(files)) {
        const full = join(dir, path);
        if (content === null) {
          rmSync(full, { force: true });
          continue;
        }
        mkdirSync(dirname(full), { recursive: true });
        writeFileSync(full, content);
      }
    },
    cleanup() {
      rmSync(base, { recursive: true, force: true });
    },
  };
  return repos;
}

/** Every entry under dir: path, type, mode, owner and content, as one digest per path. */
export function treeState(dir: string, skip: (relPath: string) => boolean = () => false): Map<string, string> {
  const out = new Map<string, string>();
  const walk = (rel: string): void => {
    for (const name of readdirSync(join(dir, rel))) {
      const path = rel === '' ? name : `${rel}/${name}`;
      if (skip(path)) continue;
      const full = join(dir, path);
      const st = lstatSync(full);
      const content = st.isFile() ? readFileSync(full) : st.isSymbolicLink() ? Buffer.from(readlinkSync(full)) : Buffer.alloc(0);
      out.set(path, `${st.mode.toString(8)} ${st.uid} ${createHash('sha256').update(content).digest('hex')}`);
      if (st.isDirectory()) walk(path);
    }
  };
  walk('');
  return out;
}

/** Paths under dir owned by uid. */
export function ownedBy(dir: string, uid: number): string[] {
  const state = treeState(dir);
  return [...state.entries()].filter(([, v]) => v.split(' ')[1] === String(uid)).map(([k]) => k);
}
