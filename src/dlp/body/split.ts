import { chunkEnds, DEFAULT_CHUNKS } from './chunks.js';
import type { ChunkOptions } from './chunks.js';
import { walkJsonObject } from './json-walk.js';

/**
 * A part of a body scanned (and cached) on its own. With `context`, the scan reads the
 * bytes around it too and keeps the matches that start inside it, so a secret across a
 * cut is found once; without, the part is self-contained (a JSON member or element).
 */
export interface Segment {
  start: number;
  end: number;
  label: string;
  context: boolean;
}

/**
 * The shapes of LLM request bodies whose conversations are split per message:
 * 'messages' is Anthropic Messages and OpenAI Chat Completions (messages[]), 'responses'
 * OpenAI Responses (input[]), 'gemini' Gemini generateContent (contents[]); 'json' is any
 * other JSON object (per member), 'chunks' anything else (content-defined chunks).
 */
export type BodyShape = 'messages' | 'responses' | 'gemini' | 'json' | 'chunks';

export interface BodySplit {
  shape: BodyShape;
  segments: Segment[];
}

/**
 * Arrays split per element: the conversation (messages, input, contents) and what is
 * re-sent unchanged every turn (tools, Anthropic's system blocks).
 */
const SPLIT_MEMBERS: ReadonlySet<string> = new Set(['messages', 'input', 'contents', 'tools', 'system']);

function shapeOf(keys: readonly string[]): BodyShape {
  if (keys.includes('contents')) return 'gemini';
  if (keys.includes('messages')) return 'messages';
  if (keys.includes('input')) return 'responses';
  return 'json';
}

/** Content-defined chunks of any body, each scanned with its context. */
export function splitChunks(body: Buffer, options: ChunkOptions = DEFAULT_CHUNKS): BodySplit {
  const segments: Segment[] = [];
  let start = 0;
  for (const end of chunkEnds(body, options)) {
    segments.push({ start, end, label: `bytes ${start}-${end}`, context: true });
    start = end;
  }
  return { shape: 'chunks', segments };
}

/**
 * Splits a request body for scanning with a cache: a JSON object per member, and its
 * conversation per message (messages[], input[], contents[]), so a re-sent conversation
 * hashes the same per message and only the new turn is scanned; anything that is not a
 * JSON object falls back to content-defined chunks.
 */
export function splitBody(body: Buffer): BodySplit {
  const walked = body.length > 0 && body[0] !== undefined ? walkJsonObject(body, SPLIT_MEMBERS) : undefined;
  if (walked === undefined) return splitChunks(body);
  return { shape: shapeOf(walked.keys), segments: walked.ranges.map((r) => ({ ...r, context: false })) };
}
