/**
 * Well-formed fake credentials for tests and the benchmark, from a seeded generator: the
 * same seed gives the same tokens, checksums valid where the format has one. Built at run
 * time so that no credential-shaped literal sits in the repository.
 */
import { crc32Base62 } from './text/checksum.js';

export const BASE62 = '0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz';
const BASE64 = `${BASE62}+/`;
const BASE64URL = `${BASE62}-_`;
const UPPER_DIGITS = 'ABCDEFGHIJKLMNOPQRSTUVWXYZ234567';

/** mulberry32: a small seeded PRNG, uniform in [0, 1). */
export function createRng(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

export function randomChars(rng: () => number, alphabet: string, n: number): string {
  let out = '';
  for (let i = 0; i < n; i++) out += alphabet.charAt(Math.floor(rng() * alphabet.length));
  return out;
}

export function randomBytes(rng: () => number, n: number): Buffer {
  return Buffer.from(Array.from({ length: n }, () => Math.floor(rng() * 256)));
}

/** A GitHub (or npm) token with a valid CRC32 checksum. */
export function checksummedToken(rng: () => number, prefix: string): string {
  const random = randomChars(rng, BASE62, 30);
  return `${prefix}${random}${crc32Base62(random)}`;
}

/** A PEM block of `bytes` random bytes, 64 characters a line (not a usable key, but shaped as one). */
export function pemBlock(rng: () => number, label = 'PRIVATE KEY', bytes = 1190, newline = '\n'): string {
  const body = randomBytes(rng, bytes).toString('base64').match(/.{1,64}/g)?.join(newline) ?? '';
  return `-----BEGIN ${label}-----${newline}${body}${newline}-----END ${label}-----`;
}

function jwtPart(value: unknown): string {
  return Buffer.from(JSON.stringify(value)).toString('base64url');
}

/** A JWT (HS256-shaped) with the given claims and a random signature. */
export function jwt(rng: () => number, claims: Record<string, unknown>): string {
  return `${jwtPart({ alg: 'HS256', typ: 'JWT' })}.${jwtPart(claims)}.${randomChars(rng, BASE64URL, 43)}`;
}

/** One fake credential of each kind the detectors know, keyed by kind. */
export function sampleTokens(rng: () => number): Record<string, string> {
  return {
    'aws-access-key-id': `AKIA${randomChars(rng, UPPER_DIGITS, 16)}`,
    'aws-secret-access-key': randomChars(rng, BASE64, 40),
    'gcp-api-key': `AIza${randomChars(rng, BASE64URL, 35)}`,
    'azure-storage-key': `${randomBytes(rng, 64).toString('base64')}`,
    'github-token': checksummedToken(rng, 'ghp_'),
    'github-fine-grained': `github_pat_${randomChars(rng, BASE62, 22)}_${randomChars(rng, BASE62, 59)}`,
    'gitlab-token': `glpat-${randomChars(rng, BASE64URL, 20)}`,
    'npm-token': checksummedToken(rng, 'npm_'),
    'pypi-token': `pypi-AgEIcHlwaS5vcmc${randomChars(rng, BASE64URL, 150)}`,
    'slack-token': `xoxb-${randomChars(rng, '0123456789', 12)}-${randomChars(rng, '0123456789', 13)}-${randomChars(rng, BASE62, 24)}`,
    'slack-webhook': `https://hooks.slack.com/services/T${randomChars(rng, UPPER_DIGITS, 10)}/B${randomChars(rng, UPPER_DIGITS, 10)}/${randomChars(rng, BASE62, 24)}`,
    'discord-webhook': `https://discord.com/api/webhooks/${randomChars(rng, '0123456789', 19)}/${randomChars(rng, BASE64URL, 68)}`,
    'telegram-bot-token': `${randomChars(rng, '123456789', 10)}:AA${randomChars(rng, BASE64URL, 33)}`,
    'stripe-key': `sk_live_${randomChars(rng, BASE62, 99)}`,
    'anthropic-api-key': `sk-ant-api03-${randomChars(rng, BASE64URL, 93)}AA`,
    'openai-api-key': `sk-proj-${randomChars(rng, BASE64URL, 74)}T3BlbkFJ${randomChars(rng, BASE64URL, 74)}`,
    'private-key': pemBlock(rng),
    'database-url': `postgres://app:${randomChars(rng, BASE62, 20)}@db.prod.example.net:5432/app`,
  };
}
