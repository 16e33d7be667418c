import { stringify } from 'yaml';
import { AirlockError } from '../../core/index.js';
import { loadEffectivePolicy } from '../../policy/index.js';
import { parseOptions, writeJson } from '../args.js';
import type { CliContext } from '../context.js';
import { orgPolicyFile } from '../context.js';
import { findControlledPaths, resolveRepo } from '../../workspace/index.js';
import type { ControlledPaths } from '../../workspace/index.js';

export async function run(ctx: CliContext, args: string[]): Promise<number> {
  const { values, positionals } = parseOptions('policy', args, { repo: { type: 'string' }, json: { type: 'boolean' } }, true);
  if (positionals[0] !== 'check' || positionals.length > 1) {
    throw new AirlockError('USAGE', 'usage: airlock policy check [--repo DIR] [--json]');
  }
  const repoDir = values.repo === undefined ? undefined : await resolveRepo(values.repo, ctx.cwd);
  try {
    const effective = await loadEffectivePolicy({ orgFile: orgPolicyFile(ctx), ...(repoDir === undefined ? {} : { repoDir }) });
    const paths = repoDir === undefined ? undefined : await findControlledPaths(repoDir, effective.policy.workspace);
    if (values.json === true) writeJson(ctx.stdout, { ok: true, ...effective, ...(paths === undefined ? {} : { paths }) });
    else {
      ctx.stdout.write(`# effective policy ${effective.hash}\n# from: ${effective.sources.join(' <- ')}\n`);
      ctx.stdout.write(stringify(effective.policy));
      if (repoDir !== undefined && paths !== undefined) ctx.stdout.write(describePaths(repoDir, paths));
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

/** What the sandbox will not see, and what it may not change, in this repository. */
function describePaths(repoDir: string, paths: ControlledPaths): string {
  const list = (items: ControlledPaths['masked']) => (items.length === 0 ? '#   (none)\n' : items.map((p) => `#   ${p.path}${p.kind === 'dir' ? '/' : ''}  (${p.pattern})\n`).join(''));
  return `# in ${repoDir}, masked (empty inside the sandbox):\n${list(paths.masked)}# protected (read-only inside the sandbox):\n${list(paths.protected)}`;
}
