import { createWriteStream } from 'node:fs';
import { mkdir } from 'node:fs/promises';
import { dirname } from 'node:path';
import type { AuditEvent, AuditSink } from './event.js';

export interface JsonlSinkOptions {
  path: string;
  /** Told when the file cannot be written (the caller decides what that means). */
  onError: (error: Error) => void;
}

/** Appends one JSON object per line to a file created with mode 0600. */
export async function openJsonlSink(options: JsonlSinkOptions): Promise<AuditSink> {
  await mkdir(dirname(options.path), { recursive: true, mode: 0o700 });
  const stream = createWriteStream(options.path, { flags: 'a', mode: 0o600 });
  stream.on('error', options.onError);
  let closed: Promise<void> | undefined;
  return {
    write(event) {
      if (closed === undefined) stream.write(`${JSON.stringify(event)}\n`);
    },
    close() {
      closed ??= new Promise((resolve) => stream.end(resolve));
      return closed;
    },
  };
}

/** Keeps events in memory: for tests and for callers that want to look at them. */
export function createMemorySink(): AuditSink & { events: AuditEvent[] } {
  const events: AuditEvent[] = [];
  return { events, write: (e) => void events.push(e), close: async () => {} };
}
