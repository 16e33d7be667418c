import { z } from 'zod';

export const CONFIDENCES = ['high', 'low'] as const;
export type Confidence = (typeof CONFIDENCES)[number];

/**
 * One secret found. It never holds the secret: `hmac` is HMAC-SHA256 of the matched
 * bytes under the scanner's key (random per scanner unless one is passed in), so two
 * findings of one scanner can be compared, but a short secret cannot be guessed from
 * its hash; `preview` shows at most the format's fixed prefix and the last 0-4 characters.
 */
export const FindingSchema = z.strictObject({
  rule: z.string().min(1),
  confidence: z.enum(CONFIDENCES),
  /** Byte offset of the match from the start of what was scanned. */
  offset: z.number().int().nonnegative(),
  /** Length of the match in bytes. */
  length: z.number().int().positive(),
  /** 1-based line and byte column, where the scan counted lines. */
  line: z.number().int().positive().optional(),
  column: z.number().int().positive().optional(),
  hmac: z.string().regex(/^[0-9a-f]{64}$/),
  preview: z.string(),
  /** The name of a known secret (never its value). */
  label: z.string().optional(),
});
export type Finding = z.infer<typeof FindingSchema>;

/**
 * A detector's match, before it becomes a Finding. Offsets index the scanned text
 * (a latin1 view of the bytes, so one character is one byte).
 */
export interface RawMatch {
  rule: string;
  confidence: Confidence;
  start: number;
  end: number;
  /** How many leading characters are a fixed, public prefix the preview may show. */
  shown: number;
  label?: string;
}

/**
 * The first three characters of an anchor, each as the set of characters allowed there:
 * ['A', 'KSBC3', 'ICT'] for AKIA/ASIA/ABIA/ACCA/A3T. Every match a detector reports at
 * an anchor starts with one of its leads; the prefilter runs the detector only there.
 */
export type Lead = readonly [string, string, string];

/**
 * A detector runs at every position where the prefilter found one of its leads and
 * pushes its matches. It reads text only within the bounds of limits.ts, so what it
 * reports at an anchor does not depend on where a chunk of a stream began or ended.
 */
export interface Detector {
  leads: readonly Lead[];
  detect(text: string, at: number, out: RawMatch[]): void;
}

/** The lead of a word in any letter case: key -> ['Kk', 'Ee', 'Yy']. */
export function anyCase(word: string): Lead {
  const at = (i: number) => `${word.charAt(i).toLowerCase()}${word.charAt(i).toUpperCase()}`;
  return [at(0), at(1), at(2)];
}
