import { once } from 'node:events';
import { toOcsf } from '../../audit/index.js';
import { AirlockError } from '../../core/index.js';
import { parseOptions } from '../args.js';
import { openSigner, withAuditStore } from '../audit-store.js';
import type { CliContext } from '../context.js';
import { parseTimeBound } from './time-range.js';

const PAGE = 5000;

/** airlock audit export --format jsonl|ocsf [--since] [--until]: every record, streamed. */
export async function exportLog(ctx: CliContext, args: string[]): Promise<number> {
  const { values } = parseOptions('audit export', args, { format: { type: 'string' }, since: { type: 'string' }, until: { type: 'string' } });
  const format = values.format ?? 'jsonl';
  if (format !== 'jsonl' && format !== 'ocsf') throw new AirlockError('USAGE', `--format "${format}": use jsonl (Airlock's records with their chain) or ocsf`);
  const now = ctx.clock.nowMs();
  const since = parseTimeBound('since', values.since, now);
  const until = parseTimeBound('until', values.until, now);
  return withAuditStore(ctx, async (store) => {
    let after = 0;
    for (;;) {
      const page = await store.query({ afterSeq: after, limit: PAGE, ...(since ? { since } : {}), ...(until ? { until } : {}) });
      let text = '';
      for (const r of page) text += `${JSON.stringify(format === 'ocsf' ? toOcsf(r) : { seq: r.seq, prevHash: r.prevHash, hash: r.hash, event: r.event })}\n`;
      if (!ctx.stdout.write(text)) await once(ctx.stdout, 'drain');
      if (page.length < PAGE) return 0;
      after = page[page.length - 1]?.seq ?? after;
    }
  });
}

/** airlock audit export-key: the public key that verifies this machine's checkpoints. */
export async function exportKey(ctx: CliContext, args: string[]): Promise<number> {
  parseOptions('audit export-key', args, {});
  ctx.stdout.write((await openSigner(ctx)).publicKeyPem);
  return 0;
}
