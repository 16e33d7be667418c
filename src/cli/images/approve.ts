import { createPublicKey } from 'node:crypto';
import { AirlockError } from '../../core/index.js';
import { approvalSigningKey, catalogPaths, readCatalog, signCatalog, verifyCatalog, writeCatalog } from '../../images/index.js';
import type { CatalogEntry } from '../../images/index.js';
import type { Policy } from '../../policy/index.js';
import { parseOptions, writeJson } from '../args.js';
import { actorOf } from '../audit-store.js';
import type { CliContext } from '../context.js';
import { orgPolicyWithHash, presentImage, toolOf } from './catalog-context.js';
import { recordCatalogChange } from './catalog-event.js';

const SBOM_LABEL = 'dev.airlock.sbom.sha256';

/** `airlock images approve <tool> [--key PRIVATE.pem] [--json]` */
export async function approve(ctx: CliContext, args: string[]): Promise<number> {
  const { values, positionals } = parseOptions('images', args, { key: { type: 'string' }, json: { type: 'boolean' } }, true);
  const name = onlyTool(positionals, 'approve');
  const { policy, hash } = await orgPolicyWithHash(ctx);
  const tool = toolOf(policy, name);
  const facts = await presentImage(ctx, tool.image);
  if (facts === null || facts.digest === null) {
    const build = tool.package === undefined ? 'build or load it into Docker Engine' : `build it with \`airlock images build ${name}\``;
    throw new AirlockError('IMAGE_MISSING', `tool "${name}" has no image ${tool.image} to approve: ${build} first`);
  }
  const entry: CatalogEntry = {
    tool: name, version: facts.version ?? tool.package?.version ?? null, image: tool.image, digest: facts.digest,
    sbomSha256: facts.labels[SBOM_LABEL] ?? null, approvedAt: new Date(ctx.clock.nowMs()).toISOString(), approvedBy: actorOf(ctx).user,
  };
  const kept = await currentEntries(ctx, policy, values.key);
  const entries = [...kept.filter((e) => !(e.tool === name && e.digest === entry.digest)), entry];
  const key = await approvalSigningKey(ctx.home, policy.images, values.key);
  const file = catalogPaths(ctx.home, policy.images).catalog;
  const signed = signCatalog(entries, key);
  await recordCatalogChange(ctx, { type: 'catalog.approved', entry, catalog: file, policyHash: hash });
  await writeCatalog(file, signed);
  if (values.json === true) writeJson(ctx.stdout, { catalog: file, approved: entry });
  else ctx.stdout.write(`approved ${name} ${entry.version ?? ''} ${entry.digest} in ${file}\n`);
  return 0;
}

/** `airlock images revoke <tool> [--digest D] [--key PRIVATE.pem]`: removes approvals. */
export async function revoke(ctx: CliContext, args: string[]): Promise<number> {
  const { values, positionals } = parseOptions('images', args, { key: { type: 'string' }, digest: { type: 'string' }, json: { type: 'boolean' } }, true);
  const name = onlyTool(positionals, 'revoke');
  const { policy, hash } = await orgPolicyWithHash(ctx);
  const entries = await currentEntries(ctx, policy, values.key);
  const gone = entries.filter((e) => e.tool === name && (values.digest === undefined || e.digest === values.digest));
  if (gone.length === 0) throw new AirlockError('USAGE', `no approval of "${name}"${values.digest === undefined ? '' : ` with digest ${values.digest}`} is in the catalog (see airlock images list)`);
  const key = await approvalSigningKey(ctx.home, policy.images, values.key);
  const file = catalogPaths(ctx.home, policy.images).catalog;
  const signed = signCatalog(entries.filter((e) => !gone.includes(e)), key);
  for (const entry of gone) await recordCatalogChange(ctx, { type: 'catalog.revoked', entry, catalog: file, policyHash: hash });
  await writeCatalog(file, signed);
  if (values.json === true) writeJson(ctx.stdout, { catalog: file, revoked: gone });
  else for (const e of gone) ctx.stdout.write(`revoked ${name} ${e.version ?? ''} ${e.digest}\n`);
  return 0;
}

function onlyTool(positionals: string[], verb: string): string {
  const [name, ...extra] = positionals;
  if (name === undefined || extra.length > 0) throw new AirlockError('USAGE', `airlock images ${verb} takes one tool name, e.g. airlock images ${verb} claude`);
  return name;
}

/**
 * The entries to extend: never re-sign a catalog that does not verify under the key
 * about to sign it, or a change someone slipped in would become approved.
 */
async function currentEntries(ctx: CliContext, policy: Policy, keyFile: string | undefined): Promise<readonly CatalogEntry[]> {
  const file = catalogPaths(ctx.home, policy.images).catalog;
  const catalog = await readCatalog(file);
  if (catalog === undefined) return [];
  const key = await approvalSigningKey(ctx.home, policy.images, keyFile);
  const verdict = verifyCatalog(catalog, createPublicKey(key));
  if (!verdict.ok) throw new AirlockError('CATALOG_TAMPERED', `the catalog ${file} does not verify (${verdict.reason}): refusing to sign over it; restore it from backup or move it away and approve again`);
  return verdict.entries;
}
