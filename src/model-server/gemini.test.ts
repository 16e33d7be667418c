import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { ModelServerHandle } from './server.js';
import { eventData, openSampleServer, parseSse, post } from './test-support.js';

// The tools as Gemini CLI declares them (trimmed from a recorded request).
const declare = (name: string, properties: Record<string, unknown>) => ({ name, parametersJsonSchema: { type: 'object', properties } });
const TOOLS = [
  {
    functionDeclarations: [
      declare('write_file', { file_path: { type: 'string' }, content: { type: 'string' } }),
      declare('run_shell_command', { command: { type: 'string' }, description: { type: 'string' }, dir_path: { type: 'string' } }),
    ],
  },
];
const USER = { role: 'user', parts: [{ text: 'do the thing' }] };
const call = (name: string) => [
  { role: 'model', parts: [{ functionCall: { name, args: {} }, thoughtSignature: 'x' }] },
  { role: 'user', parts: [{ functionResponse: { name, response: { output: 'ok' } } }] },
];
const STREAM = '/v1beta/models/gemini-test:streamGenerateContent?alt=sse';

interface Chunk {
  candidates: { content: { role: string; parts: { text?: string; functionCall?: { name: string; args: Record<string, unknown> } }[] }; finishReason?: string }[];
  usageMetadata?: Record<string, number>;
  modelVersion: string;
}

let server: ModelServerHandle;
beforeAll(async () => {
  server = await openSampleServer();
});
afterAll(() => server.close());

async function stream(contents: unknown[], path = STREAM): Promise<Chunk[]> {
  const answer = await post(`${server.url}${path}`, { contents, tools: TOOLS, systemInstruction: { parts: [{ text: 'You are Gemini CLI.' }] } }, { 'x-goog-api-key': 'sk-test' });
  expect(answer.status).toBe(200);
  expect(answer.contentType).toMatch(/^text\/event-stream/);
  return eventData(parseSse(answer.text)) as unknown as Chunk[];
}

const parts = (chunks: Chunk[]) => chunks.flatMap((c) => c.candidates[0]?.content.parts ?? []);

describe('Gemini API', () => {
  it('streams a write_file functionCall with finishReason STOP and usage', async () => {
    const chunks = await stream([USER]);
    expect(parts(chunks)).toEqual([{ functionCall: { id: expect.any(String), name: 'write_file', args: { file_path: '/work/notes/hello.txt', content: 'hi "there"\nline two ✓\n' } } }]);
    expect(chunks.at(-1)).toMatchObject({ candidates: [{ finishReason: 'STOP' }], usageMetadata: { promptTokenCount: expect.any(Number) }, modelVersion: 'gemini-test' });
  });

  it('sends a command with substitution syntax through eval, which Gemini CLI runs', async () => {
    const chunks = await stream([USER, ...call('write_file')], '/v1beta/models/gemini-test:streamGenerateContent');
    expect(parts(chunks)[0]?.functionCall).toMatchObject({ name: 'run_shell_command', args: { command: `eval 'echo scripted-$((6*7)) > shell-out.txt'` } });
  });

  it('streams the final text in pieces, STOP on the last chunk only', async () => {
    const chunks = await stream([USER, ...call('write_file'), ...call('run_shell_command')]);
    expect(parts(chunks).map((p) => p.text).join('')).toBe('All done.');
    expect(chunks.map((c) => c.candidates[0]?.finishReason)).toEqual([...chunks.slice(1).map(() => undefined), 'STOP']);
  });

  it('answers a JSON-schema-constrained generateContent (next speaker check) with fitting JSON', async () => {
    const schema = { type: 'object', properties: { reasoning: { type: 'string' }, next_speaker: { type: 'string', enum: ['user', 'model'] } }, required: ['reasoning', 'next_speaker'] };
    const body = { contents: [USER], generationConfig: { responseMimeType: 'application/json', responseJsonSchema: schema } };
    const answer = await post(`${server.url}/v1beta/models/flash:generateContent`, body);
    const chunk = JSON.parse(answer.text) as Chunk;
    expect(JSON.parse(chunk.candidates[0]?.content.parts[0]?.text ?? '')).toEqual({ reasoning: 'scripted', next_speaker: 'user' });
  });

  it('handles OpenAPI-style upper-case response schemas (the routing classifier)', async () => {
    const schema = { type: 'OBJECT', properties: { complexity_reasoning: { type: 'STRING' }, complexity_score: { type: 'INTEGER' } } };
    const answer = await post(`${server.url}/v1beta/models/lite:generateContent`, { contents: [USER], generationConfig: { responseMimeType: 'application/json', responseSchema: schema } });
    const chunk = JSON.parse(answer.text) as Chunk;
    expect(JSON.parse(chunk.candidates[0]?.content.parts[0]?.text ?? '')).toEqual({ complexity_reasoning: 'scripted', complexity_score: 1 });
  });

  it('counts tokens, lists models and answers unknown paths in the Google error shape', async () => {
    const count = await post(`${server.url}/v1beta/models/m:countTokens`, { contents: [USER] });
    expect(JSON.parse(count.text)).toEqual({ totalTokens: expect.any(Number) });
    const models = (await (await fetch(`${server.url}/v1beta/models`, { headers: { 'x-goog-api-key': 'k' } })).json()) as Record<string, unknown>;
    expect(models).toMatchObject({ models: [{ name: 'models/gemini-scripted', supportedGenerationMethods: expect.arrayContaining(['streamGenerateContent']) }] });
    const missing = await post(`${server.url}/v1beta/models/m:embedContent`, {}, { 'x-goog-api-key': 'k' });
    expect(missing.status).toBe(404);
    expect(JSON.parse(missing.text)).toEqual({ error: { code: 404, message: expect.any(String), status: 'NOT_FOUND' } });
  });
});
