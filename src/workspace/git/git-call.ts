import { AirlockError } from '../../core/index.js';
import type { GitResult, GitRunner } from './runner.js';

/**
 * Flags on every git call, whatever runner is injected. The repository's .git is writable
 * from inside the sandbox, so by session end its config is the agent's: nothing in it may
 * make git run a program on the host. fsmonitor and hooks are the ways the commands below
 * could; worktree scans (which would run clean filters) never use this config at all (see
 * shadow.ts). --no-optional-locks keeps status from taking the index lock.
 */
const HARDENING: readonly string[] = [
  '--no-pager',
  '--no-replace-objects',
  '--no-optional-locks',
  '-c', 'core.fsmonitor=false',
  '-c', 'core.hooksPath=/dev/null',
];

export interface GitCall {
  cwd: string;
  /** The git directory to use; without it git discovers the repository from cwd. */
  gitDir?: string;
  workTree?: string;
  /** Extra `-c` settings, before the subcommand. */
  config?: readonly string[];
  /** Exit codes that are answers rather than failures (e.g. 1 for "no such ref"). */
  okCodes?: readonly number[];
  maxBuffer?: number;
}

/** Runs one hardened git command; any exit code outside okCodes is AirlockError 'INTERNAL'. */
export async function git(run: GitRunner, args: readonly string[], call: GitCall): Promise<GitResult> {
  const argv = [
    ...HARDENING,
    ...(call.config ?? []).flatMap((c) => ['-c', c]),
    ...(call.gitDir === undefined ? [] : [`--git-dir=${call.gitDir}`]),
    ...(call.workTree === undefined ? [] : [`--work-tree=${call.workTree}`]),
    ...args,
  ];
  const result = await run(argv, { cwd: call.cwd, ...(call.maxBuffer === undefined ? {} : { maxBuffer: call.maxBuffer }) });
  if (!(call.okCodes ?? [0]).includes(result.code)) {
    const why = firstLine(result.stderr) ?? 'no message';
    throw new AirlockError('INTERNAL', `git ${args[0] ?? ''} failed in ${call.cwd} (exit ${result.code}): ${why}`);
  }
  return result;
}

/** stdout as one trimmed line, or undefined when empty. */
export function outputLine(result: GitResult): string | undefined {
  const line = result.stdout.toString('utf8').trim();
  return line === '' ? undefined : line;
}

export function firstLine(text: string | undefined): string | undefined {
  const line = text?.split('\n').find((l) => l.trim() !== '');
  return line?.trim();
}

/** `git config -z --get-regexp` output: key, newline, value, NUL; a bare boolean has no newline. */
export function parseConfigZ(stdout: Buffer): { key: string; value: string | undefined }[] {
  return stdout
    .toString('utf8')
    .split('\0')
    .filter((entry) => entry !== '')
    .map((entry) => {
      const nl = entry.indexOf('\n');
      return nl < 0 ? { key: entry, value: undefined } : { key: entry.slice(0, nl), value: entry.slice(nl + 1) };
    });
}

/** The tree with no entries, which git knows without it being stored. */
export function emptyTree(objectFormat: string | undefined): string {
  return objectFormat === 'sha256'
    ? '6ef19b41225c5369f1c104d45d8d85efa9b057b53b14b4b9b939dd74decc5321'
    : '4b825dc642cb6eb9a060e54bf8d69288fbee4904';
}
