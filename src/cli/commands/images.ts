import { AirlockError } from '../../core/index.js';
import type { CliContext } from '../context.js';

const SUBCOMMANDS: Record<string, () => Promise<(ctx: CliContext, args: string[]) => Promise<number>>> = {
  build: async () => (await import('../images/build.js')).build,
  approve: async () => (await import('../images/approve.js')).approve,
  revoke: async () => (await import('../images/approve.js')).revoke,
  list: async () => (await import('../images/list.js')).list,
  verify: async () => (await import('../images/verify.js')).verify,
  drift: async () => (await import('../images/drift.js')).drift,
};

export async function run(ctx: CliContext, args: string[]): Promise<number> {
  const [sub, ...rest] = args;
  const load = sub === undefined ? undefined : SUBCOMMANDS[sub];
  if (load === undefined) {
    const what = sub === undefined ? 'airlock images needs a subcommand' : `unknown images subcommand "${sub}"`;
    throw new AirlockError('USAGE', `${what}: ${Object.keys(SUBCOMMANDS).join(', ')} (see airlock images --help)`);
  }
  return (await load())(ctx, rest);
}
