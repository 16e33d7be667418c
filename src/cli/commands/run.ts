import { AirlockError } from '../../core/index.js';
import { parseOptions, splitAtDoubleDash } from '../args.js';
import type { CliContext } from '../context.js';
import { runSessionCommand } from '../session-command.js';

export async function run(ctx: CliContext, args: string[]): Promise<number> {
  const { own, rest } = splitAtDoubleDash(args);
  const { values, positionals } = parseOptions('run', own, { repo: { type: 'string' }, driver: { type: 'string' }, review: { type: 'boolean' } }, true);
  const [tool, ...extra] = positionals;
  if (tool === undefined) throw new AirlockError('USAGE', 'airlock run needs a tool name, e.g. airlock run shell (see airlock run --help)');
  if (extra.length > 0) {
    throw new AirlockError('USAGE', `unexpected argument "${extra[0]}": put the tool's own arguments after --, e.g. airlock run ${tool} -- ${extra.join(' ')}`);
  }
  return runSessionCommand(ctx, {
    repo: values.repo,
    driver: values.driver,
    review: values.review === true,
    resolve: ({ policy, removedTools, sources }) => {
      const def = policy.tools[tool];
      if (def === undefined) {
        if (removedTools.includes(tool)) {
          throw new AirlockError('TOOL_DENIED', `tool "${tool}" is not allowed in this repository: its policy ${sources[sources.length - 1]} leaves it out of tools:`);
        }
        const known = Object.keys(policy.tools).join(', ') || 'none';
        throw new AirlockError('TOOL_UNKNOWN', `unknown tool "${tool}": the policy defines ${known}; add it under tools: in the org policy (airlock init writes one)`);
      }
      return { tool, image: def.image, argv: [...def.entrypoint, ...(rest ?? [])], env: def.env, definition: def };
    },
  });
}
