import { AirlockError } from '../core/index.js';
import type { DriverName } from '../policy/index.js';
import { createBwrapDriver } from './bwrap/bwrap-driver.js';
import { createDockerDriver } from './docker/docker-driver.js';
import type { DriverProbe, SandboxDriver } from './types.js';

export interface DriverSetOptions {
  dockerSocket: string;
  bwrapPath: string;
  ptyHelper: string | undefined;
}

export type DriverSet = Record<DriverName, SandboxDriver>;

/** The one place that knows every driver implementation. */
export function createDrivers(options: DriverSetOptions): DriverSet {
  return {
    docker: createDockerDriver({ socketPath: options.dockerSocket }),
    bwrap: createBwrapDriver({ bwrapPath: options.bwrapPath, ptyHelper: options.ptyHelper }),
  };
}

export const AUTO_ORDER: readonly DriverName[] = ['docker', 'bwrap'];

function describe(p: DriverProbe): string {
  return p.ok ? `${p.driver}: ok` : `${p.driver}: ${p.reason}; fix: ${p.fix}`;
}

/**
 * Picks the driver: an explicit choice is used as is (its own errors explain a
 * failure); "auto" takes the first in AUTO_ORDER whose probe passes.
 * Failure: DRIVER_UNAVAILABLE naming why each one does not work and the fix.
 */
export async function chooseDriver(requested: DriverName | 'auto', drivers: DriverSet): Promise<SandboxDriver> {
  if (requested !== 'auto') return drivers[requested];
  const probes: DriverProbe[] = [];
  for (const name of AUTO_ORDER) {
    const probe = await drivers[name].probe();
    if (probe.ok) return drivers[name];
    probes.push(probe);
  }
  throw new AirlockError('DRIVER_UNAVAILABLE', 'no sandbox driver works on this host; run `airlock doctor` for details', {
    details: probes.map(describe),
  });
}
