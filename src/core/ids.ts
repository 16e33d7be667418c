import { randomBytes } from 'node:crypto';

const CROCKFORD = '0123456789abcdefghjkmnpqrstvwxyz';

/**
 * A session id: 10 characters of millisecond time then 16 random ones, Crockford
 * base32, lower case (a ULID). Sorts by creation time; safe in paths, labels and hostnames.
 */
export function createSessionId(nowMs: number, random: (n: number) => Buffer = randomBytes): string {
  let time = '';
  let t = nowMs;
  for (let i = 0; i < 10; i++) {
    time = CROCKFORD[t % 32] + time;
    t = Math.floor(t / 32);
  }
  const bytes = random(16);
  let rand = '';
  for (let i = 0; i < 16; i++) rand += CROCKFORD[(bytes[i] ?? 0) % 32];
  return time + rand;
}

const SESSION_ID = /^[0-9a-hjkmnp-tv-z]{26}$/;

export function isSessionId(value: string): boolean {
  return SESSION_ID.test(value);
}
