import type { OwnerRecord, SandboxPlan } from '../types.js';

export const LABEL_SESSION = 'dev.airlock.session';
export const LABEL_OWNER = 'dev.airlock.owner';

export function labelsFor(plan: SandboxPlan): Record<string, string> {
  return { [LABEL_SESSION]: plan.sessionId, [LABEL_OWNER]: JSON.stringify(plan.owner) };
}

export function ownerFromLabel(value: string | undefined): OwnerRecord | undefined {
  if (value === undefined) return undefined;
  try {
    const o = JSON.parse(value) as Partial<OwnerRecord>;
    if (typeof o.pid === 'number' && typeof o.startTicks === 'number' && typeof o.bootId === 'string') {
      return { pid: o.pid, startTicks: o.startTicks, bootId: o.bootId };
    }
  } catch {
    // A label we cannot read is treated as "owner unknown".
  }
  return undefined;
}
