/**
 * A structural walk over the top level of a JSON object in a Buffer (RFC 8259), without
 * decoding it: where each member, or each element of a chosen array member, starts and
 * ends. Anything it does not understand gives undefined, and the caller falls back to
 * chunks, so no byte is ever skipped unseen.
 */

const QUOTE = 0x22;
const BACKSLASH = 0x5c;

export interface JsonRange {
  start: number;
  end: number;
  label: string;
}

function isWs(c: number | undefined): boolean {
  return c === 0x20 || c === 0x0a || c === 0x0d || c === 0x09;
}

export function skipWs(b: Buffer, i: number): number {
  let j = i;
  while (j < b.length && isWs(b[j])) j++;
  return j;
}

/** The index after the string starting at i (b[i] is a quote), or -1. */
export function skipString(b: Buffer, i: number): number {
  for (let j = i + 1; ; ) {
    const k = b.indexOf(QUOTE, j);
    if (k === -1) return -1;
    let slashes = 0;
    while (b[k - 1 - slashes] === BACKSLASH) slashes++;
    if (slashes % 2 === 0) return k + 1;
    j = k + 1;
  }
}

/** The index after the object or array starting at i, skipping strings; -1 if it never closes. */
function skipContainer(b: Buffer, i: number): number {
  let depth = 0;
  for (let j = i; j < b.length; j++) {
    const c = b[j];
    if (c === QUOTE) {
      const after = skipString(b, j);
      if (after === -1) return -1;
      j = after - 1;
    } else if (c === 0x7b || c === 0x5b) depth++;
    else if (c === 0x7d || c === 0x5d) {
      depth--;
      if (depth === 0) return j + 1;
    }
  }
  return -1;
}

const LITERAL = /^(?:true|false|null|-?\d+(?:\.\d+)?(?:[eE][+-]?\d+)?)$/;

/** The index after the value starting at i, or -1. */
export function skipValue(b: Buffer, i: number): number {
  const c = b[i];
  if (c === QUOTE) return skipString(b, i);
  if (c === 0x7b || c === 0x5b) return skipContainer(b, i);
  let j = i;
  while (j < b.length && !isWs(b[j]) && b[j] !== 0x2c && b[j] !== 0x5d && b[j] !== 0x7d) j++;
  return j > i && LITERAL.test(b.toString('latin1', i, j)) ? j : -1;
}

function decodeKey(b: Buffer, start: number, end: number): string | undefined {
  try {
    const key: unknown = JSON.parse(b.toString('utf8', start, end));
    return typeof key === 'string' ? key : undefined;
  } catch {
    return undefined;
  }
}

/** The elements of the array at i: their ranges, and the index after the array; undefined if malformed. */
function walkArray(b: Buffer, i: number, key: string, out: JsonRange[]): number | undefined {
  let j = skipWs(b, i + 1);
  if (b[j] === 0x5d) return j + 1;
  for (let n = 0; ; n++) {
    const end = skipValue(b, j);
    if (end === -1) return undefined;
    out.push({ start: j, end, label: `${key}[${n}]` });
    j = skipWs(b, end);
    if (b[j] === 0x5d) return j + 1;
    if (b[j] !== 0x2c) return undefined;
    j = skipWs(b, j + 1);
  }
}

/** One member at i: its range (or its array's elements), and the index after it. */
function walkMember(b: Buffer, i: number, split: ReadonlySet<string>, out: JsonRange[]): { next: number; key: string } | undefined {
  const keyEnd = b[i] === QUOTE ? skipString(b, i) : -1;
  const key = keyEnd === -1 ? undefined : decodeKey(b, i, keyEnd);
  if (key === undefined) return undefined;
  const colon = skipWs(b, keyEnd);
  if (b[colon] !== 0x3a) return undefined;
  const value = skipWs(b, colon + 1);
  if (split.has(key) && b[value] === 0x5b) {
    const next = walkArray(b, value, key, out);
    return next === undefined ? undefined : { next, key };
  }
  const end = skipValue(b, value);
  if (end === -1) return undefined;
  out.push({ start: i, end, label: key });
  return { next: end, key };
}

/**
 * The ranges of a top-level JSON object: one per member ("key": value), except that a
 * member named in `split` whose value is an array gives one range per element. Bytes
 * outside the ranges are only JSON structure (braces, commas, colons, whitespace) and
 * the names of split members. Returns the ranges and the top-level keys, or undefined.
 */
export function walkJsonObject(b: Buffer, split: ReadonlySet<string>): { ranges: JsonRange[]; keys: string[] } | undefined {
  let i = skipWs(b, 0);
  if (b[i] !== 0x7b) return undefined;
  const ranges: JsonRange[] = [];
  const keys: string[] = [];
  i = skipWs(b, i + 1);
  if (b[i] !== 0x7d) {
    for (;;) {
      const member = walkMember(b, i, split, ranges);
      if (member === undefined) return undefined;
      keys.push(member.key);
      i = skipWs(b, member.next);
      if (b[i] === 0x7d) break;
      if (b[i] !== 0x2c) return undefined;
      i = skipWs(b, i + 1);
    }
  }
  return skipWs(b, i + 1) === b.length ? { ranges, keys } : undefined;
}
