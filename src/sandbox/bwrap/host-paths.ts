import { lstatSync, readlinkSync } from 'node:fs';
import type { SystemPath } from './bwrap-args.js';

const SYSTEM_DIRS = ['/usr', '/bin', '/sbin', '/lib', '/lib32', '/lib64', '/libx32'];

/** Read-only /etc entries programs need; nothing with credentials (no shadow, no ssh). */
export const ETC_FILES = [
  '/etc/ssl', '/etc/ca-certificates', '/etc/ca-certificates.conf', '/etc/alternatives',
  '/etc/ld.so.cache', '/etc/ld.so.conf', '/etc/ld.so.conf.d', '/etc/localtime',
  '/etc/nsswitch.conf', '/etc/bash.bashrc', '/etc/profile', '/etc/inputrc', '/etc/terminfo',
  '/etc/mime.types', '/etc/protocols', '/etc/services',
];

/** The host's system directories as the sandbox shows them (merged-/usr aware). */
export function hostSystemPaths(): SystemPath[] {
  const out: SystemPath[] = [];
  for (const path of SYSTEM_DIRS) {
    try {
      const st = lstatSync(path);
      if (st.isSymbolicLink()) out.push({ kind: 'symlink', path, target: readlinkSync(path) });
      else if (st.isDirectory()) out.push({ kind: 'bind', path });
    } catch {
      // Not on this host.
    }
  }
  return out;
}

export function passwdFor(uid: number, gid: number, home: string): { passwd: string; group: string } {
  return {
    passwd: `root:x:0:0:root:/nonexistent:/usr/sbin/nologin\nagent:x:${uid}:${gid}:Airlock agent:${home}:/bin/bash\nnobody:x:65534:65534:nobody:/nonexistent:/usr/sbin/nologin\n`,
    group: `root:x:0:\nagent:x:${gid}:\nnogroup:x:65534:\n`,
  };
}

export const HOSTS_FILE = '127.0.0.1\tlocalhost airlock\n::1\tlocalhost ip6-localhost ip6-loopback\n';
