import { AirlockError } from '../../core/index.js';
import { exportKey, exportLog } from '../audit/export.js';
import { ship } from '../audit/ship.js';
import { query, tail } from '../audit/tail.js';
import { verify } from '../audit/verify.js';
import type { CliContext } from '../context.js';

export async function run(ctx: CliContext, args: string[]): Promise<number> {
  const [sub, ...rest] = args;
  switch (sub) {
    case 'verify':
      return verify(ctx, rest);
    case 'tail': {
      const stop = new AbortController();
      const onInt = () => stop.abort();
      process.once('SIGINT', onInt);
      process.once('SIGTERM', onInt);
      try {
        return await tail(ctx, rest, stop.signal);
      } finally {
        process.off('SIGINT', onInt);
        process.off('SIGTERM', onInt);
      }
    }
    case 'query':
      return query(ctx, rest);
    case 'export':
      return exportLog(ctx, rest);
    case 'export-key':
      return exportKey(ctx, rest);
    case 'ship':
      return ship(ctx, rest);
    default:
      throw new AirlockError('USAGE', `${sub === undefined ? 'airlock audit needs a subcommand' : `unknown audit subcommand "${sub}"`}: verify, tail, query, export, export-key or ship (see airlock audit --help)`);
  }
}
