import { Agent as HttpAgent, request as httpRequest } from 'node:http';
import type { IncomingMessage, OutgoingHttpHeaders } from 'node:http';
import { Agent as HttpsAgent, request as httpsRequest } from 'node:https';
import { AirlockError } from '../../core/index.js';
import { urlForMessages } from './record-fields.js';

/** What came back: the status and the start of the body (enough for an error message). */
export interface PostResult {
  status: number;
  body: string;
}

/** POSTs to one URL over kept-alive connections that close() releases. */
export interface HttpPoster {
  /** Rejects with 'AUDIT_UNAVAILABLE' when no answer came (refused, reset, timed out). */
  post(body: string, headers: OutgoingHttpHeaders): Promise<PostResult>;
  close(): void;
}

const MAX_RESPONSE_BYTES = 64 * 1024;
const REQUEST_TIMEOUT_MS = 10_000;

export function createHttpPoster(url: URL, what: string, timeoutMs = REQUEST_TIMEOUT_MS): HttpPoster {
  const https = url.protocol === 'https:';
  const agent = https ? new HttpsAgent({ keepAlive: true }) : new HttpAgent({ keepAlive: true });
  const request = https ? httpsRequest : httpRequest;
  const where = urlForMessages(url);
  return {
    post: (body, headers) =>
      new Promise((resolve, reject) => {
        const req = request(url, { method: 'POST', agent, headers: { ...headers, 'content-length': Buffer.byteLength(body) }, timeout: timeoutMs });
        const fail = (error: Error) => {
          req.destroy();
          const code = (error as NodeJS.ErrnoException).code;
          const reason = code === undefined ? error.message : `${code}: ${error.message}`;
          reject(new AirlockError('AUDIT_UNAVAILABLE', `cannot send audit records to the ${what} at ${where} (${reason}); they stay in the audit store and are sent when it answers`, { cause: error }));
        };
        req.on('timeout', () => fail(new Error(`no answer within ${String(timeoutMs)} ms`)));
        req.on('error', fail);
        req.on('response', (res) => readBody(res).then((text) => resolve({ status: res.statusCode ?? 0, body: text }), fail));
        req.end(body);
      }),
    close: () => agent.destroy(),
  };
}

export interface StatusErrorOptions {
  /** "OTLP collector", "Splunk HEC": who answered, for the message. */
  what: string;
  url: URL;
  result: PostResult;
  /** The receiver is busy or down: trying again later may work. */
  retryable: boolean;
  /** Removes a credential the receiver might echo back in its answer. */
  redact?: (text: string) => string;
}

/**
 * A non-2xx answer as an error. Retryable ones are 'AUDIT_UNAVAILABLE'; the rest say the
 * request itself is wrong (payload, token, URL) and will stay wrong until someone changes
 * the configuration or the receiver: 'CONFIG_INVALID'. Either way the records stay pending.
 */
export function statusError(options: StatusErrorOptions): AirlockError {
  const where = urlForMessages(options.url);
  const said = (options.redact ?? ((t: string) => t))(oneLine(options.result.body));
  const answer = `HTTP ${String(options.result.status)}${said === '' ? '' : `: ${said}`}`;
  if (options.retryable) {
    return new AirlockError('AUDIT_UNAVAILABLE', `the ${options.what} at ${where} is not taking audit records now (${answer}); they stay in the audit store and are sent again`);
  }
  return new AirlockError('CONFIG_INVALID', `the ${options.what} at ${where} refused the audit records (${answer}); this will not pass by itself: check the sink's URL and credentials and the receiver. The records stay in the audit store until it accepts them`);
}

function oneLine(text: string): string {
  const flat = text.replace(/\s+/g, ' ').trim();
  return flat.length > 300 ? `${flat.slice(0, 300)}…` : flat;
}

function readBody(res: IncomingMessage): Promise<string> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    let size = 0;
    res.on('data', (chunk: Buffer) => {
      // Keep the start only: a long answer is read to its end so the connection can be reused.
      if (size < MAX_RESPONSE_BYTES) chunks.push(chunk);
      size += chunk.length;
    });
    res.on('end', () => resolve(Buffer.concat(chunks).subarray(0, MAX_RESPONSE_BYTES).toString('utf8')));
    res.on('error', reject);
  });
}
