import { distinctChars } from './entropy.js';

/**
 * Words and shapes that mark a value as a stand-in, not a secret: documentation
 * examples, template variables, masked values. Checked on the variable part of a token.
 */
const PLACEHOLDER = /x{4}|X{4}|\*{3}|\.{3}|#{4}|changeme|change[_-]me|placeholder|example|dummy|redacted|your[_-]|insert[_-]|replace[_-]?me|<[^>]*>|\$\{|\{\{|%[sd(]|process\.env|os\.environ|getenv/i;

/** Six or more consecutive characters of the alphabet or digits, up or down (abcdef, 987654). */
function hasSequentialRun(value: string, run = 6): boolean {
  let up = 1;
  let down = 1;
  for (let i = 1; i < value.length; i++) {
    const d = value.charCodeAt(i) - value.charCodeAt(i - 1);
    up = d === 1 && isAlnum(value.charCodeAt(i)) ? up + 1 : 1;
    down = d === -1 && isAlnum(value.charCodeAt(i)) ? down + 1 : 1;
    if (up >= run || down >= run) return true;
  }
  return false;
}

function isAlnum(c: number): boolean {
  return (c >= 48 && c <= 57) || (c >= 65 && c <= 90) || (c >= 97 && c <= 122);
}

/**
 * True for values no real secret looks like: placeholder words, template syntax, one
 * repeated character, very few distinct characters, or a run like "abcdef"/"123456".
 */
export function isPlaceholder(value: string): boolean {
  if (PLACEHOLDER.test(value)) return true;
  if (distinctChars(value) < Math.min(8, Math.ceil(value.length / 3))) return true;
  return hasSequentialRun(value);
}
