import { readFileSync } from 'node:fs';
import type { OwnerRecord } from './types.js';

function readStartTicks(pid: number): number | undefined {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    // Field 22 (starttime) counted after the ")" that closes the command name.
    const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
    const ticks = Number(fields[19]);
    return Number.isFinite(ticks) ? ticks : undefined;
  } catch {
    return undefined;
  }
}

export function readBootId(): string {
  try {
    return readFileSync('/proc/sys/kernel/random/boot_id', 'utf8').trim();
  } catch {
    return 'unknown';
  }
}

export function ownerOf(pid: number): OwnerRecord {
  return { pid, startTicks: readStartTicks(pid) ?? 0, bootId: readBootId() };
}

/** True while the process that started a sandbox is still the same live process. */
export function isOwnerAlive(owner: OwnerRecord): boolean {
  if (owner.bootId !== readBootId()) return false;
  return readStartTicks(owner.pid) === owner.startTicks;
}
