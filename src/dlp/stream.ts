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
  /** Bytes kept from earlier writes (a copy: the caller may reuse its buffers), from absolute offset tailStart. */
  tail: Buffer;
  tailStart: number;
  /** Absolute offset from which bytes are still needed: LOOKBEHIND_BYTES before the next anchor. */
  keepFrom: number;
  /** Anchors before this absolute offset have run. */
  anchorFrom: number;
  /** Matches not yet final, one per span, at absolute offsets. */
  pending: Map<string, RawMatch>;
  lines: LineCursor | undefined;
  ended: boolean;
}

/** Absolute [from, to) of the stream, out of the kept tail and `bytes` (which starts at absolute `base`); no copy unless it spans both. */
function view(s: StreamState, bytes: Buffer, base: number, from: number, to: number): Buffer {
  if (from >= base) return bytes.subarray(from - base, to - base);
  return Buffer.concat([s.tail.subarray(from - s.tailStart), bytes.subarray(0, Math.max(0, to - base))]);
}

/** Runs the anchors of `window` (from absolute keepFrom) that now have their lookahead; returns the matches that became final. */
function round(scanner: Scanner, s: StreamState, window: Buffer, final: boolean): Finding[] {
  const start = s.keepFrom;
  const text = window.toString('latin1');
  const textEnd = start + text.length;
  const limit = final ? textEnd : textEnd - LOOKAHEAD_BYTES;
  if (limit > s.anchorFrom) {
    mergeBySpan(s.pending, scanner.match(window, text, s.anchorFrom - start, limit - start), start);
    s.anchorFrom = limit;
  }
  // A span is final once no anchor still to run can produce it (they start LOOKBEHIND_BYTES before).
  const safe = final ? Number.POSITIVE_INFINITY : s.anchorFrom - LOOKBEHIND_BYTES;
  const ready = [...s.pending.values()].filter((m) => m.start < safe).sort(byPosition);
  const findings = ready.map((m) => {
    s.pending.delete(`${m.start}:${m.end}`);
    const f = scanner.finding(text, { ...m, start: m.start - start, end: m.end - start }, start);
    return s.lines === undefined ? f : { ...f, ...locate(s.lines, text, start, m.start) };
  });
  s.keepFrom = Math.max(start, Math.min(safe, s.anchorFrom - LOOKBEHIND_BYTES));
  if (s.lines !== undefined) advanceLines(s.lines, text, start, s.keepFrom);
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
  const s: StreamState = { tail: Buffer.alloc(0), tailStart: 0, keepFrom: 0, anchorFrom: 0, pending: new Map(), lines: options.lines === false ? undefined : createLineCursor(), ended: false };
  return {
    write(chunk) {
      if (s.ended) throw new AirlockError('INTERNAL', 'a DLP stream scan was written to after its end');
      const bytes = typeof chunk === 'string' ? Buffer.from(chunk, 'utf8') : chunk;
      const base = s.tailStart + s.tail.length;
      const findings: Finding[] = [];
      for (let at = 0; at < bytes.length; at += SCAN_PIECE_BYTES) {
        const end = base + Math.min(bytes.length, at + SCAN_PIECE_BYTES);
        findings.push(...round(scanner, s, view(s, bytes, base, s.keepFrom, end), false));
      }
      s.tail = Buffer.from(view(s, bytes, base, s.keepFrom, base + bytes.length));
      s.tailStart = s.keepFrom;
      return findings;
    },
    end() {
      if (s.ended) return [];
      s.ended = true;
      return round(scanner, s, s.tail.subarray(s.keepFrom - s.tailStart), true);
    },
    get bytes() {
      return s.tailStart + s.tail.length;
    },
  };
}
