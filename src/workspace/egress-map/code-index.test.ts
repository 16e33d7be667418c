import { execFileSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { CHARGE, UTIL } from '../../../test/fixtures/code-samples.js';
import { buildCodeIndex, matchBody } from './code-index.js';


describe('the code-egress index', () => {
  const repo = mkdtempSync(join(tmpdir(), 'airlock-codeindex-'));
  const files: Record<string, string> = { 'payments/charge.ts': CHARGE, 'src/util.ts': UTIL, '.env': `SECRET=${UTIL}`, 'ignored/out.js': UTIL };
  for (const [p, t] of Object.entries(files)) {
    mkdirSync(join(repo, dirname(p)), { recursive: true });
    writeFileSync(join(repo, p), t);
  }
  writeFileSync(join(repo, '.gitignore'), 'ignored/\n');
  execFileSync('git', ['init', '-q'], { cwd: repo });
  afterAll(() => rmSync(repo, { recursive: true, force: true }));

  it('indexes what git sees, without ignored or masked files', async () => {
    const index = await buildCodeIndex(repo, ['.env*']);
    expect(index.files.map((f) => f.path).sort()).toEqual(['payments/charge.ts', 'src/util.ts']);
  });

  it('finds a file pasted into a JSON prompt, reformatted, and how much of it', async () => {
    const index = await buildCodeIndex(repo, ['.env*']);
    const pasted = UTIL.replace(/\n\s*/g, ' ');
    const body = Buffer.from(JSON.stringify({ messages: [{ role: 'user', content: `please review:\n\`\`\`ts\n${pasted}\n\`\`\`` }] }));
    const matches = matchBody(index, body);
    expect(matches.map((m) => m.path)).toEqual(['src/util.ts']);
    expect(matches[0]!.fraction).toBeGreaterThan(0.9);
  });

  it('reports a part of a file as a fraction, and nothing for unrelated text', async () => {
    const index = await buildCodeIndex(repo, ['.env*']);
    const half = UTIL.split('\n').slice(3).join('\n');
    const partial = matchBody(index, Buffer.from(half)).find((m) => m.path === 'src/util.ts');
    expect(partial?.fraction).toBeGreaterThan(0.2);
    expect(partial?.fraction).toBeLessThan(0.9);
    expect(matchBody(index, Buffer.from('{"messages":[{"role":"user","content":"what is the weather like in Lisbon today, and should I bring a coat?"}]}'))).toEqual([]);
  });
});
