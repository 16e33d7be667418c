/**
 * LLM request bodies for tests and the benchmark: a conversation that grows by one
 * turn each request and is re-sent whole, as agents do. Message i is the same bytes in
 * every request that holds it (seeded by i), so a cache can recognise it.
 */
import { createRng, randomChars } from '../test-tokens.js';

const WORDS = 'the a function return const value file test error build module import export type async await string number object array map filter reduce config proxy session'.split(' ');

/** Prose and code-like text of about `bytes` bytes, seeded. */
export function chatText(seed: number, bytes: number): string {
  const rng = createRng(seed);
  let out = '';
  while (out.length < bytes) {
    const words = Array.from({ length: 8 + Math.floor(rng() * 8) }, () => WORDS[Math.floor(rng() * WORDS.length)] ?? 'x');
    out += rng() < 0.3 ? `    const ${randomChars(rng, 'abcdefgh', 6)} = ${words.slice(0, 3).join('.')}(${Math.floor(rng() * 1000)});\n` : `${words.join(' ')}.\n`;
  }
  return out;
}

export interface ConversationOptions {
  /** Bytes of text per message (default 3000). */
  messageBytes?: number;
  /** Text put into a message: (message index) => extra text, e.g. a planted secret. */
  plant?: (index: number) => string;
}

/** The messages of a conversation at `turns` turns: user, assistant, ..., user. */
export function conversation(turns: number, options: ConversationOptions = {}): { role: string; content: string }[] {
  const size = options.messageBytes ?? 3000;
  return Array.from({ length: 2 * turns - 1 }, (_, i) => ({
    role: i % 2 === 0 ? 'user' : 'assistant',
    content: `${chatText(1000 + i, size)}${options.plant?.(i) ?? ''}`,
  }));
}

const TOOLS = Array.from({ length: 8 }, (_, i) => ({ name: `tool_${i}`, description: chatText(500 + i, 600), input_schema: { type: 'object', properties: { path: { type: 'string' } } } }));

/** An Anthropic Messages request at `turns` turns (system and tools re-sent each time). */
export function anthropicBody(turns: number, options: ConversationOptions = {}): Buffer {
  const body = { model: 'claude-sonnet-4-5', max_tokens: 8192, system: [{ type: 'text', text: chatText(7, 8000) }], tools: TOOLS, messages: conversation(turns, options), stream: true };
  return Buffer.from(JSON.stringify(body));
}

/** An OpenAI Chat Completions request. */
export function openaiChatBody(turns: number, options: ConversationOptions = {}): Buffer {
  return Buffer.from(JSON.stringify({ model: 'gpt-5', messages: [{ role: 'system', content: chatText(7, 4000) }, ...conversation(turns, options)], stream: true }));
}

/** An OpenAI Responses request (input[] items). */
export function responsesBody(turns: number, options: ConversationOptions = {}): Buffer {
  const input = conversation(turns, options).map((m) => ({ type: 'message', role: m.role, content: [{ type: m.role === 'user' ? 'input_text' : 'output_text', text: m.content }] }));
  return Buffer.from(JSON.stringify({ model: 'gpt-5', instructions: chatText(7, 4000), input, stream: true }, null, 1));
}

/** A Gemini generateContent request (contents[] with parts). */
export function geminiBody(turns: number, options: ConversationOptions = {}): Buffer {
  const contents = conversation(turns, options).map((m) => ({ role: m.role === 'user' ? 'user' : 'model', parts: [{ text: m.content }] }));
  return Buffer.from(JSON.stringify({ systemInstruction: { parts: [{ text: chatText(7, 4000) }] }, contents }));
}
