import { buildToolImage } from '../../images/index.js';
import type { BuildOutcome } from '../../images/index.js';
import { loadEffectivePolicy } from '../../policy/index.js';
import { AirlockError } from '../../core/index.js';
import { parseOptions, writeJson } from '../args.js';
import type { CliContext } from '../context.js';
import { dockerSocketFrom, orgPolicyFile } from '../context.js';
import { createProgressDisplay } from './progress.js';

/** airlock images build <tool> [--json] [--force]: builds from the org policy (a repo policy only narrows which tools run). */
export async function build(ctx: CliContext, args: string[]): Promise<number> {
  const { values, positionals } = parseOptions('images', args, { json: { type: 'boolean' }, force: { type: 'boolean' } }, true);
  const [tool, ...extra] = positionals;
  if (tool === undefined) throw new AirlockError('USAGE', 'airlock images build needs a tool name, e.g. airlock images build gemini (see airlock images --help)');
  if (extra.length > 0) throw new AirlockError('USAGE', `unexpected argument "${extra[0]}": airlock images build takes one tool`);
  const { policy } = await loadEffectivePolicy({ orgFile: orgPolicyFile(ctx) });
  const display = createProgressDisplay(ctx.stderr, (ctx.stderr as { isTTY?: boolean }).isTTY === true, () => ctx.clock.nowMs());
  const stop = new AbortController();
  const onSignal = () => stop.abort();
  process.once('SIGINT', onSignal);
  process.once('SIGTERM', onSignal);
  process.once('SIGHUP', onSignal);
  let outcome: BuildOutcome;
  try {
    outcome = await buildToolImage({
      tool, policy, home: ctx.home, env: ctx.env, dockerSocket: dockerSocketFrom(ctx.env), clock: ctx.clock,
      force: values.force === true, onProgress: display.update, signal: stop.signal,
    });
  } finally {
    display.close();
    process.off('SIGINT', onSignal);
    process.off('SIGTERM', onSignal);
    process.off('SIGHUP', onSignal);
  }
  report(ctx, outcome, values.json === true);
  return 0;
}

function report(ctx: CliContext, { record, skipped, paths }: BuildOutcome, json: boolean): void {
  ctx.stderr.write(skipped
    ? `airlock: ${record.image.reference} is up to date (same lockfile and base image): nothing built; --force rebuilds it\n`
    : `airlock: built ${record.image.reference}\n`);
  if (json) {
    writeJson(ctx.stdout, record);
    return;
  }
  const rows = [
    ['image', `${record.image.reference} ${record.image.id}`],
    ['package', `${record.package.name}@${record.package.version} (${record.packages} package${record.packages === 1 ? '' : 's'} installed)`],
    ['commands', record.image.bins.length === 0 ? '(none)' : record.image.bins.join(', ')],
    ['base', `${record.base.reference} ${record.base.digest}`],
    ['lockfile', `${paths.lockfile} sha256:${record.lockfileSha256}`],
    ['sbom', `${paths.sbom} sha256:${record.sbomSha256}`],
    ['files', `${paths.manifest} sha256:${record.filesSha256}`],
    ['record', paths.record],
  ];
  ctx.stdout.write(rows.map(([k, v]) => `${(k as string).padEnd(9)} ${v}\n`).join(''));
}
