import { mkdir, writeFile } from 'node:fs/promises';
import { AirlockError } from '../../core/index.js';
import { DEFAULT_POLICY_YAML } from '../../policy/index.js';
import { parseOptions } from '../args.js';
import type { CliContext } from '../context.js';
import { orgPolicyFile } from '../context.js';

export async function run(ctx: CliContext, args: string[]): Promise<number> {
  const { values } = parseOptions('init', args, { force: { type: 'boolean' } });
  const file = orgPolicyFile(ctx);
  await mkdir(ctx.home, { recursive: true, mode: 0o700 });
  try {
    await writeFile(file, DEFAULT_POLICY_YAML, { flag: values.force === true ? 'w' : 'wx', mode: 0o644 });
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'EEXIST') {
      throw new AirlockError('USAGE', `${file} already exists: edit it, or rerun with --force to replace it with the defaults`);
    }
    throw error;
  }
  ctx.stdout.write(`wrote ${file}\ncheck it with: airlock policy check\n`);
  return 0;
}
