import { lstatSync, readlinkSync } from 'node:fs';
import { join } from 'node:path';
import type { SystemPath } from './bwrap-args.js';

const SYSTEM_DIRS = ['/usr', '/bin', '/sbin', '/lib', '/lib32', '/lib64', '/libx32'];

/** Read-only /etc entries programs need; nothing with credentials (no shadow, no ssh). */
export const ETC_FILES = [
  '/etc/ssl', '/etc/ca-certificates', '/etc/ca-certificates.conf', '/etc/alternatives',
  '/etc/ld.so.cache', '/etc/ld.so.conf', '/etc/ld.so.conf.d', '/etc/localtime',
  '/etc/nsswitch.conf', '/etc/bash.bashrc', '/etc/profile', '/etc/inputrc', '/etc/terminfo',
  '/etc/mime.types', '/etc/protocols', '/etc/services',
];

/**
 * The system directories as the sandbox shows them (merged-/usr aware): the host's own,
 * or those of an image's root filesystem (which also brings /opt, where tools live).
 */
export function systemPaths(rootfs: string | null): SystemPath[] {
  const out: SystemPath[] = [];
  for (const path of rootfs === null ? SYSTEM_DIRS : [...SYSTEM_DIRS, '/opt']) {
    const source = rootfs === null ? path : join(rootfs, path);
    try {
      const st = lstatSync(source);
      if (st.isSymbolicLink()) out.push({ kind: 'symlink', path, target: readlinkSync(source) });
      else if (st.isDirectory()) out.push({ kind: 'bind', source, path });
    } catch {
      // Not on this host.
    }
  }
  return out;
}

/** The readable /etc files, from the host or from the image's root filesystem. */
export function etcFiles(rootfs: string | null): { source: string; target: string }[] {
  return ETC_FILES.map((target) => ({ source: rootfs === null ? target : join(rootfs, target), target }));
}

export function passwdFor(uid: number, gid: number, home: string): { passwd: string; group: string } {
  return {
    passwd: `root:x:0:0:root:/nonexistent:/usr/sbin/nologin\nagent:x:${uid}:${gid}:Airlock agent:${home}:/bin/bash\nnobody:x:65534:65534:nobody:/nonexistent:/usr/sbin/nologin\n`,
    group: `root:x:0:\nagent:x:${gid}:\nnogroup:x:65534:\n`,
  };
}

export const HOSTS_FILE = '127.0.0.1\tlocalhost airlock\n::1\tlocalhost ip6-localhost ip6-loopback\n';
