import { z } from 'zod';
import { chunkText, countRuns, estimateTokens } from '../turn.js';
import type { Reply, TurnRequest } from '../turn.js';
import type { Protocol, ReadResult, SseEvent } from './protocol.js';
import { ARGS_CHUNK_CHARS, contentText, declaredTool, describeIssues, randomId, SchemaPropertiesSchema, sse, TEXT_CHUNK_CHARS } from './protocol.js';

// OpenAI Chat Completions (POST /v1/chat/completions), as OpenAI-compatible clients send it.
const MessageSchema = z.looseObject({ role: z.string(), content: z.unknown().optional() });
const ToolSchema = z.looseObject({ function: z.looseObject({ name: z.string(), parameters: SchemaPropertiesSchema }) });
const FormatSchema = z
  .looseObject({ type: z.string(), json_schema: z.looseObject({ schema: z.unknown() }).optional() })
  .optional()
  .catch(undefined);
const RequestSchema = z.looseObject({
  model: z.string().default('gpt-scripted'),
  messages: z.array(MessageSchema),
  tools: z.array(ToolSchema).optional(),
  stream: z.boolean().optional(),
  stream_options: z.looseObject({ include_usage: z.boolean().optional() }).optional().catch(undefined),
  response_format: FormatSchema,
});

/** The turn, plus whether the client asked for a usage chunk at the end of the stream. */
type ChatTurn = TurnRequest & { includeUsage?: boolean };

function responseSchema(format: z.infer<typeof FormatSchema>): unknown {
  if (format?.type === 'json_schema') return format.json_schema?.schema ?? {};
  if (format?.type === 'json_object') return { type: 'object' };
  return undefined;
}

function read(body: unknown): ReadResult {
  const parsed = RequestSchema.safeParse(body);
  if (!parsed.success) return { ok: false, message: describeIssues(parsed.error) };
  const r = parsed.data;
  const system = r.messages.filter((m) => m.role === 'system' || m.role === 'developer');
  const turn: ChatTurn = {
    model: r.model,
    stream: r.stream === true,
    tools: (r.tools ?? []).map((t) => declaredTool(t.function.name, t.function.parameters)),
    assistantTurns: countRuns(r.messages.filter((m) => !system.includes(m)), (m) => m.role === 'assistant'),
    systemText: system.map((m) => contentText(m.content)).join('\n'),
    lastUserText: contentText(r.messages.filter((m) => m.role === 'user').at(-1)?.content),
    responseSchema: responseSchema(r.response_format),
    inputTokens: estimateTokens(JSON.stringify(r.messages)),
    includeUsage: r.stream_options?.include_usage === true,
  };
  return { ok: true, turn };
}

function usage(reply: Reply, turn: TurnRequest): Record<string, number> {
  const completion = estimateTokens(reply.kind === 'text' ? reply.text : JSON.stringify(reply.call.args));
  return { prompt_tokens: turn.inputTokens, completion_tokens: completion, total_tokens: turn.inputTokens + completion };
}

function finishReason(reply: Reply): string {
  return reply.kind === 'tool' ? 'tool_calls' : 'stop';
}

function deltas(reply: Reply): Record<string, unknown>[] {
  if (reply.kind === 'text') return chunkText(reply.text, TEXT_CHUNK_CHARS).map((content) => ({ content }));
  const { id, name, args } = reply.call;
  const first = { tool_calls: [{ index: 0, id: `call_${id}`, type: 'function', function: { name, arguments: '' } }] };
  const rest = chunkText(JSON.stringify(args), ARGS_CHUNK_CHARS).map((piece) => ({ tool_calls: [{ index: 0, function: { arguments: piece } }] }));
  return [first, ...rest];
}

/** chat.completion.chunk events, a usage chunk when asked for, then `data: [DONE]`. */
function events(reply: Reply, turn: ChatTurn): SseEvent[] {
  const head = { id: randomId('chatcmpl-'), object: 'chat.completion.chunk', created: Math.floor(Date.now() / 1000), model: turn.model };
  const chunk = (delta: Record<string, unknown>, finish: string | null) => sse({ ...head, choices: [{ index: 0, delta, logprobs: null, finish_reason: finish }] });
  const out = [chunk({ role: 'assistant', content: reply.kind === 'text' ? '' : null }, null), ...deltas(reply).map((d) => chunk(d, null)), chunk({}, finishReason(reply))];
  if (turn.includeUsage) out.push(sse({ ...head, choices: [], usage: usage(reply, turn) }));
  return [...out, { data: '[DONE]' }];
}

function message(reply: Reply, turn: TurnRequest): unknown {
  const toolCalls = reply.kind === 'tool' ? [{ id: `call_${reply.call.id}`, type: 'function', function: { name: reply.call.name, arguments: JSON.stringify(reply.call.args) } }] : undefined;
  const msg = { role: 'assistant', content: reply.kind === 'text' ? reply.text : null, ...(toolCalls ? { tool_calls: toolCalls } : {}) };
  return {
    id: randomId('chatcmpl-'),
    object: 'chat.completion',
    created: Math.floor(Date.now() / 1000),
    model: turn.model,
    choices: [{ index: 0, message: msg, logprobs: null, finish_reason: finishReason(reply) }],
    usage: usage(reply, turn),
  };
}

/** OpenAI's error body: `{ error: { message, type, param, code } }`. */
export function openAiError(status: number, text: string): unknown {
  const type = status === 404 ? 'not_found_error' : status === 401 ? 'invalid_api_key' : status >= 500 ? 'server_error' : 'invalid_request_error';
  return { error: { message: text, type, param: null, code: status === 404 ? 'not_found' : null } };
}

export const openAiChatProtocol: Protocol = { name: 'openai-chat', read, events, message, error: openAiError };
