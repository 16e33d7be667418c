import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { createSessionId } from '../src/core/index.js';
import { builtInPolicy } from '../src/policy/index.js';
import type { Limits, Policy } from '../src/policy/index.js';
import { createDrivers, ownerOf } from '../src/sandbox/index.js';
import type { ExitStatus, SandboxDriver, SandboxMount, SandboxProcess, TerminalSize } from '../src/sandbox/index.js';
import { planSession } from '../src/session/index.js';
import { PTY_HELPER } from './helpers.js';

export function realDriver(name: 'docker' | 'bwrap'): SandboxDriver {
  return createDrivers({ dockerSocket: '/var/run/docker.sock', bwrapPath: 'bwrap', ptyHelper: PTY_HELPER })[name];
}

export interface HarnessOptions {
  home: string;
  repo: string;
  limits?: Partial<Limits>;
  repoAccess?: Policy['sandbox']['repo'];
  tty?: TerminalSize;
  mounts?: Policy['sandbox']['mounts'];
  extraMounts?: SandboxMount[];
  extraEnv?: Record<string, string>;
  argvPrefix?: string[];
  /** bwrap: run from this unpacked image instead of the host's system directories. */
  rootfs?: string;
}

export function startIn(driver: SandboxDriver, argv: string[], options: HarnessOptions): Promise<{ proc: SandboxProcess; sessionId: string }> {
  const policy = builtInPolicy();
  Object.assign(policy.limits, options.limits);
  if (options.repoAccess) policy.sandbox.repo = options.repoAccess;
  if (options.mounts) policy.sandbox.mounts = options.mounts;
  const sessionId = createSessionId(Date.now());
  const runDir = join(options.home, 'run', sessionId);
  mkdirSync(runDir, { recursive: true });
  const plan = planSession({
    sessionId, policy, repoDir: options.repo, image: policy.sandbox.image, rootfs: options.rootfs ?? null, argv, toolEnv: {},
    tty: options.tty ?? null, term: 'xterm', runDir, owner: ownerOf(process.pid),
    extraMounts: options.extraMounts ?? [], extraEnv: options.extraEnv ?? {}, argvPrefix: options.argvPrefix ?? [],
  });
  return driver.start(plan).then((proc) => ({ proc, sessionId }));
}

export interface RunResult extends ExitStatus {
  stdout: Buffer;
  stderr: string;
  sessionId: string;
}

/** Starts, feeds stdin, collects output, waits, destroys. */
export async function runIn(driver: SandboxDriver, argv: string[], options: HarnessOptions & { input?: Buffer | string }): Promise<RunResult> {
  const { proc, sessionId } = await startIn(driver, argv, options);
  try {
    const out: Buffer[] = [];
    let err = '';
    proc.stdout.on('data', (b: Buffer) => out.push(b));
    proc.stderr.on('data', (b: Buffer) => (err += b.toString()));
    proc.stdin.on('error', () => {});
    // A terminal stays open, as a person's would; pipes end after the input.
    if (options.tty === undefined) proc.stdin.end(options.input);
    else if (options.input !== undefined) proc.stdin.write(options.input);
    const exit = await proc.wait();
    return { ...exit, stdout: Buffer.concat(out), stderr: err, sessionId };
  } finally {
    await proc.destroy();
  }
}

export const sh = (script: string): string[] => ['/bin/sh', '-c', script];
