import { z } from 'zod';
import { chunkText, countRuns, estimateTokens } from '../turn.js';
import type { DeclaredTool, Reply, TurnRequest } from '../turn.js';
import { openAiError } from './openai-chat.js';
import type { Protocol, ReadResult, SseEvent } from './protocol.js';
import { ARGS_CHUNK_CHARS, contentText, declaredTool, describeIssues, randomId, SchemaPropertiesSchema, TEXT_CHUNK_CHARS } from './protocol.js';

// OpenAI Responses API (POST /v1/responses), the wire Codex CLI speaks.
const ItemSchema = z.looseObject({ type: z.string().optional(), role: z.string().optional(), content: z.unknown().optional() });
const ToolSchema = z.looseObject({ type: z.string().optional(), name: z.string().optional(), parameters: SchemaPropertiesSchema, tools: z.array(z.unknown()).optional() });
const RequestSchema = z.looseObject({
  model: z.string().default('gpt-scripted'),
  input: z.union([z.string(), z.array(ItemSchema)]),
  instructions: z.string().nullish(),
  tools: z.array(ToolSchema).optional(),
  stream: z.boolean().optional(),
  text: z.looseObject({ format: z.looseObject({ type: z.string(), schema: z.unknown().optional() }).optional() }).optional().catch(undefined),
});

/** Items the model produced: a run of them between user or tool-output items is one turn. */
const MODEL_ITEMS = new Set(['function_call', 'custom_tool_call', 'local_shell_call', 'reasoning', 'web_search_call']);

function isModelItem(item: z.infer<typeof ItemSchema>): boolean {
  return item.role === 'assistant' || MODEL_ITEMS.has(item.type ?? '');
}

/** Function tools, including those inside `namespace` tools; custom (free-form) tools too. */
function tools(list: readonly z.infer<typeof ToolSchema>[]): DeclaredTool[] {
  return list.flatMap((t): DeclaredTool[] => {
    if (t.type === 'namespace') return tools(z.array(ToolSchema).catch([]).parse(t.tools ?? []));
    if (t.name === undefined) return [];
    return t.type === 'custom' ? [{ name: t.name, properties: null }] : [declaredTool(t.name, t.parameters)];
  });
}

function read(body: unknown): ReadResult {
  const parsed = RequestSchema.safeParse(body);
  if (!parsed.success) return { ok: false, message: describeIssues(parsed.error) };
  const r = parsed.data;
  const items = typeof r.input === 'string' ? [{ type: 'message', role: 'user', content: r.input }] : r.input;
  const system = items.filter((i) => i.role === 'system' || i.role === 'developer');
  const format = r.text?.format;
  const turn: TurnRequest = {
    model: r.model,
    stream: r.stream === true,
    tools: tools(r.tools ?? []),
    assistantTurns: countRuns(items.filter((i) => !system.includes(i)), isModelItem),
    systemText: [r.instructions ?? '', ...system.map((i) => contentText(i.content))].join('\n'),
    lastUserText: contentText(items.filter((i) => i.role === 'user').at(-1)?.content),
    responseSchema: format?.type === 'json_schema' ? (format.schema ?? {}) : undefined,
    inputTokens: estimateTokens(JSON.stringify(r.input)),
  };
  return { ok: true, turn };
}

function outputItem(reply: Reply, id: string): Record<string, unknown> {
  if (reply.kind === 'text') {
    return { id, type: 'message', status: 'completed', role: 'assistant', content: [{ type: 'output_text', text: reply.text, annotations: [] }] };
  }
  const { id: callId, name, args } = reply.call;
  return { id, type: 'function_call', status: 'completed', call_id: `call_${callId}`, name, arguments: JSON.stringify(args) };
}

function responseObject(turn: TurnRequest, id: string, status: string, output: unknown[], outputTokens: number | null): Record<string, unknown> {
  const usage =
    outputTokens === null
      ? null
      : {
          input_tokens: turn.inputTokens,
          input_tokens_details: { cached_tokens: 0 },
          output_tokens: outputTokens,
          output_tokens_details: { reasoning_tokens: 0 },
          total_tokens: turn.inputTokens + outputTokens,
        };
  return { id, object: 'response', created_at: Math.floor(Date.now() / 1000), status, model: turn.model, output, parallel_tool_calls: true, tool_choice: 'auto', usage };
}

/** The events that stream one output item, between output_item.added and output_item.done. */
function itemEvents(reply: Reply, item: Record<string, unknown>): Record<string, unknown>[] {
  const ref = { item_id: item.id, output_index: 0 };
  if (reply.kind === 'tool') {
    const args = JSON.stringify(reply.call.args);
    const deltas = chunkText(args, ARGS_CHUNK_CHARS).map((delta) => ({ type: 'response.function_call_arguments.delta', ...ref, delta }));
    return [...deltas, { type: 'response.function_call_arguments.done', ...ref, arguments: args }];
  }
  const part = { ...ref, content_index: 0 };
  const done = { type: 'output_text', text: reply.text, annotations: [] };
  return [
    { type: 'response.content_part.added', ...part, part: { ...done, text: '' } },
    ...chunkText(reply.text, TEXT_CHUNK_CHARS).map((delta) => ({ type: 'response.output_text.delta', ...part, delta, logprobs: [] })),
    { type: 'response.output_text.done', ...part, text: reply.text, logprobs: [] },
    { type: 'response.content_part.done', ...part, part: done },
  ];
}

function opening(item: Record<string, unknown>): Record<string, unknown> {
  return item.type === 'message' ? { ...item, status: 'in_progress', content: [] } : { ...item, status: 'in_progress', arguments: '' };
}

/** response.created … response.completed, each event with its sequence_number. */
function events(reply: Reply, turn: TurnRequest): SseEvent[] {
  const id = randomId('resp_');
  const item = outputItem(reply, randomId(reply.kind === 'text' ? 'msg_' : 'fc_'));
  const tokens = estimateTokens(reply.kind === 'text' ? reply.text : JSON.stringify(reply.call.args));
  const pending = responseObject(turn, id, 'in_progress', [], null);
  const list: Record<string, unknown>[] = [
    { type: 'response.created', response: pending },
    { type: 'response.in_progress', response: pending },
    { type: 'response.output_item.added', output_index: 0, item: opening(item) },
    ...itemEvents(reply, item),
    { type: 'response.output_item.done', output_index: 0, item },
    { type: 'response.completed', response: responseObject(turn, id, 'completed', [item], tokens) },
  ];
  return list.map((e, n) => ({ event: String(e.type), data: JSON.stringify({ ...e, sequence_number: n }) }));
}

function message(reply: Reply, turn: TurnRequest): unknown {
  const item = outputItem(reply, randomId(reply.kind === 'text' ? 'msg_' : 'fc_'));
  const tokens = estimateTokens(reply.kind === 'text' ? reply.text : JSON.stringify(reply.call.args));
  return responseObject(turn, randomId('resp_'), 'completed', [item], tokens);
}

export const openAiResponsesProtocol: Protocol = { name: 'openai-responses', read, events, message, error: openAiError };
