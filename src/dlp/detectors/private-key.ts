import { MAX_MATCH_BYTES } from '../limits.js';
import { distinctChars } from '../text/entropy.js';
import type { Detector, RawMatch } from '../types.js';
import { execAt } from './shared.js';

/**
 * PEM private key blocks (RFC 7468 section 10 "PKCS #8", section 11 "Encrypted PKCS #8";
 * RFC 1421 headers for legacy "RSA PRIVATE KEY" with Proc-Type/DEK-Info; OpenSSH's
 * "OPENSSH PRIVATE KEY"; RFC 4880 section 6.2 "PGP PRIVATE KEY BLOCK" armor).
 */
const BEGIN = /-----BEGIN ((?:[A-Z0-9]+ ){0,3}PRIVATE KEY(?: BLOCK)?)-----/;

/** A JSON string field "private_key" right before the block: a Google service-account key file (quotes escaped too, when the file is itself inside a string). */
const GCP_FIELD = /\\*"private_key\\*"\s*:\s*\\*"$/;

/** Minimum base64 characters of a body: an Ed25519 PKCS #8 key is 64. */
const MIN_BODY_CHARS = 64;

/**
 * The base64 of a block's body, with line breaks (real, or \n escapes inside a JSON or
 * code string) and RFC 1421 / RFC 4880 header lines removed; undefined if the body
 * holds anything else.
 */
export function pemBody(raw: string): string | undefined {
  // \n escapes, escaped again when the string sits inside another (\\n), are line breaks.
  const lines = raw.replace(/\\+r\\+n|\\+n|\\+r/g, '\n').split(/\r?\n/);
  const data = lines.filter((l) => !/^[A-Za-z][A-Za-z0-9-]*: /.test(l.trim())).map((l) => l.trim());
  const joined = data.join('');
  return /^[A-Za-z0-9+/=]+$/.test(joined) ? joined : undefined;
}

/** A complete block with a body of real base64; always high. The match is the whole block. */
export function privateKeyDetector(): Detector {
  const begin = new RegExp(BEGIN.source, 'y');
  return {
    leads: [['-', '-', '-']],
    detect(text: string, at: number, out: RawMatch[]): void {
      const m = execAt(begin, text, at);
      if (m === null) return;
      const headerEnd = at + m[0].length;
      const endMarker = `-----END ${m[1] ?? ''}-----`;
      const found = text.slice(headerEnd, at + MAX_MATCH_BYTES - endMarker.length).indexOf(endMarker);
      if (found === -1) return;
      const body = pemBody(text.slice(headerEnd, headerEnd + found));
      // Real bodies hold long runs (OpenSSH's AAAAAAAA), so only too few distinct characters mark a stand-in.
      if (body === undefined || body.length < MIN_BODY_CHARS || distinctChars(body) < 16) return;
      const inJson = GCP_FIELD.test(text.slice(Math.max(0, at - 40), at));
      const rule = inJson ? 'gcp-service-account-key' : 'private-key';
      out.push({ rule, confidence: 'high', start: at, end: headerEnd + found + endMarker.length, shown: m[0].length });
    },
  };
}
