import { AirlockError } from '../core/index.js';
import { decideApproval, loadTrustedCatalog, needsApproval } from '../images/index.js';
import type { Policy, Tool } from '../policy/index.js';
import type { DriverSet, SandboxDriver } from '../sandbox/index.js';

export interface ApprovedImageRequest {
  home: string;
  policy: Policy;
  toolName: string;
  tool: Tool | undefined;
  image: string;
  driver: SandboxDriver;
  drivers: DriverSet;
}

/**
 * The image reference the session starts: for a tool that needs approval, its content
 * digest once the signed catalog approves it (so a tag moved after the check cannot
 * swap what runs); otherwise the reference as the policy names it.
 * Throws IMAGE_NOT_APPROVED naming the tool and how to approve it.
 */
export async function approvedImage(request: ApprovedImageRequest): Promise<string> {
  if (!needsApproval(request.policy.images, request.tool)) return request.image;
  if (request.driver.name === 'bwrap' && request.tool?.package === undefined) {
    throw new AirlockError('IMAGE_NOT_APPROVED', `tool "${request.toolName}" must run from an approved image (images.requireApproval: all), but on bwrap it would run this host's own files: use --driver docker, or give it a package`);
  }
  // Images are Docker's: on bwrap the digest still comes from Docker Engine.
  const describer = request.driver.name === 'docker' ? request.driver : request.drivers.docker;
  const facts = await describer.describeImage(request.image).catch((error: unknown) => {
    if (error instanceof AirlockError && error.code === 'IMAGE_MISSING' && request.tool?.package !== undefined) {
      throw new AirlockError('IMAGE_MISSING', `tool "${request.toolName}" has no image yet (${request.image}): build it with \`airlock images build ${request.toolName}\`, then approve it with \`airlock images approve ${request.toolName}\``, { cause: error });
    }
    throw error;
  });
  const catalog = await loadTrustedCatalog(request.home, request.policy.images);
  const decision = decideApproval(catalog, request.toolName, request.image, facts.digest, request.tool?.package !== undefined);
  if (!decision.allow) throw new AirlockError('IMAGE_NOT_APPROVED', decision.message);
  return decision.entry.digest;
}
