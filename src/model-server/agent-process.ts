// For the real-agent integration test: run a program with a deadline, and install an
// agent CLI once into a cache directory outside the repository.
import { spawn } from 'node:child_process';
import { existsSync, mkdirSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';

export interface ProcessResult {
  code: number | null;
  signal: NodeJS.Signals | null;
  stdout: string;
  stderr: string;
  timedOut: boolean;
}

export interface RunOptions {
  cwd: string;
  env: Record<string, string>;
  timeoutMs: number;
}

function killGroup(pid: number | undefined): void {
  if (pid === undefined) return;
  try {
    process.kill(-pid, 'SIGKILL');
  } catch {
    // The group is gone already.
  }
}

/**
 * Runs argv with stdin closed, in a process group of its own: at the deadline, and after
 * the program exits, the whole group is killed, so no tool subprocess outlives the run.
 */
export function runProcess(argv: readonly string[], options: RunOptions): Promise<ProcessResult> {
  const [command, ...args] = argv;
  if (command === undefined) throw new Error('runProcess needs a command');
  return new Promise((resolve, reject) => {
    const child = spawn(command, args, { cwd: options.cwd, env: options.env, stdio: ['ignore', 'pipe', 'pipe'], detached: true });
    const out: Buffer[] = [];
    const err: Buffer[] = [];
    let timedOut = false;
    child.stdout.on('data', (c: Buffer) => out.push(c));
    child.stderr.on('data', (c: Buffer) => err.push(c));
    const timer = setTimeout(() => {
      timedOut = true;
      killGroup(child.pid);
    }, options.timeoutMs);
    child.on('error', (error) => {
      clearTimeout(timer);
      reject(error);
    });
    child.on('close', (code, signal) => {
      clearTimeout(timer);
      killGroup(child.pid);
      resolve({ code, signal, stdout: Buffer.concat(out).toString('utf8'), stderr: Buffer.concat(err).toString('utf8'), timedOut });
    });
  });
}

export interface InstallOptions {
  /** Directory that holds one folder per `<name>-<version>`. */
  cacheRoot: string;
  name: string;
  pkg: string;
  version: string;
  /** The program under node_modules/.bin. */
  bin: string;
  /** Claude Code and OpenCode place their platform binary in an install script. */
  installScripts: boolean;
  env: Record<string, string>;
  timeoutMs: number;
}

/**
 * The path of the agent's program, installed with npm from the registry on first use
 * into `<cacheRoot>/<name>-<version>`. It installs into a scratch folder renamed into
 * place when complete, so an interrupted install is never taken for a finished one.
 */
export async function ensureInstalled(options: InstallOptions): Promise<string> {
  const dir = join(options.cacheRoot, `${options.name}-${options.version}`);
  const binPath = join(dir, 'node_modules', '.bin', options.bin);
  if (existsSync(binPath)) return binPath;
  const scratch = `${dir}.partial-${process.pid}`;
  rmSync(scratch, { recursive: true, force: true });
  mkdirSync(scratch, { recursive: true });
  writeFileSync(join(scratch, 'package.json'), `${JSON.stringify({ name: `airlock-agent-${options.name}`, private: true })}\n`);
  const argv = ['npm', 'install', '--no-audit', '--no-fund', '--no-save', ...(options.installScripts ? [] : ['--ignore-scripts']), `${options.pkg}@${options.version}`];
  const run = await runProcess(argv, { cwd: scratch, env: options.env, timeoutMs: options.timeoutMs });
  if (run.code !== 0) {
    rmSync(scratch, { recursive: true, force: true });
    throw new Error(`${argv.join(' ')} failed (exit ${String(run.code)}${run.timedOut ? ', timed out' : ''}):\n${run.stderr.slice(-2000)}`);
  }
  rmSync(dir, { recursive: true, force: true });
  renameSync(scratch, dir);
  if (!existsSync(binPath)) throw new Error(`${options.pkg}@${options.version} installed but ${binPath} is missing`);
  return binPath;
}
