import { describe, expect, it } from 'vitest';
import { AirlockError, Secret } from '../core/index.js';
import { STREAM_OVERLAP_BYTES } from './limits.js';
import { scanBuffer } from './scan.js';
import { createScanner } from './scanner.js';
import { createStreamScanner } from './stream.js';
import { BASE62, createRng, randomChars, sampleTokens } from './test-tokens.js';
import type { Finding } from './types.js';

const rng = createRng(91);
const t = sampleTokens(rng);
const known = 'known-upstream-secret-value-42';

/** Lines of code-like filler between secrets, so that chunk cuts fall everywhere around them. */
function filler(bytes: number): string {
  let out = '';
  while (out.length < bytes) out += `  const v${out.length} = compute(${randomChars(rng, 'abcdefghij', 12)}, "${randomChars(rng, 'klmnopqrst ', 20)}");\n`;
  return out;
}

const parts = [
  filler(300),
  `AWS_ACCESS_KEY_ID=${t['aws-access-key-id']}\nAWS_SECRET_ACCESS_KEY=${t['aws-secret-access-key']}\n`,
  filler(1500),
  `const gh = "${t['github-token']}";\n`,
  filler(7000),
  `${t['private-key']}\n`,
  filler(200),
  `api_key = "${randomChars(rng, BASE62, 30)}"\n`,
  `x=${Buffer.from(known).toString('base64')}\n`,
  filler(9000),
  `slack: ${t['slack-token']} ${t['database-url']}\n`,
  filler(100),
];
const body = Buffer.from(parts.join(''));
const scanner = createScanner({ knownSecrets: [{ name: 'up', value: new Secret(known) }] });
const whole = scanBuffer(scanner, body);

function streamed(chunks: Buffer[]): Finding[] {
  const stream = createStreamScanner(scanner);
  const out = chunks.flatMap((c) => stream.write(c));
  return [...out, ...stream.end()];
}

describe('stream scanner', () => {
  it('finds every planted secret in the whole body', () => {
    expect(whole.map((f) => f.rule)).toEqual(['aws-access-key-id', 'aws-secret-access-key', 'github-token', 'private-key', 'generic-secret', 'known-secret', 'slack-token', 'database-url']);
    expect(body.length).toBeGreaterThan(2 * STREAM_OVERLAP_BYTES);
  });

  it('finds the same, once each, wherever the body is cut in two', () => {
    for (let cut = 0; cut <= body.length; cut++) {
      const got = streamed([body.subarray(0, cut), body.subarray(cut)]);
      if (JSON.stringify(got) !== JSON.stringify(whole)) expect(got, `cut at ${cut}`).toEqual(whole);
    }
  }, 60_000);

  it.each([1, 7, 64, 1000, 8191, 8192, 8193, 65536])('finds the same in chunks of %i bytes', (size) => {
    const chunks: Buffer[] = [];
    for (let at = 0; at < body.length; at += size) chunks.push(body.subarray(at, at + size));
    expect(streamed(chunks)).toEqual(whole);
  });

  it('finds the same in chunks of random sizes, strings included', () => {
    const sizes = createRng(5);
    for (let round = 0; round < 20; round++) {
      const stream = createStreamScanner(scanner);
      const got: Finding[] = [];
      for (let at = 0; at < body.length; ) {
        const size = 1 + Math.floor(sizes() * 3000);
        const chunk = body.subarray(at, at + size);
        got.push(...stream.write(round % 2 === 0 ? chunk : chunk.toString('latin1') === chunk.toString('utf8') ? chunk.toString('utf8') : chunk));
        at += size;
      }
      got.push(...stream.end());
      expect(got).toEqual(whole);
    }
  });

  it('reports lines and byte columns of the whole stream', () => {
    const text = body.toString('latin1');
    for (const f of whole) {
      const before = text.slice(0, f.offset);
      expect(f.line).toBe(before.split('\n').length);
      expect(f.column).toBe(f.offset - before.lastIndexOf('\n'));
    }
  });

  it('counts bytes, leaves lines out when asked, and refuses writes after the end', () => {
    const stream = createStreamScanner(scanner, { lines: false });
    stream.write(body);
    const rest = stream.end();
    expect(stream.bytes).toBe(body.length);
    expect(rest.every((f) => f.line === undefined)).toBe(true);
    expect(stream.end()).toEqual([]);
    expect(() => stream.write('x')).toThrow(AirlockError);
  });
});
