import type { Readable, Writable } from 'node:stream';
import type { Clock, Logger } from '../core/index.js';
import { createSessionId } from '../core/index.js';
import type { EffectivePolicy, Tool } from '../policy/index.js';
import type { ExitStatus, ImageFacts, SandboxDriver, SandboxMount, SandboxProcess, TerminalSize } from '../sandbox/index.js';
import { ownerOf } from '../sandbox/index.js';
import { ERROR_CODES } from '../core/index.js';
import type { EgressSetup, Lookup } from '../proxy/index.js';
import { startEgress } from './egress-wiring.js';
import type { EgressWiring } from './egress-wiring.js';
import { planSession } from './plan.js';
import { createRunDir, removeRunDir } from './run-dir.js';
import { startSessionAudit } from './session-audit.js';
import { prepareToolHome } from './tool-home.js';
import { HOME_DIR, WORKDIR } from './plan.js';
import { workspaceMounts } from './workspace-mounts.js';
import { indexRepository } from './code-egress.js';
import { createSessionInspector } from './body-inspection.js';
import type { SessionAudit, SessionAuditDeps } from './session-audit.js';

export interface SessionTerminal {
  size(): TerminalSize;
  setRaw(raw: boolean): void;
  /** Calls listener on every resize; returns the unsubscribe function. */
  onResize(listener: () => void): () => void;
}

export interface SessionIo {
  stdin: Readable;
  stdout: Writable;
  stderr: Writable;
  /** The person's terminal, when stdin and stdout are one; null for pipes. */
  terminal: SessionTerminal | null;
  term: string | undefined;
}

/** Process signals, passed in (only the CLI touches `process`). */
export interface SignalSource {
  on(signal: NodeJS.Signals, handler: () => void): () => void;
}

export interface RunSessionOptions {
  home: string;
  repoDir: string;
  policy: EffectivePolicy;
  driver: SandboxDriver;
  image: string;
  argv: readonly string[];
  toolEnv: Readonly<Record<string, string>>;
  io: SessionIo;
  signals: SignalSource;
  clock: Clock;
  logger: Logger;
  ownerPid: number;
  /** Host path of dist/native/airlock-bridge. */
  bridgePath: string;
  /** Host path of dist/cli/relay-host.js. */
  relayHostPath: string;
  /** airlock's own environment (credential sources read it; the sandbox never sees it). */
  env: Readonly<Record<string, string | undefined>>;
  /** Name resolution for the proxy (tests pin it; default: the system resolver). */
  lookup?: Lookup;
  /** The tool's name as the person asked for it (`run claude`: claude; `exec`: exec). */
  toolName: string;
  /** The tool's definition (`run`), for its home files and kept directories; none for `exec`. */
  tool?: Tool;
  /** bwrap: the approved image's unpacked root filesystem, which the sandbox runs from. */
  rootfs?: string;
  /** What the audit record says of the image, when the driver cannot tell (bwrap runs Docker's images unpacked). */
  describeImage?: (image: string) => Promise<ImageFacts>;
  /** The session's id, when the caller needs it first (review mode names its copy by it). */
  sessionId?: string;
  /** Review mode: repoDir is a copy of this repository; changes wait for apply or discard. */
  reviewOf?: string;
  /** airlock runs as root: it can hand kept directories to the sandbox uid. */
  privileged?: boolean;
  audit: SessionAuditDeps;
}

export type SessionEnd = 'exit' | 'timeout' | 'SIGTERM' | 'SIGHUP' | 'audit';

export interface SessionResult {
  sessionId: string;
  exit: ExitStatus;
  endedBy: SessionEnd;
}

const SIGNAL_EXIT: Record<'SIGTERM' | 'SIGHUP', number> = { SIGTERM: 143, SIGHUP: 129 };

/**
 * One session: plan -> sandbox -> stream -> wait -> teardown. Every way out
 * (exit, crash, signal, time limit, an error) destroys the sandbox and removes the
 * run directory before this resolves or rejects.
 */
