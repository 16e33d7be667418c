import { existsSync } from 'node:fs';
import { access, mkdir, readFile, readdir, rmdir, writeFile } from 'node:fs/promises';
import { constants } from 'node:fs';
import { join } from 'node:path';
import { isSessionId } from '../../core/index.js';

export interface CgroupLimits {
  pids: number;
  memoryBytes: number;
  cpus: number;
}

/** One session's cgroup(s): its processes, limits and OOM count. */
export interface SessionCgroup {
  addProcess(pid: number): Promise<void>;
  pids(): Promise<number[]>;
  oomKills(): Promise<number>;
  /** Kills every process in it, then removes it. Idempotent. */
  remove(): Promise<void>;
}

/** Enforces pids/memory/CPU limits for daemonless sandboxes. */
export interface CgroupManager {
  readonly version: 'v1' | 'v2';
  create(name: string, limits: CgroupLimits): Promise<SessionCgroup>;
  open(name: string): SessionCgroup;
  list(): Promise<string[]>;
}

const CPU_PERIOD_US = 100_000;
const GROUP = 'airlock';

async function readPids(file: string): Promise<number[]> {
  try {
    return (await readFile(file, 'utf8')).split('\n').filter(Boolean).map(Number);
  } catch {
    return [];
  }
}

async function killAndRemove(dirs: string[], procsFile: (dir: string) => string): Promise<void> {
  for (let attempt = 0; attempt < 100; attempt++) {
    const pids = (await Promise.all(dirs.map((d) => readPids(procsFile(d))))).flat();
    for (const pid of pids) {
      try {
        process.kill(pid, 'SIGKILL');
      } catch {
        // Already gone.
      }
    }
    const results = await Promise.all(dirs.map((d) => rmdir(d).then(() => true, (e: NodeJS.ErrnoException) => e.code === 'ENOENT')));
    if (results.every(Boolean)) return;
    await new Promise((r) => setTimeout(r, 20));
  }
  throw new Error(`cannot remove cgroups ${dirs.join(', ')}: processes are still in them`);
}

function v1Manager(root: string): CgroupManager {
  const controllers = ['pids', 'memory', 'cpu'] as const;
  const dir = (c: string, name: string) => join(root, c, GROUP, name);
  const open = (name: string): SessionCgroup => ({
    addProcess: async (pid) => {
      for (const c of controllers) await writeFile(join(dir(c, name), 'cgroup.procs'), String(pid));
    },
    pids: () => readPids(join(dir('pids', name), 'cgroup.procs')),
    oomKills: async () => {
      const text = await readFile(join(dir('memory', name), 'memory.oom_control'), 'utf8').catch(() => '');
      return Number(/oom_kill (\d+)/.exec(text)?.[1] ?? 0);
    },
    remove: () => killAndRemove(controllers.map((c) => dir(c, name)), (d) => join(d, 'cgroup.procs')),
  });
  return {
    version: 'v1',
    open,
    async create(name, limits) {
      for (const c of controllers) await mkdir(dir(c, name), { recursive: true });
      await writeFile(join(dir('pids', name), 'pids.max'), String(limits.pids));
      await writeFile(join(dir('memory', name), 'memory.limit_in_bytes'), String(limits.memoryBytes));
      const memsw = join(dir('memory', name), 'memory.memsw.limit_in_bytes');
      if (existsSync(memsw)) await writeFile(memsw, String(limits.memoryBytes));
      await writeFile(join(dir('cpu', name), 'cpu.cfs_period_us'), String(CPU_PERIOD_US));
      await writeFile(join(dir('cpu', name), 'cpu.cfs_quota_us'), String(Math.round(limits.cpus * CPU_PERIOD_US)));
      return open(name);
    },
    list: async () => (await readdir(join(root, 'pids', GROUP)).catch(() => [])).filter(isSessionId),
  };
}

function v2Manager(root: string): CgroupManager {
  const parent = join(root, GROUP);
  const dir = (name: string) => join(parent, name);
  const open = (name: string): SessionCgroup => ({
    addProcess: (pid) => writeFile(join(dir(name), 'cgroup.procs'), String(pid)),
    pids: () => readPids(join(dir(name), 'cgroup.procs')),
    oomKills: async () => {
      const text = await readFile(join(dir(name), 'memory.events'), 'utf8').catch(() => '');
      return Number(/oom_kill (\d+)/.exec(text)?.[1] ?? 0);
    },
    remove: () => killAndRemove([dir(name)], (d) => join(d, 'cgroup.procs')),
  });
  return {
    version: 'v2',
    open,
    async create(name, limits) {
      await mkdir(parent, { recursive: true });
      await writeFile(join(root, 'cgroup.subtree_control'), '+pids +memory +cpu').catch(() => {});
      await writeFile(join(parent, 'cgroup.subtree_control'), '+pids +memory +cpu');
      await mkdir(dir(name), { recursive: true });
      await writeFile(join(dir(name), 'pids.max'), String(limits.pids));
      await writeFile(join(dir(name), 'memory.max'), String(limits.memoryBytes));
      await writeFile(join(dir(name), 'memory.swap.max'), '0').catch(() => {});
      await writeFile(join(dir(name), 'cpu.max'), `${Math.round(limits.cpus * CPU_PERIOD_US)} ${CPU_PERIOD_US}`);
      return open(name);
    },
    list: async () => (await readdir(parent).catch(() => [])).filter(isSessionId),
  };
}

export type CgroupDetection = { ok: true; manager: CgroupManager } | { ok: false; reason: string };

/** Finds a cgroup hierarchy this process may write, v2 first, then v1. */
export async function detectCgroups(root = '/sys/fs/cgroup'): Promise<CgroupDetection> {
  const writable = (p: string) => access(p, constants.W_OK).then(() => true, () => false);
  const controllers = await readFile(join(root, 'cgroup.controllers'), 'utf8').catch(() => undefined);
  if (controllers !== undefined) {
    const have = controllers.trim().split(/\s+/);
    const missing = ['pids', 'memory', 'cpu'].filter((c) => !have.includes(c));
    if (missing.length === 0 && (await writable(root))) return { ok: true, manager: v2Manager(root) };
    return { ok: false, reason: `cgroup v2 at ${root} is not writable by this user or lacks the ${missing.join(', ') || 'needed'} controller(s)` };
  }
  const v1 = ['pids', 'memory', 'cpu'].map((c) => join(root, c));
  if ((await Promise.all(v1.map(writable))).every(Boolean)) return { ok: true, manager: v1Manager(root) };
  return { ok: false, reason: `no writable cgroup hierarchy with the pids, memory and cpu controllers under ${root}` };
}
