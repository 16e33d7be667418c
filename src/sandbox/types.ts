import type { Readable, Writable } from 'node:stream';
import type { DriverName } from '../policy/index.js';

export interface SandboxMount {
  source: string;
  target: string;
  readOnly: boolean;
}

export interface TerminalSize {
  rows: number;
  cols: number;
}

/** Who started a sandbox: lets `airlock gc` tell a live session from a leftover. */
export interface OwnerRecord {
  pid: number;
  /** Start time of the owner process (clock ticks since boot), to survive pid reuse. */
  startTicks: number;
  bootId: string;
}

/** Everything a driver needs to start one sandbox; built by the session from policy. */
export interface SandboxPlan {
  sessionId: string;
  /** Image the docker driver runs; other drivers use their own root. */
  image: string;
  /**
   * For drivers without images (bwrap): a host directory holding the image's root
   * filesystem, whose system directories the sandbox sees instead of the host's; null
   * runs the host's own.
   */
  rootfs: string | null;
  argv: readonly string[];
  env: Readonly<Record<string, string>>;
  workdir: string;
  home: string;
  user: { uid: number; gid: number };
  /** The only host paths visible inside (the repository among them). */
  mounts: readonly SandboxMount[];
  limits: { pids: number; memoryBytes: number; cpus: number };
  /** A terminal of this size, or plain pipes when null. */
  tty: TerminalSize | null;
  /** Private per-session directory on the host, never mounted in whole. */
  runDir: string;
  owner: OwnerRecord;
}

/** How the command ended. A signal shows as code 128 + its number, as shells do. */
export interface ExitStatus {
  code: number;
  signal: NodeJS.Signals | null;
  /** The kernel's OOM killer ended it (memory limit). */
  oomKilled: boolean;
}

/** A running sandbox. Its owner must call destroy() on every path out. */
export interface SandboxProcess {
  readonly stdin: Writable;
  readonly stdout: Readable;
  /** Ends at once in tty mode, where stderr shares the terminal. */
  readonly stderr: Readable;
  resize(size: TerminalSize): Promise<void>;
  /** Delivers a signal to the command inside. */
  signal(signal: NodeJS.Signals): Promise<void>;
  /** Resolves when the command has ended and its output is drained. */
  wait(): Promise<ExitStatus>;
  /** Kills the command and removes everything the driver made. Idempotent. */
  destroy(): Promise<void>;
}

export type DriverProbe =
  | { driver: DriverName; ok: true; detail: string; warnings: string[] }
  | { driver: DriverName; ok: false; reason: string; fix: string };

/** Something a driver left behind, found by gc. */
export interface Leftover {
  sessionId: string;
  /** Undefined when the driver cannot tell; gc then asks the session's run dir. */
  owner: OwnerRecord | undefined;
  /**
   * Processes still run in it. With no owner record, a busy leftover is treated as
   * live (it may belong to another AIRLOCK_HOME or user) and is never reaped.
   */
  busy: boolean;
  describe: string;
}

/** One contract, every driver (docker, bwrap). */
export interface ImageFacts {
  /** "sha256:<hex>", the image's content-addressed id. */
  digest: string | null;
  /** The `org.opencontainers.image.version` label, when the image has one. */
  version: string | null;
  /** The image's labels (empty for drivers without images). */
  labels: Readonly<Record<string, string>>;
}

export interface SandboxDriver {
  readonly name: DriverName;
  /** Does this driver work on this host? Never throws. */
  probe(): Promise<DriverProbe>;
  /**
   * Starts the plan's command. Failures: DRIVER_UNAVAILABLE, IMAGE_MISSING,
   * SANDBOX_FAILED. Invariant: the sandbox sees only plan.mounts, runs as
   * plan.user (never 0), with no capabilities and no network interface but lo.
   */
  start(plan: SandboxPlan): Promise<SandboxProcess>;
  /**
   * What the audit record says about the image a session runs: its content digest and
   * the tool version its label names. Drivers without images (bwrap) give nulls.
   * Failures: IMAGE_MISSING, DRIVER_UNAVAILABLE.
   */
  describeImage(image: string): Promise<ImageFacts>;
  /** Lists what this driver has running or left for any session. */
  listLeftovers(): Promise<Leftover[]>;
  /** Removes everything this driver made for the session. Idempotent. */
  reap(sessionId: string): Promise<void>;
}