export async function runSession(options: RunSessionOptions): Promise<SessionResult> {
  const { io, logger, policy } = options;
  const sessionId = options.sessionId ?? createSessionId(options.clock.nowMs());
  const owner = ownerOf(options.ownerPid);
  const runDir = await createRunDir(options.home, sessionId, owner, options.driver.name);
  let proc: SandboxProcess | undefined;
  let egress: EgressWiring | undefined;
  let audit: SessionAudit | undefined;
  let result: { exit: ExitStatus; endedBy: SessionEnd } | undefined;
  const stop = createStopLatch();
  const cleanups: (() => void)[] = [];
  try {
    audit = await startSessionAudit(
      options.audit,
      {
        sessionId, repoDir: options.repoDir, driver: options.driver.name, policyHash: policy.hash, argv: options.argv, protectedPatterns: policy.policy.workspace.protected,
        ...(options.reviewOf === undefined ? {} : { reviewOf: options.reviewOf }),
        // Asked for now, answered while the repository is read.
        tool: (options.describeImage ?? options.driver.describeImage)(options.image).then((image) => ({ name: options.toolName, version: image.version, image: options.image, digest: image.digest })),
      },
      {
        clock: options.clock, logger,
        onUnavailable: (error, { accepting }) => {
          if (accepting) {
            logger.warn(`audit: ${error.message}; fail open: events wait in memory until the store is back (audit.failMode)`);
            return;
          }
          logger.info(`session ${sessionId} stopped: the audit log cannot be written (${error.message}); egress was cut and the session ends (audit.failMode ${options.audit.policy.failMode})`);
          stop.trigger('audit', ERROR_EXIT_AUDIT);
        },
      },
    );
    const sink = audit.sink;
    const codeIndex = indexRepository(options.repoDir, policy.policy.workspace);
    codeIndex.catch(() => undefined); // a failed index fails each readable request closed instead
    const bodyInspector = (setup: EgressSetup) => createSessionInspector({ home: options.home, policy: policy.policy, setup, codeIndex, logger });
    egress = await startEgress({ sessionId, runDir, policy: policy.policy, bridgePath: options.bridgePath, relayHostPath: options.relayHostPath, env: options.env, sink, clock: options.clock, bodyInspector, ...(options.lookup ? { lookup: options.lookup } : {}) });
    const viewMounts = await sandboxViewMounts(options, runDir);
    const plan = planSession({
      sessionId, policy: policy.policy, repoDir: options.repoDir, image: options.image, rootfs: options.rootfs ?? null, argv: options.argv,
      toolEnv: options.toolEnv, tty: io.terminal?.size() ?? null, term: io.term, runDir, owner,
      extraMounts: [...viewMounts, ...egress.mounts], extraEnv: egress.env, argvPrefix: egress.argvPrefix,
    });
    logger.info(`session ${sessionId} (${options.driver.name}, policy ${policy.hash.slice(0, 12)})`);
    // The start record was committed while the proxy came up: it is on disk before the sandbox exists.
    await audit.started;
    proc = await options.driver.start(plan);
    connectIo(proc, io, cleanups);
    result = await waitForEnd(proc, options, cleanups, stop);
    if (result.endedBy === 'timeout') {
      logger.info(`session ${sessionId} stopped: it reached the policy's time limit of ${policy.policy.limits.timeoutSeconds} s (limits.timeoutSeconds); raise the limit or split the work`);
    }
    if (result.exit.oomKilled) logger.info(`session ${sessionId}: the command was killed for using more than the policy's ${policy.policy.limits.memoryMb} MiB (limits.memoryMb)`);
    return { sessionId, ...result };
  } finally {
    for (const c of cleanups.reverse()) c();
    await proc?.destroy();
    await egress?.proxy.close();
    const exit = result?.exit ?? { code: ERROR_EXIT_SANDBOX, signal: null, oomKilled: false };
    await audit?.end({ exitCode: exit.code, endedBy: result?.endedBy ?? 'error', oomKilled: exit.oomKilled });
    await removeRunDir(options.home, sessionId);
  }
}

