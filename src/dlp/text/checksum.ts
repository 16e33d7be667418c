import { crc32 } from 'node:zlib';

const BASE62 = '0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz';

/** A number in base 62 (0-9A-Za-z), left-padded with "0" to `width`. */
export function toBase62(value: number, width: number): string {
  let out = '';
  let n = value;
  do {
    out = BASE62[n % 62] + out;
    n = Math.floor(n / 62);
  } while (n > 0);
  return out.padStart(width, '0');
}

/**
 * The checksum of GitHub's 2021 token formats (ghp_, gho_, ghu_, ghs_, ghr_) and npm's
 * npm_ tokens: CRC32 of the 30 random characters, in base 62, padded to 6 characters,
 * appended to them (github.blog 2021-04-05 "Behind GitHub's new authentication token
 * formats"; github.blog 2021-09-23 "Announcing npm's new access token format").
 */
export function crc32Base62(random: string): string {
  return toBase62(crc32(random), 6);
}

/** Whether the last 6 characters of `body` (prefix removed) are the CRC32 of the rest. */
export function hasValidCrc32Suffix(body: string): boolean {
  return body.length > 6 && crc32Base62(body.slice(0, -6)) === body.slice(-6);
}
