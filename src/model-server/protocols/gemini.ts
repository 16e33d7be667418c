import { z } from 'zod';
import { chunkText, countRuns, estimateTokens } from '../turn.js';
import type { Reply, TurnRequest } from '../turn.js';
import type { Protocol, ReadResult, RouteHints, SseEvent } from './protocol.js';
import { contentText, declaredTool, describeIssues, randomId, SchemaPropertiesSchema, sse, TEXT_CHUNK_CHARS } from './protocol.js';

// Gemini API (POST /v1beta/models/<model>:generateContent and :streamGenerateContent?alt=sse).
const ContentSchema = z.looseObject({ role: z.string().optional(), parts: z.array(z.looseObject({ text: z.string().optional() })).default([]) });
const DeclarationSchema = z.looseObject({ name: z.string(), parameters: SchemaPropertiesSchema, parametersJsonSchema: SchemaPropertiesSchema });
const RequestSchema = z.looseObject({
  contents: z.array(ContentSchema),
  systemInstruction: z.union([z.string(), ContentSchema]).optional().catch(undefined),
  tools: z.array(z.looseObject({ functionDeclarations: z.array(DeclarationSchema).optional() })).optional(),
  generationConfig: z
    .looseObject({ responseMimeType: z.string().optional(), responseSchema: z.unknown().optional(), responseJsonSchema: z.unknown().optional() })
    .optional()
    .catch(undefined),
});

function responseSchema(config: z.infer<typeof RequestSchema>['generationConfig']): unknown {
  const schema = config?.responseJsonSchema ?? config?.responseSchema;
  if (schema !== undefined) return schema;
  return config?.responseMimeType === 'application/json' ? { type: 'object' } : undefined;
}

function read(body: unknown, hints: RouteHints): ReadResult {
  const parsed = RequestSchema.safeParse(body);
  if (!parsed.success) return { ok: false, message: describeIssues(parsed.error) };
  const r = parsed.data;
  const system = typeof r.systemInstruction === 'string' ? r.systemInstruction : contentText(r.systemInstruction?.parts);
  const declarations = (r.tools ?? []).flatMap((t) => t.functionDeclarations ?? []);
  const turn: TurnRequest = {
    model: hints.model ?? 'gemini-scripted',
    stream: hints.stream === true,
    tools: declarations.map((d) => declaredTool(d.name, d.parametersJsonSchema ?? d.parameters)),
    assistantTurns: countRuns(r.contents, (c) => c.role === 'model'),
    systemText: system,
    lastUserText: contentText(r.contents.filter((c) => c.role !== 'model').at(-1)?.parts),
    responseSchema: responseSchema(r.generationConfig),
    inputTokens: estimateTokens(JSON.stringify(r.contents)),
  };
  return { ok: true, turn };
}

function usageMetadata(reply: Reply, turn: TurnRequest): Record<string, number> {
  const output = estimateTokens(reply.kind === 'text' ? reply.text : JSON.stringify(reply.call.args));
  return { promptTokenCount: turn.inputTokens, candidatesTokenCount: output, totalTokenCount: turn.inputTokens + output };
}

function chunk(parts: unknown[], turn: TurnRequest, id: string, last?: Record<string, unknown>): Record<string, unknown> {
  const candidate = { content: { parts, role: 'model' }, index: 0, ...(last ? { finishReason: 'STOP' } : {}) };
  return { candidates: [candidate], ...(last ? { usageMetadata: last } : {}), modelVersion: turn.model, responseId: id };
}

function parts(reply: Reply): Record<string, unknown>[] {
  if (reply.kind === 'text') return [{ text: reply.text }];
  return [{ functionCall: { id: reply.call.id, name: reply.call.name, args: reply.call.args } }];
}

/**
 * `data:` events of GenerateContentResponse chunks. Text streams in pieces; a function
 * call comes whole, as the Gemini API sends it. The last chunk has finishReason STOP.
 */
function events(reply: Reply, turn: TurnRequest): SseEvent[] {
  const id = randomId('');
  const usage = usageMetadata(reply, turn);
  if (reply.kind === 'tool') return [sse(chunk(parts(reply), turn, id, usage))];
  const pieces = chunkText(reply.text, TEXT_CHUNK_CHARS);
  return pieces.map((text, n) => sse(chunk([{ text }], turn, id, n === pieces.length - 1 ? usage : undefined)));
}

function message(reply: Reply, turn: TurnRequest): unknown {
  return chunk(parts(reply), turn, randomId(''), usageMetadata(reply, turn));
}

/** Google's error body: `{ error: { code, message, status } }`. */
function error(status: number, text: string): unknown {
  const name = status === 404 ? 'NOT_FOUND' : status === 401 ? 'UNAUTHENTICATED' : status >= 500 ? 'INTERNAL' : 'INVALID_ARGUMENT';
  return { error: { code: status, message: text, status: name } };
}

export const geminiProtocol: Protocol = { name: 'gemini', read, events, message, error };

/** POST …:countTokens answers the rough count of the contents. */
export function countGeminiTokens(body: unknown): unknown {
  const parsed = RequestSchema.safeParse(body);
  return { totalTokens: parsed.success ? estimateTokens(JSON.stringify(parsed.data.contents)) : 1 };
}
