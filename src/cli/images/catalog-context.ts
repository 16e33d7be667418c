import { AirlockError } from '../../core/index.js';
import { loadEffectivePolicy } from '../../policy/index.js';
import type { Policy, Tool } from '../../policy/index.js';
import type { ImageFacts } from '../../sandbox/index.js';
import { orgPolicyFile } from '../context.js';
import type { CliContext } from '../context.js';

/** The org policy (images are an organisation's decision; a repo policy has no say). */
export async function orgPolicy(ctx: CliContext): Promise<Policy> {
  return (await orgPolicyWithHash(ctx)).policy;
}

export async function orgPolicyWithHash(ctx: CliContext): Promise<{ policy: Policy; hash: string }> {
  return loadEffectivePolicy({ orgFile: orgPolicyFile(ctx) });
}

export function toolOf(policy: Policy, name: string): Tool {
  const tool = policy.tools[name];
  if (tool === undefined) {
    throw new AirlockError('TOOL_UNKNOWN', `unknown tool "${name}": the policy defines ${Object.keys(policy.tools).join(', ') || 'none'}`);
  }
  return tool;
}

/** What Docker Engine holds under a reference; null when it holds nothing there. */
export async function presentImage(ctx: CliContext, image: string): Promise<ImageFacts | null> {
  try {
    return await ctx.drivers.docker.describeImage(image);
  } catch (error) {
    if (error instanceof AirlockError && error.code === 'IMAGE_MISSING') return null;
    throw error;
  }
}
