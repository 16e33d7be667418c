import { mkdir, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { policyJsonSchemas } from '../../policy/index.js';
import type { CliContext } from '../context.js';

export async function run(ctx: CliContext, args: string[]): Promise<number> {
  const dir = join(ctx.cwd, args[0] ?? 'schema');
  await mkdir(dir, { recursive: true });
  for (const [name, schema] of Object.entries(await policyJsonSchemas())) {
    await writeFile(join(dir, name), `${JSON.stringify(schema, null, 2)}\n`);
  }
  return 0;
}
