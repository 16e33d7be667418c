import type { IncomingMessage, ServerResponse } from 'node:http';
import { brotliDecompressSync, gunzipSync, inflateSync } from 'node:zlib';

/** Largest request body the server reads (CLIs send whole conversations). */
export const MAX_BODY_BYTES = 64 * 1024 * 1024;

/** Reads the whole request body; null when it is larger than MAX_BODY_BYTES. */
export async function readBody(req: IncomingMessage): Promise<Buffer | null> {
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of req) {
    const buf = chunk as Buffer;
    size += buf.length;
    if (size > MAX_BODY_BYTES) return null;
    chunks.push(buf);
  }
  return Buffer.concat(chunks);
}

function decode(body: Buffer, encoding: string | undefined): Buffer {
  switch ((encoding ?? '').trim().toLowerCase()) {
    case 'gzip':
      return gunzipSync(body);
    case 'deflate':
      return inflateSync(body);
    case 'br':
      return brotliDecompressSync(body);
    default:
      return body;
  }
}

/**
 * The body as JSON when it is JSON, else its text (undefined when empty). Bodies with a
 * content-encoding zlib knows are decoded first; anything else is kept as text.
 */
export function parseBody(body: Buffer, encoding: string | undefined): unknown {
  if (body.length === 0) return undefined;
  let text: string;
  try {
    text = decode(body, encoding).toString('utf8');
  } catch {
    return body.toString('base64');
  }
  try {
    return JSON.parse(text) as unknown;
  } catch {
    return text;
  }
}

export function sendJson(res: ServerResponse, status: number, body: unknown): void {
  const text = JSON.stringify(body);
  res.writeHead(status, { 'content-type': 'application/json', 'content-length': Buffer.byteLength(text) });
  res.end(text);
}

/** One server-sent event, its data already serialized (one line of JSON, or `[DONE]`). */
export interface SseEvent {
  event?: string;
  data: string;
}

/** One Server-Sent Events stream (WHATWG HTML, section 9.2 "Server-sent events"). */
export interface SseStream {
  send(event: SseEvent): void;
  end(): void;
}

export function openSse(res: ServerResponse): SseStream {
  res.writeHead(200, { 'content-type': 'text/event-stream; charset=utf-8', 'cache-control': 'no-cache', connection: 'keep-alive' });
  return {
    send: (e) => res.write(`${e.event === undefined ? '' : `event: ${e.event}\n`}data: ${e.data}\n\n`),
    end: () => res.end(),
  };
}
