import { spawn } from 'node:child_process';
import { stat } from 'node:fs/promises';
import { constants } from 'node:os';
import { AirlockError } from '../../core/index.js';

/** What one git invocation gave back. */
export interface GitResult {
  /** At most `maxBuffer` bytes of stdout (all of it without maxBuffer). */
  stdout: Buffer;
  /** The exit code; 128 + signal number when git was killed by a signal. */
  code: number;
  /** How many bytes git wrote to stdout, kept or not. Runners that cannot count leave it out. */
  stdoutBytes?: number;
  /** The start of stderr, for messages; runners that do not capture it leave it out. */
  stderr?: string;
}

export interface GitCallOptions {
  cwd: string;
  /**
   * Stdout bytes to keep. Output past it is read, counted in `stdoutBytes` and dropped,
   * never an error: a patch larger than the audit limit still has a known size.
   */
  maxBuffer?: number;
}

/**
 * Runs git with an argv array (never a shell). Resolves with the exit code, whatever it is;
 * rejects only when git could not be run at all. Injected, so tests and hosts choose the binary.
 */
export type GitRunner = (args: readonly string[], options: GitCallOptions) => Promise<GitResult>;

export interface GitRunnerOptions {
  /** The caller's environment: only PATH and HOME are passed on (see gitEnvironment). */
  env: Readonly<Record<string, string | undefined>>;
  /** The git binary; 'git' looks it up on PATH. */
  gitPath?: string;
  /** A git that runs longer is killed (SIGKILL) and the call fails INTERNAL. */
  timeoutMs?: number;
}

const GIT_TIMEOUT_MS = 300_000;
const STDERR_KEEP_BYTES = 16 * 1024;

/**
 * The environment every git gets. An allowlist, not the caller's environment minus a few:
 * an inherited GIT_DIR, GIT_INDEX_FILE, GIT_CONFIG_PARAMETERS or GIT_EXTERNAL_DIFF (say, from
 * a hook that started Airlock) would point git at another repository or run a program, and
 * an inherited SUDO_UID would quietly widen git's own ownership check.
 */
export function gitEnvironment(env: Readonly<Record<string, string | undefined>>): Record<string, string> {
  const out: Record<string, string> = {
    // Only the repository's own config counts: the host's /etc/gitconfig and root's
    // ~/.gitconfig must not change what is recorded about the person's repository.
    GIT_CONFIG_NOSYSTEM: '1',
    GIT_CONFIG_GLOBAL: '/dev/null',
    // Nothing here talks to a remote; should anything try, fail rather than wait on a prompt.
    GIT_TERMINAL_PROMPT: '0',
    GIT_ASKPASS: '/bin/false',
    // Reading status must not take .git/index.lock while the agent works in the repository.
    GIT_OPTIONAL_LOCKS: '0',
    // Facts about history come from the real object graph, not from replace refs or grafts
    // that whoever could write .git (the agent included) may have added.
    GIT_NO_REPLACE_OBJECTS: '1',
    GIT_GRAFT_FILE: '/dev/null',
    // Messages are matched in English and quoted to people as they are.
    LC_ALL: 'C',
  };
  for (const name of ['PATH', 'HOME'] as const) {
    const value = env[name];
    if (value !== undefined) out[name] = value;
  }
  return out;
}

/** The host's git: argv arrays, the environment above, a time limit. */
export function createGitRunner(options: GitRunnerOptions): GitRunner {
  const env = gitEnvironment(options.env);
  const gitPath = options.gitPath ?? 'git';
  const timeoutMs = options.timeoutMs ?? GIT_TIMEOUT_MS;
  return (args, call) => runGit({ gitPath, args, env, timeoutMs, cwd: call.cwd, maxBuffer: call.maxBuffer ?? Number.POSITIVE_INFINITY });
}

interface RunSpec {
  gitPath: string;
  args: readonly string[];
  env: Record<string, string>;
  timeoutMs: number;
  cwd: string;
  maxBuffer: number;
}

function runGit(spec: RunSpec): Promise<GitResult> {
  return new Promise((resolve, reject) => {
    // spawn rather than execFile: execFile kills git when maxBuffer is exceeded, and the
    // audit needs the full size of a patch it stores only the start of.
    const child = spawn(spec.gitPath, [...spec.args], { cwd: spec.cwd, env: spec.env, stdio: ['ignore', 'pipe', 'pipe'] });
    const kept: Buffer[] = [];
    let keptBytes = 0;
    let stdoutBytes = 0;
    let stderr = '';
    let timedOut = false;
    // When git cannot start, 'close' may come before 'error' (with a negative errno as the
    // code); only a git that started has an exit code worth resolving with.
    let started = false;
    child.on('spawn', () => {
      started = true;
    });
    const timer = setTimeout(() => {
      timedOut = true;
      child.kill('SIGKILL');
    }, spec.timeoutMs);
    child.stdout.on('data', (chunk: Buffer) => {
      stdoutBytes += chunk.length;
      const room = spec.maxBuffer - keptBytes;
      if (room <= 0) return;
      const part = chunk.length <= room ? chunk : chunk.subarray(0, room);
      kept.push(part);
      keptBytes += part.length;
    });
    child.stderr.on('data', (chunk: Buffer) => {
      if (stderr.length < STDERR_KEEP_BYTES) stderr += chunk.toString('utf8');
    });
    child.on('error', (error) => {
      clearTimeout(timer);
      void spawnError(spec, error).then(reject);
    });
    child.on('close', (code, signal) => {
      clearTimeout(timer);
      if (!started) return;
      if (timedOut) {
        reject(new AirlockError('INTERNAL', `git ${subcommand(spec.args)} in ${spec.cwd} did not finish within ${spec.timeoutMs / 1000} s and was stopped`));
        return;
      }
      resolve({ stdout: Buffer.concat(kept, keptBytes), code: code ?? 128 + signalNumber(signal), stdoutBytes, stderr: stderr.slice(0, STDERR_KEEP_BYTES) });
    });
  });
}

/**
 * A git that cannot start. Node reports a missing working directory as ENOENT too, so the
 * directory is checked before blaming the binary.
 */
async function spawnError(spec: RunSpec, error: NodeJS.ErrnoException): Promise<AirlockError> {
  const cwdExists = await stat(spec.cwd).then((s) => s.isDirectory(), () => false);
  if (!cwdExists) return new AirlockError('INTERNAL', `cannot run git in ${spec.cwd}: the directory does not exist`, { cause: error });
  if (error.code === 'ENOENT' || error.code === 'EACCES') {
    // sysexits 69 (EX_UNAVAILABLE) is "a support program does not exist": the host lacks a
    // tool, which the person fixes by installing it; INTERNAL (70) would claim a bug in Airlock.
    return new AirlockError('DRIVER_UNAVAILABLE', `git could not be run (${spec.gitPath}: ${error.code}): Airlock records the repository's state with git; install git on this host or put it on PATH`, { cause: error });
  }
  return new AirlockError('INTERNAL', `git could not be started: ${error.message}`, { cause: error });
}

function signalNumber(signal: NodeJS.Signals | null): number {
  return signal === null ? 0 : constants.signals[signal];
}

/** The first argument that is neither an option nor the value of a `-c`. */
function subcommand(args: readonly string[]): string {
  const index = args.findIndex((a, i) => !a.startsWith('-') && args[i - 1] !== '-c');
  return args[index] ?? '';
}
