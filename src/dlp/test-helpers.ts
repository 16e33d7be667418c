import { scanText } from './scan.js';
import { createScanner } from './scanner.js';
import type { ScannerOptions } from './scanner.js';

/**
 * For table-driven tests: what a fresh scanner finds in `text`, each as
 * "rule/confidence=matched text", in offset order.
 */
export function found(text: string, options: ScannerOptions = {}): string[] {
  const bytes = Buffer.from(text, 'utf8');
  return scanText(createScanner(options), text).map((f) => `${f.rule}/${f.confidence}=${bytes.toString('utf8', f.offset, f.offset + f.length)}`);
}
