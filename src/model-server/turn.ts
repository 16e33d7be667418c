/** A tool the client declared in its request, reduced to what the planner needs. */
export interface DeclaredTool {
  name: string;
  /** Property names of its argument schema; null when the tool takes free-form input. */
  properties: string[] | null;
}

/**
 * One model request, read out of any provider's wire format: everything the planner
 * needs to choose the reply without state of its own.
 */
export interface TurnRequest {
  model: string;
  stream: boolean;
  tools: DeclaredTool[];
  /** Assistant (model) turns already in the conversation: the scenario step to answer. */
  assistantTurns: number;
  /** System prompt and instructions, joined: recognizes side requests (titles, checks). */
  systemText: string;
  /** The text of the last user message. */
  lastUserText: string;
  /** A JSON Schema the answer must follow (structured output), if the client asked for one. */
  responseSchema: unknown;
  /** Rough size of the prompt, for usage figures. */
  inputTokens: number;
}

export interface ToolCall {
  id: string;
  name: string;
  args: Record<string, unknown>;
}

/** What the scripted model answers: text, or one call of a tool the client declared. */
export type Reply = { kind: 'text'; text: string } | { kind: 'tool'; call: ToolCall };

/** Rough token count of a text (4 bytes a token), never 0. */
export function estimateTokens(text: string): number {
  return Math.max(1, Math.ceil(Buffer.byteLength(text) / 4));
}

/** Splits text into pieces of at most `size` characters, for streaming deltas. */
export function chunkText(text: string, size: number): string[] {
  // By code points, so no delta ends inside a surrogate pair.
  const points = Array.from(text);
  if (points.length === 0) return [''];
  const pieces: string[] = [];
  for (let i = 0; i < points.length; i += size) pieces.push(points.slice(i, i + size).join(''));
  return pieces;
}

/** Counts maximal runs of items for which `isModel` holds: each run is one model turn. */
export function countRuns<T>(items: readonly T[], isModel: (item: T) => boolean): number {
  let runs = 0;
  let inRun = false;
  for (const item of items) {
    const model = isModel(item);
    if (model && !inRun) runs += 1;
    inRun = model;
  }
  return runs;
}
