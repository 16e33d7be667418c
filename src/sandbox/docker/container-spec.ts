import type { ContainerCreateOptions } from 'dockerode';
import type { SandboxPlan } from '../types.js';
import { labelsFor } from './labels.js';

const TMP_SIZE = '512m';

/** The least-privilege container for a plan (DESIGN.md pillar 3). */
export function containerSpec(plan: SandboxPlan): ContainerCreateOptions {
  const { uid, gid } = plan.user;
  return {
    name: `airlock-${plan.sessionId}`,
    Image: plan.image,
    Entrypoint: [...plan.argv],
    Env: Object.entries(plan.env).map(([k, v]) => `${k}=${v}`),
    User: `${uid}:${gid}`,
    WorkingDir: plan.workdir,
    Hostname: 'airlock',
    Tty: plan.tty !== null,
    OpenStdin: true,
    StdinOnce: true,
    AttachStdin: true,
    AttachStdout: true,
    AttachStderr: true,
    NetworkDisabled: true,
    Labels: labelsFor(plan),
    HostConfig: {
      ...(plan.tty === null ? {} : { ConsoleSize: [plan.tty.rows, plan.tty.cols] }),
      NetworkMode: 'none',
      CapDrop: ['ALL'],
      SecurityOpt: ['no-new-privileges:true'],
      ReadonlyRootfs: true,
      IpcMode: 'private',
      Init: true,
      Tmpfs: {
        '/tmp': `rw,nosuid,nodev,size=${TMP_SIZE},mode=1777`,
        [plan.home]: `rw,nosuid,nodev,size=${TMP_SIZE},uid=${uid},gid=${gid},mode=0700`,
      },
      Mounts: plan.mounts.map((m) => ({ Type: 'bind' as const, Source: m.source, Target: m.target, ReadOnly: m.readOnly })),
      PidsLimit: plan.limits.pids,
      Memory: plan.limits.memoryBytes,
      MemorySwap: plan.limits.memoryBytes,
      NanoCpus: Math.round(plan.limits.cpus * 1e9),
    },
  };
}
