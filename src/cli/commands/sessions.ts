import { AirlockError } from '../../core/index.js';
import { parseOptions, writeJson } from '../args.js';
import { withAuditStore } from '../audit-store.js';
import { parseLimit, parseTimeBound } from '../audit/time-range.js';
import type { CliContext } from '../context.js';
import { formatSessionRecord, formatSessionTable } from '../sessions/format.js';
import { findSession, listSessions } from '../sessions/summary.js';

export async function run(ctx: CliContext, args: string[]): Promise<number> {
  const [sub, ...rest] = args;
  if (sub === 'list') return list(ctx, rest);
  if (sub === 'show') return show(ctx, rest);
  // A review session's changes, as a patch (git apply replays it): show --patch by another name.
  if (sub === 'diff') return show(ctx, [...rest, '--patch']);
  throw new AirlockError('USAGE', `${sub === undefined ? 'airlock sessions needs a subcommand' : `unknown sessions subcommand "${sub}"`}: list, show or diff (see airlock sessions --help)`);
}

async function list(ctx: CliContext, args: string[]): Promise<number> {
  const { values } = parseOptions('sessions list', args, {
    json: { type: 'boolean' }, limit: { type: 'string' }, since: { type: 'string' }, user: { type: 'string' }, repo: { type: 'string' }, tool: { type: 'string' },
  });
  const since = parseTimeBound('since', values.since, ctx.clock.nowMs());
  const filter = { ...(since ? { since } : {}), ...(values.user ? { user: values.user } : {}), ...(values.repo ? { repo: values.repo } : {}), ...(values.tool ? { tool: values.tool } : {}) };
  const sessions = await withAuditStore(ctx, (store) => listSessions(store, filter, parseLimit(values.limit, 20)));
  if (values.json === true) writeJson(ctx.stdout, sessions);
  else if (sessions.length === 0) ctx.stdout.write('no sessions recorded yet: airlock run <tool> starts one\n');
  else ctx.stdout.write(formatSessionTable(sessions));
  return 0;
}

async function show(ctx: CliContext, args: string[]): Promise<number> {
  const { values, positionals } = parseOptions('sessions show', args, { json: { type: 'boolean' }, patch: { type: 'boolean' } }, true);
  const [id, extra] = positionals;
  if (id === undefined || extra !== undefined) throw new AirlockError('USAGE', 'usage: airlock sessions show <session-id> [--json] [--patch]');
  return withAuditStore(ctx, async (store) => {
    const found = await findSession(store, id);
    if (found === undefined) throw new AirlockError('SESSION_NOT_FOUND', `no session ${id} in the audit log ${store.location}: airlock sessions list shows the recorded ones`);
    if (values.patch === true) {
      const digest = (found.summary.end?.git?.patch as { digest?: string } | undefined)?.digest;
      const bytes = digest === undefined ? undefined : await store.getBlob(digest);
      if (bytes === undefined) throw new AirlockError('SESSION_NOT_FOUND', `session ${id} has no stored patch (it changed no files, or ended without a record)`);
      ctx.stdout.write(bytes);
      return 0;
    }
    if (values.json === true) writeJson(ctx.stdout, { ...found.summary, events: found.events });
    else ctx.stdout.write(formatSessionRecord(found.summary, found.events));
    return 0;
  });
}
