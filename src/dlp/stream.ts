import { AirlockError } from '../core/index.js';
import { byPosition, mergeBySpan } from './finding.js';
import { LOOKAHEAD_BYTES, LOOKBEHIND_BYTES } from './limits.js';
import { advanceLines, createLineCursor, locate } from './lines.js';
import type { LineCursor } from './lines.js';
import type { Scanner } from './scanner.js';
import type { Finding, RawMatch } from './types.js';

/**
 * A write is scanned in pieces of at most this size. The window (the kept overlap and
 * one piece) is made a fresh string each round: small enough for V8's young heap (a
 * string of over ~1 MiB is made in fresh memory, ~200 MB/s here) and flat, so the
 * prefilter reads it directly (a concatenated or sliced string costs an indirection per
 * character).
 */
export const SCAN_PIECE_BYTES = 64 * 1024;

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
  /** The kept bytes (a copy: the caller may reuse its buffers) and the absolute offset of their first. */
  window: Buffer;
  windowStart: number;
  /** Anchors before this absolute offset have run. */
  anchorFrom: number;
  /** Matches not yet final, one per span, at absolute offsets. */
  pending: Map<string, RawMatch>;
  lines: LineCursor | undefined;
  ended: boolean;
}

/** Runs the anchors that now have their lookahead; returns the matches that became final. */
function round(scanner: Scanner, s: StreamState, final: boolean): Finding[] {
  const text = s.window.toString('latin1');
  const textEnd = s.windowStart + text.length;
  const limit = final ? textEnd : textEnd - LOOKAHEAD_BYTES;
  if (limit > s.anchorFrom) {
    mergeBySpan(s.pending, scanner.match(text, s.anchorFrom - s.windowStart, limit - s.windowStart), s.windowStart);
    s.anchorFrom = limit;
  }
  // A span is final once no anchor still to run can produce it (they start LOOKBEHIND_BYTES before).
  const safe = final ? Number.POSITIVE_INFINITY : s.anchorFrom - LOOKBEHIND_BYTES;
  const ready = [...s.pending.values()].filter((m) => m.start < safe).sort(byPosition);
  const findings = ready.map((m) => {
    s.pending.delete(`${m.start}:${m.end}`);
    const f = scanner.finding(text, { ...m, start: m.start - s.windowStart, end: m.end - s.windowStart }, s.windowStart);
    return s.lines === undefined ? f : { ...f, ...locate(s.lines, text, s.windowStart, m.start) };
  });
  const keepFrom = Math.max(s.windowStart, Math.min(safe, s.anchorFrom - LOOKBEHIND_BYTES));
  if (s.lines !== undefined) advanceLines(s.lines, text, s.windowStart, keepFrom);
  s.window = Buffer.from(s.window.subarray(keepFrom - s.windowStart));
  s.windowStart = keepFrom;
  return findings;
}

/**
 * A stream scanner over `scanner`. Anchors within LOOKAHEAD_BYTES of the end seen so far
 * wait for the next chunk, and LOOKBEHIND_BYTES before them are kept for context, so it
 * holds at most STREAM_OVERLAP_BYTES (~8.8 KiB) between writes, and finds exactly the
 * matches a scan of the whole body finds, each once, whatever the chunking. A match is
 * final once no later anchor can produce the same span, so the best-ranked match of a
 * span is the one reported.
 */
export function createStreamScanner(scanner: Scanner, options: StreamScannerOptions = {}): StreamScanner {
  const s: StreamState = { window: Buffer.alloc(0), windowStart: 0, anchorFrom: 0, pending: new Map(), lines: options.lines === false ? undefined : createLineCursor(), ended: false };
  return {
    write(chunk) {
      if (s.ended) throw new AirlockError('INTERNAL', 'a DLP stream scan was written to after its end');
      const bytes = typeof chunk === 'string' ? Buffer.from(chunk, 'utf8') : chunk;
      const findings: Finding[] = [];
      for (let at = 0; at < bytes.length; at += SCAN_PIECE_BYTES) {
        const piece = bytes.subarray(at, at + SCAN_PIECE_BYTES);
        s.window = s.window.length === 0 ? Buffer.from(piece) : Buffer.concat([s.window, piece]);
        findings.push(...round(scanner, s, false));
      }
      return findings;
    },
    end() {
      if (s.ended) return [];
      s.ended = true;
      return round(scanner, s, true);
    },
    get bytes() {
      return s.windowStart + s.window.length;
    },
  };
}
