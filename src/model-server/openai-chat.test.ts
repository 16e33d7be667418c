import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { ModelServerHandle } from './server.js';
import { eventData, openSampleServer, parseSse, post } from './test-support.js';

// The tools as OpenCode declares them (trimmed from a recorded request): `bash` has no
// `description` argument, `write` takes `filePath`.
const fn = (name: string, properties: Record<string, unknown>) => ({ type: 'function', function: { name, parameters: { type: 'object', properties } } });
const TOOLS = [fn('bash', { command: { type: 'string' }, workdir: { type: 'string' } }), fn('write', { content: { type: 'string' }, filePath: { type: 'string' } })];
const SYSTEM = { role: 'system', content: 'You are opencode.' };
const USER = { role: 'user', content: 'do the thing' };
const call = (id: string) => ({ role: 'assistant', content: null, tool_calls: [{ id, type: 'function', function: { name: 'write', arguments: '{}' } }] });
const result = (id: string) => ({ role: 'tool', tool_call_id: id, content: 'ok' });

interface Chunk {
  choices: { delta: { content?: string | null; tool_calls?: { index: number; id?: string; function: { name?: string; arguments: string } }[] }; finish_reason: string | null }[];
  usage?: Record<string, number>;
}

let server: ModelServerHandle;
beforeAll(async () => {
  server = await openSampleServer();
});
afterAll(() => server.close());

async function stream(messages: unknown[], path = '/v1/chat/completions', extra: Record<string, unknown> = {}) {
  const answer = await post(`${server.url}${path}`, { model: 'scripted', stream: true, stream_options: { include_usage: true }, tools: TOOLS, messages, ...extra }, { authorization: 'Bearer sk-test' });
  expect(answer.status).toBe(200);
  const events = parseSse(answer.text);
  expect(events.at(-1)).toEqual({ data: '[DONE]' });
  return eventData(events) as unknown as Chunk[];
}

function toolCall(chunks: Chunk[]): { id: string; name: string; args: unknown } {
  const parts = chunks.flatMap((c) => c.choices.flatMap((ch) => ch.delta.tool_calls ?? []));
  const first = parts[0];
  return { id: first?.id ?? '', name: first?.function.name ?? '', args: JSON.parse(parts.map((p) => p.function.arguments).join('')) };
}

describe('OpenAI Chat Completions', () => {
  it('streams a write as a `write` tool call whose arguments arrive in pieces', async () => {
    const chunks = await stream([SYSTEM, USER]);
    const call0 = toolCall(chunks);
    expect(call0).toEqual({ id: expect.stringMatching(/^call_/), name: 'write', args: { filePath: '/work/notes/hello.txt', content: 'hi "there"\nline two ✓\n' } });
    const finishes = chunks.flatMap((c) => c.choices.map((ch) => ch.finish_reason)).filter((f) => f !== null);
    expect(finishes).toEqual(['tool_calls']);
    expect(chunks.at(-1)).toMatchObject({ choices: [], usage: { prompt_tokens: expect.any(Number), completion_tokens: expect.any(Number) } });
  });

  it('drops arguments the tool does not declare (OpenCode bash has no description)', async () => {
    const chunks = await stream([SYSTEM, USER, call('c1'), result('c1')], '/chat/completions');
    expect(toolCall(chunks)).toMatchObject({ name: 'bash', args: { command: 'echo scripted-$((6*7)) > shell-out.txt' } });
  });

  it('streams the final text with finish_reason stop, and no usage chunk unless asked', async () => {
    const chunks = await stream([SYSTEM, USER, call('c1'), result('c1'), call('c2'), result('c2')], '/v1/chat/completions', { stream_options: undefined });
    expect(chunks.map((c) => c.choices[0]?.delta.content ?? '').join('')).toBe('All done.');
    expect(chunks.at(-1)?.choices[0]?.finish_reason).toBe('stop');
    expect(chunks.some((c) => c.usage !== undefined)).toBe(false);
  });

  it('answers a request without tools (a title request) with text', async () => {
    const chunks = await stream([{ role: 'system', content: 'You are a title generator. You output ONLY a thread title.' }, USER], '/v1/chat/completions', { tools: undefined });
    expect(chunks.map((c) => c.choices[0]?.delta.content ?? '').join('')).toBe('Scripted session');
  });

  it('answers a non-streaming request with a chat.completion', async () => {
    const answer = await post(`${server.url}/v1/chat/completions`, { model: 'm', tools: TOOLS, messages: [USER] });
    const body = JSON.parse(answer.text) as Record<string, unknown>;
    expect(body).toMatchObject({ object: 'chat.completion', choices: [{ finish_reason: 'tool_calls', message: { role: 'assistant', tool_calls: [{ type: 'function', function: { name: 'write' } }] } }] });
  });

  it('answers json_schema response formats with JSON that fits', async () => {
    const schema = { type: 'object', properties: { verdict: { type: 'string', enum: ['yes', 'no'] }, score: { type: 'integer', minimum: 3 } }, required: ['verdict'] };
    const answer = await post(`${server.url}/v1/chat/completions`, { model: 'm', messages: [USER], response_format: { type: 'json_schema', json_schema: { name: 'x', schema } } });
    const body = JSON.parse(answer.text) as { choices: { message: { content: string } }[] };
    expect(JSON.parse(body.choices[0]?.message.content ?? '')).toEqual({ verdict: 'yes', score: 3 });
  });

  it('lists models and answers unknown paths in the OpenAI error shape', async () => {
    const models = (await (await fetch(`${server.url}/v1/models`, { headers: { authorization: 'Bearer k' } })).json()) as Record<string, unknown>;
    expect(models).toEqual({ object: 'list', data: [{ id: 'gpt-scripted', object: 'model', created: expect.any(Number), owned_by: 'airlock' }] });
    const missing = await post(`${server.url}/v1/embeddings`, {}, { authorization: 'Bearer k' });
    expect(missing.status).toBe(404);
    expect(JSON.parse(missing.text)).toMatchObject({ error: { message: expect.any(String), type: 'not_found_error', code: 'not_found' } });
  });
});
