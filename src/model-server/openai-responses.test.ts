import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { ModelServerHandle } from './server.js';
import { eventData, openSampleServer, parseSse, post } from './test-support.js';

// The tools as Codex CLI declares them (trimmed): a unified-exec shell tool, tools in a
// namespace, and a built-in web search; no file-writing tool.
const TOOLS = [
  { type: 'function', name: 'exec_command', strict: false, parameters: { type: 'object', properties: { cmd: { type: 'string' }, workdir: { type: 'string' } }, required: ['cmd'] } },
  { type: 'namespace', name: 'multi_agent_v1', tools: [{ type: 'function', name: 'spawn_agent', parameters: { type: 'object', properties: {} } }] },
  { type: 'web_search', external_web_access: true },
];
const DEVELOPER = { type: 'message', role: 'developer', content: [{ type: 'input_text', text: 'You are Codex.' }] };
const USER = { type: 'message', role: 'user', content: [{ type: 'input_text', text: 'do the thing' }] };
const call = (id: string) => [
  { type: 'reasoning', summary: [] },
  { type: 'function_call', call_id: id, name: 'exec_command', arguments: '{}' },
];
const output = (id: string) => ({ type: 'function_call_output', call_id: id, output: 'ok' });

let server: ModelServerHandle;
beforeAll(async () => {
  server = await openSampleServer();
});
afterAll(() => server.close());

async function stream(input: unknown[]) {
  const answer = await post(`${server.url}/v1/responses`, { model: 'scripted-model', stream: true, tools: TOOLS, input, store: false }, { authorization: 'Bearer sk-test' });
  expect(answer.status).toBe(200);
  const events = parseSse(answer.text);
  const data = eventData(events);
  expect(data.map((d) => d.type)).toEqual(events.map((e) => e.event));
  expect(data.map((d) => d.sequence_number)).toEqual(data.map((_, n) => n));
  return data;
}

describe('OpenAI Responses API', () => {
  it('streams a write through the shell tool when no file tool is declared', async () => {
    const data = await stream([DEVELOPER, USER]);
    const types = data.map((d) => d.type);
    expect(types.slice(0, 3)).toEqual(['response.created', 'response.in_progress', 'response.output_item.added']);
    expect(types.slice(-3)).toEqual(['response.function_call_arguments.done', 'response.output_item.done', 'response.completed']);
    const deltas = data.filter((d) => d.type === 'response.function_call_arguments.delta').map((d) => String(d.delta));
    expect(deltas.length).toBeGreaterThan(1);
    const args = JSON.parse(deltas.join('')) as { cmd: string };
    expect(JSON.parse(String(data.at(-3)?.arguments))).toEqual(args);
    expect(args.cmd).toBe(`mkdir -p '/work/notes' && printf '%s' 'hi "there"\nline two ✓\n' > '/work/notes/hello.txt'`);
    expect(data.at(-2)).toMatchObject({ item: { type: 'function_call', status: 'completed', name: 'exec_command', call_id: expect.stringMatching(/^call_/) } });
    expect(data.at(-1)).toMatchObject({ response: { status: 'completed', output: [{ type: 'function_call' }], usage: { input_tokens: expect.any(Number), output_tokens: expect.any(Number), total_tokens: expect.any(Number) } } });
  });

  it('counts a reasoning item and its function call as one turn', async () => {
    const data = await stream([DEVELOPER, USER, ...call('c1'), output('c1')]);
    expect(data.at(-2)).toMatchObject({ item: { name: 'exec_command', arguments: JSON.stringify({ cmd: 'echo scripted-$((6*7)) > shell-out.txt' }) } });
  });

  it('streams the final message with content parts and output_text deltas', async () => {
    const data = await stream([DEVELOPER, USER, ...call('c1'), output('c1'), ...call('c2'), output('c2')]);
    expect(data.map((d) => d.type)).toEqual([
      'response.created',
      'response.in_progress',
      'response.output_item.added',
      'response.content_part.added',
      'response.output_text.delta',
      'response.output_text.done',
      'response.content_part.done',
      'response.output_item.done',
      'response.completed',
    ]);
    expect(data.find((d) => d.type === 'response.output_text.done')).toMatchObject({ text: 'All done.' });
    expect(data.at(-1)).toMatchObject({ response: { output: [{ type: 'message', role: 'assistant', content: [{ type: 'output_text', text: 'All done.' }] }] } });
  });

  it('answers a non-streaming request with a response object, and a string input too', async () => {
    const answer = await post(`${server.url}/responses`, { model: 'm', input: 'hello' });
    expect(JSON.parse(answer.text)).toMatchObject({ object: 'response', status: 'completed', output: [{ type: 'message', content: [{ text: 'All done.' }] }] });
  });

  it('answers text.format json_schema with JSON', async () => {
    const format = { type: 'json_schema', name: 'x', schema: { type: 'object', properties: { ok: { type: 'boolean' } } } };
    const answer = await post(`${server.url}/v1/responses`, { model: 'm', input: 'hello', text: { format } });
    const body = JSON.parse(answer.text) as { output: { content: { text: string }[] }[] };
    expect(JSON.parse(body.output[0]?.content[0]?.text ?? '')).toEqual({ ok: false });
  });
});
