import type { Logger } from '../core/index.js';
import type { OwnerRecord, SandboxDriver } from '../sandbox/index.js';
import { isOwnerAlive } from '../sandbox/index.js';
import { listRunDirs, readRunOwner, removeRunDir } from './run-dir.js';

export interface GcOptions {
  home: string;
  drivers: readonly SandboxDriver[];
  logger: Logger;
}

export interface GcReport {
  reaped: { sessionId: string; what: string }[];
  /** Drivers that could not be asked (e.g. Docker Engine down). */
  skipped: { driver: string; reason: string }[];
}

/**
 * Reaps what sessions whose airlock process is gone (e.g. killed with SIGKILL) left
 * behind: containers and cgroups by session label, then run directories.
 * Sessions whose owner is alive are never touched.
 */
export async function collectGarbage(options: GcOptions): Promise<GcReport> {
  const report: GcReport = { reaped: [], skipped: [] };
  const dead = async (sessionId: string, labelled: OwnerRecord | undefined, busy: boolean) => {
    const owner = labelled ?? (await readRunOwner(options.home, sessionId));
    // No owner record anywhere we can see: only an idle leftover is safe to remove.
    if (owner === undefined) return !busy;
    return !isOwnerAlive(owner);
  };
  for (const driver of options.drivers) {
    let leftovers;
    try {
      leftovers = await driver.listLeftovers();
    } catch (error) {
      report.skipped.push({ driver: driver.name, reason: (error as Error).message });
      continue;
    }
    for (const l of leftovers) {
      if (!(await dead(l.sessionId, l.owner, l.busy))) continue;
      await driver.reap(l.sessionId);
      report.reaped.push({ sessionId: l.sessionId, what: l.describe });
      options.logger.debug(`gc: removed ${l.describe} of session ${l.sessionId}`);
    }
  }
  for (const sessionId of await listRunDirs(options.home)) {
    if (!(await dead(sessionId, undefined, true))) continue;
    await removeRunDir(options.home, sessionId);
    report.reaped.push({ sessionId, what: 'run directory' });
  }
  return report;
}
