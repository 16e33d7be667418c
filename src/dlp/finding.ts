import { createHmac } from 'node:crypto';
import type { Finding, RawMatch } from './types.js';

/**
 * The masked form of a match: the format's fixed prefix (at most `shown` characters),
 * "****", and the last characters only when the match is long enough that they give
 * little away (4 from 32 characters, 2 from 16, none below).
 */
export function maskPreview(matched: string, shown: number): string {
  const prefix = matched.slice(0, Math.max(0, Math.min(shown, matched.length - 8)));
  const secretLength = matched.length - prefix.length;
  const tail = secretLength >= 32 ? 4 : secretLength >= 16 ? 2 : 0;
  const end = matched.slice(matched.length - tail);
  // A tail of punctuation (a PEM block's closing dashes) tells nothing.
  return tail === 0 || !/[A-Za-z0-9]/.test(end) ? `${prefix}****` : `${prefix}****...${end}`;
}

/** HMAC-SHA256, in hex, of the matched bytes (the text is latin1: one character per byte). */
export function keyedHash(key: Buffer, matched: string): string {
  return createHmac('sha256', key).update(matched, 'latin1').digest('hex');
}

/** A Finding from a match in `text`, at offsets shifted by `base`. */
export function toFinding(key: Buffer, text: string, m: RawMatch, base: number): Finding {
  const matched = text.slice(m.start, m.end);
  const finding: Finding = {
    rule: m.rule,
    confidence: m.confidence,
    offset: base + m.start,
    length: m.end - m.start,
    hmac: keyedHash(key, matched),
    preview: maskPreview(matched, m.shown),
  };
  if (m.label !== undefined) finding.label = m.label;
  return finding;
}

/** Known secrets first, then high, then low; equal ranks by rule name, so the choice never depends on order. */
function rank(m: RawMatch): number {
  return m.rule === 'known-secret' ? 3 : m.confidence === 'high' ? 2 : 1;
}

/** Whether `a` should replace `b` when both matched the same bytes. */
export function outranks(a: RawMatch, b: RawMatch): boolean {
  const d = rank(a) - rank(b);
  return d !== 0 ? d > 0 : a.rule < b.rule;
}

/** Keeps one match per span (start, end): the one that outranks the others. */
export function mergeBySpan(into: Map<string, RawMatch>, matches: readonly RawMatch[], shift = 0): void {
  for (const m of matches) {
    const placed = shift === 0 ? m : { ...m, start: m.start + shift, end: m.end + shift };
    const key = `${placed.start}:${placed.end}`;
    const held = into.get(key);
    if (held === undefined || outranks(placed, held)) into.set(key, placed);
  }
}

/** Matches in offset order (then by end). */
export function byPosition(a: { start: number; end: number }, b: { start: number; end: number }): number {
  return a.start - b.start || a.end - b.end;
}
