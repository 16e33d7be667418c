import type { Scanner } from './scanner.js';
import { createStreamScanner } from './stream.js';
import type { StreamScannerOptions } from './stream.js';
import type { Finding } from './types.js';

/**
 * Large inputs go through the stream scanner in pieces of this size: Node turns a
 * buffer of more than ~1 MiB into a string through fresh memory (page faults, ~200 MB/s
 * here), while pieces this small reuse the heap (several GB/s).
 */
export const SCAN_PIECE_BYTES = 64 * 1024;

/** Scans a whole buffer: findings with byte offsets, lines and byte columns, in offset order. */
export function scanBuffer(scanner: Scanner, input: Buffer, options: StreamScannerOptions = {}): Finding[] {
  const stream = createStreamScanner(scanner, options);
  const findings: Finding[] = [];
  for (let at = 0; at < input.length; at += SCAN_PIECE_BYTES) findings.push(...stream.write(input.subarray(at, at + SCAN_PIECE_BYTES)));
  findings.push(...stream.end());
  return findings;
}

/** Scans a string as its UTF-8 bytes (offsets and columns count bytes). */
export function scanText(scanner: Scanner, text: string): Finding[] {
  return scanBuffer(scanner, Buffer.from(text, 'utf8'));
}
