import { AirlockError } from '../../core/index.js';
import { parseOptions, splitAtDoubleDash } from '../args.js';
import type { CliContext } from '../context.js';
import { runSessionCommand } from '../session-command.js';

export async function run(ctx: CliContext, args: string[]): Promise<number> {
  const { own, rest } = splitAtDoubleDash(args);
  const { values } = parseOptions('exec', own, { repo: { type: 'string' }, driver: { type: 'string' } });
  if (rest === undefined || rest.length === 0) {
    throw new AirlockError('USAGE', 'airlock exec needs a command after --, e.g. airlock exec -- id (see airlock exec --help)');
  }
  return runSessionCommand(ctx, {
    repo: values.repo,
    driver: values.driver,
    resolve: ({ policy }) => ({ tool: 'exec', image: policy.sandbox.image, argv: rest, env: {} }),
  });
}