/** What the sandbox sees beyond the repository: masked and protected paths, then the tool's home. */
async function sandboxViewMounts(options: RunSessionOptions, runDir: string): Promise<SandboxMount[]> {
  const policy = options.policy.policy;
  const guarded = await workspaceMounts(options.repoDir, runDir, WORKDIR, policy.workspace);
  if (options.tool === undefined) return guarded.mounts;
  const owner = options.driver.name === 'docker' && options.privileged === true ? { uid: policy.sandbox.uid, gid: policy.sandbox.gid } : null;
  const home = await prepareToolHome({ home: options.home, runDir, toolName: options.toolName, tool: options.tool, driver: options.driver.name, sandboxHome: HOME_DIR, owner });
  return [...guarded.mounts, ...home];
}

const ERROR_EXIT_AUDIT = ERROR_CODES.AUDIT_UNAVAILABLE.exit;
const ERROR_EXIT_SANDBOX = ERROR_CODES.SANDBOX_FAILED.exit;

/** A stop asked for from outside the session's own events (the audit log failing). */
interface StopLatch {
  trigger(endedBy: SessionEnd, code: number): void;
  /** Calls fn now if a stop was already asked for, else when one is. */
  onStop(fn: (endedBy: SessionEnd, code: number) => void): void;
}

function createStopLatch(): StopLatch {
  let asked: [SessionEnd, number] | undefined;
  let listener: ((endedBy: SessionEnd, code: number) => void) | undefined;
  return {
    trigger(endedBy, code) {
      asked ??= [endedBy, code];
      listener?.(endedBy, code);
    },
    onStop(fn) {
      listener = fn;
      if (asked !== undefined) fn(...asked);
    },
  };
}

function connectIo(proc: SandboxProcess, io: SessionIo, cleanups: (() => void)[]): void {
  proc.stdin.on('error', () => {}); // The command may close its stdin early.
  if (io.terminal !== null) {
    const terminal = io.terminal;
    terminal.setRaw(true);
    cleanups.push(() => terminal.setRaw(false));
    cleanups.push(terminal.onResize(() => void proc.resize(terminal.size())));
    io.stdin.pipe(proc.stdin, { end: false });
  } else {
    io.stdin.pipe(proc.stdin);
  }
  cleanups.push(() => {
    io.stdin.unpipe(proc.stdin);
    io.stdin.pause();
  });
  proc.stdout.pipe(io.stdout, { end: false });
  proc.stderr.pipe(io.stderr, { end: false });
}

function waitForEnd(proc: SandboxProcess, options: RunSessionOptions, cleanups: (() => void)[], stop: StopLatch): Promise<{ exit: ExitStatus; endedBy: SessionEnd }> {
  return new Promise((resolve, reject) => {
    // Once airlock stops the session, the command's own exit (a kill) is not the outcome.
    let stopping = false;
    const stopWith = (endedBy: SessionEnd, code: number) => {
      if (stopping) return;
      stopping = true;
      void proc.destroy().then(() => resolve({ exit: { code, signal: null, oomKilled: false }, endedBy }), reject);
    };
    const timer = setTimeout(() => stopWith('timeout', 124), options.policy.policy.limits.timeoutSeconds * 1000);
    stop.onStop(stopWith);
    cleanups.push(() => clearTimeout(timer));
    for (const sig of ['SIGTERM', 'SIGHUP'] as const) cleanups.push(options.signals.on(sig, () => stopWith(sig, SIGNAL_EXIT[sig])));
    // Ctrl-C from a terminal arrives as a byte (raw mode); a SIGINT sent to airlock goes inside.
    cleanups.push(options.signals.on('SIGINT', () => void proc.signal('SIGINT')));
    proc.wait().then((exit) => {
      if (!stopping) resolve({ exit, endedBy: 'exit' });
    }, reject);
  });
}
