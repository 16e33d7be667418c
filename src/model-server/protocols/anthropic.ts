import { z } from 'zod';
import { chunkText, countRuns, estimateTokens } from '../turn.js';
import type { Reply, TurnRequest } from '../turn.js';
import type { Protocol, ReadResult, SseEvent } from './protocol.js';
import { ARGS_CHUNK_CHARS, contentText, declaredTool, describeIssues, randomId, SchemaPropertiesSchema, sse, TEXT_CHUNK_CHARS } from './protocol.js';

// Anthropic Messages API (POST /v1/messages). Loose objects: clients send many fields
// this server has no use for, and new ones appear with every release.
const MessageSchema = z.looseObject({ role: z.string(), content: z.unknown() });
const ToolSchema = z.looseObject({ name: z.string(), input_schema: SchemaPropertiesSchema });
const FormatSchema = z.looseObject({ schema: z.unknown() }).optional().catch(undefined);
const RequestSchema = z.looseObject({
  model: z.string().default('claude-scripted'),
  messages: z.array(MessageSchema),
  system: z.unknown().optional(),
  tools: z.array(ToolSchema).optional(),
  stream: z.boolean().optional(),
  output_format: FormatSchema,
  output_config: z.looseObject({ format: FormatSchema }).optional().catch(undefined),
});

function read(body: unknown): ReadResult {
  const parsed = RequestSchema.safeParse(body);
  if (!parsed.success) return { ok: false, message: describeIssues(parsed.error) };
  const r = parsed.data;
  const systemMessages = r.messages.filter((m) => m.role === 'system').map((m) => contentText(m.content));
  const users = r.messages.filter((m) => m.role === 'user');
  const turn: TurnRequest = {
    model: r.model,
    stream: r.stream === true,
    tools: (r.tools ?? []).map((t) => declaredTool(t.name, t.input_schema)),
    assistantTurns: countRuns(r.messages.filter((m) => m.role !== 'system'), (m) => m.role === 'assistant'),
    systemText: [contentText(r.system), ...systemMessages].join('\n'),
    lastUserText: contentText(users.at(-1)?.content),
    responseSchema: r.output_format?.schema ?? r.output_config?.format?.schema,
    inputTokens: estimateTokens(JSON.stringify(r.messages)),
  };
  return { ok: true, turn };
}

function contentBlock(reply: Reply): Record<string, unknown> {
  if (reply.kind === 'text') return { type: 'text', text: reply.text };
  return { type: 'tool_use', id: `toolu_${reply.call.id}`, name: reply.call.name, input: reply.call.args };
}

function outputTokens(reply: Reply): number {
  return estimateTokens(reply.kind === 'text' ? reply.text : JSON.stringify(reply.call.args));
}

function baseMessage(turn: TurnRequest, id: string): Record<string, unknown> {
  return { id, type: 'message', role: 'assistant', model: turn.model, content: [], stop_reason: null, stop_sequence: null };
}

function usage(turn: TurnRequest, output: number): Record<string, number> {
  return { input_tokens: turn.inputTokens, cache_creation_input_tokens: 0, cache_read_input_tokens: 0, output_tokens: output };
}

function blockDeltas(reply: Reply): SseEvent[] {
  const pieces =
    reply.kind === 'text'
      ? chunkText(reply.text, TEXT_CHUNK_CHARS).map((text) => ({ type: 'text_delta', text }))
      : chunkText(JSON.stringify(reply.call.args), ARGS_CHUNK_CHARS).map((partial_json) => ({ type: 'input_json_delta', partial_json }));
  return pieces.map((delta) => sse({ type: 'content_block_delta', index: 0, delta }, 'content_block_delta'));
}

/** The SSE stream of one message with one content block (Messages API, "Streaming Messages"). */
function events(reply: Reply, turn: TurnRequest): SseEvent[] {
  const start = contentBlock(reply);
  const opening = reply.kind === 'text' ? { ...start, text: '' } : { ...start, input: {} };
  const message = { ...baseMessage(turn, randomId('msg_')), usage: usage(turn, 1) };
  return [
    sse({ type: 'message_start', message }, 'message_start'),
    sse({ type: 'content_block_start', index: 0, content_block: opening }, 'content_block_start'),
    sse({ type: 'ping' }, 'ping'),
    ...blockDeltas(reply),
    sse({ type: 'content_block_stop', index: 0 }, 'content_block_stop'),
    sse({ type: 'message_delta', delta: { stop_reason: stopReason(reply), stop_sequence: null }, usage: { output_tokens: outputTokens(reply) } }, 'message_delta'),
    sse({ type: 'message_stop' }, 'message_stop'),
  ];
}

function stopReason(reply: Reply): string {
  return reply.kind === 'tool' ? 'tool_use' : 'end_turn';
}

function message(reply: Reply, turn: TurnRequest): unknown {
  return { ...baseMessage(turn, randomId('msg_')), content: [contentBlock(reply)], stop_reason: stopReason(reply), usage: usage(turn, outputTokens(reply)) };
}

/** Error body of the Messages API: `{ type: "error", error: { type, message } }`. */
function error(status: number, text: string): unknown {
  const type = status === 404 ? 'not_found_error' : status === 401 ? 'authentication_error' : status >= 500 ? 'api_error' : 'invalid_request_error';
  return { type: 'error', error: { type, message: text } };
}

export const anthropicProtocol: Protocol = { name: 'anthropic', read, events, message, error };

/** POST /v1/messages/count_tokens answers the rough count of the messages. */
export function countAnthropicTokens(body: unknown): unknown {
  const parsed = RequestSchema.safeParse(body);
  return { input_tokens: parsed.success ? estimateTokens(JSON.stringify(parsed.data.messages)) : 1 };
}
