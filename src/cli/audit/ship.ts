import { AirlockError, ERROR_CODES } from '../../core/index.js';
import { parseOptions, writeJson } from '../args.js';
import { startSinks, withAuditStore } from '../audit-store.js';
import type { CliContext } from '../context.js';

/** airlock audit ship [--timeout S] [--json]: catch every sink up with the store, now. */
export async function ship(ctx: CliContext, args: string[]): Promise<number> {
  const { values } = parseOptions('audit ship', args, { timeout: { type: 'string' }, json: { type: 'boolean' } });
  const seconds = values.timeout === undefined ? 60 : Number(values.timeout);
  if (!Number.isFinite(seconds) || seconds <= 0) throw new AirlockError('USAGE', `--timeout "${String(values.timeout)}" must be a number of seconds above 0`);
  return withAuditStore(ctx, async (store, policy) => {
    const forwarder = await startSinks(ctx, policy, store);
    if (forwarder === undefined) {
      if (values.json === true) writeJson(ctx.stdout, []);
      else ctx.stdout.write('no sinks configured (audit.sinks in the org policy)\n');
      return 0;
    }
    const status = await forwarder.drain(seconds * 1000);
    await forwarder.stop();
    if (values.json === true) writeJson(ctx.stdout, status.map((s) => ({ name: s.name, cursor: s.cursor, pending: s.pending, ...(s.lastError ? { lastError: s.lastError.message } : {}) })));
    else for (const s of status) ctx.stdout.write(`${s.name}: delivered up to record ${s.cursor}, ${s.pending} pending${s.lastError ? ` (last error: ${s.lastError.message})` : ''}\n`);
    return status.every((s) => s.pending === 0) ? 0 : ERROR_CODES.AUDIT_UNAVAILABLE.exit;
  });
}
