import { isPlaceholder } from '../text/placeholder.js';
import type { Confidence, Detector, Lead, RawMatch } from '../types.js';

/** Runs a sticky regular expression at `at`. */
export function execAt(re: RegExp, text: string, at: number): RegExpExecArray | null {
  re.lastIndex = at;
  return re.exec(text);
}

const TOKEN_CHAR = /[A-Za-z0-9_-]/;

/** Whether the character before `at` may not continue a token (so a match cannot start mid-token). */
export function startsToken(text: string, at: number, tokenChar: RegExp = TOKEN_CHAR): boolean {
  return at === 0 || !tokenChar.test(text.charAt(at - 1));
}

/**
 * A format with a fixed prefix and a fixed alphabet: one sticky pattern at the anchor
 * (ending with its own right-hand boundary), a left boundary, and a classification of
 * the token (undefined: not a secret, e.g. a placeholder).
 */
export interface TokenFormat {
  rule: string;
  /** Where the pattern starts (see Lead). */
  lead: Lead;
  pattern: RegExp;
  /** Characters the preview may show: the format's fixed prefix. */
  shown: number;
  /** Characters that may not stand right before the token (default A-Za-z0-9_-). */
  before?: RegExp;
  classify?: (token: string) => Confidence | undefined;
}

/** High unless the variable part (after the fixed prefix) is a placeholder. */
export function highUnlessPlaceholder(shown: number): (token: string) => Confidence | undefined {
  return (token) => (isPlaceholder(token.slice(shown)) ? undefined : 'high');
}

export function tokenDetector(format: TokenFormat): Detector {
  const sticky = new RegExp(format.pattern.source, 'y');
  const classify = format.classify ?? highUnlessPlaceholder(format.shown);
  return {
    leads: [format.lead],
    detect(text: string, at: number, out: RawMatch[]): void {
      const m = execAt(sticky, text, at);
      if (m === null || !startsToken(text, at, format.before)) return;
      const confidence = classify(m[0]);
      if (confidence === undefined) return;
      out.push({ rule: format.rule, confidence, start: at, end: at + m[0].length, shown: format.shown });
    },
  };
}
