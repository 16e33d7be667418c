import { spawn } from 'node:child_process';
import type { ChildProcess } from 'node:child_process';
import { mkdir, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import type { Readable, Writable } from 'node:stream';
import { PassThrough } from 'node:stream';
import { AirlockError } from '../../core/index.js';
import type { ExitStatus, SandboxDriver, SandboxPlan, SandboxProcess } from '../types.js';
import { bwrapArgs, FD_BLOCK, FD_INFO, FD_PTY_CONTROL } from './bwrap-args.js';
import { detectCgroups } from './cgroups.js';
import type { CgroupDetection, SessionCgroup } from './cgroups.js';
import { HOSTS_FILE, etcFiles, passwdFor, systemPaths } from './host-paths.js';
import { probeBwrap } from './probe.js';
import { readChildPid } from './info-fd.js';

export interface BwrapDriverOptions {
  bwrapPath: string;
  /** Host path of the static terminal helper (dist/native/airlock-pty). */
  ptyHelper: string | undefined;
  cgroups?: () => Promise<CgroupDetection>;
}

export function createBwrapDriver(options: BwrapDriverOptions): SandboxDriver {
  const cgroups = options.cgroups ?? (() => detectCgroups());
  const probe = () => probeBwrap({ bwrapPath: options.bwrapPath, ptyHelper: options.ptyHelper, cgroups });

  async function start(plan: SandboxPlan): Promise<SandboxProcess> {
    const detection = await cgroups();
    if (!detection.ok) {
      // The probe checks in order (installed, user namespaces, cgroups): report the first failure.
      const diagnosis = await probe();
      const why = diagnosis.ok ? `bwrap cannot enforce the policy's limits: ${detection.reason}` : `${diagnosis.reason}: ${diagnosis.fix}`;
      throw new AirlockError('DRIVER_UNAVAILABLE', why);
    }
    if (plan.tty !== null && options.ptyHelper === undefined) {
      throw new AirlockError('DRIVER_UNAVAILABLE', 'bwrap needs the terminal helper dist/native/airlock-pty for an interactive session: run npm run build');
    }
    const etc = await writeGeneratedEtc(plan);
    const args = bwrapArgs(plan, { systemPaths: systemPaths(plan.rootfs), etcFiles: etcFiles(plan.rootfs), generatedEtc: etc, ptyHelper: options.ptyHelper });
    const cgroup = await detection.manager.create(plan.sessionId, plan.limits);
    const child = spawn(options.bwrapPath, args, {
      env: { ...plan.env },
      stdio: ['pipe', 'pipe', 'pipe', plan.tty !== null ? 'pipe' : 'ignore', 'pipe', 'pipe'],
    });
    // A peer's socket error never crashes airlock: the exit status tells what happened.
    for (const stream of child.stdio) stream?.on('error', () => {});
    try {
      await startChild(child, cgroup, options.bwrapPath);
    } catch (error) {
      child.kill('SIGKILL');
      await cgroup.remove().catch(() => {});
      throw error;
    }
    return wrapChild(child, cgroup);
  }

  return {
    name: 'bwrap',
    probe,
    start,
    // bwrap has no images (an image's root filesystem is unpacked for it): nothing to name.
    describeImage: async () => ({ digest: null, version: null, labels: {} }),
    async listLeftovers() {
      const detection = await cgroups();
      if (!detection.ok) return [];
      const names = await detection.manager.list();
      return Promise.all(
        names.map(async (sessionId) => ({
          sessionId,
          owner: undefined,
          // --die-with-parent empties the cgroup when its airlock dies.
          busy: (await detection.manager.open(sessionId).pids()).length > 0,
          describe: `bwrap cgroup airlock/${sessionId}`,
        })),
      );
    },
    async reap(sessionId) {
      const detection = await cgroups();
      if (detection.ok) await detection.manager.open(sessionId).remove();
    },
  };
}

async function writeGeneratedEtc(plan: SandboxPlan): Promise<{ source: string; target: string }[]> {
  const dir = join(plan.runDir, 'etc');
  await mkdir(dir, { recursive: true, mode: 0o700 });
  const { passwd, group } = passwdFor(plan.user.uid, plan.user.gid, plan.home);
  const files = { passwd, group, hosts: HOSTS_FILE, hostname: 'airlock\n' };
  const out: { source: string; target: string }[] = [];
  for (const [name, text] of Object.entries(files)) {
    await writeFile(join(dir, name), text, { mode: 0o644 });
    out.push({ source: join(dir, name), target: `/etc/${name}` });
  }
  return out;
}

/** Puts the sandbox in its cgroup before its command runs, then lets it go. */
async function startChild(child: ChildProcess, cgroup: SessionCgroup, bwrapPath: string): Promise<void> {
  const early: Buffer[] = [];
  const collect = (b: Buffer) => early.push(b);
  child.stderr?.on('data', collect);
  const spawned = new Promise<void>((resolve, reject) => {
    child.once('spawn', resolve);
    child.once('error', reject);
  });
  try {
    await spawned;
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    throw new AirlockError('DRIVER_UNAVAILABLE', code === 'ENOENT' ? `bubblewrap is not installed (${bwrapPath} not found): apt-get install bubblewrap, or use --driver docker` : `cannot start bubblewrap: ${(error as Error).message}`, { cause: error });
  }
  // bwrap may die at once (no user namespaces...): then joining the cgroup fails with ESRCH.
  const join = (pid: number | undefined) => (pid === undefined ? Promise.resolve(false) : cgroup.addProcess(pid).then(() => true, () => false));
  const childPid = (await join(child.pid)) ? await readChildPid(child, stdioAt(child, FD_INFO) as Readable) : undefined;
  if (childPid === undefined || !(await join(childPid))) {
    await new Promise((r) => {
      child.once('close', r);
      setTimeout(r, 1000);
    });
    const message = Buffer.concat(early).toString('utf8').trim() || 'it exited before starting the sandbox';
    throw new AirlockError('SANDBOX_FAILED', `bubblewrap failed to create the sandbox: ${message}`);
  }
  (stdioAt(child, FD_BLOCK) as Writable).end('go');
  child.stderr?.off('data', collect);
  child.stderr?.pause();
  if (early.length > 0) child.stderr?.unshift(Buffer.concat(early));
}

function wrapChild(child: ChildProcess, cgroup: SessionCgroup): SandboxProcess {
  const control = stdioAt(child, FD_PTY_CONTROL) as Writable | null;
  const stderr = child.stderr ?? new PassThrough().end();
  const closed = new Promise<ExitStatus>((resolve) => {
    child.once('close', (code, signal) => {
      void cgroup.oomKills().then((ooms) => {
        const signo = signal === null ? 0 : (osSignals[signal] ?? 0);
        resolve({ code: code ?? 128 + signo, signal, oomKilled: ooms > 0 });
      });
    });
  });
  let destroyed: Promise<void> | undefined;
  return {
    stdin: child.stdin as Writable,
    stdout: child.stdout as Readable,
    stderr: stderr as Readable,
    resize: async (size) => {
      control?.write(`${size.rows} ${size.cols}\n`);
    },
    signal: async (signal) => {
      const inner = (await cgroup.pids()).filter((pid) => pid !== child.pid);
      // The first process after bwrap itself is the namespace's init; signal the rest.
      for (const pid of inner.slice(1)) {
        try {
          process.kill(pid, signal);
        } catch {
          // Already gone.
        }
      }
    },
    wait: () => closed,
    destroy: () => {
      destroyed ??= (async () => {
        child.kill('SIGKILL');
        await cgroup.remove();
      })();
      return destroyed;
    },
  };
}

function stdioAt(child: ChildProcess, fd: number): Readable | Writable | null {
  return (child.stdio as unknown as (Readable | Writable | null | undefined)[])[fd] ?? null;
}

const osSignals: Record<string, number> = { SIGHUP: 1, SIGINT: 2, SIGQUIT: 3, SIGABRT: 6, SIGKILL: 9, SIGSEGV: 11, SIGPIPE: 13, SIGALRM: 14, SIGTERM: 15 };
