import { existsSync } from 'node:fs';
import { AirlockError } from '../core/index.js';
import type { Policy } from '../policy/index.js';
import type { OwnerRecord, SandboxMount, SandboxPlan, TerminalSize } from '../sandbox/index.js';

export const WORKDIR = '/workspace';
export const HOME_DIR = '/home/agent';
const PATH = '/usr/local/bin:/usr/bin:/bin';
const MIB = 1024 * 1024;

export interface PlanInput {
  sessionId: string;
  policy: Policy;
  repoDir: string;
  image: string;
  /** The image's unpacked root filesystem, for drivers without images; null: the host's. */
  rootfs: string | null;
  argv: readonly string[];
  toolEnv: Readonly<Record<string, string>>;
  tty: TerminalSize | null;
  term: string | undefined;
  runDir: string;
  owner: OwnerRecord;
  /** From the egress wiring: the proxy socket, bridge and CA files. */
  extraMounts: readonly SandboxMount[];
  /** Proxy variables, placeholders, CA variables. */
  extraEnv: Readonly<Record<string, string>>;
  /** The bridge, which starts the command. */
  argvPrefix: readonly string[];
}

/** Turns policy + request into the one plan every driver executes. Pure but for mount checks. */
export function planSession(input: PlanInput): SandboxPlan {
  const { policy } = input;
  policy.sandbox.mounts.forEach((m, i) => {
    if (!existsSync(m.source)) {
      throw new AirlockError('POLICY_INVALID', `sandbox.mounts.${i}.source: ${m.source} does not exist on this host; create it or remove the mount from the policy`);
    }
  });
  const env: Record<string, string> = {
    HOME: HOME_DIR,
    USER: 'agent',
    LOGNAME: 'agent',
    PATH,
    LANG: 'C.UTF-8',
    AIRLOCK_SESSION: input.sessionId,
    ...input.toolEnv,
    ...input.extraEnv,
  };
  if (input.tty !== null) env.TERM = input.term ?? 'xterm-256color';
  return {
    sessionId: input.sessionId,
    image: input.image,
    rootfs: input.rootfs,
    argv: [...input.argvPrefix, ...input.argv],
    env,
    workdir: WORKDIR,
    home: HOME_DIR,
    user: { uid: policy.sandbox.uid, gid: policy.sandbox.gid },
    mounts: [
      { source: input.repoDir, target: WORKDIR, readOnly: policy.sandbox.repo === 'read-only' },
      ...policy.sandbox.mounts,
      ...input.extraMounts,
    ],
    limits: { pids: policy.limits.pids, memoryBytes: policy.limits.memoryMb * MIB, cpus: policy.limits.cpus },
    tty: input.tty,
    runDir: input.runDir,
    owner: input.owner,
  };
}
