import { loadTrustedCatalog } from '../../images/index.js';
import { parseOptions, writeJson } from '../args.js';
import { parseTimeBound } from '../audit/time-range.js';
import { withAuditStore } from '../audit-store.js';
import type { CliContext } from '../context.js';
import { orgPolicy, presentImage } from './catalog-context.js';

export interface DriftRow {
  tool: string;
  digest: string | null;
  version: string | null;
  approved: boolean;
  /** Docker holds it under the tool's image reference now. */
  present: boolean;
  sessions: number;
  users: string[];
  lastRun: string | null;
  /** ran-unapproved: a shadow version; approved-unused; current: approved, present and run. */
  kind: 'current' | 'approved-unused' | 'ran-unapproved' | 'present-unapproved';
}

interface Ran { sessions: number; users: Set<string>; last: string; version: string | null }

/** `airlock images drift [--since T] [--json]`: approved vs present vs what sessions actually ran. */
export async function drift(ctx: CliContext, args: string[]): Promise<number> {
  const { values } = parseOptions('images', args, { since: { type: 'string' }, json: { type: 'boolean' } });
  const since = parseTimeBound('--since', values.since, ctx.clock.nowMs());
  const policy = await orgPolicy(ctx);
  const catalog = await loadTrustedCatalog(ctx.home, policy.images);
  const ran = await sessionsByImage(ctx, since);
  const rows = new Map<string, DriftRow>();
  const row = (tool: string, digest: string | null, version: string | null): DriftRow => {
    const key = `${tool} ${digest ?? '-'}`;
    const r = rows.get(key) ?? { tool, digest, version, approved: false, present: false, sessions: 0, users: [], lastRun: null, kind: 'current' };
    rows.set(key, r);
    return r;
  };
  for (const e of catalog.ok ? catalog.entries : []) row(e.tool, e.digest, e.version).approved = true;
  for (const [tool, def] of Object.entries(policy.tools)) {
    const facts = await presentImage(ctx, def.image);
    if (facts?.digest) row(tool, facts.digest, facts.version).present = true;
  }
  for (const [key, r] of ran) {
    const [tool, digest] = key.split(' ') as [string, string];
    Object.assign(row(tool, digest === '-' ? null : digest, r.version), { sessions: r.sessions, users: [...r.users].sort(), lastRun: r.last });
  }
  const out = [...rows.values()].map((r) => ({ ...r, kind: kindOf(r) })).sort((a, b) => a.tool.localeCompare(b.tool));
  if (values.json === true) writeJson(ctx.stdout, { catalogOk: catalog.ok, rows: out });
  else printDrift(ctx, out);
  return 0;
}

function kindOf(r: DriftRow): DriftRow['kind'] {
  if (r.sessions > 0) return r.approved ? 'current' : 'ran-unapproved';
  return r.approved ? 'approved-unused' : 'present-unapproved';
}

async function sessionsByImage(ctx: CliContext, since: string | undefined): Promise<Map<string, Ran>> {
  const records = await withAuditStore(ctx, (store) => store.query({ types: ['session.started'], ...(since === undefined ? {} : { since }) }));
  const ran = new Map<string, Ran>();
  for (const { event } of records) {
    const tool = event.tool as { name?: string; digest?: string | null; version?: string | null } | undefined;
    if (tool?.name === undefined || tool.name === 'exec') continue;
    const key = `${tool.name} ${tool.digest ?? '-'}`;
    const r = ran.get(key) ?? { sessions: 0, users: new Set<string>(), last: '', version: tool.version ?? null };
    r.sessions += 1;
    r.users.add((event.actor as { user?: string } | undefined)?.user ?? '?');
    if (event.time > r.last) r.last = event.time;
    ran.set(key, r);
  }
  return ran;
}

function printDrift(ctx: CliContext, rows: readonly DriftRow[]): void {
  ctx.stdout.write(`${'TOOL'.padEnd(10)} ${'VERSION'.padEnd(10)} ${'DIGEST'.padEnd(20)} ${'KIND'.padEnd(19)} SESSIONS USERS\n`);
  for (const r of rows) {
    ctx.stdout.write(`${r.tool.padEnd(10)} ${(r.version ?? '-').padEnd(10)} ${(r.digest ?? '(no image)').slice(0, 19).padEnd(20)} ${r.kind.padEnd(19)} ${String(r.sessions).padStart(8)} ${r.users.join(',')}\n`);
  }
}
