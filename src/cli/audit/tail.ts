import type { AuditQuery, AuditStore, ChainedRecord } from '../../audit/index.js';
import { parseOptions } from '../args.js';
import { withAuditStore } from '../audit-store.js';
import type { CliContext } from '../context.js';
import { formatEventLine } from './format-event.js';
import { parseDecision, parseLimit, parseTimeBound } from './time-range.js';

const FOLLOW_POLL_MS = 300;

function print(ctx: CliContext, records: readonly ChainedRecord[], json: boolean): void {
  for (const r of records) ctx.stdout.write(json ? `${JSON.stringify({ seq: r.seq, hash: r.hash, event: r.event })}\n` : `${formatEventLine(r)}\n`);
}

/** airlock audit tail [-f] [--session ID] [-n N] [--json] */
export async function tail(ctx: CliContext, args: string[], stopSignal: AbortSignal): Promise<number> {
  const { values } = parseOptions('audit tail', args, {
    follow: { type: 'boolean', short: 'f' }, session: { type: 'string' }, lines: { type: 'string', short: 'n' }, json: { type: 'boolean' },
  });
  const json = values.json === true;
  const filter: AuditQuery = values.session === undefined ? {} : { sessionId: values.session };
  return withAuditStore(ctx, async (store) => {
    const last = await store.query({ ...filter, newest: true, limit: parseLimit(values.lines, 20) });
    print(ctx, last, json);
    if (values.follow !== true) return 0;
    let after = last[last.length - 1]?.seq ?? (await store.head())?.seq ?? 0;
    while (!stopSignal.aborted) {
      const next = await store.query({ ...filter, afterSeq: after, limit: 1000 });
      print(ctx, next, json);
      after = next[next.length - 1]?.seq ?? after;
      if (next.length < 1000) await sleep(FOLLOW_POLL_MS, stopSignal);
    }
    return 0;
  });
}

/** airlock audit query --since --until --user --repo --tool --decision --type --session [--limit] [--json] */
export async function query(ctx: CliContext, args: string[]): Promise<number> {
  const { values } = parseOptions('audit query', args, {
    since: { type: 'string' }, until: { type: 'string' }, user: { type: 'string' }, repo: { type: 'string' }, tool: { type: 'string' },
    decision: { type: 'string' }, type: { type: 'string', multiple: true }, session: { type: 'string' }, limit: { type: 'string' }, json: { type: 'boolean' },
  });
  const now = ctx.clock.nowMs();
  const q: AuditQuery = {
    ...defined('since', parseTimeBound('since', values.since, now)),
    ...defined('until', parseTimeBound('until', values.until, now)),
    ...defined('user', values.user), ...defined('repo', values.repo), ...defined('tool', values.tool),
    ...defined('decision', parseDecision(values.decision)), ...defined('sessionId', values.session),
    ...(values.type === undefined ? {} : { types: values.type }),
    limit: parseLimit(values.limit, 1000),
  };
  return withAuditStore(ctx, async (store: AuditStore) => {
    const records = await store.query(q);
    if (values.json === true) ctx.stdout.write(`${JSON.stringify(records.map((r) => ({ seq: r.seq, hash: r.hash, event: r.event })), null, 2)}\n`);
    else {
      print(ctx, records, false);
      if (records.length === 0) ctx.stderr.write('no events match\n');
    }
    return 0;
  });
}

function defined<K extends string, V>(key: K, value: V | undefined): Partial<Record<K, V>> {
  return value === undefined ? {} : ({ [key]: value } as Record<K, V>);
}

function sleep(ms: number, signal: AbortSignal): Promise<void> {
  return new Promise((resolve) => {
    const t = setTimeout(resolve, ms);
    signal.addEventListener('abort', () => {
      clearTimeout(t);
      resolve();
    }, { once: true });
  });
}
