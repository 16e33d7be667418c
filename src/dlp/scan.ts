import type { Scanner } from './scanner.js';
import { createStreamScanner } from './stream.js';
import type { StreamScannerOptions } from './stream.js';
import type { Finding } from './types.js';

/** Scans a whole buffer: findings with byte offsets, lines and byte columns, in offset order. */
export function scanBuffer(scanner: Scanner, input: Buffer, options: StreamScannerOptions = {}): Finding[] {
  const stream = createStreamScanner(scanner, options);
  return [...stream.write(input), ...stream.end()];
}

/** Scans a string as its UTF-8 bytes (offsets and columns count bytes). */
export function scanText(scanner: Scanner, text: string): Finding[] {
  return scanBuffer(scanner, Buffer.from(text, 'utf8'));
}
