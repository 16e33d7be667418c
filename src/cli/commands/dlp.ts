import { AirlockError } from '../../core/index.js';
import type { CliContext } from '../context.js';
import { scanPaths } from '../dlp/scan.js';

export async function run(ctx: CliContext, args: string[]): Promise<number> {
  const [sub, ...rest] = args;
  if (sub === 'scan') return scanPaths(ctx, rest);
  throw new AirlockError('USAGE', `${sub === undefined ? 'airlock dlp needs a subcommand' : `unknown dlp subcommand "${sub}"`}: scan (see airlock dlp --help)`);
}
