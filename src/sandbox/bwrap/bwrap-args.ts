import type { SandboxPlan } from '../types.js';

/** Where the terminal helper appears inside the sandbox. */
export const PTY_HELPER_PATH = '/run/airlock/pty';
/** fds as the bwrap child sees them (0-2 are stdio). */
export const FD_PTY_CONTROL = 3;
export const FD_BLOCK = 4;
export const FD_INFO = 5;

/** A host system path and how it appears: bound read-only, or a symlink (merged /usr). */
export type SystemPath = { kind: 'bind'; source: string; path: string } | { kind: 'symlink'; path: string; target: string };

export interface BwrapArgsOptions {
  systemPaths: readonly SystemPath[];
  /** Files under /etc the sandbox may read (certificates, loader cache, ...): host or rootfs path -> sandbox path. */
  etcFiles: readonly { source: string; target: string }[];
  /** Generated files mounted over /etc (passwd, group, hosts), host path -> sandbox path. */
  generatedEtc: readonly { source: string; target: string }[];
  ptyHelper: string | undefined;
}

/**
 * The bwrap command line for a plan: new user, pid, net, ipc, uts (and cgroup)
 * namespaces; a non-root uid with no capabilities; only the system paths and the
 * plan's mounts visible, system paths read-only, and the root remounted read-only.
 * The environment is not in argv: bwrap passes its own (set by the caller) through.
 */
export function bwrapArgs(plan: SandboxPlan, options: BwrapArgsOptions): string[] {
  const a: string[] = [
    '--unshare-user', '--uid', String(plan.user.uid), '--gid', String(plan.user.gid),
    '--unshare-pid', '--unshare-net', '--unshare-ipc', '--unshare-uts', '--unshare-cgroup-try',
    '--hostname', 'airlock',
    '--die-with-parent', '--new-session',
    '--cap-drop', 'ALL',
  ];
  for (const p of options.systemPaths) {
    if (p.kind === 'bind') a.push('--ro-bind', p.source, p.path);
    else a.push('--symlink', p.target, p.path);
  }
  for (const f of options.etcFiles) a.push('--ro-bind-try', f.source, f.target);
  for (const g of options.generatedEtc) a.push('--ro-bind', g.source, g.target);
  a.push('--proc', '/proc', '--dev', '/dev', '--tmpfs', '/tmp', '--tmpfs', '/var/tmp');
  a.push('--perms', '0700', '--tmpfs', plan.home);
  for (const m of plan.mounts) a.push(m.readOnly ? '--ro-bind' : '--bind', m.source, m.target);
  if (plan.tty !== null && options.ptyHelper !== undefined) a.push('--ro-bind', options.ptyHelper, PTY_HELPER_PATH);
  a.push('--remount-ro', '/', '--chdir', plan.workdir);
  a.push('--block-fd', String(FD_BLOCK), '--info-fd', String(FD_INFO));
  a.push('--');
  if (plan.tty !== null) a.push(PTY_HELPER_PATH, String(plan.tty.rows), String(plan.tty.cols));
  a.push(...plan.argv);
  return a;
}
