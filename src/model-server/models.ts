import type { Protocol } from './protocols/protocol.js';

/** Model names listed when a client asks which models there are. */
export const LISTED_MODELS: Record<Protocol['name'], string[]> = {
  anthropic: ['claude-scripted'],
  'openai-chat': ['gpt-scripted'],
  'openai-responses': ['gpt-scripted'],
  gemini: ['gemini-scripted'],
};

const CREATED_S = 1_700_000_000;

function describe(protocol: Protocol['name'], id: string): Record<string, unknown> {
  if (protocol === 'anthropic') return { type: 'model', id, display_name: `Scripted (${id})`, created_at: new Date(CREATED_S * 1000).toISOString() };
  if (protocol === 'gemini') {
    const methods = ['generateContent', 'streamGenerateContent', 'countTokens'];
    return { name: `models/${id}`, displayName: `Scripted (${id})`, inputTokenLimit: 1_000_000, outputTokenLimit: 65_536, supportedGenerationMethods: methods };
  }
  return { id, object: 'model', created: CREATED_S, owned_by: 'airlock' };
}

/** GET …/models (or …/models/<id>) in the provider's shape; any id asked for exists. */
export function modelsAnswer(protocol: Protocol['name'], one: string | undefined): unknown {
  if (one !== undefined) return describe(protocol, one);
  const ids = LISTED_MODELS[protocol];
  const list = ids.map((id) => describe(protocol, id));
  if (protocol === 'anthropic') return { data: list, has_more: false, first_id: ids[0], last_id: ids.at(-1) };
  if (protocol === 'gemini') return { models: list };
  return { object: 'list', data: list };
}
