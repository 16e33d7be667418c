import { AirlockError } from './errors.js';

/**
 * RFC 8785 (JSON Canonicalization Scheme): the one byte string a JSON value hashes to.
 *
 * - Object members sorted by their names as UTF-16 code units (§3.2.3), no whitespace.
 * - Strings as ECMAScript JSON.stringify writes them (§3.2.2.2); lone surrogates are
 *   refused, as §3.2.2.2 requires.
 * - Numbers as ECMAScript Number.prototype.toString (§3.2.2.3); -0 becomes 0;
 *   NaN and the infinities are refused.
 * - undefined object members are left out, as JSON.stringify does.
 *
 * Anything else is refused rather than guessed at (AirlockError 'INTERNAL'): undefined at
 * the top level or in an array, functions, symbols, BigInt, cycles, and objects that are
 * not plain objects or arrays (Date, Map, Buffer, class instances, even with toJSON).
 * The message names the path of the bad value, never the value.
 */
export function canonicalize(value: unknown): string {
  try {
    return serialize(value, []);
  } catch (error) {
    if (error instanceof Refusal) throw refuse(formatPath(error.path), error.why);
    // A getter or proxy that throws, or nesting deep enough to exhaust the stack.
    throw refuse('$', 'reading the value failed (a throwing getter, or nesting too deep)', error);
  }
}

/** Thrown inside the walk; each container adds its key on the way out, so the happy path tracks no path. */
class Refusal {
  readonly path: (string | number)[] = [];
  constructor(readonly why: string) {}
}

// With the u flag a well-formed surrogate pair is one code point outside this range,
// so only lone surrogates match.
const LONE_SURROGATE = /[\uD800-\uDFFF]/u;
// Strings JSON.stringify would copy unchanged between quotes: no '"', '\\', control
// character or surrogate. Most audit strings are such, and skip JSON.stringify.
const PLAIN_STRING = /^[^"\\\u0000-\u001f\uD800-\uDFFF]*$/;

function serialize(value: unknown, ancestors: object[]): string {
  switch (typeof value) {
    case 'string':
      return serializeString(value);
    case 'number':
      if (!Number.isFinite(value)) throw new Refusal(`${String(value)} is not a JSON number (RFC 8785 §3.2.2.3)`);
      // Number.prototype.toString is the §3.2.2.3 algorithm; it prints -0 as "0".
      return String(value);
    case 'boolean':
      return value ? 'true' : 'false';
    case 'object':
      if (value === null) return 'null';
      return serializeContainer(value, ancestors);
    default:
      throw new Refusal(`${value === undefined ? 'undefined' : `a ${typeof value}`} is not a JSON value`);
  }
}

function serializeString(value: string): string {
  if (PLAIN_STRING.test(value)) return `"${value}"`;
  if (LONE_SURROGATE.test(value)) throw new Refusal('the string holds a lone UTF-16 surrogate (RFC 8785 §3.2.2.2)');
  return JSON.stringify(value);
}

function serializeContainer(value: object, ancestors: object[]): string {
  if (ancestors.includes(value)) throw new Refusal('the value contains itself (a cycle)');
  ancestors.push(value);
  let text: string;
  if (Array.isArray(value)) {
    text = serializeArray(value, ancestors);
  } else {
    const proto: unknown = Object.getPrototypeOf(value);
    if (proto !== Object.prototype && proto !== null) {
      const name = (value as { constructor?: { name?: unknown } }).constructor?.name;
      throw new Refusal(`a ${typeof name === 'string' ? name : 'non-plain'} object is not a plain JSON object`);
    }
    text = serializeObject(value as Record<string, unknown>, ancestors);
  }
  ancestors.pop();
  return text;
}

function serializeArray(value: readonly unknown[], ancestors: object[]): string {
  let text = '[';
  let i = 0;
  try {
    for (; i < value.length; i++) {
      const item = value[i];
      // JSON.stringify would quietly write null for undefined or a hole; that changes the data.
      if (item === undefined) throw new Refusal('undefined (or a hole) in an array is not a JSON value');
      text += (i === 0 ? '' : ',') + serialize(item, ancestors);
    }
  } catch (error) {
    if (error instanceof Refusal) error.path.unshift(i);
    throw error;
  }
  return `${text}]`;
}

function serializeObject(value: Record<string, unknown>, ancestors: object[]): string {
  const keys = sortKeys(Object.keys(value));
  let text = '{';
  let first = true;
  let key = '';
  try {
    for (key of keys) {
      const member = value[key];
      if (member === undefined) continue;
      text += `${first ? '' : ','}${serializeString(key)}:${serialize(member, ancestors)}`;
      first = false;
    }
  } catch (error) {
    if (error instanceof Refusal) error.path.unshift(key);
    throw error;
  }
  return `${text}}`;
}

/**
 * §3.2.3 order: by UTF-16 code units, which is what both `<` on strings and the default
 * sort compare. For the few keys an event object has, insertion sort makes the whole of
 * canonicalize about 30% faster than Array.prototype.sort; keys are unique, so
 * stability does not matter.
 */
function sortKeys(keys: string[]): string[] {
  if (keys.length > 12) return keys.sort();
  for (let i = 1; i < keys.length; i++) {
    const key = keys[i] as string;
    let j = i - 1;
    while (j >= 0 && (keys[j] as string) > key) {
      keys[j + 1] = keys[j] as string;
      j--;
    }
    keys[j + 1] = key;
  }
  return keys;
}

function refuse(path: string, why: string, cause?: unknown): AirlockError {
  return new AirlockError(
    'INTERNAL',
    `cannot canonicalize ${path}: ${why}; audit data must hold only plain objects, arrays, strings, finite numbers, booleans and null`,
    { cause },
  );
}

function formatPath(path: readonly (string | number)[]): string {
  let text = '$';
  for (const part of path) {
    text += typeof part === 'number' ? `[${part}]` : /^[A-Za-z_$][\w$]*$/.test(part) ? `.${part}` : `[${JSON.stringify(part)}]`;
  }
  return text;
}
