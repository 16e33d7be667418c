import { describe, expect, it } from 'vitest';
import type { SandboxPlan } from '../types.js';
import { bwrapArgs, PTY_HELPER_PATH } from './bwrap-args.js';

const plan: SandboxPlan = {
  sessionId: '01m85qgs8vsnvgbaj89tcwd4dn', image: 'img', argv: ['node', '-e', 'x'], env: { SECRET_LOOKING: 'value' },
  workdir: '/workspace', home: '/home/agent', user: { uid: 1000, gid: 1000 },
  mounts: [{ source: '/src/repo', target: '/workspace', readOnly: false }, { source: '/opt/d', target: '/data', readOnly: true }],
  limits: { pids: 10, memoryBytes: 1, cpus: 1 }, tty: null, rootfs: null, runDir: '/run/x', owner: { pid: 1, startTicks: 1, bootId: 'b' },
};
const options = { systemPaths: [{ kind: 'bind' as const, source: '/usr', path: '/usr' }, { kind: 'symlink' as const, path: '/bin', target: 'usr/bin' }], etcFiles: [{ source: '/etc/ssl', target: '/etc/ssl' }], generatedEtc: [{ source: '/run/x/etc/passwd', target: '/etc/passwd' }], ptyHelper: '/dist/pty' };

function pairs(args: string[], flag: string): string[][] {
  return args.flatMap((a, i) => (a === flag ? [args.slice(i + 1, i + 3)] : []));
}

describe('bwrapArgs', () => {
  const args = bwrapArgs(plan, options);
  const own = args.slice(0, args.indexOf('--'));

  it('unshares every namespace and drops every privilege', () => {
    for (const f of ['--unshare-user', '--unshare-pid', '--unshare-net', '--unshare-ipc', '--unshare-uts', '--die-with-parent', '--new-session']) expect(own).toContain(f);
    expect(own.join(' ')).toContain('--cap-drop ALL');
    expect(own.join(' ')).toContain('--uid 1000 --gid 1000');
  });

  it('shows system paths read-only and only the planned mounts writable', () => {
    expect(pairs(own, '--ro-bind')).toContainEqual(['/usr', '/usr']);
    expect(pairs(own, '--bind')).toEqual([['/src/repo', '/workspace']]);
    expect(pairs(own, '--ro-bind')).toContainEqual(['/opt/d', '/data']);
    expect(own.indexOf('--remount-ro')).toBeGreaterThan(own.lastIndexOf('--bind'));
  });

  it('keeps the environment out of argv (it is visible to every host user in /proc)', () => {
    expect(args.join(' ')).not.toContain('value');
    expect(own).not.toContain('--setenv');
  });

  it('runs the command as given, and through the terminal helper when there is a TTY', () => {
    expect(args.slice(args.indexOf('--') + 1)).toEqual(['node', '-e', 'x']);
    const tty = bwrapArgs({ ...plan, tty: { rows: 30, cols: 90 } }, options);
    expect(tty.slice(tty.indexOf('--') + 1)).toEqual([PTY_HELPER_PATH, '30', '90', 'node', '-e', 'x']);
    expect(pairs(tty, '--ro-bind')).toContainEqual(['/dist/pty', PTY_HELPER_PATH]);
  });

  it('shows an image\'s root filesystem in place of the host\'s system directories', () => {
    const fromImage = bwrapArgs(plan, { ...options, systemPaths: [{ kind: 'bind', source: '/rootfs/usr', path: '/usr' }], etcFiles: [{ source: '/rootfs/etc/ssl', target: '/etc/ssl' }] });
    expect(pairs(fromImage, '--ro-bind')).toContainEqual(['/rootfs/usr', '/usr']);
    expect(pairs(fromImage, '--ro-bind-try')).toEqual([['/rootfs/etc/ssl', '/etc/ssl']]);
  });
});
