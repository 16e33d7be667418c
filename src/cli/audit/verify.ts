import { readFile } from 'node:fs/promises';
import { verifyLogPaged } from '../../audit/index.js';
import type { VerifyReport } from '../../audit/index.js';
import { AirlockError, ERROR_CODES } from '../../core/index.js';
import { parseOptions, writeJson } from '../args.js';
import { openSigner, withAuditStore } from '../audit-store.js';
import type { CliContext } from '../context.js';

/** Records held at a time while an intact log is verified. */
const PAGE = 1000;

export async function verify(ctx: CliContext, args: string[]): Promise<number> {
  const { values } = parseOptions('audit verify', args, { json: { type: 'boolean' }, key: { type: 'string' } });
  const publicKeyPem = values.key === undefined ? (await openSigner(ctx)).publicKeyPem : await readKey(values.key);
  const report = await withAuditStore(ctx, async (store) => ({ location: store.location, report: await verifyLogPaged((after, limit) => store.read(after, limit), await store.checkpoints(), publicKeyPem, PAGE) }));
  if (values.json === true) writeJson(ctx.stdout, { location: report.location, ...report.report });
  else ctx.stdout.write(describe(report.location, report.report));
  return report.report.ok ? 0 : ERROR_CODES.AUDIT_TAMPERED.exit;
}

function describe(location: string, r: VerifyReport): string {
  if (!r.ok && r.firstBad !== undefined) {
    return `audit log ${location}: NOT OK\n  first bad: record ${r.firstBad.seq}: ${r.firstBad.problem}\n  ${r.firstBad.detail}\n`;
  }
  const lines = [`audit log ${location}: ok, ${r.records} record${r.records === 1 ? "" : "s"}, ${r.checkpoints} signed checkpoint${r.checkpoints === 1 ? "" : "s"}`];
  if (r.unanchored !== undefined) {
    lines.push(`  note: records ${r.unanchored.fromSeq}..${r.unanchored.toSeq} are chained but not yet under a signed checkpoint (one is signed every N events or T seconds and at every session end)`);
  }
  return `${lines.join('\n')}\n`;
}

async function readKey(path: string): Promise<string> {
  try {
    return await readFile(path, 'utf8');
  } catch (error) {
    throw new AirlockError('USAGE', `cannot read the public key ${path} (${(error as NodeJS.ErrnoException).code}): export it with airlock audit export-key > FILE`, { cause: error });
  }
}
