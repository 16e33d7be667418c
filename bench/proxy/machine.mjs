// How busy the machine was: figures measured while other programs compete for the
// two cores are not comparable with quiet runs, so the benchmark says so.
import { spawnSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { availableParallelism, loadavg } from 'node:os';

const CLOCK_TICKS = Number(spawnSync('getconf', ['CLK_TCK'], { encoding: 'utf8' }).stdout) || 100;
const ticksToMs = (ticks) => (ticks * 1000) / CLOCK_TICKS;

/** CPU time (ms) a process has used so far, from /proc (0 when there is no such process). */
export function processCpuMs(pid) {
  if (pid === undefined) return 0;
  try {
    const fields = readFileSync(`/proc/${pid}/stat`, 'utf8').split(') ')[1].split(' ');
    return ticksToMs(Number(fields[11]) + Number(fields[12]));
  } catch {
    return 0;
  }
}

/** Busy and stolen CPU time of the whole machine so far (ms, summed over CPUs). */
function machineCpu() {
  const [user, nice, system, , , irq, softirq, steal] = readFileSync('/proc/stat', 'utf8').split('\n')[0].trim().split(/\s+/).slice(1).map(Number);
  return { busyMs: ticksToMs(user + nice + system + irq + softirq), stealMs: ticksToMs(steal ?? 0) };
}

/** Starts watching; `stop(ownCpuMs)` tells how much CPU other programs took meanwhile. */
export function watchMachine() {
  const start = { ...machineCpu(), at: Date.now(), load: loadavg()[0] };
  return (ownCpuMs) => {
    const end = machineCpu();
    const wallMs = Date.now() - start.at;
    const capacityMs = wallMs * availableParallelism();
    const othersMs = Math.max(0, end.busyMs - start.busyMs - ownCpuMs);
    return {
      loadAtStart: start.load, loadAtEnd: loadavg()[0], wallS: wallMs / 1000, ownCpuS: ownCpuMs / 1000, othersCpuS: othersMs / 1000,
      othersShare: othersMs / capacityMs, stealShare: (end.stealMs - start.stealMs) / capacityMs,
    };
  };
}
