import { execFileSync } from 'node:child_process';
import { readFileSync } from 'node:fs';

export interface HeldSocket {
  fd: number;
  /** The local address: a Unix socket's path ('*' when unnamed), or ip:port. */
  local: string;
  /** The kernel send buffer (SO_SNDBUF as the kernel keeps it), bytes. */
  sendBuffer: number;
}

/** The sockets `pid` holds (Unix or TCP), as ss(8) from iproute2 sees them. */
export function socketsOf(pid: number, kind: 'unix' | 'tcp'): HeldSocket[] {
  const out = execFileSync('ss', ['-H', '-n', '-p', '-m', kind === 'unix' ? '-x' : '-t']).toString();
  // One socket per entry; ss may wrap its skmem onto an indented line.
  const entries = out.replace(/\n\s+(?=skmem)/g, ' ').split('\n');
  const held: HeldSocket[] = [];
  for (const line of entries) {
    const fields = line.trim().split(/\s+/);
    const tb = /skmem:\([^)]*\btb(\d+)/.exec(line)?.[1];
    if (tb === undefined || fields.length < 5) continue;
    const local = kind === 'unix' ? (fields[4] ?? '') : (fields[3] ?? '');
    for (const m of line.matchAll(/pid=(\d+),fd=(\d+)/g)) if (Number(m[1]) === pid) held.push({ fd: Number(m[2]), local, sendBuffer: Number(tb) });
  }
  return held;
}

/** What a new Unix socket's send buffer is (net.core.wmem_default). */
export const defaultUnixSendBuffer = (): number => Number(readFileSync('/proc/sys/net/core/wmem_default', 'utf8').trim());
