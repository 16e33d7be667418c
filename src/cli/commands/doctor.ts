import { AUTO_ORDER } from '../../sandbox/index.js';
import { parseOptions, writeJson } from '../args.js';
import type { CliContext } from '../context.js';

export async function run(ctx: CliContext, args: string[]): Promise<number> {
  const { values } = parseOptions('doctor', args, { json: { type: 'boolean' } });
  const probes = await Promise.all(AUTO_ORDER.map((name) => ctx.drivers[name].probe()));
  const working = probes.filter((p) => p.ok).map((p) => p.driver);
  if (values.json === true) {
    writeJson(ctx.stdout, { drivers: probes, auto: working[0] ?? null });
  } else {
    for (const p of probes) {
      if (p.ok) {
        ctx.stdout.write(`ok    ${p.driver.padEnd(7)} ${p.detail}\n`);
        for (const w of p.warnings) ctx.stdout.write(`      warning: ${w}\n`);
      } else {
        ctx.stdout.write(`FAIL  ${p.driver.padEnd(7)} ${p.reason}\n      fix: ${p.fix}\n`);
      }
    }
    ctx.stdout.write(working.length > 0 ? `driver "auto" uses ${working[0]}\n` : 'no driver works: apply a fix above\n');
  }
  return working.length > 0 ? 0 : 69;
}
