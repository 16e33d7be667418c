import { execFileSync, spawn } from 'node:child_process';
import type { ChildProcess } from 'node:child_process';
import { chownSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';

export const ROOT = resolve(import.meta.dirname, '..');
export const AIRLOCK_BIN = join(ROOT, 'bin', 'airlock.js');
export const PTY_HELPER = join(ROOT, 'dist', 'native', 'airlock-pty');
export const SANDBOX_UID = 1000;
export const DRIVERS = ['docker', 'bwrap'] as const;

/** A temp directory removed by the returned function. */
export function tempDir(prefix: string): { path: string; remove: () => void } {
  const path = mkdtempSync(join(tmpdir(), `airlock-test-${prefix}-`));
  return { path, remove: () => rmSync(path, { recursive: true, force: true }) };
}

/**
 * The host uid a driver's sandbox writes files as: docker runs as the policy's uid;
 * bwrap maps the sandbox uid to the user who runs airlock.
 */
export function hostWriterUid(driver: (typeof DRIVERS)[number]): number {
  return driver === 'docker' ? SANDBOX_UID : process.getuid?.() ?? 0;
}

/** A repository owned by `owner`, as a developer's own checkout would be. */
export function makeRepo(files: Record<string, string> = { 'README.md': '# sample\n' }, owner = SANDBOX_UID): { path: string; remove: () => void } {
  const dir = tempDir('repo');
  for (const [name, text] of Object.entries(files)) {
    mkdirSync(join(dir.path, name, '..'), { recursive: true });
    writeFileSync(join(dir.path, name), text);
    chownSync(join(dir.path, name), owner, owner);
  }
  chownSync(dir.path, owner, owner);
  return dir;
}

export interface AirlockRun {
  code: number | null;
  signal: NodeJS.Signals | null;
  stdout: Buffer;
  stderr: string;
}

export interface AirlockOptions {
  home: string;
  cwd?: string;
  input?: Buffer | string;
  env?: Record<string, string>;
  timeoutMs?: number;
}

export function spawnAirlock(args: string[], options: AirlockOptions): ChildProcess {
  return spawn(process.execPath, [AIRLOCK_BIN, ...args], {
    cwd: options.cwd ?? ROOT,
    env: { PATH: process.env.PATH ?? '/usr/bin:/bin', HOME: process.env.HOME ?? '/root', AIRLOCK_HOME: options.home, ...options.env },
    stdio: ['pipe', 'pipe', 'pipe'],
  });
}

export function collect(child: ChildProcess, input?: Buffer | string, timeoutMs = 60_000): Promise<AirlockRun> {
  return new Promise((resolvePromise, reject) => {
    const out: Buffer[] = [];
    let err = '';
    child.stdout?.on('data', (b: Buffer) => out.push(b));
    child.stderr?.on('data', (b: Buffer) => (err += b.toString()));
    const timer = setTimeout(() => {
      child.kill('SIGKILL');
      reject(new Error(`airlock did not finish within ${timeoutMs} ms; stderr: ${err}`));
    }, timeoutMs);
    child.on('close', (code, signal) => {
      clearTimeout(timer);
      resolvePromise({ code, signal, stdout: Buffer.concat(out), stderr: err });
    });
    child.stdin?.on('error', () => {});
    child.stdin?.end(input);
  });
}

/** Runs the built airlock binary as a user would. */
export function airlock(args: string[], options: AirlockOptions): Promise<AirlockRun> {
  return collect(spawnAirlock(args, options), options.input, options.timeoutMs);
}

export function waitFor(predicate: () => boolean, timeoutMs: number, what: string): Promise<void> {
  return new Promise((resolvePromise, reject) => {
    const started = Date.now();
    const tick = () => {
      if (predicate()) return resolvePromise();
      if (Date.now() - started > timeoutMs) return reject(new Error(`timed out waiting for ${what}`));
      setTimeout(tick, 25);
    };
    tick();
  });
}

/** A git repository with one commit of `files` and an origin remote, owned by `owner`. */
export function makeGitRepo(files: Record<string, string>, owner: number, remote = 'https://builder:s3cr3t-token@git.example.com/org/app.git'): { path: string; head: string; remove: () => void } {
  const repo = makeRepo(files, owner);
  const git = (...args: string[]) => execFileSync('git', ['-c', 'safe.directory=*', '-c', 'user.name=Test', '-c', 'user.email=test@example.com', '-c', 'init.defaultBranch=main', ...args], { cwd: repo.path }).toString().trim();
  git('init', '-q');
  git('add', '-A');
  git('commit', '-q', '-m', 'start');
  git('remote', 'add', 'origin', remote);
  execFileSync('chown', ['-R', `${owner}:${owner}`, repo.path]);
  return { ...repo, head: git('rev-parse', 'HEAD') };
}

/** A session's events, read back through `airlock audit query` as a person would. */
export async function sessionEvents(home: string, sessionId: string): Promise<Record<string, unknown>[]> {
  const run = await airlock(['audit', 'query', '--session', sessionId, '--limit', '100000', '--json'], { home });
  if (run.code !== 0) throw new Error(`airlock audit query failed (${String(run.code)}): ${run.stderr}`);
  return (JSON.parse(run.stdout.toString()) as { event: Record<string, unknown> }[]).map((r) => r.event);
}
