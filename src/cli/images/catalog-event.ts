import { stampEvent } from '../../audit/index.js';
import { createSessionId } from '../../core/index.js';
import type { CatalogEntry } from '../../images/index.js';
import { actorOf, withAuditStore } from '../audit-store.js';
import type { CliContext } from '../context.js';

export interface CatalogChange {
  type: 'catalog.approved' | 'catalog.revoked';
  entry: CatalogEntry;
  catalog: string;
  policyHash: string;
}

/**
 * Records a catalog change in the audit log (OCSF API Activity) before the catalog file
 * changes: an approval nobody can see in the log never happens. Its operation id stands
 * where a session id stands in session events.
 */
export async function recordCatalogChange(ctx: CliContext, change: CatalogChange): Promise<void> {
  const id = createSessionId(ctx.clock.nowMs());
  const { entry } = change;
  const event = stampEvent(
    { sessionId: id, actor: actorOf(ctx), policyHash: change.policyHash, tool: { name: entry.tool, version: entry.version, image: entry.image, digest: entry.digest }, repo: '', driver: '' },
    id,
    { type: change.type, time: new Date(ctx.clock.nowMs()).toISOString(), sessionId: id, catalog: change.catalog, sbomSha256: entry.sbomSha256 },
  );
  await withAuditStore(ctx, async (store) => {
    await store.append([event]);
    await store.checkpoint();
  });
}
