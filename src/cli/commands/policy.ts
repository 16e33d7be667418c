import { stringify } from 'yaml';
import { AirlockError } from '../../core/index.js';
import { loadEffectivePolicy } from '../../policy/index.js';
import { parseOptions, writeJson } from '../args.js';
import type { CliContext } from '../context.js';
import { orgPolicyFile } from '../context.js';
import { resolveRepo } from '../../workspace/index.js';

export async function run(ctx: CliContext, args: string[]): Promise<number> {
  const { values, positionals } = parseOptions('policy', args, { repo: { type: 'string' }, json: { type: 'boolean' } }, true);
  if (positionals[0] !== 'check' || positionals.length > 1) {
    throw new AirlockError('USAGE', 'usage: airlock policy check [--repo DIR] [--json]');
  }
  const repoDir = values.repo === undefined ? undefined : await resolveRepo(values.repo, ctx.cwd);
  try {
    const effective = await loadEffectivePolicy({ orgFile: orgPolicyFile(ctx), ...(repoDir === undefined ? {} : { repoDir }) });
    if (values.json === true) writeJson(ctx.stdout, { ok: true, ...effective });
    else {
      ctx.stdout.write(`# effective policy ${effective.hash}\n# from: ${effective.sources.join(' <- ')}\n`);
      ctx.stdout.write(stringify(effective.policy));
    }
    return 0;
  } catch (error) {
    if (values.json === true && error instanceof AirlockError && error.code === 'POLICY_INVALID') {
      writeJson(ctx.stdout, { ok: false, code: error.code, message: error.message, errors: error.details });
      return error.exitCode;
    }
    throw error;
  }
}
