import { AUTO_ORDER } from '../../sandbox/index.js';
import { collectGarbage } from '../../session/index.js';
import { parseOptions, writeJson } from '../args.js';
import type { CliContext } from '../context.js';

export async function run(ctx: CliContext, args: string[]): Promise<number> {
  const { values } = parseOptions('gc', args, { json: { type: 'boolean' } });
  const report = await collectGarbage({ home: ctx.home, drivers: AUTO_ORDER.map((n) => ctx.drivers[n]), logger: ctx.logger });
  if (values.json === true) writeJson(ctx.stdout, report);
  else {
    for (const r of report.reaped) ctx.stdout.write(`removed ${r.what} of session ${r.sessionId}\n`);
    for (const s of report.skipped) ctx.stdout.write(`skipped ${s.driver}: ${s.reason}\n`);
    if (report.reaped.length === 0) ctx.stdout.write('nothing to remove\n');
  }
  return 0;
}
