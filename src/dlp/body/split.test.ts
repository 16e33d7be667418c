import { describe, expect, it } from 'vitest';
import { splitBody, splitChunks } from './split.js';
import { anthropicBody, chatText, geminiBody, openaiChatBody, responsesBody } from './test-bodies.js';

/** The bytes no segment covers, which must be JSON structure only. */
function uncovered(body: Buffer, segments: { start: number; end: number }[]): string {
  let out = '';
  let at = 0;
  for (const s of segments) {
    out += body.toString('latin1', at, s.start);
    at = s.end;
  }
  return out + body.toString('latin1', at);
}

describe('splitBody', () => {
  it.each([
    ['Anthropic Messages', anthropicBody(3), 'messages', ['model', 'max_tokens', 'system[0]', 'tools[0]', 'messages[0]', 'messages[4]', 'stream']],
    ['OpenAI Chat Completions', openaiChatBody(2), 'messages', ['model', 'messages[0]', 'messages[3]', 'stream']],
    ['OpenAI Responses', responsesBody(2), 'responses', ['model', 'instructions', 'input[0]', 'input[2]', 'stream']],
    ['Gemini', geminiBody(2), 'gemini', ['systemInstruction', 'contents[0]', 'contents[2]']],
  ])('splits %s per message, leaving only JSON structure out', (_name, body, shape, labels) => {
    const split = splitBody(body);
    expect(split.shape).toBe(shape);
    const seen = split.segments.map((s) => s.label);
    for (const label of labels) expect(seen).toContain(label);
    expect(split.segments.every((s) => !s.context)).toBe(true);
    expect(uncovered(body, split.segments)).toMatch(/^(?:[\s{}[\],:]|"(?:messages|input|contents|tools|system)")*$/);
    const first = split.segments.find((s) => s.label.endsWith('[0]') && !s.label.startsWith('tools') && !s.label.startsWith('system'));
    expect(JSON.parse(body.toString('utf8', first?.start, first?.end))).toHaveProperty('role');
  });

  it.each([
    ['not JSON', 'hello world'],
    ['a JSON array', '[1, 2, 3]'],
    ['an object cut short', '{"messages": [{"role": "user", "content": "hi"}'],
    ['trailing bytes', '{"a": 1} x'],
    ['a bad literal', '{"a": tru}'],
    ['a missing colon', '{"a" 1}'],
    ['a missing comma', '{"messages": [1 2]}'],
    ['an empty body', ''],
  ])('falls back to chunks for %s', (_name, text) => {
    const body = Buffer.from(text);
    const split = splitBody(body);
    expect(split.shape).toBe('chunks');
    expect(split.segments.map((s) => [s.start, s.end])).toEqual([[0, body.length]]);
  });

  it('keeps escaped quotes inside strings', () => {
    const body = Buffer.from('{"messages": [{"content": "a \\"quoted\\" \\\\"}, {"content": "b"}]}');
    expect(splitBody(body).segments.map((s) => body.toString('utf8', s.start, s.end))).toEqual(['{"content": "a \\"quoted\\" \\\\"}', '{"content": "b"}']);
  });
});

describe('splitChunks', () => {
  const text = Buffer.from(chatText(3, 100_000));

  it('covers the body with chunks within the bounds', () => {
    const { segments } = splitChunks(text, { minBytes: 256, averageBytes: 1024, maxBytes: 4096 });
    expect(segments[0]?.start).toBe(0);
    expect(segments.at(-1)?.end).toBe(text.length);
    for (let i = 1; i < segments.length; i++) expect(segments[i]?.start).toBe(segments[i - 1]?.end);
    for (const s of segments.slice(0, -1)) expect(s.end - s.start).toBeGreaterThanOrEqual(256);
    for (const s of segments) expect(s.end - s.start).toBeLessThanOrEqual(4096);
    expect(segments.every((s) => s.context)).toBe(true);
  });

  it('cuts by content: bytes inserted at the start leave the later cuts where they were', () => {
    const options = { minBytes: 256, averageBytes: 1024, maxBytes: 8192 };
    const before = splitChunks(text, options).segments.map((s) => text.subarray(s.start, s.end).toString());
    const shifted = Buffer.concat([Buffer.from('a new first line\n'), text]);
    const after = splitChunks(shifted, options).segments.map((s) => shifted.subarray(s.start, s.end).toString());
    const same = after.filter((c) => before.includes(c)).length;
    expect(same).toBeGreaterThanOrEqual(before.length - 2);
  });
});
