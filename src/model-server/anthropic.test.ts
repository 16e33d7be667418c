import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { ModelServerHandle } from './server.js';
import { eventData, openSampleServer, parseSse, post } from './test-support.js';

// The tools as Claude Code declares them (trimmed from a recorded request).
const TOOLS = [
  { name: 'Bash', input_schema: { type: 'object', properties: { command: { type: 'string' }, description: { type: 'string' }, timeout: { type: 'number' } }, required: ['command'], additionalProperties: false } },
  { name: 'Write', input_schema: { type: 'object', properties: { file_path: { type: 'string' }, content: { type: 'string' } }, required: ['file_path', 'content'], additionalProperties: false } },
];
const USER = { role: 'user', content: [{ type: 'text', text: 'do the thing' }] };
const toolUse = (id: string) => ({ role: 'assistant', content: [{ type: 'tool_use', id, name: 'Write', input: {} }] });
const toolResult = (id: string) => ({ role: 'user', content: [{ type: 'tool_result', tool_use_id: id, content: 'ok' }] });

let server: ModelServerHandle;
beforeAll(async () => {
  server = await openSampleServer();
});
afterAll(() => server.close());

async function stream(messages: unknown[], path = '/v1/messages?beta=true') {
  const answer = await post(`${server.url}${path}`, { model: 'claude-x', max_tokens: 100, stream: true, tools: TOOLS, messages }, { 'x-api-key': 'sk-test' });
  expect(answer.status).toBe(200);
  expect(answer.contentType).toMatch(/^text\/event-stream/);
  return parseSse(answer.text);
}

/** Joins the deltas of content block 0 back together. */
function joined(data: Record<string, unknown>[]): string {
  return data
    .filter((d) => d.type === 'content_block_delta')
    .map((d) => {
      const delta = d.delta as { text?: string; partial_json?: string };
      return delta.text ?? delta.partial_json ?? '';
    })
    .join('');
}

describe('Anthropic Messages API', () => {
  it('streams the first step as a Write tool_use whose input JSON arrives in pieces', async () => {
    const events = await stream([USER]);
    expect(events.map((e) => e.event)).toEqual([
      'message_start',
      'content_block_start',
      'ping',
      ...events.slice(3, -3).map(() => 'content_block_delta'),
      'content_block_stop',
      'message_delta',
      'message_stop',
    ]);
    const data = eventData(events);
    expect(data.every((d, n) => d.type === events[n]?.event)).toBe(true);
    expect(data[1]).toMatchObject({ content_block: { type: 'tool_use', name: 'Write', input: {} } });
    expect(data.filter((d) => d.type === 'content_block_delta').length).toBeGreaterThan(1);
    expect(JSON.parse(joined(data))).toEqual({ file_path: '/work/notes/hello.txt', content: 'hi "there"\nline two ✓\n' });
    expect(data.at(-2)).toMatchObject({ delta: { stop_reason: 'tool_use' }, usage: { output_tokens: expect.any(Number) } });
  });

  it('answers the second step with Bash, keeping only the declared arguments', async () => {
    const data = eventData(await stream([USER, toolUse('t1'), toolResult('t1')]));
    expect(data[1]).toMatchObject({ content_block: { type: 'tool_use', name: 'Bash' } });
    expect(JSON.parse(joined(data))).toEqual({ command: 'echo scripted-$((6*7)) > shell-out.txt', description: expect.any(String) });
  });

  it.each([
    ['after two tool turns', 2],
    ['past the end of the scenario', 5],
  ])('says the final text %s', async (_name, turns) => {
    const messages = [USER, ...Array.from({ length: turns }, (_, n) => [toolUse(`t${n}`), toolResult(`t${n}`)]).flat()];
    const data = eventData(await stream(messages, '/_airlock/routes/anthropic/v1/messages'));
    expect(data[1]).toMatchObject({ content_block: { type: 'text', text: '' } });
    expect(joined(data)).toBe('All done.');
    expect(data.at(-2)).toMatchObject({ delta: { stop_reason: 'end_turn' } });
  });

  it('answers stream: false with one message document', async () => {
    const answer = await post(`${server.url}/v1/messages`, { model: 'claude-x', max_tokens: 10, tools: TOOLS, messages: [USER] });
    const body = JSON.parse(answer.text) as Record<string, unknown>;
    expect(body).toMatchObject({ type: 'message', role: 'assistant', model: 'claude-x', stop_reason: 'tool_use', content: [{ type: 'tool_use', name: 'Write' }] });
  });

  it('counts tokens and lists models', async () => {
    const count = await post(`${server.url}/v1/messages/count_tokens`, { model: 'claude-x', messages: [USER] });
    expect(JSON.parse(count.text)).toEqual({ input_tokens: expect.any(Number) });
    const models = (await (await fetch(`${server.url}/v1/models`, { headers: { 'x-api-key': 'k', 'anthropic-version': '2023-06-01' } })).json()) as Record<string, unknown>;
    expect(models).toMatchObject({ data: [{ type: 'model', id: 'claude-scripted' }], has_more: false });
  });

  it('answers an unknown path and an unreadable body in the Anthropic error shape', async () => {
    const missing = await post(`${server.url}/v1/nothing`, {}, { 'x-api-key': 'k' });
    expect(missing.status).toBe(404);
    expect(JSON.parse(missing.text)).toMatchObject({ type: 'error', error: { type: 'not_found_error' } });
    const bad = await post(`${server.url}/v1/messages`, { model: 'x', messages: 'nope' });
    expect(bad.status).toBe(400);
    expect(JSON.parse(bad.text)).toMatchObject({ type: 'error', error: { type: 'invalid_request_error', message: expect.stringMatching(/messages/) } });
  });
});
