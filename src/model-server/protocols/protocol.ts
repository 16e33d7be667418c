import { randomUUID } from 'node:crypto';
import { z } from 'zod';
import type { SseEvent } from '../http-io.js';
import type { DeclaredTool, Reply, TurnRequest } from '../turn.js';

export type { SseEvent };

/** What the path told about the request (Gemini puts the model and streaming there). */
export interface RouteHints {
  model?: string;
  stream?: boolean;
}

export type ReadResult = { ok: true; turn: TurnRequest } | { ok: false; message: string };

/** One provider's wire protocol: how to read a request and how to write a reply. */
export interface Protocol {
  readonly name: 'anthropic' | 'openai-chat' | 'openai-responses' | 'gemini';
  read(body: unknown, hints: RouteHints): ReadResult;
  /** The streamed reply, event by event. */
  events(reply: Reply, turn: TurnRequest): SseEvent[];
  /** The reply as one JSON document (non-streaming requests). */
  message(reply: Reply, turn: TurnRequest): unknown;
  /** An error body in the provider's shape. */
  error(status: number, message: string): unknown;
}

/** A JSON Schema's top-level property names; null when it has none to go by. */
export const SchemaPropertiesSchema = z.looseObject({ properties: z.record(z.string(), z.unknown()).optional() }).optional().catch(undefined);

export function propertyNames(schema: z.infer<typeof SchemaPropertiesSchema>): string[] | null {
  return schema?.properties ? Object.keys(schema.properties) : null;
}

export function declaredTool(name: string, schema: z.infer<typeof SchemaPropertiesSchema>): DeclaredTool {
  return { name, properties: propertyNames(schema) };
}

/** Text out of a content field: a string, or an array of parts with `text`. */
export function contentText(content: unknown): string {
  if (typeof content === 'string') return content;
  if (!Array.isArray(content)) return '';
  return content
    .map((part: unknown) => (typeof part === 'object' && part !== null && 'text' in part && typeof part.text === 'string' ? part.text : ''))
    .filter((t) => t !== '')
    .join('\n');
}

/** The zod issues of a request body, shortened into one error message. */
export function describeIssues(error: z.ZodError): string {
  return error.issues
    .slice(0, 5)
    .map((i) => `${i.path.map(String).join('.') || '(body)'}: ${i.message}`)
    .join('; ');
}

export function sse(data: unknown, event?: string): SseEvent {
  return event === undefined ? { data: JSON.stringify(data) } : { event, data: JSON.stringify(data) };
}

/** A fresh id with a provider's prefix: `msg_…`, `toolu_…`, `resp_…`. */
export function randomId(prefix: string): string {
  return `${prefix}${randomUUID().replaceAll('-', '')}`;
}

/** The arguments of a call as the JSON text the providers stream. */
export function argumentsJson(reply: Reply): string {
  return reply.kind === 'tool' ? JSON.stringify(reply.call.args) : '';
}

/** Size of the argument-JSON pieces streamed as deltas (small, so clients must join them). */
export const ARGS_CHUNK_CHARS = 24;
/** Size of text pieces streamed as deltas. */
export const TEXT_CHUNK_CHARS = 16;
