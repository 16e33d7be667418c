import { ERROR_CODES } from '../../core/index.js';
import { loadTrustedCatalog } from '../../images/index.js';
import { parseOptions, writeJson } from '../args.js';
import type { CliContext } from '../context.js';
import { orgPolicy, presentImage } from './catalog-context.js';

interface EntryCheck {
  tool: string;
  digest: string;
  /** present: Docker holds this digest; absent: it does not (it cannot run here until loaded). */
  image: 'present' | 'absent';
  /** The SBOM label of the image still names the approved SBOM. */
  sbom: 'match' | 'mismatch' | 'none';
}

/** `airlock images verify [--json]`: the signature, then each approved image. Exit 65 if the catalog was changed. */
export async function verify(ctx: CliContext, args: string[]): Promise<number> {
  const { values } = parseOptions('images', args, { json: { type: 'boolean' } });
  const policy = await orgPolicy(ctx);
  const catalog = await loadTrustedCatalog(ctx.home, policy.images);
  const checks: EntryCheck[] = [];
  for (const e of catalog.ok ? catalog.entries : []) {
    const facts = await presentImage(ctx, e.digest);
    const label = facts?.labels['dev.airlock.sbom.sha256'];
    checks.push({ tool: e.tool, digest: e.digest, image: facts === null ? 'absent' : 'present', sbom: e.sbomSha256 === null || facts === null ? 'none' : label === e.sbomSha256 ? 'match' : 'mismatch' });
  }
  const ok = catalog.ok && checks.every((c) => c.sbom !== 'mismatch');
  if (values.json === true) writeJson(ctx.stdout, { ok, file: catalog.file, keySource: catalog.keySource, ...(catalog.ok ? {} : { reason: catalog.reason }), entries: checks });
  else {
    ctx.stdout.write(`catalog ${catalog.file}: ${catalog.ok ? `ok, signed by ${catalog.keySource ?? '?'}` : `NOT OK: ${catalog.reason}`}\n`);
    for (const c of checks) ctx.stdout.write(`  ${c.tool.padEnd(10)} ${c.digest.slice(0, 19)} image ${c.image}, sbom ${c.sbom}\n`);
  }
  return ok ? 0 : ERROR_CODES.CATALOG_TAMPERED.exit;
}
