import { loadTrustedCatalog } from '../../images/index.js';
import type { CatalogEntry, TrustedCatalog } from '../../images/index.js';
import { parseOptions, writeJson } from '../args.js';
import type { CliContext } from '../context.js';
import { orgPolicy, presentImage } from './catalog-context.js';

export interface ToolImageRow {
  tool: string;
  image: string;
  version: string | null;
  /** The digest Docker Engine holds under the tool's image reference, or null. */
  present: string | null;
  /** Approved digests of this tool in a catalog that verifies. */
  approved: string[];
  needsApproval: boolean;
  status: 'approved' | 'not-approved' | 'missing' | 'not-required';
}

/** `airlock images list [--json]`: each tool's image, what is present, what is approved. */
export async function list(ctx: CliContext, args: string[]): Promise<number> {
  const { values } = parseOptions('images', args, { json: { type: 'boolean' } });
  const policy = await orgPolicy(ctx);
  const catalog = await loadTrustedCatalog(ctx.home, policy.images);
  const rows: ToolImageRow[] = [];
  for (const [tool, def] of Object.entries(policy.tools)) {
    const facts = await presentImage(ctx, def.image);
    const approved = approvedOf(catalog, tool).map((e) => e.digest);
    const needs = policy.images.requireApproval === 'all' || def.package !== undefined;
    const present = facts?.digest ?? null;
    const status = present === null ? 'missing' : approved.includes(present) ? 'approved' : needs ? 'not-approved' : 'not-required';
    rows.push({ tool, image: def.image, version: facts?.version ?? def.package?.version ?? null, present, approved, needsApproval: needs, status });
  }
  if (values.json === true) {
    writeJson(ctx.stdout, { catalog: { file: catalog.file, ok: catalog.ok, ...(catalog.ok ? {} : { reason: catalog.reason }) }, tools: rows });
    return 0;
  }
  ctx.stdout.write(`catalog ${catalog.file}: ${catalog.ok ? `verified (${catalog.entries.length} approved)` : `not trusted: ${catalog.reason}`}\n`);
  ctx.stdout.write(`${'TOOL'.padEnd(10)} ${'VERSION'.padEnd(10)} ${'STATUS'.padEnd(13)} IMAGE\n`);
  for (const r of rows) ctx.stdout.write(`${r.tool.padEnd(10)} ${(r.version ?? '-').padEnd(10)} ${r.status.padEnd(13)} ${r.image}${r.present === null ? '' : ` ${r.present.slice(0, 19)}`}\n`);
  return 0;
}

export function approvedOf(catalog: TrustedCatalog, tool: string): readonly CatalogEntry[] {
  return catalog.ok ? catalog.entries.filter((e) => e.tool === tool) : [];
}
