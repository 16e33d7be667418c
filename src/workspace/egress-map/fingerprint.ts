/**
 * Content fingerprints for the code-egress map: winnowing (Schleimer, Wilkerson and Aiken,
 * SIGMOD 2003) over hashed k-grams of normalised tokens. Whitespace, comments' layout and
 * JSON escaping do not change the tokens, so code pasted into a prompt still matches.
 */
export const K_GRAM = 12;
export const WINDOW = 8;

const TOKEN = /[A-Za-z_$][A-Za-z0-9_$]*|\d+|[^\sA-Za-z0-9_$]/g;

/** FNV-1a (32-bit) of a string. */
function fnv1a(text: string): number {
  let h = 0x811c9dc5;
  for (let i = 0; i < text.length; i += 1) {
    h ^= text.charCodeAt(i);
    h = Math.imul(h, 0x01000193) >>> 0;
  }
  return h;
}

/** Token hashes of a text, in order. */
export function tokenHashes(text: string): Uint32Array {
  const tokens = text.match(TOKEN) ?? [];
  const out = new Uint32Array(tokens.length);
  for (let i = 0; i < tokens.length; i += 1) out[i] = fnv1a(tokens[i] as string);
  return out;
}

/** The winnowed fingerprints of a text: the minimum k-gram hash of every window (rightmost on ties). */
export function fingerprints(text: string): Set<number> {
  const tokens = tokenHashes(text);
  const grams: number[] = [];
  for (let i = 0; i + K_GRAM <= tokens.length; i += 1) {
    let h = 0x811c9dc5;
    for (let j = i; j < i + K_GRAM; j += 1) h = Math.imul(h ^ (tokens[j] as number), 0x01000193) >>> 0;
    grams.push(h);
  }
  const picked = new Set<number>();
  if (grams.length === 0) return picked;
  if (grams.length <= WINDOW) {
    picked.add(Math.min(...grams));
    return picked;
  }
  for (let i = 0; i + WINDOW <= grams.length; i += 1) {
    let min = grams[i] as number;
    for (let j = i + 1; j < i + WINDOW; j += 1) if ((grams[j] as number) <= min) min = grams[j] as number;
    picked.add(min);
  }
  return picked;
}

/** The text a body carries: every string of a JSON body (prompts are JSON), else the body as text. */
export function bodyText(body: Buffer): string {
  const text = body.toString('utf8');
  try {
    const strings: string[] = [];
    collectStrings(JSON.parse(text) as unknown, strings);
    return strings.join('\n');
  } catch {
    return text;
  }
}

function collectStrings(value: unknown, out: string[]): void {
  if (typeof value === 'string') out.push(value);
  else if (Array.isArray(value)) for (const v of value) collectStrings(v, out);
  else if (value !== null && typeof value === 'object') for (const v of Object.values(value)) collectStrings(v, out);
}
