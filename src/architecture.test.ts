import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join, relative } from 'node:path';
import { describe, expect, it } from 'vitest';

/** Which components each component may import (DESIGN.md: dependencies point down). */
const ALLOWED: Record<string, string[]> = {
  core: [],
  policy: ['core'],
  workspace: ['core'],
  dlp: ['core'],
  audit: ['core'],
  sandbox: ['core', 'policy'],
  images: ['core', 'policy', 'sandbox'],
  proxy: ['core', 'policy', 'audit'],
  session: ['core', 'policy', 'sandbox', 'images', 'workspace', 'proxy', 'audit', 'dlp'],
  cli: ['core', 'policy', 'sandbox', 'images', 'session', 'workspace', 'proxy', 'audit', 'dlp'],
  // The scripted LLM stand-in for tests and the demo: a leaf beside the product.
  'model-server': ['core'],
};

/** Programs of their own besides the CLI: like cli/, they may read argv and exit. */
const ENTRY_POINTS = ['model-server/main.ts', 'proxy/relay-host-main.ts'];

const SRC = join(import.meta.dirname);

function files(dir: string): string[] {
  return readdirSync(dir).flatMap((name) => {
    const path = join(dir, name);
    if (statSync(path).isDirectory()) return files(path);
    return path.endsWith('.ts') && !path.endsWith('.test.ts') ? [path] : [];
  });
}

const sources = files(SRC).map((path) => ({ path: relative(SRC, path), text: readFileSync(path, 'utf8') }));
const componentOf = (path: string) => path.split('/')[0] ?? '';

describe('architecture', () => {
  it('has only the known components', () => {
    const found = new Set(sources.map((s) => componentOf(s.path)).filter((c) => !c.endsWith('.ts')));
    expect([...found].sort()).toEqual(Object.keys(ALLOWED).sort());
  });

  it.each(sources.map((s) => [s.path, s] as const))('%s imports only down the layers, through index.ts', (_p, source) => {
    const own = componentOf(source.path);
    const imports = [...source.text.matchAll(/from '(\.[^']+)'/g)].map((m) => m[1] ?? '');
    for (const spec of imports) {
      const target = relative(SRC, join(SRC, source.path, '..', spec));
      const component = componentOf(target);
      if (component === own) continue;
      expect(ALLOWED[own], `${source.path} imports ${spec}`).toContain(component);
      expect(target, `${source.path} must import ${component} through its index.ts`).toBe(`${component}/index.js`);
    }
  });

  it('reads process.env, process.argv and calls process.exit only in cli/ and entry points', () => {
    const offenders = sources
      .filter((s) => componentOf(s.path) !== 'cli' && !ENTRY_POINTS.includes(s.path))
      .filter((s) => /process\.(env|argv|exit)\b/.test(s.text))
      .map((s) => s.path);
    expect(offenders).toEqual([]);
  });

  it('keeps files under 300 lines', () => {
    const long = sources.filter((s) => s.text.split('\n').length > 300).map((s) => s.path);
    expect(long).toEqual([]);
  });
});
