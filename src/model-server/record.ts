import { appendFile } from 'node:fs/promises';
import type { IncomingHttpHeaders } from 'node:http';

/** One request as the server received it, secrets included: it is test evidence. */
export interface RecordedRequest {
  /** ISO 8601 time the request arrived. */
  time: string;
  method: string;
  /** Path with the query string, as sent. */
  path: string;
  /** Every header as received (names lower-case), API key headers included. */
  headers: Record<string, string | string[]>;
  /** The body parsed as JSON; its text when it is not JSON; undefined when empty. */
  body: unknown;
  /** Which route answered it, e.g. `anthropic:turn` or `not-found`. */
  route: string;
  /** The HTTP status of the answer. */
  status: number;
}

export interface Recorder {
  add(record: RecordedRequest): void;
  list(): RecordedRequest[];
  /** Resolves when every record has reached the record file. */
  flush(): Promise<void>;
}

export function copyHeaders(headers: IncomingHttpHeaders): Record<string, string | string[]> {
  const out: Record<string, string | string[]> = {};
  for (const [name, value] of Object.entries(headers)) if (value !== undefined) out[name] = value;
  return out;
}

/** Keeps the records in memory and, when `file` is given, appends each as one JSONL line. */
export function createRecorder(file: string | undefined, onError: (error: unknown) => void): Recorder {
  const records: RecordedRequest[] = [];
  let written: Promise<void> = Promise.resolve();
  return {
    add(record) {
      records.push(record);
      if (file === undefined) return;
      const line = `${JSON.stringify(record)}\n`;
      written = written.then(() => appendFile(file, line, { mode: 0o600 })).catch(onError);
    },
    list: () => records.map((r) => ({ ...r })),
    flush: () => written,
  };
}
