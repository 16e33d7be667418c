import { lstatSync, readdirSync, readFileSync, realpathSync } from 'node:fs';
import { join, relative } from 'node:path';
import { describe, expect, it } from 'vitest';
import { scanBuffer } from './scan.js';
import { createScanner } from './scanner.js';

/** This project's own dependencies: ~80 MB of real-world JavaScript, TypeScript, JSON and docs. */
const NODE_MODULES = realpathSync(join(import.meta.dirname, '../../node_modules'));

/**
 * Paths left out, each with its reason. ssh2 ships the private keys of its own test suite
 * (PEM and OpenSSH keys, and their parsed forms in .result files): real keys, which the
 * detector is right to rate high; nothing distinguishes a test key from a deploy key.
 */
const EXCLUDED: readonly { prefix: string; reason: string }[] = [{ prefix: 'ssh2/test/fixtures/', reason: "ssh2's test suite's own private keys" }];

const MAX_FILE_BYTES = 32 * 1024 * 1024;

function files(dir: string): string[] {
  return readdirSync(dir).flatMap((name) => {
    const path = join(dir, name);
    const stat = lstatSync(path);
    if (stat.isDirectory()) return files(path);
    return stat.isFile() && stat.size <= MAX_FILE_BYTES ? [path] : [];
  });
}

describe('false positives on real code', () => {
  it('finds no high-confidence secret in node_modules, but the excluded test keys', () => {
    const started = performance.now();
    const scanner = createScanner();
    const high: string[] = [];
    const excludedHigh: string[] = [];
    let bytes = 0;
    for (const path of files(NODE_MODULES)) {
      const content = readFileSync(path);
      if (content.subarray(0, 8192).includes(0)) continue;
      bytes += content.length;
      const name = relative(NODE_MODULES, path);
      for (const f of scanBuffer(scanner, content, { lines: true })) {
        if (f.confidence !== 'high') continue;
        (EXCLUDED.some((e) => name.startsWith(e.prefix)) ? excludedHigh : high).push(`${name}:${f.line}:${f.column} ${f.rule} ${f.preview}`);
      }
    }
    const seconds = (performance.now() - started) / 1000;
    expect(bytes).toBeGreaterThan(20_000_000);
    expect(high).toEqual([]);
    // The exclusion is needed and narrow: those files do hold private keys, nothing else.
    expect(excludedHigh.length).toBeGreaterThan(0);
    expect(excludedHigh.every((l) => / (private-key) /.test(l))).toBe(true);
    expect(seconds).toBeLessThan(30);
  }, 60_000);
});
