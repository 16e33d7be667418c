import { AirlockError } from '../core/index.js';
import { byPosition, mergeBySpan } from './finding.js';
import { LOOKAHEAD_BYTES, LOOKBEHIND_BYTES } from './limits.js';
import { advanceLines, createLineCursor, locate } from './lines.js';
import type { Scanner } from './scanner.js';
import type { Finding, RawMatch } from './types.js';

export interface StreamScannerOptions {
  /** Count lines, for findings' line and column (default true; a proxy has no use for them). */
  lines?: boolean;
}

/** Scans a body that arrives in chunks; findings carry offsets (and lines) of the whole stream. */
export interface StreamScanner {
  /** Takes the next chunk (a string is taken as UTF-8); returns the findings now final, in offset order. */
  write(chunk: Buffer | string): Finding[];
  /** Ends the stream; returns the remaining findings. Writing after end is an error. */
  end(): Finding[];
  /** Bytes written so far. */
  readonly bytes: number;
}

interface StreamState {
  /** The retained window, latin1 (one character per byte). */
  text: string;
  /** Absolute offset of text[0]. */
  textStart: number;
  /** Anchors before this absolute offset have run. */
  anchorFrom: number;
  /** Matches not yet final, one per span, at absolute offsets. */
  pending: Map<string, RawMatch>;
  ended: boolean;
}

function toLatin1(chunk: Buffer | string): string {
  return typeof chunk === 'string' ? Buffer.from(chunk, 'utf8').toString('latin1') : chunk.toString('latin1');
}

/**
 * A stream scanner over `scanner`. Anchors within LOOKAHEAD_BYTES of the end seen so far
 * wait for the next chunk, and LOOKBEHIND_BYTES before them are kept for context, so it
 * holds at most STREAM_OVERLAP_BYTES (~8.8 KiB) besides the current chunk, and finds
 * exactly the matches a scan of the whole body finds, each once, whatever the chunking.
 * A match is final once no later anchor can produce the same span (LOOKBEHIND_BYTES behind
 * the anchors run), so the best-ranked match of a span is the one reported.
 */
export function createStreamScanner(scanner: Scanner, options: StreamScannerOptions = {}): StreamScanner {
  const s: StreamState = { text: '', textStart: 0, anchorFrom: 0, pending: new Map(), ended: false };
  const lines = options.lines === false ? undefined : createLineCursor();

  function round(final: boolean): Finding[] {
    const textEnd = s.textStart + s.text.length;
    const limit = final ? textEnd : textEnd - LOOKAHEAD_BYTES;
    if (limit > s.anchorFrom) {
      mergeBySpan(s.pending, scanner.match(s.text, s.anchorFrom - s.textStart, limit - s.textStart), s.textStart);
      s.anchorFrom = limit;
    }
    const safe = final ? Number.POSITIVE_INFINITY : s.anchorFrom - LOOKBEHIND_BYTES;
    const ready = [...s.pending.values()].filter((m) => m.start < safe).sort(byPosition);
    const findings = ready.map((m) => {
      s.pending.delete(`${m.start}:${m.end}`);
      const f = scanner.finding(s.text, { ...m, start: m.start - s.textStart, end: m.end - s.textStart }, s.textStart);
      return lines === undefined ? f : { ...f, ...locate(lines, s.text, s.textStart, m.start) };
    });
    const keepFrom = Math.max(s.textStart, Math.min(safe, s.anchorFrom - LOOKBEHIND_BYTES));
    if (lines !== undefined) advanceLines(lines, s.text, s.textStart, keepFrom);
    s.text = s.text.slice(keepFrom - s.textStart);
    s.textStart = keepFrom;
    return findings;
  }

  return {
    write(chunk) {
      if (s.ended) throw new AirlockError('INTERNAL', 'a DLP stream scan was written to after its end');
      s.text += toLatin1(chunk);
      return round(false);
    },
    end() {
      if (s.ended) return [];
      s.ended = true;
      return round(true);
    },
    get bytes() {
      return s.textStart + s.text.length;
    },
  };
}
