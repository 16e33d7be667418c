import { parseArgs } from 'node:util';
import type { ParseArgsConfig } from 'node:util';
import { AirlockError } from '../core/index.js';

type Options = NonNullable<ParseArgsConfig['options']>;

/** Strict option parsing: an unknown option is a usage error naming the command's help. */
export function parseOptions<O extends Options>(command: string, args: string[], options: O, allowPositionals = false) {
  try {
    return parseArgs({ args, options, allowPositionals, strict: true });
  } catch (error) {
    throw new AirlockError('USAGE', `${(error as Error).message.split('\n')[0]} (see airlock ${command} --help)`);
  }
}

/** Splits `a b -- c d` into the part before the first "--" and the part after. */
export function splitAtDoubleDash(args: string[]): { own: string[]; rest: string[] | undefined } {
  const i = args.indexOf('--');
  return i === -1 ? { own: args, rest: undefined } : { own: args.slice(0, i), rest: args.slice(i + 1) };
}

export function wantsHelp(args: string[]): boolean {
  const { own } = splitAtDoubleDash(args);
  return own.includes('--help') || own.includes('-h');
}

export function writeJson(out: NodeJS.WritableStream, value: unknown): void {
  out.write(`${JSON.stringify(value, null, 2)}\n`);
}
