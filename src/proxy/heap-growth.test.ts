import { spawnSync } from 'node:child_process';
import { describe, expect, it } from 'vitest';
import { PROXY_HEAP_GROWTH_FLAG, setProxyHeapGrowth } from './heap-growth.js';

describe('proxy heap growth', () => {
  it('is a flag this V8 knows (setFlagsFromString would ignore an unknown one without a word)', () => {
    // On the command line node refuses an option V8 does not have.
    const known = spawnSync(process.execPath, [PROXY_HEAP_GROWTH_FLAG, '-e', '0'], { encoding: 'utf8' });
    expect(known.stderr).toBe('');
    expect(known.status).toBe(0);
    const unknown = spawnSync(process.execPath, ['--heap-growing-percentage=300', '-e', '0'], { encoding: 'utf8' });
    expect(unknown.status).not.toBe(0);
    expect(unknown.stderr).toMatch(/bad option/);
  });

  it('is set once, through the function given', () => {
    const set: string[] = [];
    setProxyHeapGrowth((flags) => set.push(flags));
    expect(set).toEqual([PROXY_HEAP_GROWTH_FLAG]);
  });
});
