import { charClasses, shannonEntropy } from '../text/entropy.js';
import { isPlaceholder } from '../text/placeholder.js';
import { anyCase } from '../types.js';
import type { Detector, Lead, RawMatch } from '../types.js';
import { isAwsSecretShaped } from './aws.js';
import { execAt } from './shared.js';

/** Key-like words, case-insensitive without the slow `i` flag. */
const WORD = '[Kk][Ee][Yy]|[Ss][Ee][Cc][Rr][Ee][Tt]|[Tt][Oo][Kk][Ee][Nn]|[Pp][Aa][Ss][Ss](?:[Ww][Oo][Rr][Dd]|[Ww][Dd])|[Pp][Ww][Dd]|[Cc][Rr][Ee][Dd][Ee][Nn][Tt][Ii][Aa][Ll]|[Aa][Uu][Tt][Hh]';

/** Where the key-like words start: the prefilter's fast path for this detector. */
const LEADS: readonly Lead[] = [anyCase('key'), anyCase('secret'), anyCase('token'), anyCase('pass'), anyCase('pwd'), anyCase('credential'), anyCase('auth')];

/** Characters a value may hold: not space, quotes, brackets, separators or backslash. */
const VALUE = `[^\\s"'\`<>{}()\\[\\],;\\\\]`;

/**
 * The name (key-like word and the rest), closing quote, assignment (= : := =>), opening
 * quote, an optional auth scheme, then the value: 8-256 value characters, all of them.
 */
const ASSIGNMENT = `((?:${WORD})[\\w.-]{0,24})\\\\{0,3}["'\`]?\\s{0,4}(?::=|=>|[:=])\\s{0,4}\\\\{0,3}(["'\`]?)(?:(?:Bearer|Basic|Token|token)\\s+)?(${VALUE}{8,256})(?!${VALUE})`;
const WORD_IN = new RegExp(WORD);

/** Words of a name that say its value is no secret although the name has a key-like word. */
const NOT_SECRET_WORDS = new Set(
  ('keyboard keyword keywords keyframe keyframes keycode keypress keydown keyup keyof keymap monkey turkey donkey hotkey author ' +
    'public pubkey hash digest checksum integrity etag nonce salt uuid guid sha sha1 sha256 sha512 commit cache sort primary foreign ' +
    'partition idempotency i18n translation max min num total input output prompt completion count limit type url uri endpoint ' +
    'length len usage budget index id name path file size format alias prefix field column spacing code expiry expires ttl')
    .split(' '),
);

/** Values that are code, paths, URLs, data, UUIDs or numbers, not secrets. */
const NOT_SECRET_VALUE = /:\/\/|^data:|^(?:\.{0,2}\/|~\/)|^[A-Za-z_$][\w$]*(?:\.[A-Za-z_$][\w$]*)+$|^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$|^[-+]?\d+(?:\.\d+)?$/i;

function isNameChar(c: number): boolean {
  return (c >= 97 && c <= 122) || (c >= 65 && c <= 90) || (c >= 48 && c <= 57) || c === 95 || c === 46 || c === 45;
}

/** The start of the identifier the anchor word is part of (at most 64 characters back). */
function nameStart(text: string, at: number): number {
  let i = at;
  while (i > 0 && at - i < 64 && isNameChar(text.charCodeAt(i - 1))) i--;
  return i;
}

/**
 * Whether an assignment can follow the name at `at`: the name's characters, a quote,
 * a few spaces, then ":" or "=". A cheap look at most 34 characters ahead, made before
 * the regular expression because most key-like words (keys, keyof, tokens) are no assignment.
 */
function assignmentFollows(text: string, at: number): boolean {
  let i = at + 3;
  const nameEnd = Math.min(text.length, at + 28);
  while (i < nameEnd && isNameChar(text.charCodeAt(i))) i++;
  for (let slashes = 0; slashes < 3 && text.charCodeAt(i) === 92; slashes++) i++;
  const q = text.charCodeAt(i);
  if (q === 34 || q === 39 || q === 96) i++;
  for (let spaces = 0; spaces < 4 && (text.charCodeAt(i) === 32 || text.charCodeAt(i) === 9); spaces++) i++;
  const op = text.charCodeAt(i);
  return op === 58 || op === 61;
}

/** The lower-case words of an identifier: apiKey, API_KEY, api-key, api.key -> [api, key]. */
export function nameWords(name: string): string[] {
  return name.replace(/([a-z0-9])([A-Z])/g, '$1 $2').toLowerCase().split(/[^a-z0-9]+/).filter((w) => w !== '');
}

/** Entropy, length and character mix that a random secret has and an identifier or word lacks. */
export function looksRandom(value: string): boolean {
  if (/^[0-9a-fA-F]+$/.test(value)) return value.length >= 32 && shannonEntropy(value) >= 3;
  const classes = charClasses(value);
  const mixed = classes >= 3 || (classes === 2 && /\d/.test(value) && /[A-Za-z]/.test(value));
  return mixed && shannonEntropy(value) >= (value.length < 20 ? 3.2 : 3.5);
}

function isGenericSecret(name: string, value: string, quoted: boolean, next: string): boolean {
  if (nameWords(name).some((w) => NOT_SECRET_WORDS.has(w))) return false;
  if (NOT_SECRET_VALUE.test(value) || isPlaceholder(value)) return false;
  if (!quoted && (value.length < 16 || next === '(')) return false;
  return value.length >= 12 && looksRandom(value);
}

/**
 * High-entropy values beside key-like names (api_key=..., "secret": "...", token: ...,
 * Authorization: Bearer ...): low. A 40-character value named like an AWS secret access
 * key (aws_secret_access_key, SecretAccessKey) is high. Only the first key-like word of
 * a name fires, so "secret_key" is looked at once.
 */
export function genericDetector(): Detector {
  const assignment = new RegExp(ASSIGNMENT, 'y');
  return {
    leads: LEADS,
    detect(text: string, at: number, out: RawMatch[]): void {
      if (!assignmentFollows(text, at)) return;
      const m = execAt(assignment, text, at);
      if (m === null) return;
      const from = nameStart(text, at);
      if (WORD_IN.test(text.slice(from, at))) return;
      const [whole, rest = '', quote = '', raw = ''] = m;
      // The closing quote, escaped as the opening one may be (a JSON string in a JSON string).
      let close = at + whole.length;
      while (close < at + whole.length + 3 && text.charCodeAt(close) === 92) close++;
      if (quote !== '' && text.charAt(close) !== quote) return;
      // Unquoted, a value ends at a query string's "&", URL userinfo's "@", a sentence's full stop.
      const value = quote === '' ? (raw.split(/[&@]/)[0] ?? '').replace(/\.+$/, '') : raw;
      const start = at + whole.length - raw.length;
      const end = start + value.length;
      const name = text.slice(from, at) + rest;
      const next = text.charAt(end);
      const match = { start, end, shown: 0 };
      if (/aws.?secret|^secret.?access.?key$/i.test(name) && isAwsSecretShaped(value)) {
        out.push({ rule: 'aws-secret-access-key', confidence: 'high', ...match });
      } else if (isGenericSecret(name, value, quote !== '', next)) {
        out.push({ rule: 'generic-secret', confidence: 'low', ...match });
      }
    },
  };
}
