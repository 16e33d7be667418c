import { hash } from 'node:crypto';
import type { ScanCache } from '../cache.js';
import { LOOKAHEAD_BYTES, LOOKBEHIND_BYTES, MAX_START_AFTER_ANCHOR_BYTES } from '../limits.js';
import { scanBuffer } from '../scan.js';
import { SCAN_PIECE_BYTES } from '../stream.js';
import type { Scanner } from '../scanner.js';
import type { Finding } from '../types.js';
import { splitBody } from './split.js';
import type { BodyShape, BodySplit, Segment } from './split.js';

export interface BodyScanOptions {
  /** Findings of segments already scanned; without it every segment is scanned. */
  cache?: ScanCache;
  /** How to cut the body (default splitBody: per message for LLM requests, else chunks). */
  split?: (body: Buffer) => BodySplit;
}

export interface BodyScanStats {
  bytes: number;
  /** Bytes the detectors ran over (segments not in the cache, with their context). */
  bytesScanned: number;
  segments: number;
  cacheHits: number;
}

export interface BodyScan {
  shape: BodyShape;
  /** Offsets relative to the body; no line numbers. */
  findings: Finding[];
  stats: BodyScanStats;
}

/** The bytes a segment's scan reads: itself, or with context, the anchors that can reach into it and theirs. */
function regionOf(segment: Segment, length: number): { start: number; end: number } {
  if (!segment.context) return { start: segment.start, end: segment.end };
  return {
    start: Math.max(0, segment.start - MAX_START_AFTER_ANCHOR_BYTES - LOOKBEHIND_BYTES),
    end: Math.min(length, segment.end + LOOKBEHIND_BYTES + LOOKAHEAD_BYTES),
  };
}

/** The findings of one segment, with offsets relative to the segment's start. */
function scanSegment(scanner: Scanner, body: Buffer, segment: Segment, region: { start: number; end: number }): Finding[] {
  // A large self-contained segment (a long tool result) goes through the stream in pieces.
  if (!segment.context && segment.end - segment.start > SCAN_PIECE_BYTES) return scanBuffer(scanner, body.subarray(segment.start, segment.end), { lines: false });
  const bytes = body.subarray(region.start, region.end);
  const text = bytes.toString('latin1');
  const from = segment.context ? Math.max(0, segment.start - MAX_START_AFTER_ANCHOR_BYTES) - region.start : 0;
  const to = segment.context ? Math.min(body.length, segment.end + LOOKBEHIND_BYTES) - region.start : text.length;
  const own = segment.start - region.start;
  const ownEnd = segment.end - region.start;
  return scanner
    .match(bytes, text, from, to)
    .filter((m) => m.start >= own && m.start < ownEnd)
    .map((m) => scanner.finding(text, m, -own));
}

function cacheKey(scanner: Scanner, body: Buffer, segment: Segment, region: { start: number; end: number }): string {
  // crypto.hash, one shot: twice createHash's speed on segments of a few KB (SHA-NI where the CPU has it).
  const digest = hash('sha256', body.subarray(region.start, region.end), 'base64url');
  return `${scanner.id}:${digest}:${segment.start - region.start}:${segment.end - region.start}`;
}

/**
 * Scans a request body segment by segment, reusing the cache for segments it has seen:
 * an agent that re-sends its whole conversation every turn costs a scan of the new turn
 * (and a SHA-256 of the rest). The findings equal a whole-body scan's, except that a
 * match needing context across two JSON members or messages (an AWS key id in one, its
 * secret in the next) is not made.
 */
export function scanBody(scanner: Scanner, body: Buffer, options: BodyScanOptions = {}): BodyScan {
  const split = (options.split ?? splitBody)(body);
  const stats: BodyScanStats = { bytes: body.length, bytesScanned: 0, segments: split.segments.length, cacheHits: 0 };
  const findings: Finding[] = [];
  for (const segment of split.segments) {
    const region = regionOf(segment, body.length);
    const key = options.cache === undefined ? undefined : cacheKey(scanner, body, segment, region);
    let found = key === undefined ? undefined : options.cache?.get(key);
    if (found === undefined) {
      found = scanSegment(scanner, body, segment, region);
      stats.bytesScanned += region.end - region.start;
      if (key !== undefined) options.cache?.set(key, found);
    } else stats.cacheHits++;
    for (const f of found) findings.push({ ...f, offset: f.offset + segment.start });
  }
  return { shape: split.shape, findings, stats };
}
