import { z } from 'zod';
import { AirlockError } from '../core/index.js';
import type { Finding } from './types.js';

export const ScanCacheOptionsSchema = z.strictObject({
  /** Segments remembered at most. */
  maxEntries: z.number().int().positive().default(100_000),
  /** Memory the entries may hold at most (keys and findings, estimated), in bytes. */
  maxBytes: z.number().int().positive().default(32 * 1024 * 1024),
});
export type ScanCacheOptions = z.input<typeof ScanCacheOptionsSchema>;

export interface ScanCacheStats {
  entries: number;
  bytes: number;
  hits: number;
  misses: number;
}

/**
 * What a scanner found in a segment, by a key of the scanner and the SHA-256 of the bytes
 * it read: an LRU map bounded in entries and bytes. It holds hashes and findings (which
 * never hold a secret), never content.
 */
export interface ScanCache {
  get(key: string): readonly Finding[] | undefined;
  set(key: string, findings: readonly Finding[]): void;
  readonly stats: ScanCacheStats;
}

/** Key, map slot and array: what an entry costs besides its findings. */
const ENTRY_OVERHEAD_BYTES = 160;
const FINDING_BYTES = 256;

function entryBytes(key: string, findings: readonly Finding[]): number {
  return ENTRY_OVERHEAD_BYTES + key.length * 2 + findings.length * FINDING_BYTES;
}

function parseOptions(options: ScanCacheOptions): z.infer<typeof ScanCacheOptionsSchema> {
  const parsed = ScanCacheOptionsSchema.safeParse(options);
  if (!parsed.success) throw new AirlockError('CONFIG_INVALID', 'invalid DLP scan cache options', { details: parsed.error.issues.map((i) => `${i.path.join('.')}: ${i.message}`) });
  return parsed.data;
}

/** A scan cache; pass it to scanBody. Failure: CONFIG_INVALID (bad options). */
export function createScanCache(options: ScanCacheOptions = {}): ScanCache {
  const limits = parseOptions(options);
  const entries = new Map<string, { findings: readonly Finding[]; bytes: number }>();
  const stats: ScanCacheStats = { entries: 0, bytes: 0, hits: 0, misses: 0 };

  function evict(): void {
    for (const [key, entry] of entries) {
      if (entries.size <= limits.maxEntries && stats.bytes <= limits.maxBytes) break;
      entries.delete(key);
      stats.bytes -= entry.bytes;
    }
    stats.entries = entries.size;
  }

  return {
    get(key) {
      const entry = entries.get(key);
      if (entry === undefined) {
        stats.misses++;
        return undefined;
      }
      stats.hits++;
      entries.delete(key);
      entries.set(key, entry);
      return entry.findings;
    },
    set(key, findings) {
      const old = entries.get(key);
      if (old !== undefined) stats.bytes -= old.bytes;
      entries.delete(key);
      const entry = { findings, bytes: entryBytes(key, findings) };
      entries.set(key, entry);
      stats.bytes += entry.bytes;
      evict();
    },
    stats,
  };
}
