import { AirlockError } from '../../core/index.js';
import type { CliContext } from '../context.js';
import { build } from '../images/build.js';

export async function run(ctx: CliContext, args: string[]): Promise<number> {
  const [sub, ...rest] = args;
  switch (sub) {
    case 'build':
      return build(ctx, rest);
    default:
      throw new AirlockError('USAGE', `${sub === undefined ? 'airlock images needs a subcommand' : `unknown images subcommand "${sub}"`}: build (see airlock images --help)`);
  }
}
