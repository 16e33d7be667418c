import { execFile } from 'node:child_process';
import { existsSync } from 'node:fs';
import type { DriverProbe } from '../types.js';
import type { CgroupDetection } from './cgroups.js';

function run(file: string, args: string[]): Promise<{ ok: boolean; out: string; code: string | number | null }> {
  return new Promise((resolve) => {
    execFile(file, args, { timeout: 5000 }, (error, stdout, stderr) => {
      const code = error === null ? 0 : ((error as NodeJS.ErrnoException).code ?? null);
      resolve({ ok: error === null, out: `${stdout}${stderr}`.trim(), code });
    });
  });
}

export interface BwrapProbeOptions {
  bwrapPath: string;
  ptyHelper: string | undefined;
  cgroups: () => Promise<CgroupDetection>;
}

/** Does bubblewrap work here, and can it enforce the policy's limits? */
export async function probeBwrap(options: BwrapProbeOptions): Promise<DriverProbe> {
  const version = await run(options.bwrapPath, ['--version']);
  if (!version.ok) {
    return version.code === 'ENOENT'
      ? { driver: 'bwrap', ok: false, reason: `bubblewrap is not installed (${options.bwrapPath} not found)`, fix: 'apt-get install bubblewrap (or run scripts/setup-host.sh)' }
      : { driver: 'bwrap', ok: false, reason: `${options.bwrapPath} --version failed: ${version.out}`, fix: 'reinstall bubblewrap: apt-get install --reinstall bubblewrap' };
  }
  const userns = await run(options.bwrapPath, ['--unshare-user', '--uid', '1000', '--unshare-pid', '--unshare-net', '--ro-bind', '/', '/', '--', 'true']);
  if (!userns.ok) {
    return {
      driver: 'bwrap', ok: false,
      reason: `bubblewrap cannot create a user namespace: ${userns.out || 'exit ' + String(userns.code)}`,
      fix: 'enable user namespaces: sysctl -w kernel.unprivileged_userns_clone=1 user.max_user_namespaces=15000 (and kernel.apparmor_restrict_unprivileged_userns=0 where AppArmor restricts them)',
    };
  }
  const cg = await options.cgroups();
  if (!cg.ok) {
    return { driver: 'bwrap', ok: false, reason: `bubblewrap cannot enforce the pids, memory and CPU limits: ${cg.reason}`, fix: 'run airlock as root or give it a delegated cgroup (systemd: Delegate=yes), or use --driver docker' };
  }
  const warnings: string[] = [];
  if (options.ptyHelper === undefined || !existsSync(options.ptyHelper)) {
    warnings.push('the terminal helper (dist/native/airlock-pty) is missing, so interactive (TTY) sessions cannot start: run npm run build');
  }
  return { driver: 'bwrap', ok: true, detail: `${version.out}, cgroup ${cg.manager.version} limits`, warnings };
}
