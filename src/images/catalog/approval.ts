import type { ImagesPolicy, Tool } from '../../policy/index.js';
import type { CatalogEntry } from './catalog-schema.js';
import type { TrustedCatalog } from './catalog-file.js';

/** Must this tool run from an approved image under the policy? */
export function needsApproval(images: ImagesPolicy, tool: Tool | undefined): boolean {
  if (tool === undefined) return false;
  return images.requireApproval === 'all' || tool.package !== undefined;
}

export type ApprovalDecision =
  | { allow: true; entry: CatalogEntry }
  | { allow: false; code: 'IMAGE_NOT_APPROVED'; message: string };

/** Is this digest approved for this tool in a catalog that verifies? A denial names the fix. */
export function decideApproval(catalog: TrustedCatalog, toolName: string, image: string, digest: string | null, packaged = false): ApprovalDecision {
  const build = packaged ? ` (after \`airlock images build ${toolName}\`)` : '';
  const fix = `an administrator approves it with \`airlock images approve ${toolName}\`${build}`;
  const shown = `${image}${digest === null ? '' : ` (${digest.slice(0, 19)})`}`;
  if (!catalog.ok) {
    return { allow: false, code: 'IMAGE_NOT_APPROVED', message: `tool "${toolName}" may run only from an approved image, and the catalog cannot be trusted: ${catalog.reason}; ${fix}` };
  }
  const entry = digest === null ? undefined : catalog.entries.find((e) => e.tool === toolName && e.digest === digest);
  if (entry !== undefined) return { allow: true, entry };
  const other = catalog.entries.filter((e) => e.tool === toolName).map((e) => `${e.version ?? '?'} ${e.digest.slice(0, 19)}`);
  const approved = other.length === 0 ? 'no image of it is approved' : `approved: ${other.join(', ')}`;
  return { allow: false, code: 'IMAGE_NOT_APPROVED', message: `tool "${toolName}" image ${shown} is not in the approved catalog ${catalog.file} (${approved}); ${fix}` };
}
