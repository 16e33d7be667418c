// Helpers for this component's tests: a scenario, a server on 127.0.0.1:0, and a
// Server-Sent Events parser to read streams back as a client would.
import type { SseEvent } from './http-io.js';
import { parseScenario } from './scenario.js';
import type { ModelServerHandle } from './server.js';
import { openModelServer } from './server.js';

export const SAMPLE_SCENARIO = parseScenario(`
workdir: /work
steps:
  - write: { path: notes/hello.txt, content: "hi \\"there\\"\\nline two ✓\\n" }
  - shell: { command: "echo scripted-$((6*7)) > shell-out.txt" }
  - say: "All done."
`);

/** A model server with the sample scenario, closed by the caller. */
export function openSampleServer(recordFile?: string): Promise<ModelServerHandle> {
  return openModelServer({ scenario: SAMPLE_SCENARIO, recordFile });
}

/** Parses an SSE body (WHATWG HTML §9.2.6): events split on blank lines, `data:` lines joined. */
export function parseSse(text: string): SseEvent[] {
  return text
    .split(/\r?\n\r?\n/)
    .filter((block) => block.trim() !== '')
    .map((block) => {
      const lines = block.split(/\r?\n/);
      const event = lines.find((l) => l.startsWith('event:'))?.slice(6).trim();
      const data = lines
        .filter((l) => l.startsWith('data:'))
        .map((l) => l.slice(5).replace(/^ /, ''))
        .join('\n');
      return event === undefined ? { data } : { event, data };
    });
}

export interface Answer {
  status: number;
  contentType: string;
  text: string;
}

/** POSTs JSON and reads the whole answer. */
export async function post(url: string, body: unknown, headers: Record<string, string> = {}): Promise<Answer> {
  const res = await fetch(url, { method: 'POST', headers: { 'content-type': 'application/json', ...headers }, body: JSON.stringify(body) });
  return { status: res.status, contentType: res.headers.get('content-type') ?? '', text: await res.text() };
}

/** The JSON `data` of each event (skipping OpenAI's `[DONE]`). */
export function eventData(events: SseEvent[]): Record<string, unknown>[] {
  return events.filter((e) => e.data !== '[DONE]').map((e) => JSON.parse(e.data) as Record<string, unknown>);
}
