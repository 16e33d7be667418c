import { randomBytes } from 'node:crypto';
import type { CredentialRoute } from '../../policy/index.js';

const ALPHABET = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789';
const RANDOM_CHARS = 40;

/** What the sandbox holds instead of a secret: random, per route, per session. */
export interface Placeholder {
  route: CredentialRoute;
  value: string;
}

export function createPlaceholder(route: CredentialRoute, random: (n: number) => Buffer = randomBytes): Placeholder {
  const bytes = random(RANDOM_CHARS);
  let tail = '';
  // 248 = 4 * 62: values above it would bias the alphabet, so they are re-drawn.
  for (let i = 0; tail.length < RANDOM_CHARS; i++) {
    const b = i < bytes.length ? (bytes[i] ?? 0) : (random(1)[0] ?? 0);
    if (b < 248) tail += ALPHABET[b % 62];
  }
  return { route, value: `${route.placeholderPrefix}${tail}` };
}

/** The environment the sandbox gets: each route's placeholder in each of its variables. */
export function placeholderEnv(placeholders: readonly Placeholder[]): Record<string, string> {
  const env: Record<string, string> = {};
  for (const p of placeholders) for (const name of p.route.placeholderEnv) env[name] = p.value;
  return env;
}
