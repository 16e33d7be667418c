import { randomBytes } from 'node:crypto';
import { z } from 'zod';
import { AirlockError, Secret } from '../core/index.js';
import { builtinDetectors, knownSecretsDetector } from './detectors/index.js';
import type { KnownSecretBytes } from './detectors/index.js';
import { byPosition, mergeBySpan, toFinding } from './finding.js';
import { MAX_MATCH_BYTES, MIN_KNOWN_SECRET_BYTES } from './limits.js';
import { createPrefilter } from './prefilter.js';
import type { Detector, Finding, RawMatch } from './types.js';

const SecretValue = z.custom<Secret<string | Buffer>>((v) => v instanceof Secret, { message: 'must be a Secret' });

export const ScannerOptionsSchema = z.strictObject({
  /** Secrets Airlock holds (credential routes' real values): matched exactly, in every encoding. */
  knownSecrets: z.array(z.strictObject({ name: z.string().min(1).max(200), value: SecretValue })).default([]),
  /** Issuers (prefixes of "iss") whose JWTs are high, besides the built-in ones. */
  jwtIssuers: z.array(z.string().min(1)).default([]),
  /** Key of the findings' HMAC, at least 32 bytes; random per scanner when absent. */
  hashKey: z.custom<Secret<Buffer>>((v) => v instanceof Secret && Buffer.isBuffer(v.reveal()) && v.reveal().length >= 32, { message: 'must be a Secret holding at least 32 bytes' }).optional(),
});
export type ScannerOptions = z.input<typeof ScannerOptionsSchema>;

/**
 * A compiled set of detectors with one prefilter. Holds no per-scan state: scans are
 * synchronous, so any number of streams may interleave their chunks on one scanner.
 */
export interface Scanner {
  /** Random; distinguishes this scanner's findings (and HMAC key) in a shared cache. */
  readonly id: string;
  /**
   * Runs every detector at every anchor in [from, to) of `bytes`, whose latin1 string
   * (one character per byte) is `text`; one match per span.
   */
  match(bytes: Buffer, text: string, from: number, to: number): RawMatch[];
  /** A Finding for a match of `text`, with offsets shifted by `base`. */
  finding(text: string, m: RawMatch, base: number): Finding;
}

function knownSecretBytes(secrets: z.infer<typeof ScannerOptionsSchema>['knownSecrets']): KnownSecretBytes[] {
  return secrets.map(({ name, value }) => {
    const raw = value.reveal();
    const bytes = Buffer.isBuffer(raw) ? raw : Buffer.from(raw, 'utf8');
    if (bytes.length < MIN_KNOWN_SECRET_BYTES) {
      throw new AirlockError('CONFIG_INVALID', `the known secret "${name}" is ${bytes.length} bytes: DLP matches secrets of ${MIN_KNOWN_SECRET_BYTES} bytes or more, as shorter ones would match by chance`);
    }
    if (bytes.length > MAX_MATCH_BYTES) {
      throw new AirlockError('CONFIG_INVALID', `the known secret "${name}" is ${bytes.length} bytes: DLP matches secrets of at most ${MAX_MATCH_BYTES} bytes (the stream overlap)`);
    }
    return { name, bytes };
  });
}

function parseOptions(options: ScannerOptions): z.infer<typeof ScannerOptionsSchema> {
  const parsed = ScannerOptionsSchema.safeParse(options);
  if (!parsed.success) {
    throw new AirlockError('CONFIG_INVALID', 'invalid DLP scanner options', { details: parsed.error.issues.map((i) => `${i.path.join('.')}: ${i.message}`) });
  }
  return parsed.data;
}

/**
 * Builds a scanner: the built-in detectors, one for the known secrets, and the
 * prefilter that finds every detector's anchors in one pass (prefilter.ts).
 * Failure: CONFIG_INVALID (bad options, a known secret under 8 bytes).
 */
export function createScanner(options: ScannerOptions = {}): Scanner {
  const parsed = parseOptions(options);
  const detectors: Detector[] = builtinDetectors({ jwtIssuers: parsed.jwtIssuers });
  const known = knownSecretsDetector(knownSecretBytes(parsed.knownSecrets));
  if (known !== undefined) detectors.unshift(known);
  const prefilter = createPrefilter(detectors);
  const key = parsed.hashKey?.reveal() ?? randomBytes(32);
  return {
    id: randomBytes(12).toString('hex'),
    match(bytes, text, from, to) {
      const found: RawMatch[] = [];
      prefilter.run(bytes, text, from, to, found);
      const spans = new Map<string, RawMatch>();
      mergeBySpan(spans, found);
      return [...spans.values()].sort(byPosition);
    },
    finding: (text, m, base) => toFinding(key, text, m, base),
  };
}
