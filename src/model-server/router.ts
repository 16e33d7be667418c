import type { IncomingHttpHeaders } from 'node:http';
import { anthropicProtocol } from './protocols/anthropic.js';
import { geminiProtocol } from './protocols/gemini.js';
import { openAiChatProtocol } from './protocols/openai-chat.js';
import { openAiResponsesProtocol } from './protocols/openai-responses.js';
import type { Protocol, RouteHints } from './protocols/protocol.js';

/** What a request asks for, found from its method and path. */
export type Route =
  | { kind: 'turn'; protocol: Protocol; hints: RouteHints }
  | { kind: 'count-tokens'; protocol: Protocol }
  | { kind: 'models'; protocol: Protocol; model?: string }
  | { kind: 'not-found'; protocol: Protocol };

/** A short name of the route, kept with each recorded request. */
export function routeName(route: Route): string {
  return route.kind === 'not-found' ? 'not-found' : `${route.protocol.name}:${route.kind}`;
}

/**
 * The provider a request that matched no route most likely meant, for an error body in
 * its shape: Gemini by its key header or path, Anthropic by its headers, else OpenAI.
 */
function guessProtocol(path: string, headers: IncomingHttpHeaders): Protocol {
  if (headers['x-goog-api-key'] !== undefined || /\/v1beta\/|:[a-zA-Z]+$/.test(path)) return geminiProtocol;
  if (headers['anthropic-version'] !== undefined || headers['x-api-key'] !== undefined) return anthropicProtocol;
  return openAiChatProtocol;
}

const GEMINI_CALL = /\/models\/([^/:]+):([a-zA-Z]+)$/;

function matchPost(path: string): Route | undefined {
  if (/\/messages\/count_tokens$/.test(path)) return { kind: 'count-tokens', protocol: anthropicProtocol };
  if (/\/messages$/.test(path)) return { kind: 'turn', protocol: anthropicProtocol, hints: {} };
  if (/\/chat\/completions$/.test(path)) return { kind: 'turn', protocol: openAiChatProtocol, hints: {} };
  if (/\/responses$/.test(path)) return { kind: 'turn', protocol: openAiResponsesProtocol, hints: {} };
  const gemini = GEMINI_CALL.exec(path);
  const model = gemini?.[1] === undefined ? undefined : decodeURIComponent(gemini[1]);
  if (gemini?.[2] === 'streamGenerateContent') return { kind: 'turn', protocol: geminiProtocol, hints: { model, stream: true } };
  if (gemini?.[2] === 'generateContent') return { kind: 'turn', protocol: geminiProtocol, hints: { model, stream: false } };
  if (gemini?.[2] === 'countTokens') return { kind: 'count-tokens', protocol: geminiProtocol };
  return undefined;
}

function matchGet(path: string, headers: IncomingHttpHeaders): Route | undefined {
  const protocol = guessProtocol(path, headers);
  if (/\/models$/.test(path)) return { kind: 'models', protocol };
  const one = /\/models\/([^/:]+)$/.exec(path);
  return one?.[1] === undefined ? undefined : { kind: 'models', protocol, model: decodeURIComponent(one[1]) };
}

/**
 * Matches by the end of the path, so any prefix a proxy or base URL adds is accepted:
 * `/v1/messages`, `/messages` and `/_airlock/routes/anthropic/v1/messages` all match.
 */
export function matchRoute(method: string, pathWithQuery: string, headers: IncomingHttpHeaders): Route {
  const path = (pathWithQuery.split('?')[0] ?? '').replace(/\/+$/, '');
  const route = method === 'POST' ? matchPost(path) : method === 'GET' ? matchGet(path, headers) : undefined;
  return route ?? { kind: 'not-found', protocol: guessProtocol(path, headers) };
}
