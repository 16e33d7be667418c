import { MAX_MATCH_BYTES } from '../limits.js';
import type { Detector, Lead, RawMatch } from '../types.js';
import { execAt } from './shared.js';

/** One secret Airlock holds, as bytes, with a name that may be printed. */
export interface KnownSecretBytes {
  name: string;
  bytes: Buffer;
}

/**
 * The base64 characters that depend only on `bytes` when they sit at `align` (0-2)
 * bytes past a 3-byte group boundary inside a longer blob: the characters that also
 * hold bits of the bytes before or after are cut off (RFC 4648 section 4).
 */
export function base64Core(bytes: Buffer, align: number): string {
  const full = Buffer.concat([Buffer.alloc(align), bytes]).toString('base64').replace(/=+$/, '');
  return full.slice(Math.ceil((8 * align) / 6), Math.floor((8 * (align + bytes.length)) / 6));
}

/** Percent-encoding of every byte outside RFC 3986 section 2.3's unreserved set. */
function percentEncode(bytes: Buffer, lowerHex: boolean, spaceAsPlus: boolean): string {
  let out = '';
  for (const b of bytes) {
    const c = String.fromCharCode(b);
    if (/[A-Za-z0-9\-._~]/.test(c)) out += c;
    else if (spaceAsPlus && b === 0x20) out += '+';
    else out += `%${b.toString(16).padStart(2, '0')[lowerHex ? 'toLowerCase' : 'toUpperCase']()}`;
  }
  return out;
}

/** The JSON string forms (RFC 8259 section 7): as JSON.stringify writes it, and ASCII-only. */
function jsonForms(bytes: Buffer): string[] {
  const text = bytes.toString('utf8');
  if (!Buffer.from(text, 'utf8').equals(bytes)) return [];
  const plain = JSON.stringify(text).slice(1, -1);
  const ascii = plain.replace(/[\u0080-\uffff]/g, (c) => `\\u${c.charCodeAt(0).toString(16).padStart(4, '0')}`);
  return [Buffer.from(plain, 'utf8').toString('latin1'), ascii];
}

/**
 * Every form a secret may take in a body, as latin1 strings (one character per byte):
 * raw; base64 standard and URL-safe at each of the three alignments; percent-encoded
 * (upper and lower hex, and form style with "+"); JSON-escaped. Forms longer than
 * MAX_MATCH_BYTES are left out.
 */
export function secretVariants(bytes: Buffer): string[] {
  const forms = [bytes.toString('latin1')];
  for (const align of [0, 1, 2]) {
    const core = base64Core(bytes, align);
    forms.push(core, core.replace(/\+/g, '-').replace(/\//g, '_'));
  }
  forms.push(percentEncode(bytes, false, false), percentEncode(bytes, true, false), percentEncode(bytes, false, true), ...jsonForms(bytes));
  // A stream keeps MAX_MATCH_BYTES of overlap: a longer form could straddle chunks unseen.
  return [...new Set(forms)].filter((f) => f.length <= MAX_MATCH_BYTES);
}

function escapeRegExp(literal: string): string {
  return literal.replace(/[.*+?^${}()|[\]\\/-]/g, '\\$&').replace(/[\u0000-\u001f\u007f-\u00ff]/g, (c) => `\\x${c.charCodeAt(0).toString(16).padStart(2, '0')}`);
}

/**
 * Exact matches of the secrets Airlock holds, in every encoding of secretVariants;
 * always high, labelled with the secret's name. Longer forms are tried first.
 */
export function knownSecretsDetector(secrets: readonly KnownSecretBytes[]): Detector | undefined {
  const names = new Map<string, string>();
  for (const s of secrets) for (const v of secretVariants(s.bytes)) if (!names.has(v)) names.set(v, s.name);
  if (names.size === 0) return undefined;
  const variants = [...names.keys()].sort((a, b) => b.length - a.length);
  const sticky = new RegExp(`(?:${variants.map(escapeRegExp).join('|')})`, 'y');
  const leads = new Map<string, Lead>(variants.map((v) => [v.slice(0, 3), [v.charAt(0), v.charAt(1), v.charAt(2)]]));
  return {
    leads: [...leads.values()],
    detect(text: string, at: number, out: RawMatch[]): void {
      const m = execAt(sticky, text, at);
      if (m === null) return;
      out.push({ rule: 'known-secret', confidence: 'high', start: at, end: at + m[0].length, shown: 0, label: names.get(m[0]) ?? '' });
    },
  };
}
