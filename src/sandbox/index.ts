/**
 * sandbox: runs one command isolated, through one contract (SandboxDriver) with a
 * driver per backend: docker (Docker Engine API) and bwrap (bubblewrap, no daemon).
 * Failures: DRIVER_UNAVAILABLE, IMAGE_MISSING, SANDBOX_FAILED.
 * Invariant on every driver: non-root uid, zero capabilities, no-new-privileges,
 * read-only root, only the planned mounts, no network interface but lo, pids /
 * memory / CPU limits, and destroy() leaves nothing running.
 */
export type {
  DriverProbe, ExitStatus, ImageFacts, Leftover, OwnerRecord, SandboxDriver, SandboxMount, SandboxPlan, SandboxProcess, TerminalSize,
} from './types.js';
export { createDrivers, chooseDriver, AUTO_ORDER } from './select-driver.js';
export type { DriverSet, DriverSetOptions } from './select-driver.js';
export { isOwnerAlive, ownerOf } from './owner.js';
export { createEngineClient } from './docker/engine.js';
export type { EngineClient } from './docker/engine.js';
