import { charClasses, shannonEntropy } from '../text/entropy.js';
import { isPlaceholder } from '../text/placeholder.js';
import type { Detector, RawMatch } from '../types.js';
import { execAt, startsToken } from './shared.js';

/**
 * AWS access key id (docs.aws.amazon.com IAM "Understanding unique ID prefixes"): a
 * 4-character type prefix (AKIA long-term, ASIA temporary; ABIA, ACCA, A3T* older) and
 * 16 more upper-case letters and digits, 20 in all.
 */
const KEY_ID = /(?:AKIA|ASIA|ABIA|ACCA|A3T[A-Z0-9])[A-Z0-9]{16}(?![A-Za-z0-9])/;

/** A secret access key: 40 characters of base64 (A-Za-z0-9/+), as a whole token. */
const SECRET = /(?<![A-Za-z0-9/+=])[A-Za-z0-9/+]{40}(?![A-Za-z0-9/+=])/;

/** How far after a key id its secret access key is looked for (credentials files, CLI JSON, CSV). */
export const AWS_PAIR_WINDOW_BYTES = 256;

/** Whether a 40-character value looks like a random secret access key, not a path or a word. */
export function isAwsSecretShaped(value: string): boolean {
  return value.length === 40 && shannonEntropy(value) >= 4 && charClasses(value) >= 3 && !isPlaceholder(value);
}

/**
 * The key id (high: the prefix is distinctive), and a secret access key that follows it
 * within AWS_PAIR_WINDOW_BYTES (high: the pair is a usable credential). A secret beside
 * its own name (aws_secret_access_key=...) is found by the generic detector.
 */
export function awsDetector(): Detector {
  const keyId = new RegExp(KEY_ID.source, 'y');
  const secret = new RegExp(SECRET.source, 'g');
  return {
    leads: [['A', 'KSBC3', 'ICT']],
    detect(text: string, at: number, out: RawMatch[]): void {
      const m = execAt(keyId, text, at);
      if (m === null || !startsToken(text, at, /[A-Za-z0-9]/) || isPlaceholder(m[0].slice(4))) return;
      const end = at + m[0].length;
      out.push({ rule: 'aws-access-key-id', confidence: 'high', start: at, end, shown: 4 });
      const window = text.slice(end, end + AWS_PAIR_WINDOW_BYTES);
      secret.lastIndex = 0;
      for (let s = secret.exec(window); s !== null; s = secret.exec(window)) {
        if (!isAwsSecretShaped(s[0])) continue;
        out.push({ rule: 'aws-secret-access-key', confidence: 'high', start: end + s.index, end: end + s.index + 40, shown: 0 });
        return;
      }
    },
  };
}
