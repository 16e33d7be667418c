import { describe, expect, it } from 'vitest';
import { createScanCache } from '../cache.js';
import { scanBuffer } from '../scan.js';
import { createScanner } from '../scanner.js';
import { createRng, sampleTokens } from '../test-tokens.js';
import type { Finding } from '../types.js';
import { scanBody } from './scan-body.js';
import { splitBody, splitChunks } from './split.js';
import { anthropicBody, chatText, conversation, geminiBody, openaiChatBody, responsesBody } from './test-bodies.js';

/** Tokens their detectors find on their own (an AWS secret or Azure key needs its name beside it). */
const tokens = Object.entries(sampleTokens(createRng(111))).filter(([kind]) => !['aws-secret-access-key', 'azure-storage-key'].includes(kind)).map(([, token]) => token);
/** A planted secret in every third message. */
const plant = (i: number) => (i % 3 === 1 ? `\nhere: ${tokens[i % tokens.length] ?? ''}\n` : '');
const scanner = createScanner();
const withoutLines = (fs: Finding[]) => fs.map(({ line: _l, column: _c, ...f }) => f);

describe('scanBody', () => {
  it.each([
    ['Anthropic', anthropicBody(8, { plant })],
    ['OpenAI Chat', openaiChatBody(8, { plant })],
    ['OpenAI Responses', responsesBody(8, { plant })],
    ['Gemini', geminiBody(8, { plant })],
  ])('finds in a %s body what a whole-body scan finds, with body offsets', (_name, body) => {
    const whole = withoutLines(scanBuffer(scanner, body));
    expect(whole.length).toBeGreaterThanOrEqual(5);
    expect(scanBody(scanner, body).findings).toEqual(whole);
    const cache = createScanCache();
    expect(scanBody(scanner, body, { cache }).findings).toEqual(whole);
    expect(scanBody(scanner, body, { cache }).findings).toEqual(whole);
  });

  it('finds in content-defined chunks what a whole-body scan finds, secrets across the cuts included', () => {
    const text = Array.from({ length: 40 }, (_, i) => `${chatText(i, 700)}${tokens[i % tokens.length] ?? ''} `).join('\n');
    const body = Buffer.from(text);
    const whole = withoutLines(scanBuffer(scanner, body));
    const split = (b: Buffer) => splitChunks(b, { minBytes: 64, averageBytes: 256, maxBytes: 1024 });
    const cuts = split(body).segments.map((s) => s.end);
    expect(whole.some((f) => cuts.some((c) => f.offset < c && c < f.offset + f.length))).toBe(true);
    expect(scanBody(scanner, body, { split }).findings).toEqual(whole);
    expect(scanBody(scanner, body, { split, cache: createScanCache() }).findings).toEqual(whole);
  });

  it('reuses the cache for a re-sent conversation: the findings move with their messages', () => {
    const cache = createScanCache();
    const first = scanBody(scanner, anthropicBody(4, { plant }), { cache });
    const next = anthropicBody(5, { plant });
    const second = scanBody(scanner, next, { cache });
    expect(second.stats.cacheHits).toBeGreaterThan(first.stats.segments - 3);
    expect(second.findings).toEqual(withoutLines(scanBuffer(scanner, next)));
  });

  it('scans only the new turn of a 50-turn conversation, and about one conversation in all', () => {
    const cache = createScanCache();
    let total = 0;
    for (let turns = 1; turns <= 50; turns++) {
      const body = anthropicBody(turns);
      const { stats } = scanBody(scanner, body, { cache });
      total += stats.bytesScanned;
      if (turns > 1) {
        const added = conversation(turns).slice(-2).reduce((n, m) => n + JSON.stringify(m).length, 0);
        // The two new messages, and the members that are not cached (small: model, max_tokens, stream).
        expect(stats.bytesScanned, `turn ${turns}`).toBeLessThanOrEqual(added + 200);
      }
    }
    // Without a cache the last turn alone scans every segment of its body.
    const last = scanBody(scanner, anthropicBody(50)).stats.bytesScanned;
    expect(last).toBe(splitBody(anthropicBody(50)).segments.reduce((n, s) => n + s.end - s.start, 0));
    expect(total / last).toBeLessThanOrEqual(2);
  });
});
